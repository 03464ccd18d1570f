import * as assert from 'node:assert/strict';
import { transactionIncompatibleStatement as rule } from '../../../server/src/engine/rules/all/transaction-incompatible-statement';
import { runRule, ruleTester } from './tester';

ruleTester(rule, {
  valid: [
    { name: 'alone in its file', code: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);' },
    { name: 'alone, with comments around it', code: '-- the index\n/* concurrently */\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- done\n' },
    'CREATE INDEX i ON t (a);\nCREATE TABLE u (id int);',
    'DROP INDEX i;\nDROP TABLE t;',
    'ANALYZE t;\nSELECT 1;',
    'CLUSTER t USING t_pkey;\nSELECT 1;',
    'REINDEX TABLE t;\nSELECT 1;',
    'DISCARD PLANS;\nSELECT 1;',
    'REFRESH MATERIALIZED VIEW CONCURRENTLY mv;\nSELECT 1;',
    "ALTER DATABASE d SET work_mem = '8MB';\nSELECT 1;",
    { name: 'ADD VALUE on PostgreSQL 12+', code: "ALTER TYPE mood ADD VALUE 'meh';\nSELECT 1;", postgresVersion: 12 },
    {
      name: 'ADD VALUE before 12 on a type created earlier in the same file',
      code: "CREATE TYPE app.mood AS ENUM ('ok');\nALTER TYPE app.mood ADD VALUE 'meh';",
      postgresVersion: 11,
    },
    {
      name: 'ADD VALUE before 12, type created unqualified and altered as public.',
      code: "CREATE TYPE mood AS ENUM ('ok');\nALTER TYPE public.mood ADD VALUE 'meh';",
      postgresVersion: 10,
    },
    { name: 'RENAME VALUE before 12', code: "ALTER TYPE mood RENAME VALUE 'a' TO 'b';\nSELECT 1;", postgresVersion: 11 },
    "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (create_slot = false);\nSELECT 1;",
    "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (connect = false);\nSELECT 1;",
    'ALTER SUBSCRIPTION s SET PUBLICATION p WITH (refresh = false);\nSELECT 1;',
    'ALTER TABLE p DETACH PARTITION p1;\nSELECT 1;',
    '',
  ],
  invalid: [
    {
      name: 'CREATE INDEX CONCURRENTLY after another statement',
      code: "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
      errors: [
        {
          messageId: 'incompatible',
          range: '1:0-1:58',
          message:
            'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and golang-migrate runs the 2 statements of this file as one transaction: the migration fails at deploy time. Put it in a migration file of its own.',
        },
      ],
    },
    {
      name: 'first in the file also fails: the whole file is one transaction',
      code: 'DROP INDEX CONCURRENTLY IF EXISTS i;\nCREATE TABLE t (id int);\n',
      errors: [{ messageId: 'incompatible', range: '0:0-0:35' }],
    },
    {
      name: 'every kind PostgreSQL refuses in a transaction block',
      code: [
        'REINDEX TABLE CONCURRENTLY t',
        'REINDEX (CONCURRENTLY) INDEX i',
        'REINDEX SCHEMA app',
        'REINDEX DATABASE d',
        'VACUUM t',
        'VACUUM (ANALYZE) t',
        'CLUSTER',
        'CREATE DATABASE d',
        'DROP DATABASE d',
        'ALTER DATABASE d SET TABLESPACE fast',
        "ALTER SYSTEM SET work_mem = '8MB'",
        "CREATE TABLESPACE fast LOCATION '/ssd'",
        'DROP TABLESPACE fast',
        'DISCARD ALL',
        "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p",
        'ALTER SUBSCRIPTION s REFRESH PUBLICATION',
        'ALTER SUBSCRIPTION s ADD PUBLICATION q',
        'ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY',
        "COMMIT PREPARED 'x'",
      ].join(';\n'),
      errors: Array.from({ length: 19 }, () => ({ messageId: 'incompatible' })),
    },
    {
      name: 'the message names what PostgreSQL names',
      code: 'VACUUM FULL t;\nALTER SYSTEM RESET ALL;',
      errors: [
        {
          messageId: 'incompatible',
          message:
            'VACUUM cannot run inside a transaction block, and golang-migrate runs the 2 statements of this file as one transaction: the migration fails at deploy time. Put it in a migration file of its own.',
        },
        {
          messageId: 'incompatible',
          message:
            'ALTER SYSTEM cannot run inside a transaction block, and golang-migrate runs the 2 statements of this file as one transaction: the migration fails at deploy time. Put it in a migration file of its own.',
        },
      ],
    },
    {
      name: 'ADD VALUE before PostgreSQL 12',
      code: "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' AFTER 'ok';\nUPDATE t SET a = 1 WHERE id = 2;",
      postgresVersion: 11,
      errors: [{ messageId: 'incompatible', range: '0:0-0:56' }],
    },
    {
      name: 'ADD VALUE before 12 on a type of another schema than the one created',
      code: "CREATE TYPE app.mood AS ENUM ('ok');\nALTER TYPE mood ADD VALUE 'meh';",
      postgresVersion: 9,
      errors: [{ messageId: 'incompatible', range: '1:0-1:31' }],
    },
    {
      name: 'counted statements include one that does not parse; non-ASCII text before',
      code: '-- Index für Kunden 🚀\nCREATE TABL oops;\nCREATE INDEX CONCURRENTLY "kunden_größe" ON kunden (größe);',
      errors: [{ messageId: 'incompatible', range: '2:0-2:58' }],
    },
    {
      name: 'in a down file too',
      fileName: '000002_idx.down.sql',
      code: 'DROP INDEX CONCURRENTLY i;\nDROP TABLE t;',
      errors: [{ messageId: 'incompatible', range: '0:0-0:25' }],
    },
  ],
});

