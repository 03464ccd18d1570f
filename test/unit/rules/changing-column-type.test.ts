import * as assert from 'node:assert/strict';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { changingColumnType, isBinaryCoercible } from '../../../server/src/engine/rules/all/changing-column-type';
import { ruleTester } from './tester';

ruleTester(changingColumnType, {
  valid: [
    'ALTER TABLE users ADD COLUMN age integer;',
    'ALTER TABLE users ALTER COLUMN age SET DEFAULT 0, ALTER COLUMN age SET NOT NULL;',
    'CREATE TABLE users (age integer);',
    'ALTER TYPE address ALTER ATTRIBUTE zip TYPE text;',
    '',
  ],
  invalid: [
    // Measured on PostgreSQL 18: timestamp ↔ timestamptz in a session of offset zero keeps the table's
    // storage (relfilenode) and rebuilds only the indexes on the column; in another zone it rewrites.
    {
      name: 'timestamp to timestamptz and back after SET TIME ZONE UTC: the indexes on the column are rebuilt, not the table (the down loses nothing there)',
      files: { '000001_t.up.sql': 'CREATE TABLE events (at timestamp, seen timestamptz);' },
      fileName: '000002_tz.up.sql',
      code: "SET TIME ZONE 'UTC';\nALTER TABLE events ALTER at TYPE timestamptz USING at, ALTER seen TYPE timestamp;",
      errors: [
        {
          messageId: 'changeTypeIndexes',
          range: '1:19-1:53',
          message: 'Changing the type of events.at from timestamp to timestamptz takes an ACCESS EXCLUSIVE lock and rebuilds the indexes on the column (the session time zone is UTC, so the table itself is not rewritten).',
        },
        { messageId: 'changeTypeIndexes', range: '1:55-1:80' },
      ],
    },
    {
      name: 'timestamp to timestamptz: in a zone of another offset, before PostgreSQL 12, or with a USING that computes, the table is rewritten',
      files: { '000001_t.up.sql': 'CREATE TABLE events (at timestamp, at2 timestamp);' },
      fileName: '000002_tz.up.sql',
      code: "SET TIME ZONE 'Etc/GMT+3';\nALTER TABLE events ALTER at TYPE timestamptz;\nSET TIME ZONE 'UTC';\nALTER TABLE events ALTER at2 TYPE timestamptz USING at2 + interval '1 hour';",
      errors: [
        { messageId: 'changeTypeFrom', range: '1:19-1:44' },
        { messageId: 'changeTypeFrom', range: '3:19-3:75' },
      ],
    },
    {
      name: 'timestamp to timestamptz in UTC on PostgreSQL 11: rewritten',
      files: { '000001_t.up.sql': 'CREATE TABLE events (at timestamp);' },
      fileName: '000002_tz.up.sql',
      postgresVersion: 11,
      code: "SET TIME ZONE 'UTC';\nALTER TABLE events ALTER at TYPE timestamptz;",
      errors: [{ messageId: 'changeTypeFrom', range: '1:19-1:44' }],
    },
    {
      code: 'ALTER TABLE users ALTER COLUMN age TYPE bigint;',
      errors: [
        {
          messageId: 'changeType',
          range: '0:18-0:46',
          message: 'Changing the type of users.age to bigint takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
        },
      ],
    },
    {
      name: 'SET DATA TYPE, USING, several subcommands: one finding per type change',
      code: "ALTER TABLE app.orders\n  ALTER total SET DATA TYPE numeric(12, 2) USING total::numeric,\n  ADD COLUMN note text DEFAULT 'a, b',\n  ALTER COLUMN tags TYPE varchar(40)[];",
      errors: [
        {
          messageId: 'changeType',
          range: '1:2-1:63',
          message: 'Changing the type of app.orders.total to numeric(12,2) takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
        },
        {
          messageId: 'changeType',
          range: '3:2-3:38',
          message: 'Changing the type of app.orders.tags to character varying(40)[] takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
        },
      ],
    },
    {
      name: 'non-ASCII text before the statement and in names',
      code: '/* ✓ größer 🚀 */\nALTER TABLE "café" ALTER COLUMN "prix€" TYPE public.money_amount;',
      errors: [
        {
          messageId: 'changeType',
          range: '1:19-1:64',
          message: 'Changing the type of "café"."prix€" to public.money_amount takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
        },
      ],
    },
    {
      name: 'after a syntax error earlier in the file',
      code: 'ALTER TABLE users ALTER COLUMN age TYP bigint;\nALTER TABLE users ALTER COLUMN age TYPE bigint',
      errors: [{ messageId: 'changeType', range: '1:18-1:46' }],
    },
  ],
});

