import * as assert from 'node:assert/strict';
import { isValidPlpgsql, isValidSql } from '../../../server/src/engine/parsing/parser';
import { renamingColumn as rule } from '../../../server/src/engine/rules/all/renaming-column';
import { applyEdits, runRule, ruleTester } from './tester';

const HISTORY = {
  '000001_users.up.sql': 'CREATE TABLE users (id bigserial PRIMARY KEY, email varchar(255) COLLATE "C" NOT NULL, name text);',
  '000002_app.up.sql': 'CREATE SCHEMA app;\nCREATE TABLE app.orders (id bigint, total numeric(10,2));',
};

const SOFT = [
  '-- Soft rename of users.email to email_address: both columns stay in sync until no code uses email; drop it (and the trigger) in a later release.',
  'ALTER TABLE users ADD COLUMN email_address character varying(255) COLLATE "C";',
  'CREATE FUNCTION users_email_email_address_sync() RETURNS trigger LANGUAGE plpgsql AS $$',
  'BEGIN',
  "  IF TG_OP = 'INSERT' THEN",
  '    IF NEW.email_address IS NULL THEN NEW.email_address := NEW.email; ELSE NEW.email := NEW.email_address; END IF;',
  '  ELSIF NEW.email_address IS DISTINCT FROM OLD.email_address THEN',
  '    NEW.email := NEW.email_address;',
  '  ELSE',
  '    NEW.email_address := NEW.email;',
  '  END IF;',
  '  RETURN NEW;',
  'END',
  '$$;',
  'CREATE TRIGGER users_email_email_address_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_email_email_address_sync();',
  '-- Backfill; on a large table, do it in batches outside this migration.',
  'UPDATE users SET email_address = email WHERE email_address IS DISTINCT FROM email;',
].join('\n');

ruleTester(rule, {
  valid: [
    { name: 'a table created earlier in the same file', code: 'CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;' },
    { name: 'a column added earlier in the same file', code: 'ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t RENAME a TO b;' },
    {
      name: 'a down file undoing its up rename',
      fileName: '000003_rename.down.sql',
      code: 'ALTER TABLE users RENAME COLUMN email_address TO email;',
      files: { ...HISTORY, '000003_rename.up.sql': 'ALTER TABLE users RENAME COLUMN email TO email_address;' },
    },
    {
      name: 'goose: the down section undoing the up section (the up statement is suppressed here)',
      fileName: '00003_rename.sql',
      code: '-- +goose Up\n-- migration-guard-ignore renaming-column -- intended\nALTER TABLE users RENAME COLUMN email TO email_address;\n-- +goose Down\nALTER TABLE users RENAME COLUMN email_address TO email;\n',
    },
    'ALTER TABLE users RENAME TO accounts;',
    'ALTER VIEW v RENAME COLUMN a TO b;',
    'ALTER TABLE users RENAME CONSTRAINT a TO b;',
    '',
  ],
  invalid: [
    {
      name: 'the schema of earlier migrations gives the type: the fix writes the soft rename',
      fileName: '000003_rename.up.sql',
      files: HISTORY,
      code: 'ALTER TABLE users RENAME COLUMN email TO email_address;\n',
      errors: [
        {
          messageId: 'renameColumn',
          range: '0:0-0:54',
          message:
            'Renaming users.email to email_address breaks every query of the running application that still uses email; add the new column and keep both in sync until no code uses the old one.',
        },
      ],
      output: `${SOFT}\n`,
    },
    {
      name: 'schema-qualified, CRLF, PostgreSQL 10 spells EXECUTE PROCEDURE, type changed earlier in the same file',
      fileName: '000003_rename.up.sql',
      files: HISTORY,
      postgresVersion: 10,
      code: 'ALTER TABLE app.orders ALTER COLUMN total TYPE numeric(12,2);\r\nALTER TABLE app.orders RENAME total TO "Total Amount";',
      errors: [{ messageId: 'renameColumn', range: '1:0-1:53' }],
      output: [
        'ALTER TABLE app.orders ALTER COLUMN total TYPE numeric(12,2);',
        '-- Soft rename of app.orders.total to "Total Amount": both columns stay in sync until no code uses total; drop it (and the trigger) in a later release.',
        'ALTER TABLE app.orders ADD COLUMN "Total Amount" numeric(12,2);',
        'CREATE FUNCTION app."orders_total_Total Amount_sync"() RETURNS trigger LANGUAGE plpgsql AS $$',
        'BEGIN',
        "  IF TG_OP = 'INSERT' THEN",
        '    IF NEW."Total Amount" IS NULL THEN NEW."Total Amount" := NEW.total; ELSE NEW.total := NEW."Total Amount"; END IF;',
        '  ELSIF NEW."Total Amount" IS DISTINCT FROM OLD."Total Amount" THEN',
        '    NEW.total := NEW."Total Amount";',
        '  ELSE',
        '    NEW."Total Amount" := NEW.total;',
        '  END IF;',
        '  RETURN NEW;',
        'END',
        '$$;',
        'CREATE TRIGGER "orders_total_Total Amount_sync" BEFORE INSERT OR UPDATE ON app.orders FOR EACH ROW EXECUTE PROCEDURE app."orders_total_Total Amount_sync"();',
        '-- Backfill; on a large table, do it in batches outside this migration.',
        'UPDATE app.orders SET "Total Amount" = total WHERE "Total Amount" IS DISTINCT FROM total;',
      ].join('\r\n'),
    },
    {
      name: 'no history: the type is unknown, so no fix (never guessed)',
      code: '-- Umbenennung 🚀\nALTER TABLE users RENAME COLUMN email TO mail;',
      errors: [{ messageId: 'renameColumn', range: '1:0-1:45' }],
      output: '-- Umbenennung 🚀\nALTER TABLE users RENAME COLUMN email TO mail;',
    },
    {
      name: 'goose: the up section is reported, its down section undoing it is not',
      fileName: '00003_rename.sql',
      code: '-- +goose Up\nALTER TABLE users RENAME COLUMN email TO email_address;\n-- +goose Down\nALTER TABLE users RENAME COLUMN email_address TO email;\n',
      errors: [{ messageId: 'renameColumn', range: '1:0-1:54' }],
    },
    {
      name: 'a down file renaming what its up did not touch',
      fileName: '000003_rename.down.sql',
      files: { ...HISTORY, '000003_rename.up.sql': 'ALTER TABLE users RENAME COLUMN email TO email_address;' },
      code: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
      errors: [{ messageId: 'renameColumn', range: '0:0-0:49' }],
    },
  ],
});

describe('renaming-column: the fix', () => {
  it('the fixed file parses (SQL and PL/pgSQL) and the rule no longer fires on it', () => {
    const code = 'ALTER TABLE users RENAME COLUMN email TO email_address;\nALTER TABLE app.orders RENAME COLUMN total TO "Total Amount";';
    const found = runRule(rule, { code, fileName: '000003_rename.up.sql', files: HISTORY });
    assert.equal(found.length, 2);
    const fixed = applyEdits(code, found.flatMap((f) => f.fix?.edits ?? []));
    assert.ok(isValidSql(fixed), fixed);
    assert.ok(isValidPlpgsql(fixed), fixed);
    assert.deepEqual(runRule(rule, { code: fixed, fileName: '000003_rename.up.sql', files: HISTORY }), []);
  });
});
