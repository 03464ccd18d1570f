import * as assert from 'node:assert/strict';
import { requireConcurrentReindex } from '../../../server/src/engine/rules/all/require-concurrent-reindex';
import { runRule, ruleTester, type InvalidCase } from './tester';
import { fixResolves } from './fix-resolves';

const rule = requireConcurrentReindex;

const invalid: InvalidCase[] = [
  {
    code: 'REINDEX INDEX users_email;',
    errors: [
      {
        messageId: 'reindex',
        range: '0:0-0:25',
        message:
          'REINDEX INDEX users_email without CONCURRENTLY takes a SHARE lock on the table and an ACCESS EXCLUSIVE lock on each index it rebuilds: writes wait, and so do nearly all reads (planning a query locks every index of its table), until it is done.',
      },
    ],
    output: 'REINDEX INDEX CONCURRENTLY users_email;',
  },
  {
    name: 'options in parentheses, a schema-qualified table',
    code: 'REINDEX (VERBOSE) TABLE app.users;',
    errors: [{ messageId: 'reindex', range: '0:0-0:33' }],
    output: 'REINDEX (VERBOSE) TABLE CONCURRENTLY app.users;',
  },
  {
    name: 'CONCURRENTLY switched off is not concurrent',
    code: 'REINDEX (CONCURRENTLY false) SCHEMA app;',
    errors: [{ messageId: 'reindex', range: '0:0-0:39' }],
    output: 'REINDEX (CONCURRENTLY false) SCHEMA CONCURRENTLY app;',
  },
  {
    name: 'REINDEX SYSTEM cannot run concurrently: no fix',
    code: 'REINDEX SYSTEM;',
    errors: [{ messageId: 'reindex', range: '0:0-0:14' }],
    output: 'REINDEX SYSTEM;',
  },
  {
    name: 'before PostgreSQL 12 there is no REINDEX CONCURRENTLY',
    code: 'REINDEX TABLE users;',
    postgresVersion: 11,
    errors: [
      {
        messageId: 'reindexBefore12',
        range: '0:0-0:19',
        message:
          'REINDEX TABLE users blocks writes, and nearly all reads, of the table until it is done; PostgreSQL 11 has no REINDEX CONCURRENTLY: build a new index CONCURRENTLY, drop the old one CONCURRENTLY and rename the new one.',
      },
    ],
    output: 'REINDEX TABLE users;',
  },
];

ruleTester(rule, {
  valid: [
    'REINDEX INDEX CONCURRENTLY users_email;',
    'REINDEX (CONCURRENTLY) TABLE users;',
    'REINDEX (VERBOSE, CONCURRENTLY true) TABLE users;',
    'CREATE TABLE t (a int);\nREINDEX TABLE t;',
    'CREATE INDEX i ON t (a);\nREINDEX INDEX i;',
    '-- migration-guard-ignore require-concurrent-reindex -- during the maintenance window\nREINDEX TABLE users;',
  ],
  invalid,
});

fixResolves(rule, invalid.filter((c) => c.output !== undefined && c.output !== c.code));

describe('require-concurrent-reindex: fix', () => {
  it('is absent before PostgreSQL 12 and for SYSTEM; the title names the own migration when needed', () => {
    assert.equal(runRule(rule, { code: 'REINDEX TABLE t;', postgresVersion: 11 })[0]?.fix, undefined);
    assert.equal(runRule(rule, { code: 'REINDEX SYSTEM;' })[0]?.fix, undefined);
    assert.equal(runRule(rule, { code: 'REINDEX TABLE t;', postgresVersion: 12 })[0]?.fix?.title, 'Reindex CONCURRENTLY');
    assert.equal(
      runRule(rule, { code: 'SELECT 1;\nREINDEX TABLE t;' })[0]?.fix?.title,
      'Reindex CONCURRENTLY (then move it to a migration of its own: it cannot run in the migration transaction)',
    );
  });
});
