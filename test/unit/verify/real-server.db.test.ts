/**
 * verify on a real PostgreSQL server (`databaseUrl`). Needs MIGRATION_GUARD_TEST_DATABASE_URL, a
 * superuser URL of a throwaway server: `.ci/run` starts one with scripts/pg-test-server.sh (Debian's
 * postgresql); locally: `export MIGRATION_GUARD_TEST_DATABASE_URL=$(bash scripts/pg-test-server.sh)`.
 * Without it the suite is skipped, saying so.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { runVerify } from '../../../cli/src/verify';
import { SCRATCH_PREFIX, checkDatabaseUrl, redactUrl, urlForDatabase } from '../../../server/src/engine/verify/pg-server';
import { verifyMigration, type VerifyOptions } from '../../../server/src/engine/verify/index';
import { describeSeed } from '../../../server/src/engine/verify/seed';

const URL_ENV = 'MIGRATION_GUARD_TEST_DATABASE_URL';
const serverUrl = process.env[URL_ENV]?.trim() || undefined;

const DIR = path.resolve('/virtual/server-migrations');
const BASE_UP = 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, name text);\n';

function host(files: Record<string, string>): MemoryFileHost {
  const all: Record<string, string> = { [path.join(DIR, '000001_users.up.sql')]: BASE_UP, [path.join(DIR, '000001_users.down.sql')]: 'DROP TABLE users;\n' };
  for (const [name, text] of Object.entries(files)) all[path.join(DIR, name)] = text;
  return new MemoryFileHost(all);
}

const span = (text: string, part: string): { start: number; end: number } => {
  const start = text.indexOf(part);
  assert.ok(start >= 0, `fixture lacks ${part}`);
  return { start, end: start + part.length };
};

interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
const { Client } = require('pg') as { Client: new (c: { connectionString: string }) => PgClient };

async function withClient<T>(url: string, f: (c: PgClient) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

const scratchDatabases = (): Promise<string[]> =>
  withClient(serverUrl!, async (c) => (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE '${SCRATCH_PREFIX}%' ORDER BY 1`)).rows.map((r) => String(r.datname)));

describe('database URLs (no server needed)', () => {
  it('accepts postgres:// and postgresql:// only, hides passwords, swaps the database', () => {
    assert.equal(checkDatabaseUrl('postgres://u@h:5432/db'), undefined);
    assert.equal(checkDatabaseUrl('postgresql://u@h/db?sslmode=require'), undefined);
    assert.equal(checkDatabaseUrl('mysql://u@h/db'), 'has the scheme mysql, expected postgres or postgresql');
    assert.equal(checkDatabaseUrl('not a url'), 'is not a URL (expected postgres://user@host:port/database)');
    assert.equal(redactUrl('postgres://me:s3cret@h:5432/db'), 'postgres://me:***@h:5432/db');
    assert.equal(redactUrl('postgres://me@h/db'), 'postgres://me@h/db');
    assert.equal(urlForDatabase('postgres://me:pw@h:5432/app?sslmode=require', 'migration_guard_verify_ab'), 'postgres://me:pw@h:5432/migration_guard_verify_ab?sslmode=require');
  });

  it('a server verification never loads PGlite (checked in a fresh process)', function () {
    this.timeout(30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-verify-nopglite-'));
    try {
      fs.writeFileSync(path.join(dir, '000001_a.up.sql'), 'CREATE TABLE a (id int);\n');
      fs.writeFileSync(path.join(dir, '000001_a.down.sql'), 'DROP TABLE a;\n');
      const verifyDir = path.join(__dirname, '..', '..', '..', 'server', 'src', 'engine', 'verify');
      const script = `
        const { verifyMigration } = require(${JSON.stringify(path.join(verifyDir, 'index.js'))});
        const { isPGliteLoaded } = require(${JSON.stringify(path.join(verifyDir, 'pglite.js'))});
        verifyMigration({ directory: ${JSON.stringify(dir)}, databaseUrl: 'postgres://nobody@127.0.0.1:1/app' }).then((r) => {
          const pglite = Object.keys(require.cache).some((k) => k.includes('@electric-sql'));
          console.log(JSON.stringify({ status: r.status, pgliteLoaded: isPGliteLoaded() || pglite }));
        });`;
      const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.deepEqual(JSON.parse(out), { status: 'error', pgliteLoaded: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an invalid URL or an unreachable server is a verification error, not a crash', async () => {
    const files = { '000002_a.up.sql': 'SELECT 1;\n', '000002_a.down.sql': 'SELECT 1;\n' };
    const bad = await verifyMigration({ directory: DIR, host: host(files), databaseUrl: 'mysql://x@127.0.0.1/db' });
    assert.deepEqual([bad.status, bad.ok, bad.summary], ['error', false, 'verification stopped: the database URL has the scheme mysql, expected postgres or postgresql']);
    // Port 1 on the loopback interface: nothing listens there.
    const down = await verifyMigration({ directory: DIR, host: host(files), databaseUrl: 'postgres://nobody:pw@127.0.0.1:1/app' });
    assert.equal(down.status, 'error');
    assert.match(down.summary, /^verification stopped: cannot connect to postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/app: /);
    assert.deepEqual(down.backend, { kind: 'server', url: 'postgres://nobody:***@127.0.0.1:1/app' });
    assert.equal(down.cache.enabled, false);
  });
});

describe('verify on a real PostgreSQL server', function () {
  this.timeout(60_000);
  const verify = (files: Record<string, string>, extra: Partial<VerifyOptions> = {}): ReturnType<typeof verifyMigration> =>
    verifyMigration({ directory: DIR, host: host(files), databaseUrl: serverUrl!, ...extra });

  before(function () {
    if (!serverUrl) {
      console.log(`    (skipped: set ${URL_ENV} to a throwaway server's superuser URL, e.g. $(bash scripts/pg-test-server.sh))`);
      this.skip();
    }
  });

  it('a correct pair passes in a scratch database that is dropped afterwards', async () => {
    const before = await scratchDatabases();
    const up = 'CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id int NOT NULL REFERENCES users (id));\nCREATE INDEX posts_user_id_idx ON posts (user_id);\n';
    const r = await verify({ '000002_posts.up.sql': up, '000002_posts.down.sql': 'DROP TABLE posts;\n' });
    assert.equal(r.status, 'passed', r.summary);
    assert.equal(r.backend.kind, 'server');
    const database = r.backend.kind === 'server' ? r.backend.database : undefined;
    assert.match(database ?? '', /^migration_guard_verify_[0-9a-f]{12}$/);
    assert.equal(r.cache.enabled, false);
    // The test server's role is a superuser: no trigger of the schema acts on users, the rows go in as they are.
    assert.deepEqual(r.seed, { seeded: ['public.users'], skipped: [], rows: 3, triggersOff: true, quiet: true });
    assert.equal(r.snapshots.afterDown, r.snapshots.before);
    assert.match(r.snapshots.afterUp ?? '', /^index public\.posts_user_id_idx\n {2}CREATE INDEX posts_user_id_idx ON public\.posts USING btree \(user_id\)$/m);
    assert.deepEqual(await scratchDatabases(), before);
    assert.ok(!before.includes(database!));
  });

  it('a role that may not set session_replication_role: the rows go in with the triggers firing, and the result says so', async () => {
    const role = `mg_plain_${process.pid}`;
    await withClient(serverUrl!, (c) => c.query(`CREATE ROLE ${role} LOGIN CREATEDB`));
    try {
      const url = new URL(serverUrl!);
      url.username = role;
      url.password = '';
      const up = 'ALTER TABLE users ADD COLUMN nick text;\n';
      const r = await verify({ '000002_nick.up.sql': up, '000002_nick.down.sql': 'ALTER TABLE users DROP COLUMN nick;\n' }, { databaseUrl: url.toString() });
      assert.equal(r.status, 'passed', r.summary);
      assert.deepEqual(r.seed, { seeded: ['public.users'], skipped: [], rows: 3, triggersOff: false });
      assert.equal(describeSeed(r.seed), "3 synthetic rows in 1 table, inserted with the schema's triggers and rules firing (the database role may not set session_replication_role)");
      assert.deepEqual(await scratchDatabases(), []);
    } finally {
      await withClient(serverUrl!, (c) => c.query(`DROP ROLE IF EXISTS ${role}`));
    }
  });

  it('a down that forgets an index is reported naming it, on the down file', async () => {
    const up2 = 'CREATE INDEX users_email_idx ON users (email);\n';
    const r2 = await verify({ '000002_idx.up.sql': up2, '000002_idx.down.sql': '-- nothing\nSELECT 1;\n' });
    assert.equal(r2.status, 'failed');
    assert.deepEqual(
      r2.differences.map((d) => [d.phase, d.name, d.change, path.basename(d.file), d.message]),
      [['down', 'public.users_email_idx', 'unexpected', '000002_idx.down.sql', 'The down does not drop index users_email_idx, which did not exist before the up']],
    );
    assert.deepEqual(
      r2.failures.map((f) => [f.phase, f.message, f.code, f.span]),
      [['reup', 'relation "users_email_idx" already exists', '42P07', span(up2, 'CREATE INDEX users_email_idx ON users (email)')]],
    );
  });

  it('CREATE INDEX CONCURRENTLY beside another statement fails as in production, at that statement', async () => {
    const up = 'ALTER TABLE users ADD COLUMN age int;\nCREATE INDEX CONCURRENTLY users_age_idx ON users (age);\n';
    const r = await verify({ '000002_age.up.sql': up, '000002_age.down.sql': 'DROP INDEX users_age_idx;\nALTER TABLE users DROP COLUMN age;\n' });
    assert.equal(r.status, 'failed');
    assert.deepEqual(
      r.failures.map((f) => ({ phase: f.phase, message: f.message, code: f.code, span: f.span, located: f.located })),
      [{ phase: 'up', message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block', code: '25001', span: span(up, 'CREATE INDEX CONCURRENTLY users_age_idx ON users (age)'), located: 'statement' }],
    );
  });

  it('a URL naming an existing database uses it only to create and drop the scratch database', async () => {
    const app = `mg_existing_${process.pid}`;
    await withClient(serverUrl!, (c) => c.query(`CREATE DATABASE ${app}`));
    try {
      const appUrl = urlForDatabase(serverUrl!, app);
      await withClient(appUrl, (c) => c.query('CREATE TABLE keep (id int); INSERT INTO keep VALUES (1)'));
      const r = await verify(
        { '000002_t.up.sql': 'CREATE TABLE t (id int);\n', '000002_t.down.sql': 'DROP TABLE t;\n' },
        { databaseUrl: appUrl },
      );
      assert.equal(r.status, 'passed', r.summary);
      const tables = await withClient(appUrl, async (c) =>
        (await c.query("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1")).rows.map((x) => x.relname),
      );
      assert.deepEqual(tables, ['keep']);
      assert.deepEqual(await withClient(appUrl, async (c) => (await c.query('SELECT id FROM keep')).rows), [{ id: 1 }]);
      assert.deepEqual(await scratchDatabases(), []);
    } finally {
      await withClient(serverUrl!, (c) => c.query(`DROP DATABASE IF EXISTS ${app}`));
    }
  });

  it('a cancelled verification still drops its scratch database', async () => {
    const signal = { aborted: false };
    await assert.rejects(
      verify(
        { '000002_a.up.sql': 'CREATE TABLE a (id int);\n', '000002_a.down.sql': 'DROP TABLE a;\n' },
        { signal, onProgress: (p) => void (p.phase === 'replay' && (signal.aborted = true)) },
      ),
      { name: 'AbortError' },
    );
    assert.deepEqual(await scratchDatabases(), []);
  });

  it('CLI: --database-url verifies on the server', async () => {
    let out = '';
    let err = '';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-verify-server-cli-'));
    try {
      fs.writeFileSync(path.join(dir, '000001_users.up.sql'), BASE_UP);
      fs.writeFileSync(path.join(dir, '000001_users.down.sql'), 'DROP TABLE users;\n');
      assert.equal(await runVerify(['.', '--database-url', serverUrl!, '--format', 'json'], { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: dir }), 0, err);
      const report = JSON.parse(out) as { ok: boolean; results: { status: string; backend: { kind: string } }[] };
      assert.deepEqual(report.results.map((r) => [r.status, r.backend.kind]), [['passed', 'server']]);
      assert.deepEqual(await scratchDatabases(), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
