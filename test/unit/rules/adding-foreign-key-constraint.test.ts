import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import type { RuleSetting } from '../../../server/src/engine/config';
import { addingForeignKeyConstraint as rule } from '../../../server/src/engine/rules/all/adding-foreign-key-constraint';
import { applyEdits, formatRange, ruleTester } from './tester';

ruleTester(rule, {
  valid: [
    { name: 'NOT VALID: no scan, brief locks', code: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;' },
    { name: 'a table created in the file', code: 'CREATE TABLE orders (id int, user_id int);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);' },
    { name: 'CREATE TABLE with REFERENCES', code: 'CREATE TABLE orders (id int, user_id int REFERENCES users (id));' },
    'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;',
  ],
  invalid: [
    {
      name: 'ADD CONSTRAINT FOREIGN KEY and ADD COLUMN REFERENCES: both tables locked; the range is the subcommand',
      code: 'ALTER TABLE orders\n  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES app.users (id),\n  ADD COLUMN shop_id int REFERENCES shops;',
      errors: [
        {
          messageId: 'foreignKey',
          range: '1:2-1:79',
          message:
            'Adding foreign key orders_user_fk takes a SHARE ROW EXCLUSIVE lock on orders and on app.users while it checks every row: inserts, updates and deletes on both wait until the migration commits, and so does every query queued behind the lock.',
        },
        {
          messageId: 'foreignKeyColumn',
          range: '2:2-2:41',
          message:
            'Adding column shop_id with a foreign key to shops also takes a SHARE ROW EXCLUSIVE lock on shops: inserts, updates and deletes on it wait until the migration commits, as on orders, and so does every query queued behind the lock.',
        },
      ],
    },
  ],
});

describe('adding-foreign-key-constraint beside constraint-missing-not-valid: one finding per problem', () => {
  const DIR = path.resolve('/virtual/migrations');
  const FILE = path.join(DIR, '000002_fk.up.sql');
  const SQL = 'ALTER TABLE orders\n  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id),\n  ADD COLUMN shop_id int REFERENCES shops;';
  const check = (text: string, rules: Record<string, RuleSetting> = {}): string[] =>
    analyzeFile({ filePath: FILE, text, host: new MemoryFileHost({ [FILE]: text }), rules: { 'require-lock-timeout': 'off', ...rules } })
      .findings.filter((f) => f.ruleId === 'adding-foreign-key-constraint' || f.ruleId === 'constraint-missing-not-valid')
      .map((f) => `${f.ruleId} ${formatRange(f)}`);

  it('ADD CONSTRAINT ... FOREIGN KEY: constraint-missing-not-valid alone (it names both tables and carries the fix); ADD COLUMN ... REFERENCES: this rule', () => {
    assert.deepEqual(check(SQL), ['constraint-missing-not-valid 1:2-1:75', 'adding-foreign-key-constraint 2:2-2:41']);
  });

  it('with constraint-missing-not-valid off, or its finding suppressed, this rule reports the foreign key again', () => {
    assert.deepEqual(check(SQL, { 'constraint-missing-not-valid': 'off' }), ['adding-foreign-key-constraint 1:2-1:75', 'adding-foreign-key-constraint 2:2-2:41']);
    const suppressed = `-- migration-guard-ignore constraint-missing-not-valid -- validated in a quiet window\n${SQL}`;
    assert.deepEqual(check(suppressed), ['adding-foreign-key-constraint 2:2-2:75', 'adding-foreign-key-constraint 3:2-3:41']);
  });

  it('the fix of constraint-missing-not-valid, applied, leaves neither finding on the constraint', () => {
    const found = analyzeFile({ filePath: FILE, text: SQL, host: new MemoryFileHost({ [FILE]: SQL }) }).findings.find((f) => f.ruleId === 'constraint-missing-not-valid');
    assert.ok(found?.fix);
    const fixed = applyEdits(SQL, found.fix.edits);
    assert.deepEqual(check(fixed), ['adding-foreign-key-constraint 2:2-2:41']);
  });
});
