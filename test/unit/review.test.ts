/** The review (engine: server/src/engine/review/, CLI: `migration-guard review`). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, type CliIO } from '../../cli/src/run';
import { MemoryFileHost } from '../../server/src/engine/host';
import { parseSql } from '../../server/src/engine/parsing/parser';
import { describeStatement } from '../../server/src/engine/review/describe';
import { reviewMigration, verdictOf, type MigrationReview, type ReviewOptions } from '../../server/src/engine/review/index';
import { statementLocks } from '../../server/src/engine/review/locks';
import { renderReview } from '../../server/src/engine/review/markdown';
import { GOLDEN_FILES, golden, writeTree } from './golden-folder';

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

const D = '/proj/db/migrations';

function review(files: Record<string, string>, file: string, options: ReviewOptions = {}): MigrationReview {
  const host = new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(D, n), t])));
  const r = reviewMigration({ filePath: path.join(D, file), host, optionsFor: () => options });
  assert.ok(r, 'a migration');
  return r;
}

const locks = (sql: string, i = 0, version = 14): string =>
  JSON.stringify(statementLocks(parseSql(sql), parseSql(sql).statements[i]!, version) ?? 'unknown');

describe('review', () => {
  describe('locks (the lock rules\' ACCESS EXCLUSIVE cases, and the weaker modes)', () => {
    it('names the mode and the relation, for tables that existed before the file', () => {
      assert.equal(locks('CREATE INDEX i ON t (a)'), '[{"mode":"SHARE","relation":"t"}]');
      assert.equal(locks('CREATE INDEX CONCURRENTLY i ON t (a)'), '[{"mode":"SHARE UPDATE EXCLUSIVE","relation":"t"}]');
      assert.equal(locks('ALTER TABLE t ADD COLUMN c int'), '[{"mode":"ACCESS EXCLUSIVE","relation":"t"}]');
      assert.equal(
        locks('ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID'),
        '[{"mode":"SHARE ROW EXCLUSIVE","relation":"orders"},{"mode":"SHARE ROW EXCLUSIVE","relation":"customers"}]',
      );
      assert.equal(locks('ALTER TABLE t VALIDATE CONSTRAINT c'), '[{"mode":"SHARE UPDATE EXCLUSIVE","relation":"t"}]');
      assert.equal(locks('UPDATE t SET a = 1 WHERE id = 2'), '[{"mode":"ROW EXCLUSIVE","relation":"t"}]');
      assert.equal(locks('DROP INDEX CONCURRENTLY i'), '[{"mode":"SHARE UPDATE EXCLUSIVE","relation":"the tables of i"}]');
      assert.equal(locks('CREATE TABLE o (id int, c int REFERENCES customers (id))'), '[{"mode":"SHARE ROW EXCLUSIVE","relation":"customers"}]');
      assert.equal(locks('REFRESH MATERIALIZED VIEW CONCURRENTLY mv'), '[{"mode":"EXCLUSIVE","relation":"mv"}]');
    });

    it('none on tables created earlier in the file; no claim about statements it does not know', () => {
      assert.equal(locks('CREATE TABLE t (id int); CREATE INDEX i ON t (id); ALTER TABLE t ADD COLUMN c int', 1), '[]');
      assert.equal(locks('CREATE TABLE t (id int); CREATE INDEX i ON t (id); ALTER TABLE t ADD COLUMN c int', 2), '[]');
      assert.equal(locks('CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'), '[]');
      assert.equal(locks('ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r'), '"unknown"');
      assert.equal(locks('DROP VIEW v'), '[{"mode":"ACCESS EXCLUSIVE","relation":"v"}]');
      assert.equal(locks('CREATE OR REPLACE VIEW v AS SELECT 1'), '[{"mode":"ACCESS EXCLUSIVE","relation":"v"}]');
      assert.equal(locks('CREATE VIEW v AS SELECT 1'), '[]');
      // A view or sequence created earlier in the file is nobody else's yet: dropping or replacing it locks nothing in use.
      assert.equal(locks('CREATE VIEW v AS SELECT 1;\nDROP VIEW v', 1), '[]');
      assert.equal(locks('CREATE VIEW v AS SELECT 1;\nCREATE OR REPLACE VIEW v AS SELECT 2', 1), '[]');
      assert.equal(locks('CREATE VIEW v AS SELECT 1;\nALTER VIEW v RENAME TO w;\nDROP VIEW w', 2), '[]');
      assert.equal(locks('CREATE SEQUENCE s;\nDROP SEQUENCE s', 1), '[]');
      assert.equal(locks('CREATE OR REPLACE VIEW v AS SELECT 1;\nDROP VIEW v', 1), '[{"mode":"ACCESS EXCLUSIVE","relation":"v"}]', 'OR REPLACE may have replaced a view in use');
      assert.equal(locks('DROP VIEW v;\nCREATE VIEW v AS SELECT 1', 0), '[{"mode":"ACCESS EXCLUSIVE","relation":"v"}]');
      assert.equal(locks('DROP FUNCTION f()'), '[]');
      assert.equal(locks('DROP TYPE mood CASCADE'), '"unknown"');
      assert.equal(locks('CREATE STATISTICS s ON a, b FROM t'), '[{"mode":"SHARE UPDATE EXCLUSIVE","relation":"t"}]');
      assert.equal(locks('DO $$ BEGIN PERFORM 1; END $$'), '"unknown"');
    });
  });

  it('describes statements in a few words', () => {
    const d = (sql: string): string => describeStatement(parseSql(sql).statements[0]!);
    assert.equal(d('ALTER TABLE customers DROP COLUMN fax'), 'drops column customers.fax');
    assert.equal(d('ALTER TABLE t ADD COLUMN c text NOT NULL DEFAULT \'x\', ALTER COLUMN d TYPE bigint'), 'adds column c (text NOT NULL) to t with a default; changes the type of t.d to bigint');
    assert.equal(d('CREATE UNIQUE INDEX CONCURRENTLY i ON t (a, lower(b))'), 'creates unique index i on t (a, an expression) concurrently');
    assert.equal(d('ALTER TABLE o ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID'), 'adds foreign key constraint fk to o (c) referencing customers NOT VALID');
    assert.equal(d('UPDATE t SET a = 1, b = 2'), 'updates a, b of every row of t');
    assert.equal(d('DELETE FROM t WHERE id < 10'), 'deletes the matching rows of t');
    assert.equal(d('DROP TABLE a, b CASCADE'), 'drops table a, b and everything that depends on it (CASCADE)');
    assert.equal(d('ALTER TABLE t RENAME COLUMN a TO b'), 'renames column t.a to b');
    assert.equal(d('INSERT INTO t VALUES (1), (2)'), 'inserts 2 rows into t');
    assert.equal(d('SET lock_timeout = \'5s\''), 'sets lock_timeout');
    assert.equal(d('ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r'), 'runs ALTER DEFAULT');
    assert.equal(d('CREATE TABLE ('), 'does not parse (syntax error)');
    assert.equal(d('ALTER TABLE comment DISABLE TRIGGER ALL'), 'disables all triggers on comment');
    assert.equal(d('ALTER TABLE t ENABLE TRIGGER audit'), 'enables trigger audit on t');
  });

  it('a dropped column: data loss, the ACCESS EXCLUSIVE lock, no rewrite; the down undoes it', () => {
    const r = review(
      {
        '000001_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, fax text);\n',
        '000001_users.down.sql': 'DROP TABLE users;\n',
        '000002_drop_fax.up.sql': 'ALTER TABLE users DROP COLUMN fax;\n',
        '000002_drop_fax.down.sql': 'ALTER TABLE users ADD COLUMN fax text;\n',
      },
      '000002_drop_fax.down.sql',
    );
    assert.equal(r.name, '000002_drop_fax');
    assert.deepEqual(
      r.statements.map((s) => ({ line: s.line, does: s.does, locks: s.locks, work: s.work, dataLoss: s.dataLoss })),
      [{ line: 1, does: 'drops column users.fax', locks: [{ mode: 'ACCESS EXCLUSIVE', relation: 'users' }], work: undefined, dataLoss: ['every value of users.fax'] }],
    );
    assert.equal(r.down.status, 'undoes');
    assert.deepEqual(verdictOf(r), { level: 'caution', reasons: ['can lose data', 'blocks queries on users', '1 warning (ban-drop-column)'] });
  });

  it('a type change the lock rules know rewrites the table; rules turned off still inform the review but are not listed', () => {
    const files = {
      '000001_a.up.sql': 'CREATE TABLE a (id bigint, n integer);\n',
      '000001_a.down.sql': 'DROP TABLE a;\n',
      '000002_widen.up.sql': 'ALTER TABLE a ALTER COLUMN n TYPE bigint;\n',
      '000002_widen.down.sql': 'ALTER TABLE a ALTER COLUMN n TYPE integer;\n',
    };
    const off = review(files, '000002_widen.up.sql', { rules: { 'changing-column-type': 'off', 'require-lock-timeout': 'off', 'narrowing-column-type': 'off' } });
    assert.equal(off.statements[0]!.work, 'rewrites the table and its indexes');
    assert.deepEqual(off.findings.map((f) => f.finding.ruleId), []);
    assert.deepEqual(verdictOf(off), { level: 'caution', reasons: ['blocks queries on a', 'rewrites a table'] });
  });

  it('a missing down: the generated down is part of the review; a down that does not undo the up names why', () => {
    const missing = review({ '000001_a.up.sql': 'CREATE TABLE a (id int);\nCREATE INDEX a_id ON a (id);\n' }, '000001_a.up.sql');
    assert.equal(missing.down.status, 'missing');
    assert.equal(missing.down.generated?.where, path.join(D, '000001_a.down.sql'));
    assert.match(missing.down.generated!.sql, /-- Nothing to undo: CREATE INDEX a_id ON a \(id\) only changes a, which this migration creates\n\nDROP TABLE a;\n$/);
    const partial = review({ '000001_a.up.sql': 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n', '000001_a.down.sql': 'DROP TABLE b;\n' }, '000001_a.up.sql');
    assert.equal(partial.down.status, 'does-not-undo');
    assert.deepEqual(partial.down.problems.map((p) => p.finding.ruleId), ['missing-inverse']);
    assert.equal(partial.down.generated, undefined);
    const empty = review({ '000001_a.up.sql': 'CREATE TABLE a (id int);\n', '000001_a.down.sql': '-- irreversible\n' }, '000001_a.up.sql');
    assert.equal(empty.down.status, 'empty');
    assert.match(empty.down.generated!.sql, /DROP TABLE a;/);
    const orphan = review({ '000001_a.down.sql': 'DROP TABLE a;\n' }, '000001_a.down.sql');
    assert.equal(orphan.down.status, 'orphan');
  });

  it('single-file conventions: the up section is reviewed, the down section is the down', () => {
    const r = review(
      { '00001_add.sql': '-- +goose Up\nALTER TABLE t ADD COLUMN c int;\n-- +goose Down\nALTER TABLE t DROP COLUMN c;\n', '00000_t.sql': '-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n' },
      '00001_add.sql',
    );
    assert.equal(r.convention, 'goose');
    assert.deepEqual(r.statements.map((s) => s.does), ['adds column c (integer) to t']);
    assert.equal(r.down.status, 'undoes');
    assert.deepEqual(r.down.rollbackLoses, ['every value of t.c']);
  });

  it('an error finding or a failed round trip blocks', () => {
    const r = review({ '000001_a.up.sql': 'DROP DATABASE prod;\n', '000001_a.down.sql': 'SELECT 1;\n' }, '000001_a.up.sql', { rules: { 'unexpected-down-statement': 'off' } });
    assert.equal(verdictOf(r).level, 'blocking');
    const ok = review({ '000001_a.up.sql': 'CREATE TABLE a (id int);\n', '000001_a.down.sql': 'DROP TABLE a;\n' }, '000001_a.up.sql');
    assert.deepEqual(verdictOf(ok), { level: 'safe', reasons: [] });
    ok.verify = { status: 'failed', ok: false, summary: 'the down does not restore index a_id', details: [] };
    assert.deepEqual(verdictOf(ok), { level: 'blocking', reasons: ['the up → down → up round trip fails'] });
    const md = renderReview([ok], { display: (p) => path.basename(p) });
    assert.match(md, /^\*\*Round trip \(up → down → up\):\*\* FAIL: the down does not restore index a_id$/m);
  });

  it('renders cells safely: pipes escaped, backticks in code spans', () => {
    const r = review({ '000001_a.up.sql': "INSERT INTO t (s) VALUES ('a|`b');\n", '000001_a.down.sql': "DELETE FROM t WHERE s = 'a|`b';\n" }, '000001_a.up.sql');
    const md = renderReview([r], { display: (p) => path.basename(p) });
    assert.ok(md.includes("| 1 | ``INSERT INTO t (s) VALUES ('a\\|`b')`` | inserts 1 row into t |"), md);
  });

  describe('migration-guard review', () => {
    let root: string;
    before(() => {
      root = writeTree(GOLDEN_FILES);
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it('prints the golden Markdown for the folder; exit 0', async () => {
      const r = await cli(root, 'review', 'db');
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      const g = golden('review.md', r.stdout);
      assert.equal(g.actual, g.expected);
    });

    it('a folder with a broken config exits 2 with one line on stderr and nothing on stdout', async () => {
      const broken = writeTree({ '.migration-guard.json': '{ "rules": { "ban-drop-table": "loud" } }\n', 'm/000001_a.up.sql': 'SELECT 1;\n' }, 'mg-broken-');
      try {
        const r = await cli(broken, 'review', 'm');
        assert.deepEqual(r, {
          code: 2,
          stdout: '',
          stderr: 'migration-guard: invalid configuration: .migration-guard.json:1:32: error Invalid setting "loud" for rule "ban-drop-table": expected "off", "error", "warning", "info" or "hint".\n',
        });
      } finally {
        fs.rmSync(broken, { recursive: true, force: true });
      }
    });

    it('bad usage exits 2 with one line', async () => {
      assert.deepEqual(await cli(root, 'review', '--format', 'json'), { code: 2, stdout: '', stderr: 'migration-guard: unknown option --format for review (see migration-guard --help)\n' });
      assert.deepEqual(await cli(root, 'review', 'nowhere'), { code: 2, stdout: '', stderr: 'migration-guard: cannot read nowhere: no such file or directory\n' });
    });
  });
});
