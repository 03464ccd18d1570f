import * as assert from 'node:assert/strict';
import { isValidSql } from '../../../server/src/engine/parsing/parser';
import { banDropCascade as rule } from '../../../server/src/engine/rules/all/ban-drop-cascade';
import { applyEdits, runRule, ruleTester } from './tester';

ruleTester(rule, {
  valid: [
    'DROP TABLE users;',
    'DROP TABLE users RESTRICT;',
    'ALTER TABLE t DROP COLUMN a;',
    'TRUNCATE t CASCADE;',
    'DROP OWNED BY r;',
    "CREATE TABLE cascade (id int);\nDROP TABLE \"cascade\";",
    '',
  ],
  invalid: [
    {
      code: 'DROP TABLE users CASCADE;',
      errors: [
        {
          messageId: 'cascade',
          range: '0:0-0:24',
          message: 'DROP TABLE users CASCADE also drops every object that depends on it (views, foreign keys, defaults ...), without naming them.',
        },
      ],
      output: 'DROP TABLE users;',
    },
    {
      name: 'other objects, a comment before CASCADE, CRLF',
      code: 'DROP VIEW IF EXISTS app.v, w /* all */ CASCADE;\r\nDROP SCHEMA reporting CASCADE;\r\nDROP FUNCTION f(int) CASCADE;\r\nDROP TYPE mood CASCADE;\r\nDROP OWNED BY app_user CASCADE;',
      errors: [
        { messageId: 'cascade', range: '0:0-0:46', message: 'DROP VIEW app.v, w CASCADE also drops every object that depends on it (views, foreign keys, defaults ...), without naming them.' },
        { messageId: 'cascade', range: '1:0-1:29' },
        { messageId: 'cascade', range: '2:0-2:28', message: 'DROP FUNCTION f CASCADE also drops every object that depends on it (views, foreign keys, defaults ...), without naming them.' },
        { messageId: 'cascade', range: '3:0-3:22' },
        { messageId: 'cascade', range: '4:0-4:30', message: 'DROP OWNED CASCADE also drops every object that depends on it (views, foreign keys, defaults ...), without naming them.' },
      ],
      output: 'DROP VIEW IF EXISTS app.v, w /* all */;\r\nDROP SCHEMA reporting;\r\nDROP FUNCTION f(int);\r\nDROP TYPE mood;\r\nDROP OWNED BY app_user;',
    },
    {
      name: 'ALTER TABLE DROP COLUMN / DROP CONSTRAINT ... CASCADE: the range is the subcommand',
      code: '-- Aufräumen 🚀\nALTER TABLE "Kunden" DROP COLUMN "Größe" CASCADE, ADD COLUMN a int, DROP CONSTRAINT k_fk CASCADE;',
      errors: [
        {
          messageId: 'cascade',
          range: '1:21-1:48',
          message: 'ALTER TABLE "Kunden" DROP COLUMN "Größe" CASCADE also drops every object that depends on it (views, foreign keys, defaults ...), without naming them.',
        },
        { messageId: 'cascade', range: '1:68-1:96' },
      ],
      output: '-- Aufräumen 🚀\nALTER TABLE "Kunden" DROP COLUMN "Größe", ADD COLUMN a int, DROP CONSTRAINT k_fk;',
    },
  ],
});

const HISTORY = {
  '000001_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, active boolean);\nCREATE VIEW active_users AS SELECT * FROM users WHERE active;',
  '000001_users.down.sql': 'DROP VIEW active_users;\nDROP TABLE users;',
  '000002_orders.up.sql':
    'CREATE SCHEMA shop;\nCREATE TABLE shop.orders (id bigint, user_id bigint REFERENCES users (id));\nCREATE VIEW recent_active AS SELECT * FROM active_users;\nCREATE TABLE lonely (id int);',
};

