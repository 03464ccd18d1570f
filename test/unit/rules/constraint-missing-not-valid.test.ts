import * as assert from 'node:assert/strict';
import { constraintMissingNotValid } from '../../../server/src/engine/rules/all/constraint-missing-not-valid';
import { runRule, ruleTester, type InvalidCase } from './tester';
import { fixResolves } from './fix-resolves';

const rule = constraintMissingNotValid;
const LATER = '-- Move this VALIDATE to a later migration: here it would scan while this migration still holds its lock.';

const invalid: InvalidCase[] = [
  {
    name: 'a named foreign key',
    code: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    errors: [
      {
        messageId: 'foreignKey',
        range: '0:19-0:92',
        message:
          'Adding foreign key orders_user_fk to orders without NOT VALID checks every existing row under a SHARE ROW EXCLUSIVE lock on orders and users: writes to both wait until the scan ends.',
      },
    ],
    output: `ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n${LATER}\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;`,
  },
  {
    name: 'an unnamed check gets the name PostgreSQL would give it',
    code: 'ALTER TABLE app.orders ADD CHECK (total >= 0)',
    errors: [
      {
        messageId: 'check',
        range: '0:23-0:45',
        message:
          'Adding check constraint orders_total_check to app.orders without NOT VALID scans every row under an ACCESS EXCLUSIVE lock: reads and writes of app.orders wait until the scan ends.',
      },
    ],
    output: `ALTER TABLE app.orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\n${LATER}\nALTER TABLE app.orders VALIDATE CONSTRAINT orders_total_check;`,
  },
  {
    name: 'several clauses, an unnamed composite foreign key with ON DELETE, indentation and CRLF',
    code: '  ALTER TABLE line_items\r\n    ADD COLUMN note text,\r\n    ADD FOREIGN KEY (order_id, shop_id) REFERENCES orders (id, shop_id) ON DELETE CASCADE;\r\n  SELECT 1;',
    errors: [{ messageId: 'foreignKey', range: '2:4-2:89' }],
    output:
      '  ALTER TABLE line_items\r\n    ADD COLUMN note text,\r\n    ADD CONSTRAINT line_items_order_id_shop_id_fkey FOREIGN KEY (order_id, shop_id) REFERENCES orders (id, shop_id) ON DELETE CASCADE NOT VALID;\r\n' +
      `  ${LATER}\r\n  ALTER TABLE line_items VALIDATE CONSTRAINT line_items_order_id_shop_id_fkey;\r\n  SELECT 1;`,
  },
  {
    name: 'a check over two columns, quoted names',
    code: 'ALTER TABLE "Events" ADD CONSTRAINT "Ends after start" CHECK ("end" > start);',
    errors: [{ messageId: 'check', range: '0:21-0:76' }],
    output: `ALTER TABLE "Events" ADD CONSTRAINT "Ends after start" CHECK ("end" > start) NOT VALID;\n${LATER}\nALTER TABLE "Events" VALIDATE CONSTRAINT "Ends after start";`,
  },
];

ruleTester(rule, {
  valid: [
    'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    'ALTER TABLE orders ADD CHECK (total >= 0) NOT VALID;',
    'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
    'CREATE TABLE orders (id int, user_id int);\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);',
    'ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);',
    'CREATE TABLE t (a int CHECK (a > 0), b int REFERENCES u (id));',
    '-- migration-guard-ignore constraint-missing-not-valid -- orders is empty in every environment\nALTER TABLE orders ADD CHECK (total >= 0);',
  ],
  invalid,
});

fixResolves(rule, invalid);

describe('constraint-missing-not-valid: fix', () => {
  it('is titled with the constraint name', () => {
    const f = runRule(rule, { code: 'ALTER TABLE t ADD CHECK (a > 0);' });
    assert.equal(f[0]?.fix?.title, 'Add t_a_check as NOT VALID and validate it separately');
  });

  it('keeps a derived name within 63 bytes, truncating the longer part as PostgreSQL does', () => {
    const table = 'x'.repeat(60);
    const f = runRule(rule, { code: `ALTER TABLE ${table} ADD FOREIGN KEY (user_id) REFERENCES users (id);` });
    const name = /VALIDATE CONSTRAINT (\w+);/.exec(f[0]!.fix!.edits.map((e) => e.newText).join(''))?.[1] ?? '';
    assert.equal(name, `${'x'.repeat(50)}_user_id_fkey`);
  });
});
