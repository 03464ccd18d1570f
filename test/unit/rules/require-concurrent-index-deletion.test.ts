import * as assert from 'node:assert/strict';
import { requireConcurrentIndexDeletion } from '../../../server/src/engine/rules/all/require-concurrent-index-deletion';
import { runRule, ruleTester, type InvalidCase } from './tester';
import { fixResolves } from './fix-resolves';

const rule = requireConcurrentIndexDeletion;

const invalid: InvalidCase[] = [
  {
    code: 'DROP INDEX users_email;',
    errors: [
      {
        messageId: 'dropIndex',
        range: '0:0-0:22',
        message:
          "DROP INDEX users_email without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table: every read and write of it waits, and so does every query queued behind the lock.",
      },
    ],
    output: 'DROP INDEX CONCURRENTLY users_email;',
  },
  {
    name: 'IF EXISTS, a schema, non-ASCII text before it',
    code: '/* 🚀 */ DROP INDEX IF EXISTS app."Idx é";',
    errors: [{ messageId: 'dropIndex', range: '0:9-0:41', message: "DROP INDEX app.\"Idx é\" without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table: every read and write of it waits, and so does every query queued behind the lock." }],
    output: '/* 🚀 */ DROP INDEX CONCURRENTLY IF EXISTS app."Idx é";',
  },
  {
    name: 'several indexes or CASCADE: no fix (CONCURRENTLY allows neither)',
    code: 'DROP INDEX a_idx, b_idx;\nDROP INDEX c_idx CASCADE;',
    errors: [
      { messageId: 'dropIndex', range: '0:0-0:23' },
      { messageId: 'dropIndex', range: '1:0-1:24' },
    ],
    output: 'DROP INDEX a_idx, b_idx;\nDROP INDEX c_idx CASCADE;',
  },
  {
    name: 'only the indexes the file did not create are named',
    code: 'CREATE INDEX tmp_idx ON t (a);\nDROP INDEX tmp_idx, old_idx;',
    errors: [{ messageId: 'dropIndex', range: '1:0-1:27', message: "DROP INDEX old_idx without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table: every read and write of it waits, and so does every query queued behind the lock." }],
  },
  {
    name: 'goose: an index created by the up section is an index of a live table in the down section (corpus: openfga 003)',
    fileName: '003_add_reverse_lookup_index.sql',
    code: '-- +goose Up\nCREATE INDEX idx_reverse_lookup_user on tuple (store, _user);\n\n-- +goose Down\nDROP INDEX IF EXISTS idx_reverse_lookup_user ;\n',
    errors: [{ messageId: 'dropIndex', range: '4:0-4:44' }],
    output: '-- +goose Up\nCREATE INDEX idx_reverse_lookup_user on tuple (store, _user);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS idx_reverse_lookup_user ;\n',
  },
];

ruleTester(rule, {
  valid: [
    'DROP INDEX CONCURRENTLY users_email;',
    'DROP INDEX CONCURRENTLY IF EXISTS app.users_email;',
    'CREATE INDEX tmp_idx ON t (a);\nDROP INDEX tmp_idx;',
    'CREATE INDEX tmp_idx ON app.t (a);\nDROP INDEX app.tmp_idx;',
    { name: 'goose: created and dropped in the same section', fileName: '00002_tmp.sql', code: '-- +goose Up\nCREATE INDEX tmp_idx ON t (a);\nDROP INDEX tmp_idx;\n\n-- +goose Down\nSELECT 1;\n' },
    'DROP TABLE users;',
    '-- migration-guard-ignore require-concurrent-index-deletion -- maintenance window\nDROP INDEX users_email;',
  ],
  invalid,
});

fixResolves(rule, invalid.filter((c) => c.output !== undefined && c.output !== c.code));

describe('require-concurrent-index-deletion: fix', () => {
  it('is absent for several indexes and for CASCADE', () => {
    assert.deepEqual(runRule(rule, { code: 'DROP INDEX a, b;' }).map((f) => f.fix), [undefined]);
    assert.deepEqual(runRule(rule, { code: 'DROP INDEX a CASCADE;' }).map((f) => f.fix), [undefined]);
  });

  it('says it belongs in a migration of its own when the file has other statements', () => {
    const f = runRule(rule, { code: 'DROP INDEX a;\nCREATE INDEX b ON t (x);' });
    assert.equal(f[0]?.fix?.title, 'Drop the index CONCURRENTLY (then move it to a migration of its own: it cannot run in the migration transaction)');
    assert.equal(runRule(rule, { code: 'DROP INDEX a;' })[0]?.fix?.title, 'Drop the index CONCURRENTLY');
  });
});
