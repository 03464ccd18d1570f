/**
 * Verify fills only the tables a migration can reach (reach.ts). The findings must be the very
 * ones of filling every table, and `verify --all` must find per migration what verifying each
 * migration alone finds (PGlite; database tier). The folder has what makes reach hard: foreign keys
 * with ON DELETE CASCADE, a trigger that writes another table, a function the up calls, an enum
 * renamed, a table no migration after the first touches.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { verifyAll, verifyMigration, verifyTesting, type VerifyResult } from '../../../server/src/engine/verify/index';

const DIR = path.resolve('/virtual/reach/migrations');

const FILES: Record<string, string> = {
  '000001_schema.up.sql': [
    "CREATE TYPE status AS ENUM ('draft', 'live');",
    'CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL, bio text);',
    'CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE, title text NOT NULL, state status NOT NULL);',
    'CREATE TABLE comments (id bigserial PRIMARY KEY, post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE, body text NOT NULL);',
    'CREATE TABLE post_stats (post_id bigint PRIMARY KEY, comments int NOT NULL);',
    'CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL, state status);',
    'CREATE TABLE audit (id serial PRIMARY KEY, note text);',
    'CREATE FUNCTION count_comment() RETURNS trigger LANGUAGE plpgsql AS $$',
    'BEGIN',
    '  INSERT INTO post_stats AS s (post_id, comments) VALUES (COALESCE(NEW.post_id, OLD.post_id), 1)',
    '    ON CONFLICT (post_id) DO UPDATE SET comments = s.comments + 1;',
    '  RETURN NULL;',
    'END $$;',
    'CREATE TRIGGER comments_count AFTER INSERT OR DELETE ON comments FOR EACH ROW EXECUTE FUNCTION count_comment();',
    'CREATE FUNCTION recount() RETURNS void LANGUAGE sql AS $$',
    '  UPDATE post_stats s SET comments = (SELECT count(*) FROM comments c WHERE c.post_id = s.post_id)',
    '$$;',
    '',
  ].join('\n'),
  '000001_schema.down.sql': 'DROP TABLE audit, tags, post_stats, comments, posts, users;\nDROP FUNCTION recount();\nDROP FUNCTION count_comment();\nDROP TYPE status;\n',
  // Loses users.bio.
  '000002_drop_bio.up.sql': 'ALTER TABLE users DROP COLUMN bio;\n',
  '000002_drop_bio.down.sql': 'ALTER TABLE users ADD COLUMN bio text;\n',
  // Deletes users: the posts and comments go with them (cascade), and the trigger writes post_stats.
  '000003_purge_users.up.sql': 'DELETE FROM users;\n',
  '000003_purge_users.down.sql': 'SELECT 1;\n',
  // Renaming an enum value changes the rows of every table with a column of that type.
  '000004_rename_state.up.sql': "ALTER TYPE status RENAME VALUE 'draft' TO 'pending';\n",
  '000004_rename_state.down.sql': "ALTER TYPE status RENAME VALUE 'pending' TO 'live2';\n",
  // A function the up calls writes a table the text never names.
  '000005_recount.up.sql': 'SELECT recount();\n',
  '000005_recount.down.sql': 'SELECT 1;\n',
  // Touches nothing but an index.
  '000006_tag_index.up.sql': 'CREATE INDEX tags_label ON tags (label);\n',
  '000006_tag_index.down.sql': 'DROP INDEX tags_label;\n',
};

const view = (r: VerifyResult) => ({
  name: r.name,
  status: r.status,
  findings: r.findings.map((f) => ({ rule: f.ruleId, severity: f.severity, file: path.basename(f.file), span: f.span, message: f.message, details: f.details })),
});

describe('verify: only the tables a migration can reach get rows (PGlite)', function () {
  this.timeout(240_000);
  let cacheDir: string;
  const host = (): MemoryFileHost => new MemoryFileHost(Object.fromEntries(Object.entries(FILES).map(([n, t]) => [path.join(DIR, n), t])));

  before(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-verify-reach-'));
  });
  after(() => {
    verifyTesting.seedEveryTable = false;
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('the findings of each migration are those of filling every table, and --all finds what each verify alone does', async () => {
    const all = await verifyAll({ directory: DIR, host: host(), cacheDir: false });
    assert.equal(all.error, undefined);
    assert.equal(all.results.length, 6);
    const alone: VerifyResult[] = [];
    for (const r of all.results) alone.push(await verifyMigration({ directory: DIR, host: host(), cacheDir, version: r.version }));
    verifyTesting.seedEveryTable = true;
    const everyTable: VerifyResult[] = [];
    for (const r of all.results) everyTable.push(await verifyMigration({ directory: DIR, host: host(), cacheDir: false, version: r.version }));
    verifyTesting.seedEveryTable = false;

    assert.deepEqual(all.results.map(view), alone.map(view));
    assert.deepEqual(all.results.map(view), everyTable.map(view));
    // The findings are there to compare: the lossy ones fail, the others pass.
    assert.deepEqual(
      all.results.map((r) => [r.name, r.status]),
      [
        ['000001_schema', 'passed'],
        ['000002_drop_bio', 'failed'],
        ['000003_purge_users', 'failed'],
        ['000004_rename_state', 'failed'],
        ['000005_recount', 'failed'],
        ['000006_tag_index', 'passed'],
      ],
    );
    const tables = (r: VerifyResult): string[] => [...new Set(r.findings.filter((f) => f.ruleId.startsWith('verify-data')).map((f) => /`([a-z_]+)[.`]/.exec(f.message)?.[1] ?? '?'))].sort();
    assert.deepEqual(tables(all.results[1]!), ['users']);
    assert.deepEqual(tables(all.results[2]!), ['comments', 'post_stats', 'posts', 'users']);
    assert.deepEqual(tables(all.results[3]!), ['posts', 'tags']);
    assert.deepEqual(tables(all.results[4]!), ['post_stats']);

    // Fewer tables got rows than with every table filled: what the migration cannot reach is left empty.
    const seeded = (r: VerifyResult): string[] => r.seed.seeded.map((t) => t.replace(/^public\./, ''));
    assert.deepEqual(seeded(alone[1]!), ['users']);
    assert.deepEqual(seeded(alone[2]!), ['comments', 'post_stats', 'posts', 'users']);
    assert.deepEqual(seeded(alone[3]!), ['posts', 'tags', 'users']);
    assert.deepEqual(seeded(alone[4]!), ['comments', 'post_stats', 'posts', 'users']);
    assert.deepEqual(seeded(alone[5]!), ['tags']);
    assert.deepEqual(seeded(everyTable[1]!), ['audit', 'comments', 'post_stats', 'posts', 'tags', 'users']);
  });
});
