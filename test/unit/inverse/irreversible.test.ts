import * as assert from 'node:assert/strict';
import { invertStatement } from '../../../server/src/engine/inverse';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { down, golden } from './golden';

describe('inverse: irreversible statements', () => {
  golden([
    { name: 'DROP TABLE', up: 'DROP TABLE users;', down: ['-- TODO irreversible: DROP TABLE users deletes its rows; restore them from a backup'] },
    {
      name: 'DROP TABLE of several tables with CASCADE',
      up: 'DROP TABLE IF EXISTS app."order", "user" CASCADE;',
      down: ['-- TODO irreversible: DROP TABLE app."order", "user" deletes their rows; restore them from a backup (CASCADE may have dropped dependent objects too)'],
    },
    {
      name: 'DROP INDEX',
      up: 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;',
      down: ['-- TODO irreversible: DROP INDEX users_email_idx: its definition is unknown here; recreate it as the migration that created it did'],
    },
    {
      name: 'DROP FUNCTION names its signature',
      up: 'DROP FUNCTION app.f(int, text);',
      down: ['-- TODO irreversible: DROP FUNCTION app.f(integer, text): its definition is unknown here; recreate it as the migration that created it did'],
    },
    {
      name: 'DROP TRIGGER names its table',
      up: 'DROP TRIGGER IF EXISTS tr ON "user";',
      down: ['-- TODO irreversible: DROP TRIGGER tr ON "user": its definition is unknown here; recreate it as the migration that created it did'],
    },
    {
      name: 'DROP SEQUENCE',
      up: 'DROP SEQUENCE s;',
      down: ['-- TODO irreversible: DROP SEQUENCE s: its definition and current value are unknown here; recreate it and call setval by hand'],
    },
    {
      name: 'DROP SCHEMA',
      up: 'DROP SCHEMA legacy CASCADE;',
      down: ['-- TODO irreversible: DROP SCHEMA legacy: its contents are unknown here; recreate them as the migrations that created them did (CASCADE may have dropped dependent objects too)'],
    },
    { name: 'DROP TYPE', up: 'DROP TYPE app.mood;', down: ['-- TODO irreversible: DROP TYPE app.mood: its definition is unknown here; recreate it as the migration that created it did'] },
    {
      name: 'INSERT',
      up: "INSERT INTO settings (k, v) VALUES ('a', 'b');",
      down: ['-- TODO irreversible: INSERT INTO settings adds rows that the inverse cannot tell apart from the others; delete them by hand'],
    },
    {
      name: 'UPDATE',
      up: "UPDATE app.users SET status = 'active' WHERE status IS NULL;",
      down: ['-- TODO irreversible: UPDATE app.users overwrites values whose earlier contents are unknown here; restore them from a backup if they matter'],
    },
    { name: 'DELETE', up: 'DELETE FROM "order" WHERE total = 0;', down: ['-- TODO irreversible: DELETE FROM "order" deletes rows; restore them from a backup'] },
    { name: 'TRUNCATE', up: 'TRUNCATE a, b;', down: ['-- TODO irreversible: TRUNCATE a, b deletes every row; restore them from a backup'] },
    {
      name: 'ALTER COLUMN TYPE',
      up: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;',
      down: ['-- TODO irreversible: ALTER COLUMN id TYPE on users: the earlier type is unknown here, and converting back may lose data; write the reverse conversion by hand'],
    },
    {
      name: 'DO block',
      up: "DO $$ BEGIN RAISE NOTICE 'x'; END $$;",
      down: ['-- TODO irreversible: the DO block runs code that the inverse cannot read; undo its effects by hand'],
    },
    {
      name: 'SELECT may call functions with side effects',
      up: "SELECT setval('s', 100);",
      down: ["-- TODO irreversible: SELECT setval('s', 100) may change data through the functions it calls; undo that by hand if it does"],
    },
    { name: 'GRANT', up: 'GRANT SELECT ON users TO readonly;', down: ['-- TODO irreversible: GRANT SELECT ON users TO readonly: write the matching REVOKE by hand'] },
    {
      name: 'COMMENT ON an object this migration does not create',
      up: "COMMENT ON COLUMN app.users.email IS 'login';",
      down: [
        "-- TODO irreversible: COMMENT ON COLUMN app.users.email: the earlier comment is unknown here; restore it with COMMENT ON COLUMN app.users.email IS '...' (or IS NULL if there was none)",
      ],
    },
    {
      name: 'COMMENT ON FUNCTION',
      up: "COMMENT ON FUNCTION f(int) IS 'x';",
      down: ["-- TODO irreversible: COMMENT ON FUNCTION f(integer): the earlier comment is unknown here; restore it with COMMENT ON FUNCTION f(integer) IS '...' (or IS NULL if there was none)"],
    },
    {
      name: 'ALTER SEQUENCE',
      up: 'ALTER SEQUENCE s RESTART WITH 100;',
      down: ["-- TODO irreversible: ALTER SEQUENCE s RESTART WITH 100: the sequence's earlier options are unknown here; restore them with ALTER SEQUENCE by hand"],
    },
    {
      name: 'ALTER FUNCTION without the schema: the earlier attributes are unknown',
      up: 'ALTER FUNCTION f(int) IMMUTABLE;',
      down: ['-- TODO irreversible: ALTER FUNCTION f(int) IMMUTABLE: the earlier attributes of f(integer) are unknown here; set them back with ALTER FUNCTION by hand'],
    },
    {
      name: 'ALTER FUNCTION of a function this migration creates: nothing to undo',
      up: 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nALTER FUNCTION f() STABLE;',
      down: ['-- Nothing to undo: ALTER FUNCTION f() STABLE only changes a function that this migration creates', '', 'DROP FUNCTION f();'],
    },
    {
      name: 'ALTER FUNCTION ... OWNER TO: the earlier owner is unknown',
      up: 'ALTER FUNCTION f() OWNER TO app;',
      down: ['-- TODO irreversible: ALTER FUNCTION f() OWNER TO app: the earlier owner is unknown here; set it back with OWNER TO by hand'],
    },
    {
      name: 'SET SCHEMA of a qualified object → moved back; of an unqualified one without the schema → not guessed',
      up: 'ALTER TABLE public.users SET SCHEMA app;\nALTER TYPE mood SET SCHEMA app;',
      down: ['-- TODO irreversible: ALTER TYPE mood SET SCHEMA app: the schema mood was in is unknown here; move it back with SET SCHEMA by hand', '', 'ALTER TABLE app.users SET SCHEMA public;'],
    },
    {
      name: 'a statement with no known inverse is quoted on one line',
      up: 'CREATE PUBLICATION pub\n  FOR TABLE users;',
      down: ['-- TODO irreversible: no inverse is generated for CREATE PUBLICATION pub FOR TABLE users; write it by hand'],
    },
    {
      name: 'a statement that does not parse',
      up: 'CREATE TABLE ok (id int);\n\nCREATE TABLE (;',
      down: ['-- TODO irreversible: the statement at line 3 could not be parsed (syntax error at or near "("); write its inverse by hand', '', 'DROP TABLE ok;'],
    },
  ]);
});

