import * as assert from 'node:assert/strict';
import { isValidSql } from '../../../server/src/engine/parsing/parser';
import { renamingTable as rule } from '../../../server/src/engine/rules/all/renaming-table';
import { applyEdits, runRule, ruleTester } from './tester';

ruleTester(rule, {
  valid: [
    { name: 'soft rename: a view with the old name over the new one', code: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;' },
    {
      name: 'soft rename in a schema',
      code: 'ALTER TABLE app.users RENAME TO accounts;\nCREATE OR REPLACE VIEW app.users AS SELECT id, email FROM app.accounts;',
    },
    { name: 'a table created earlier in the same file', code: 'CREATE TABLE tmp (id int);\nALTER TABLE tmp RENAME TO users;' },
    {
      name: 'a down file undoing the rename of its up',
      fileName: '000002_rename.down.sql',
      code: 'ALTER TABLE accounts RENAME TO users;',
      files: { '000002_rename.up.sql': 'ALTER TABLE users RENAME TO accounts;' },
    },
    {
      name: 'a down file renaming a table its up created',
      fileName: '000002_x.down.sql',
      code: 'ALTER TABLE t RENAME TO t_old;',
      files: { '000002_x.up.sql': 'CREATE TABLE t (id int);' },
    },
    'ALTER TABLE users RENAME COLUMN a TO b;',
    'ALTER INDEX i RENAME TO j;',
    'ALTER VIEW v RENAME TO w;',
    '',
  ],
  invalid: [
    {
      code: 'ALTER TABLE users RENAME TO accounts;',
      errors: [
        {
          messageId: 'renameTable',
          range: '0:0-0:36',
          message:
            'Renaming table users to accounts breaks every query of the running application that still uses users; keep a view with the old name until no code uses it.',
        },
      ],
      output: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;',
    },
    {
      name: 'schema-qualified, quoted, CRLF, no final semicolon',
      code: '-- Umbenennung 🚀\r\nALTER TABLE IF EXISTS app."Users" RENAME TO "Konten"',
      errors: [{ messageId: 'renameTable', range: '1:0-1:52' }],
      output: '-- Umbenennung 🚀\r\nALTER TABLE IF EXISTS app."Users" RENAME TO "Konten";\r\nCREATE VIEW app."Users" AS SELECT * FROM app."Konten"',
    },
    {
      name: 'a view with the old name over another table is no soft rename',
      code: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM people;',
      errors: [{ messageId: 'renameTable', range: '0:0-0:36' }],
    },
    {
      name: 'a view created before the rename does not count',
      code: 'CREATE VIEW users2 AS SELECT 1;\nALTER TABLE users RENAME TO accounts;',
      errors: [{ messageId: 'renameTable', range: '1:0-1:36' }],
    },
    {
      name: 'a down file renaming what its up did not touch',
      fileName: '000002_rename.down.sql',
      code: 'ALTER TABLE orders RENAME TO orders_old;',
      files: { '000002_rename.up.sql': 'ALTER TABLE users RENAME TO accounts;' },
      errors: [{ messageId: 'renameTable', range: '0:0-0:39' }],
    },
  ],
});

describe('renaming-table: the fix', () => {
  it('the fixed file parses and the rule no longer fires on it', () => {
    for (const code of ['ALTER TABLE users RENAME TO accounts;\nSELECT 1;', 'ALTER TABLE app.users RENAME TO accounts /* x */ ;']) {
      const found = runRule(rule, { code });
      assert.equal(found.length, 1);
      const fixed = applyEdits(code, found[0]!.fix!.edits);
      assert.ok(isValidSql(fixed), fixed);
      assert.deepEqual(runRule(rule, { code: fixed }), []);
    }
  });
});
