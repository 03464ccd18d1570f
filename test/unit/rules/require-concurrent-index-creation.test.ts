import * as assert from 'node:assert/strict';
import { requireConcurrentIndexCreation } from '../../../server/src/engine/rules/all/require-concurrent-index-creation';
import { runRule, ruleTester, type InvalidCase } from './tester';
import { fixResolves } from './fix-resolves';

const rule = requireConcurrentIndexCreation;

const invalid: InvalidCase[] = [
  {
    name: 'plain CREATE INDEX on an existing table',
    code: 'CREATE INDEX users_email ON users (email);',
    errors: [
      {
        messageId: 'createIndex',
        range: '0:0-0:41',
        message:
          'CREATE INDEX on users without CONCURRENTLY takes a SHARE lock: inserts, updates and deletes on users wait until the whole index is built.',
      },
    ],
    output: 'CREATE INDEX CONCURRENTLY users_email ON users (email);',
  },
  {
    name: 'UNIQUE, a comment, IF NOT EXISTS, quoted names, an expression',
    code: '-- ✓ éàü\nCREATE UNIQUE INDEX /* note */ IF NOT EXISTS "Idx" ON "Users" USING btree (lower(email));',
    errors: [{ messageId: 'createIndex', range: '1:0-1:88', message: 'CREATE INDEX on "Users" without CONCURRENTLY takes a SHARE lock: inserts, updates and deletes on "Users" wait until the whole index is built.' }],
    output: '-- ✓ éàü\nCREATE UNIQUE INDEX CONCURRENTLY /* note */ IF NOT EXISTS "Idx" ON "Users" USING btree (lower(email));',
  },
  {
    name: 'a table of the same name in another schema is not the new one',
    code: 'CREATE TABLE app.users (id int);\nCREATE INDEX ON users (id);',
    errors: [{ messageId: 'createIndex', range: '1:0-1:26' }],
    output: 'CREATE TABLE app.users (id int);\nCREATE INDEX CONCURRENTLY ON users (id);',
  },
  {
    name: 'multi-line statement after a syntax error',
    code: 'CREATE INDEX;\ncreate index\n  orders_user on orders (user_id)',
    errors: [{ messageId: 'createIndex', range: '1:0-2:33' }],
    output: 'CREATE INDEX;\ncreate index CONCURRENTLY\n  orders_user on orders (user_id)',
  },
];

ruleTester(rule, {
  valid: [
    'CREATE INDEX CONCURRENTLY users_email ON users (email);',
    'CREATE TABLE users (id int, email text);\nCREATE INDEX users_email ON users (email);',
    'CREATE TABLE app.users (id int);\nCREATE UNIQUE INDEX ON app.users (id);',
    'CREATE TABLE totals AS SELECT 1 AS n;\nCREATE INDEX ON totals (n);',
    'CREATE MATERIALIZED VIEW mv AS SELECT 1 AS n;\nCREATE INDEX ON mv (n);',
    'CREATE TABLE old_users (id int);\nALTER TABLE old_users RENAME TO users;\nCREATE INDEX ON users (id);',
    { name: 'ON ONLY a partitioned parent', code: 'CREATE INDEX measurements_ts ON ONLY measurements (ts);' },
    '-- CREATE INDEX users_email ON users (email);',
    '-- migration-guard-ignore require-concurrent-index-creation -- small table\nCREATE INDEX users_email ON users (email);',
    '',
  ],
  invalid,
});

fixResolves(rule, invalid);

describe('require-concurrent-index-creation: fix title', () => {
  it('says the statement belongs in a migration of its own when the file has other statements', () => {
    const alone = runRule(rule, { code: 'CREATE INDEX i ON t (a);' });
    assert.equal(alone[0]?.fix?.title, 'Create the index CONCURRENTLY');
    const shared = runRule(rule, { code: 'ALTER TABLE t ADD COLUMN a int;\nCREATE INDEX i ON t (a);' });
    assert.equal(
      shared[0]?.fix?.title,
      'Create the index CONCURRENTLY (then move it to a migration of its own: it cannot run in the migration transaction)',
    );
  });
});