ruleTester(rule, {
  valid: [],
  invalid: [
    {
      name: 'the schema of earlier migrations names the views (transitively) and the foreign keys',
      fileName: '000003_drop.up.sql',
      files: HISTORY,
      code: 'DROP TABLE users CASCADE;',
      errors: [
        {
          messageId: 'cascadeKnown',
          range: '0:0-0:24',
          message: 'DROP TABLE users CASCADE also drops view active_users, view recent_active, foreign key orders_user_id_fkey of shop.orders.',
        },
      ],
      output: 'DROP TABLE users;',
    },
    {
      name: 'a table the schema knows with nothing depending on it, and one it does not know',
      fileName: '000003_drop.up.sql',
      files: HISTORY,
      code: 'DROP TABLE lonely CASCADE;\nDROP TABLE nowhere CASCADE;',
      errors: [{ messageId: 'cascade', range: '0:0-0:25' }, { messageId: 'cascade', range: '1:0-1:26' }],
    },
    {
      name: 'a table created later than the file is not in its schema',
      fileName: '000001_users.up.sql',
      files: { '000002_orders.up.sql': HISTORY['000002_orders.up.sql'] },
      code: 'CREATE TABLE users (id bigint PRIMARY KEY);\nDROP TABLE users CASCADE;',
      errors: [{ messageId: 'cascade', range: '1:0-1:24' }],
    },
    {
      name: 'a down file starts from what its up leaves',
      fileName: '000002_orders.down.sql',
      files: HISTORY,
      code: 'DROP TABLE users CASCADE;',
      errors: [{ messageId: 'cascadeKnown', message: 'DROP TABLE users CASCADE also drops view active_users, view recent_active, foreign key orders_user_id_fkey of shop.orders.' }],
    },
  ],
});

describe('ban-drop-cascade: the fix', () => {
  it('the fixed file parses and the rule no longer fires on it', () => {
    const code = 'DROP TABLE a CASCADE;\nALTER TABLE b DROP COLUMN c CASCADE;\nDROP SCHEMA s\n  CASCADE;';
    const found = runRule(rule, { code });
    assert.equal(found.length, 3);
    const fixed = applyEdits(code, found.flatMap((f) => f.fix?.edits ?? []));
    assert.ok(isValidSql(fixed), fixed);
    assert.deepEqual(runRule(rule, { code: fixed }), []);
  });
});

const DEPS = {
  '000001_base.up.sql': [
    'CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, name text, active boolean);',
    'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
    'CREATE VIEW everything AS SELECT * FROM users;',
    'CREATE VIEW names AS SELECT name FROM users;',
    "CREATE SEQUENCE invoice_no;\nCREATE TABLE invoices (no bigint DEFAULT nextval('invoice_no'));",
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
    'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();',
  ].join('\n'),
};

ruleTester(rule, {
  valid: [
    { name: 'nothing depends on a foreign key', fileName: '000002_x.up.sql', files: DEPS, code: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey CASCADE;' },
    { name: 'nothing depends on a trigger', fileName: '000002_x.up.sql', files: DEPS, code: 'DROP TRIGGER users_touch ON users CASCADE;' },
    { name: 'a unique constraint nothing references', fileName: '000002_x.up.sql', files: DEPS, code: 'ALTER TABLE users DROP CONSTRAINT users_email_key CASCADE;' },
  ],
  invalid: [
    {
      name: 'a primary key: the foreign keys resting on it',
      fileName: '000002_x.up.sql',
      files: DEPS,
      code: 'ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;',
      errors: [{ messageId: 'cascadeKnown', range: '0:18-0:52', message: 'ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE also drops foreign key orders_user_id_fkey of orders.' }],
    },
    {
      name: 'a column: the views that read it, by name or with *',
      fileName: '000002_x.up.sql',
      files: DEPS,
      code: 'ALTER TABLE users DROP COLUMN name CASCADE;',
      errors: [{ messageId: 'cascadeKnown', message: 'ALTER TABLE users DROP COLUMN name CASCADE also drops view everything, view names.' }],
    },
    {
      name: 'a sequence: the defaults naming it; a function: its triggers',
      fileName: '000002_x.up.sql',
      files: DEPS,
      code: 'DROP SEQUENCE invoice_no CASCADE;\nDROP FUNCTION touch() CASCADE;',
      errors: [
        { messageId: 'cascadeKnown', range: '0:0-0:32', message: 'DROP SEQUENCE invoice_no CASCADE also drops the default of invoices.no.' },
        { messageId: 'cascadeKnown', range: '1:0-1:29', message: 'DROP FUNCTION touch CASCADE also drops trigger users_touch on users.' },
      ],
    },
    {
      name: 'what earlier statements of the file created counts',
      fileName: '000002_x.up.sql',
      files: DEPS,
      code: 'CREATE VIEW recent AS SELECT id FROM orders;\nDROP TABLE orders CASCADE;',
      errors: [{ messageId: 'cascadeKnown', range: '1:0-1:25', message: 'DROP TABLE orders CASCADE also drops view recent.' }],
    },
  ],
});