describe('transaction-incompatible-statement: the move-to-own-migration action', () => {
  it('an up file names the action with the statement index', () => {
    const found = runRule(rule, { code: 'CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);', fileName: '000003_idx.up.sql' });
    assert.deepEqual(found.map((f) => f.actions), [[{ kind: 'moveToOwnMigration', statementIndex: 1, title: 'Move to a new migration of its own' }]]);
  });

  it('a down file, or a file that is not a migration, gets no action', () => {
    for (const fileName of ['000003_idx.down.sql', 'schema.sql']) {
      const found = runRule(rule, { code: 'CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);', fileName, files: { '000001_init.up.sql': '' } });
      assert.equal(found.length, 1, fileName);
      assert.equal(found[0]!.actions, undefined, fileName);
    }
  });
});

describe('transaction-incompatible-statement in a folder of an unrecognised tool', () => {
  it('says nothing: whether the tool runs the file in a transaction is not known', () => {
    const code = 'CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);';
    assert.deepEqual(runRule(rule, { code, fileName: 'schema.sql' }), []);
    assert.deepEqual(runRule(rule, { code, fileName: 'v1.5/executions.sql' }), []);
  });
});

describe('transaction-incompatible-statement under other conventions', () => {
  const found = (code: string, fileName: string) => runRule(rule, { code, fileName }).map((f) => `${f.messageId} ${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`);
  const message = (code: string, fileName: string) => runRule(rule, { code, fileName }).map((f) => f.message);

  it('goose runs each migration in a transaction: even alone, the statement fails', () => {
    const code = '-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY i;\n';
    assert.deepEqual(found(code, '00002_idx.sql'), ['inToolTransaction 1:0-1:36', 'inToolTransaction 4:0-4:25']);
    assert.deepEqual(message(code, '00002_idx.sql')[0], 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and goose runs this migration in a transaction: it fails at deploy time. Put it in a migration of its own marked `-- +goose NO TRANSACTION`.');
    assert.equal(runRule(rule, { code, fileName: '00002_idx.sql' })[0]!.actions, undefined);
  });

  it('goose NO TRANSACTION runs statements one by one: nothing to report', () => {
    const code = '-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- +goose Down\nDROP INDEX CONCURRENTLY i;\n';
    assert.deepEqual(found(code, '00002_idx.sql'), []);
  });

  it('dbmate transaction:false sends the section as one query: alone is fine, with others it fails', () => {
    const alone = '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n';
    assert.deepEqual(found(alone, '20240101000000_idx.sql'), []);
    const many = '-- migrate:up transaction:false\nSELECT 1;\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY i;\n';
    assert.deepEqual(found(many, '20240101000000_idx.sql'), ['incompatible 2:0-2:36']);
    assert.deepEqual(message(many, '20240101000000_idx.sql'), [
      'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and dbmate runs the 2 statements of this section as one transaction: the migration fails at deploy time. Put it in a migration file of its own.',
    ]);
    const tx = '-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n';
    assert.deepEqual(message(tx, '20240101000000_idx.sql'), [
      'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and dbmate runs this migration in a transaction: it fails at deploy time. Put it in a migration of its own whose section reads `-- migrate:up transaction:false`.',
    ]);
  });

  it('sql-migrate notransaction: nothing to report; by default, reported with the remedy', () => {
    const off = '-- +migrate Up notransaction\nSELECT 1;\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- +migrate Down\nSELECT 1;\n';
    assert.deepEqual(found(off, '1_idx.sql'), []);
    const on = '-- +migrate Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n';
    assert.deepEqual(message(on, '1_idx.sql'), [
      'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and sql-migrate runs this migration in a transaction: it fails at deploy time. Put it in a migration of its own whose section reads `-- +migrate Up notransaction`.',
    ]);
  });
});