const INIT = {
  '000001_init.up.sql':
    'CREATE TABLE users (name varchar(50), bio varchar(10), price numeric(10,2), net cidr, n numeric(5), notes text, age int);\nCREATE TABLE app.accounts (code varchar(10));',
  '000001_init.down.sql': 'DROP TABLE app.accounts;\nDROP TABLE users;',
};

ruleTester(changingColumnType, {
  valid: [
    {
      name: 'binary-coercible changes of columns defined by earlier migrations',
      fileName: '000002_widen.up.sql',
      files: INIT,
      code:
        'ALTER TABLE users\n  ALTER COLUMN name TYPE varchar(100),\n  ALTER COLUMN bio TYPE text,\n  ALTER COLUMN price TYPE numeric(12,2),\n  ALTER COLUMN net TYPE inet,\n  ALTER COLUMN n TYPE numeric,\n  ALTER COLUMN notes TYPE varchar;',
    },
    { name: 'a schema-qualified table of the model', fileName: '000002_widen.up.sql', files: INIT, code: 'ALTER TABLE app.accounts ALTER COLUMN code TYPE character varying;' },
    {
      name: 'a USING that is the column, or the column cast to the new type',
      fileName: '000002_widen.up.sql',
      files: INIT,
      code: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(60) USING name::varchar(60), ALTER COLUMN bio TYPE text USING bio;',
    },
    { name: 'varchar(n) to the same length', fileName: '000002_widen.up.sql', files: INIT, code: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(50);' },
    { name: 'a column added earlier in the same file', code: 'ALTER TABLE users ADD COLUMN title varchar(50);\nALTER TABLE users ALTER COLUMN title TYPE varchar(80);' },
    { name: 'a type changed earlier in the same file', fileName: '000002_widen.up.sql', files: INIT, code: '-- migration-guard-ignore changing-column-type -- 10 rows\nALTER TABLE users ALTER COLUMN age TYPE numeric(6,2);\nALTER TABLE users ALTER COLUMN age TYPE numeric(8,2);' },
    { name: 'a column renamed earlier in the same file', fileName: '000002_widen.up.sql', files: INIT, code: 'ALTER TABLE users RENAME COLUMN bio TO about;\nALTER TABLE users ALTER COLUMN about TYPE varchar(20);' },
    { name: 'a change that can lose data: narrowing-column-type reports it, not this rule', fileName: '000002_widen.up.sql', files: INIT, code: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(20), ALTER COLUMN age TYPE smallint;' },
    { name: 'a table created earlier in the same file', code: 'CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a TYPE bigint;' },
  ],
  invalid: [
    {
      name: 'a known old type: a new scale, a different type (shrinking is narrowing-column-type\'s alone)',
      fileName: '000002_change.up.sql',
      files: INIT,
      code: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(20), ALTER COLUMN price TYPE numeric(12,3), ALTER COLUMN age TYPE bigint, ALTER COLUMN notes TYPE varchar(20);',
      errors: [
        {
          messageId: 'changeTypeFrom',
          range: '0:54-0:91',
          message: 'Changing the type of users.price from numeric(10,2) to numeric(12,3) takes an ACCESS EXCLUSIVE lock and rewrites the table and its indexes.',
        },
        { messageId: 'changeTypeFrom', range: '0:93-0:121', message: 'Changing the type of users.age from integer to bigint takes an ACCESS EXCLUSIVE lock and rewrites the table and its indexes.' },
      ],
    },
    {
      name: 'narrowing a column added earlier in the file: no old data to lose, still the lock',
      fileName: '000002_change.up.sql',
      files: INIT,
      code: 'ALTER TABLE users ADD COLUMN title varchar(50);\nALTER TABLE users ALTER COLUMN title TYPE varchar(20);',
      errors: [{ messageId: 'changeTypeFrom', range: '1:18-1:53' }],
    },
    {
      name: 'a USING that computes, or COLLATE: reported even when the types are compatible',
      fileName: '000002_change.up.sql',
      files: INIT,
      code: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(60) USING lower(name);\nALTER TABLE users ALTER COLUMN bio TYPE text COLLATE "C";\nALTER TABLE users ALTER COLUMN notes TYPE varchar USING notes::varchar(10);',
      errors: [
        { messageId: 'changeTypeFrom', range: '0:18-0:70' },
        { messageId: 'changeTypeFrom', range: '1:18-1:56' },
        { messageId: 'changeTypeFrom', range: '2:18-2:74' },
      ],
    },
    {
      name: 'a later migration does not define the column for an earlier one',
      fileName: '000002_change.up.sql',
      files: { '000003_later.up.sql': 'CREATE TABLE users (name varchar(10));' },
      code: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(20);',
      errors: [{ messageId: 'changeType', range: '0:18-0:52' }],
    },
    {
      name: 'a down file starts from the schema its up leaves',
      fileName: '000002_widen.down.sql',
      files: { ...INIT, '000002_widen.up.sql': 'ALTER TABLE users ALTER COLUMN name TYPE varchar(100);' },
      code: 'ALTER TABLE users ALTER COLUMN name TYPE integer USING length(name);',
      errors: [
        {
          messageId: 'changeTypeFrom',
          range: '0:18-0:67',
          message: 'Changing the type of users.name from character varying(100) to integer takes an ACCESS EXCLUSIVE lock and rewrites the table and its indexes.',
        },
      ],
    },
    {
      name: 'a renamed column keeps its type; a dropped and re-added one takes the new one',
      fileName: '000002_change.up.sql',
      files: INIT,
      code: 'ALTER TABLE users RENAME COLUMN notes TO remarks;\nALTER TABLE users ALTER COLUMN remarks TYPE jsonb USING remarks::jsonb;\nALTER TABLE users DROP COLUMN bio, ADD COLUMN bio int;\nALTER TABLE users ALTER COLUMN bio TYPE text;',
      errors: [
        { messageId: 'changeTypeFrom', range: '1:18-1:70', message: 'Changing the type of users.remarks from text to jsonb takes an ACCESS EXCLUSIVE lock and rewrites the table and its indexes.' },
        { messageId: 'changeTypeFrom', range: '3:18-3:44', message: 'Changing the type of users.bio from integer to text takes an ACCESS EXCLUSIVE lock and rewrites the table and its indexes.' },
      ],
    },
  ],
});

describe('changing-column-type: binary-coercible changes', () => {
  const t = (sql: string) => {
    const stmt = parseSql(`CREATE TABLE x (c ${sql});`).statements[0]!.ast!;
    const col = 'CreateStmt' in stmt ? stmt.CreateStmt.tableElts![0]! : undefined;
    return col && 'ColumnDef' in col ? col.ColumnDef.typeName : undefined;
  };
  const cases: [string, string, boolean][] = [
    ['varchar(10)', 'varchar(10)', true],
    ['varchar(10)', 'varchar(11)', true],
    ['varchar(10)', 'varchar(9)', false],
    ['varchar(10)', 'varchar', true],
    ['varchar', 'varchar(10)', false],
    ['varchar(10)', 'text', true],
    ['text', 'varchar', true],
    ['text', 'varchar(100)', false],
    ['numeric(5,2)', 'numeric(7,2)', true],
    ['numeric(5)', 'numeric(7,0)', true],
    ['decimal(5,2)', 'numeric(7,2)', true],
    ['numeric(5,2)', 'numeric(7,3)', false],
    ['numeric(5,2)', 'numeric(4,2)', false],
    ['numeric', 'numeric(10,2)', false],
    ['numeric(5,2)', 'numeric', true],
    ['cidr', 'inet', true],
    ['inet', 'cidr', false],
    ['int', 'bigint', false],
    ['varchar(10)[]', 'varchar(20)[]', false],
    ['char(10)', 'text', false],
  ];
  for (const [from, to, expected] of cases) {
    it(`${from} → ${to}: ${expected ? 'no rewrite' : 'reported'}`, () => {
      assert.equal(isBinaryCoercible(t(from), t(to)), expected);
    });
  }
});