describe('inverse: statements with nothing to undo', () => {
  golden([
    {
      name: 'transaction control and SET produce no output',
      up: "BEGIN;\nSET lock_timeout = '5s';\nSET LOCAL statement_timeout = 0;\nCREATE TABLE t (id int);\nCOMMIT;",
      down: ['DROP TABLE t;'],
    },
    { name: 'a file with nothing to undo says so', up: 'BEGIN;\nCOMMIT;', down: ['-- Nothing to undo: the up migration has no statements that change the database.'] },
    { name: 'an empty file', up: '', down: ['-- Nothing to undo: the up migration has no statements that change the database.'] },
    { name: 'VACUUM / ANALYZE', up: 'ANALYZE users;', down: ['-- Nothing to undo: ANALYZE users changes no schema or data'] },
    {
      name: 'REFRESH MATERIALIZED VIEW',
      up: 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily;',
      down: ['-- Nothing to undo: REFRESH MATERIALIZED VIEW CONCURRENTLY daily only recomputes derived data'],
    },
  ]);

  it('invertStatement returns the step shapes: SQL, irreversible, note, parts, and nothing for BEGIN', () => {
    const file = parseSql(
      'BEGIN; CREATE TABLE t (id int); DROP TABLE u; ANALYZE t; ALTER TABLE t ADD COLUMN a int, DROP COLUMN b;',
    );
    const steps = file.statements.map((s) => invertStatement(s));
    assert.deepEqual(steps, [
      { sql: [] },
      { sql: ['DROP TABLE t;'] },
      { irreversible: 'DROP TABLE u deletes its rows; restore them from a backup' },
      { note: 'ANALYZE t changes no schema or data' },
      {
        parts: [
          { irreversible: 'DROP COLUMN t.b deletes the column and its data; restore them from a backup' },
          { sql: 'ALTER TABLE t DROP COLUMN a;' },
        ],
      },
    ]);
  });

  it('a line break in a quoted name cannot escape the TODO comment', () => {
    const text = down('DROP TABLE "a\nb";');
    assert.equal(text, '-- TODO irreversible: DROP TABLE "a b" deletes its rows; restore them from a backup\n');
  });
});
