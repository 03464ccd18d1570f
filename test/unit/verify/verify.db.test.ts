/**
 * verify: up → down → up in PGlite. Each verification starts an embedded PostgreSQL (about a
 * second warm, several cold), so the fixtures share one base migration and one cache folder:
 * only the first test pays for initdb.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runVerify } from '../../../cli/src/verify';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { parsesWhole } from '../../../server/src/engine/verify/execute';
import { copyDataDir, openDatabase, PGLITE_VERSION } from '../../../server/src/engine/verify/pglite';
import { verifyAll, verifyMigration, verifyTesting, type VerifyOptions, type VerifyProgress } from '../../../server/src/engine/verify/index';

const BASE_UP = 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, name text);\n';
const DIR = path.resolve('/virtual/migrations');

const pglitePackageLoaded = (): boolean => Object.keys(require.cache).some((k) => k.includes(`${path.sep}@electric-sql${path.sep}pglite${path.sep}`));
const loadedAtStart = pglitePackageLoaded();

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

describe('verify (PGlite)', function () {
  this.timeout(180_000);
  let cacheDir: string;
  const verify = (files: Record<string, string>, extra: Partial<VerifyOptions> = {}): ReturnType<typeof verifyMigration> =>
    verifyMigration({ directory: DIR, host: host(files), cacheDir, ...extra });

  before(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-verify-test-'));
  });
  after(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('loads PGlite only when a verification runs', () => {
    assert.equal(loadedAtStart, false);
  });

  it('the cache key names the installed PGlite release', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string };
    assert.equal(PGLITE_VERSION, pkg.version);
  });

  it('a correct pair round-trips, with an exact schema snapshot and progress in order', async () => {
    const up = [
      "CREATE TYPE mood AS ENUM ('ok', 'sad');",
      'CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id int NOT NULL REFERENCES users (id), mood mood NOT NULL, body text CHECK (body <> \'\'));',
      'CREATE INDEX posts_user_id_idx ON posts (user_id);',
      'CREATE VIEW sad_posts AS SELECT id FROM posts WHERE mood = \'sad\';',
      "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;",
      'CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION touch();',
      '',
    ].join('\n');
    const down = 'DROP TRIGGER posts_touch ON posts;\nDROP FUNCTION touch();\nDROP VIEW sad_posts;\nDROP TABLE posts;\nDROP TYPE mood;\n';
    const phases: string[] = [];
    const r = await verify(
      { '000002_posts.up.sql': up, '000002_posts.down.sql': down },
      { onProgress: (p: VerifyProgress) => void (phases[phases.length - 1] !== p.phase && phases.push(p.phase)) },
    );
    assert.equal(r.status, 'passed', r.summary);
    assert.equal(r.ok, true);
    assert.equal(r.version, '000002');
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.differences, []);
    assert.deepEqual(r.dataDifferences, []);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.seed, { seeded: ['public.users'], skipped: [], rows: 3, triggersOff: true, quiet: true });
    assert.deepEqual(phases, ['start', 'replay', 'seed', 'up', 'down', 'reup', 'done']);
    assert.equal(r.snapshots.afterDown, r.snapshots.before);
    assert.equal(r.snapshots.afterReup, r.snapshots.afterUp);
    assert.equal(
      r.snapshots.before,
      [
        'schema public',
        'sequence public.users_id_seq',
        '  as integer start 1 increment 1 min 1 max 2147483647 cache 1',
        '  owned by public.users.id',
        'table public.schema_migrations',
        '  column version bigint not null',
        '  column dirty boolean not null',
        'table public.users',
        "  column id integer not null default nextval('users_id_seq'::regclass)",
        '  column email text not null',
        '  column name text',
        'constraint schema_migrations_pkey on public.schema_migrations',
        '  PRIMARY KEY (version)',
        'constraint users_pkey on public.users',
        '  PRIMARY KEY (id)',
        '',
      ].join('\n'),
    );
    assert.equal(
      r.snapshots.afterUp,
      [
        'schema public',
        'enum public.mood',
        "  labels 'ok', 'sad'",
        'sequence public.posts_id_seq',
        '  as bigint start 1 increment 1 min 1 max 9223372036854775807 cache 1',
        '  owned by public.posts.id',
        'sequence public.users_id_seq',
        '  as integer start 1 increment 1 min 1 max 2147483647 cache 1',
        '  owned by public.users.id',
        'table public.posts',
        '  column id bigint not null generated always as identity',
        '  column user_id integer not null',
        '  column mood mood not null',
        '  column body text',
        'table public.schema_migrations',
        '  column version bigint not null',
        '  column dirty boolean not null',
        'table public.users',
        "  column id integer not null default nextval('users_id_seq'::regclass)",
        '  column email text not null',
        '  column name text',
        'constraint posts_body_check on public.posts',
        "  CHECK ((body <> ''::text))",
        'constraint posts_pkey on public.posts',
        '  PRIMARY KEY (id)',
        'constraint posts_user_id_fkey on public.posts',
        '  FOREIGN KEY (user_id) REFERENCES users(id)',
        'constraint schema_migrations_pkey on public.schema_migrations',
        '  PRIMARY KEY (version)',
        'constraint users_pkey on public.users',
        '  PRIMARY KEY (id)',
        'index public.posts_user_id_idx',
        '  CREATE INDEX posts_user_id_idx ON public.posts USING btree (user_id)',
        'view public.sad_posts',
        '   SELECT id',
        '     FROM posts',
        "    WHERE mood = 'sad'::mood;",
        'function public.touch()',
        '  CREATE OR REPLACE FUNCTION public.touch()',
        '   RETURNS trigger',
        '   LANGUAGE plpgsql',
        '  AS $function$ BEGIN RETURN NEW; END $function$',
        'trigger posts_touch on public.posts',
        '  CREATE TRIGGER posts_touch BEFORE UPDATE ON public.posts FOR EACH ROW EXECUTE FUNCTION touch()',
        '',
      ].join('\n'),
    );
  });

  it('a down that forgets to drop an index is reported naming the index', async () => {
    const down = 'ALTER TABLE users DROP COLUMN age;\n';
    const up = 'ALTER TABLE users ADD COLUMN age int;\nCREATE INDEX users_email_idx ON users (email);\n';
    const r = await verify({
      '000002_age.up.sql': up,
      '000002_age.down.sql': down,
    });
    assert.equal(r.status, 'failed');
    assert.deepEqual(
      r.differences.map((d) => ({ phase: d.phase, kind: d.kind, name: d.name, change: d.change, actual: d.actual, file: path.basename(d.file), span: d.span, message: d.message })),
      [
        {
          phase: 'down',
          kind: 'index',
          name: 'public.users_email_idx',
          change: 'unexpected',
          actual: ['CREATE INDEX users_email_idx ON public.users USING btree (email)'],
          file: '000002_age.down.sql',
          span: span(down, 'ALTER TABLE users DROP COLUMN age'),
          message: 'The down does not drop index users_email_idx, which did not exist before the up',
        },
      ],
    );
    // The up then fails the second time, at the statement that recreates the index.
    assert.deepEqual(
      r.failures.map((f) => ({ phase: f.phase, message: f.message, code: f.code, span: f.span, located: f.located })),
      [{ phase: 'reup', message: 'relation "users_email_idx" already exists', code: '42P07', span: span(up, 'CREATE INDEX users_email_idx ON users (email)'), located: 'statement' }],
    );
    assert.deepEqual(r.dataDifferences, []);
  });

  it('a down that drops a column its up did not add loses data, reported at that statement', async () => {
    const down = 'ALTER TABLE users DROP COLUMN age;\nALTER TABLE users DROP COLUMN name;\n';
    const r = await verify({ '000002_age.up.sql': 'ALTER TABLE users ADD COLUMN age int;\n', '000002_age.down.sql': down });
    assert.equal(r.status, 'failed');
    assert.deepEqual(
      r.dataDifferences.map((l) => ({ table: l.table, kind: l.kind, column: l.column, count: l.count, total: l.total, span: l.span, message: l.message })),
      [
        {
          table: 'public.users',
          kind: 'column-missing',
          column: 'name',
          count: 2,
          total: 3,
          span: span(down, 'ALTER TABLE users DROP COLUMN name'),
          message: 'The down does not bring back the values of `users.name`: the column is missing after the down (2 rows held values)',
        },
      ],
    );
    assert.deepEqual(
      r.differences.map((d) => [d.phase, d.kind, d.name, d.change, d.expected, d.actual, d.message]),
      [
        ['down', 'table', 'public.users', 'changed', ['column name text'], [], 'The down does not restore table users as it was before the up: column name is missing (`name text`)'],
        // The column stays lost after the up runs again.
        ['reup', 'table', 'public.users', 'changed', ['column name text'], [], 'Running the up again after the down gives a different table users: column name is missing (`name text`)'],
      ],
    );
  });

  it('CREATE INDEX CONCURRENTLY beside another statement fails with PostgreSQL\'s message at that statement', async () => {
    const up = '-- one file, one implicit transaction\nALTER TABLE users ADD COLUMN age int;\nCREATE INDEX CONCURRENTLY users_age_idx ON users (age);\n';
    const r = await verify({ '000002_age.up.sql': up, '000002_age.down.sql': 'DROP INDEX users_age_idx;\nALTER TABLE users DROP COLUMN age;\n' });
    assert.equal(r.status, 'failed');
    assert.deepEqual(
      r.failures.map((f) => ({ phase: f.phase, file: path.basename(f.file), message: f.message, code: f.code, span: f.span, located: f.located })),
      [
        {
          phase: 'up',
          file: '000002_age.up.sql',
          message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block',
          code: '25001',
          span: span(up, 'CREATE INDEX CONCURRENTLY users_age_idx ON users (age)'),
          located: 'statement',
        },
      ],
    );
  });

  it('a syntax error in an earlier migration is a replay failure naming the file, at PostgreSQL\'s position', async () => {
    const bad = 'CREATE TABLE tags (id int,\n  name text,);\n';
    const r = await verify({
      '000002_tags.up.sql': bad,
      '000002_tags.down.sql': 'DROP TABLE tags;\n',
      '000003_x.up.sql': 'CREATE TABLE x (id int);\n',
      '000003_x.down.sql': 'DROP TABLE x;\n',
    });
    assert.equal(r.status, 'replay-failed');
    assert.equal(r.version, '000003');
    assert.equal(r.summary, 'an earlier migration does not apply: 000002_tags.up.sql: syntax error at or near ")"');
    assert.deepEqual(
      r.failures.map((f) => ({ phase: f.phase, file: f.file, message: f.message, span: f.span, located: f.located })),
      [{ phase: 'replay', file: path.join(DIR, '000002_tags.up.sql'), message: 'syntax error at or near ")"', span: { start: bad.indexOf(')'), end: bad.indexOf(')') + 1 }, located: 'position' }],
    );
  });

  it('an up that does not parse fails at PostgreSQL\'s position, and the verification goes on (the savepoint is taken before the step)', async () => {
    const up = "ALTER TABLE users\n  ADD COLUMN tier text CHECK (tier IN ('a', 'b');\n";
    const r = await verify({ '000002_tier.up.sql': up, '000002_tier.down.sql': 'ALTER TABLE users DROP COLUMN tier;\n' });
    assert.equal(r.status, 'failed');
    assert.deepEqual(
      r.findings.map((f) => ({ rule: f.ruleId, phase: f.phase, file: path.basename(f.file), message: f.message, span: f.span })),
      [{ rule: 'verify-statement-failed', phase: 'up', file: '000002_tier.up.sql', message: 'The up fails: syntax error at or near ";" (SQLSTATE 42601)', span: { start: up.indexOf(';'), end: up.indexOf(';') + 1 } }],
    );
  });

  it('an up that parses but fails as it runs (its savepoint sent in the same query) is located at PostgreSQL\'s position, and the verification goes on', async () => {
    const up = "ALTER TABLE users ADD COLUMN tier text;\nUPDATE users SET tier = nosuch_column;\n";
    assert.equal(parsesWhole({ sql: up }), true);
    const r = await verify({ '000002_tier.up.sql': up, '000002_tier.down.sql': 'ALTER TABLE users DROP COLUMN tier;\n' });
    assert.equal(r.status, 'failed');
    assert.deepEqual(
      r.findings.map((f) => ({ rule: f.ruleId, phase: f.phase, file: path.basename(f.file), message: f.message, span: f.span })),
      [{ rule: 'verify-statement-failed', phase: 'up', file: '000002_tier.up.sql', message: 'The up fails: column "nosuch_column" does not exist (SQLSTATE 42703)', span: span(up, 'nosuch_column') }],
    );
  });

  it('a step goes with its savepoint in one query only when the parser accepts it, and the parser is the PostgreSQL PGlite runs', async () => {
    assert.equal(parsesWhole({ sql: "ALTER TABLE users\n  ADD COLUMN tier text CHECK (tier IN ('a', 'b');\n" }), false);
    assert.equal(parsesWhole({ sql: "INSERT INTO users (email) VALUES ('a\\b');\n" }), false);
    assert.equal(parsesWhole({ sql: '-- nothing\n' }), true);
    const pkg = JSON.parse(fs.readFileSync(require.resolve('libpg-query/package.json'), 'utf8')) as { version: string };
    const db = await openDatabase();
    try {
      const server = String((await db.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v);
      assert.equal(String(Math.floor(Number(server) / 10000)), pkg.version.split('.')[0]);
      // initdb makes 1 MB log segments (16 MB by default): every saved and restored state is that much smaller.
      assert.equal(String((await db.query<{ s: string }>("SELECT current_setting('wal_segment_size') AS s")).rows[0]?.s), '1MB');
    } finally {
      await db.close();
    }
  });

  it('copyDataDir keeps the data directory as it was: its tarball is the one dumpDataDir gave then, and a database starts from it', async () => {
    /** A tarball's entries: each header without its checksum and the times the dump was made (PGlite writes the time of the dump there), and the bytes. */
    const entries = async (blob: Blob): Promise<string[]> => {
      const tar = Buffer.from(await blob.arrayBuffer());
      const out: string[] = [];
      for (let at = 0; at + 512 <= tar.length; ) {
        const header = tar.subarray(at, at + 512);
        if (header.every((b) => b === 0)) break;
        const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim() || '0', 8);
        const data = tar.subarray(at + 512, at + 512 + size);
        out.push(`${header.subarray(0, 148).toString('hex')}|${header.subarray(156, 345).toString('hex')}|${data.toString('base64')}`);
        at += 512 + Math.ceil(size / 512) * 512;
      }
      return out;
    };
    const db = await openDatabase();
    let other: Awaited<ReturnType<typeof openDatabase>> | undefined;
    try {
      await db.exec("CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (1), (2); CHECKPOINT");
      // The copy is taken file by file: no tarball is made for it.
      const dump = db.dumpDataDir.bind(db);
      let dumps = 0;
      db.dumpDataDir = (compression) => {
        dumps++;
        return dump(compression);
      };
      const copy = await copyDataDir(db);
      assert.equal(dumps, 0);
      const dumped = await entries(await db.dumpDataDir('none'));
      assert.ok(dumped.length > 100);
      assert.deepEqual(await entries(await copy.tarball()), dumped);
      // Later changes are not in the copy.
      await db.exec('CREATE TABLE later (id int); INSERT INTO kept VALUES (3); CHECKPOINT');
      assert.deepEqual(await entries(await copy.tarball()), dumped);
      other = await openDatabase({ loadDataDir: await copy.tarball() });
      assert.deepEqual((await other.query<{ id: number }>('SELECT id FROM kept ORDER BY id')).rows, [{ id: 1 }, { id: 2 }]);
      assert.equal((await other.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_class WHERE relname = 'later'")).rows[0]?.n, '0');
    } finally {
      await db.close();
      await other?.close();
    }
  });

  it('verifyAll reads the state after a migration that runs outside its block once after the up run again, not twice', async () => {
    const files: Record<string, string> = {
      '000001_notes.up.sql': "CREATE TYPE mood AS ENUM ('ok');\nCREATE TABLE notes (id int PRIMARY KEY, m mood);\n",
      '000001_notes.down.sql': 'DROP TABLE notes;\nDROP TYPE mood;\n',
      // A value added to an enum: outside verify's block (usable only once committed).
      '000002_sad.up.sql': "ALTER TYPE mood ADD VALUE 'sad';\n",
      '000002_sad.down.sql': "CREATE TYPE mood2 AS ENUM ('ok');\nALTER TABLE notes ALTER COLUMN m TYPE mood2 USING m::text::mood2;\nDROP TYPE mood;\nALTER TYPE mood2 RENAME TO mood;\n",
      '000003_body.up.sql': 'ALTER TABLE notes ADD COLUMN body text;\n',
      '000003_body.down.sql': 'ALTER TABLE notes DROP COLUMN body;\n',
      // Uses the label 000002 added: applies only on the state after 000002's up, committed.
      '000004_sad_note.up.sql': "INSERT INTO notes (id, m) VALUES (9, 'sad');\n",
      '000004_sad_note.down.sql': 'DELETE FROM notes WHERE id = 9;\n',
    };
    const reads = verifyTesting.wholeReads;
    const run = await verifyAll({ directory: DIR, host: new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(DIR, n), t]))), cacheDir: false });
    assert.equal(run.error, undefined);
    assert.deepEqual(
      run.results.map((r) => [r.name, r.status, r.summary]),
      [
        ['000001_notes', 'passed', 'up → down → up round-trips'],
        ['000002_sad', 'passed', 'up → down → up round-trips'],
        ['000003_body', 'passed', 'up → down → up round-trips'],
        ['000004_sad_note', 'passed', 'up → down → up round-trips'],
      ],
    );
    // The empty database, then 000002's states after the up, the down and the up again: the last one is where 000003 starts.
    assert.equal(verifyTesting.wholeReads - reads, 4);
  });

  it('the second verify of the same directory starts from the cached state', async () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-verify-cache-'));
    try {
      const files = { '000002_age.up.sql': 'ALTER TABLE users ADD COLUMN age int;\n', '000002_age.down.sql': 'ALTER TABLE users DROP COLUMN age;\n' };
      const first = await verify(files, { cacheDir: own });
      assert.equal(first.status, 'passed', first.summary);
      assert.deepEqual([first.cache.hit, first.cache.fromCache, first.baseFiles], [false, 0, 1]);
      const second = await verify(files, { cacheDir: own });
      assert.equal(second.status, 'passed', second.summary);
      assert.deepEqual([second.cache.hit, second.cache.fromCache], [true, 1]);
      assert.equal(second.cache.key, first.cache.key);
      // Editing an earlier file changes the key: no stale state.
      const edited = await verifyMigration({ directory: DIR, cacheDir: own, host: new MemoryFileHost({
        [path.join(DIR, '000001_users.up.sql')]: BASE_UP.replace('name text', 'name varchar(20)'),
        [path.join(DIR, '000002_age.up.sql')]: files['000002_age.up.sql'],
        [path.join(DIR, '000002_age.down.sql')]: files['000002_age.down.sql'],
      }) });
      assert.equal(edited.cache.hit, false);
      assert.match(edited.snapshots.before ?? '', /column name character varying\(20\)/);
    } finally {
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

  it('a cancelled verification rejects with an AbortError and never starts a database', async () => {
    await assert.rejects(verify({ '000002_a.up.sql': 'SELECT 1;', '000002_a.down.sql': 'SELECT 1;' }, { signal: { aborted: true } }), { name: 'AbortError' });
  });

  it('CLI: a failing round trip exits 1 and names the index in JSON; bad usage exits 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-verify-cli-'));
    try {
      fs.writeFileSync(path.join(dir, '000001_users.up.sql'), BASE_UP);
      fs.writeFileSync(path.join(dir, '000001_users.down.sql'), 'DROP TABLE users;\n');
      fs.writeFileSync(path.join(dir, '000002_idx.up.sql'), 'CREATE INDEX users_email_idx ON users (email);\n');
      fs.writeFileSync(path.join(dir, '000002_idx.down.sql'), '-- forgot the index\n');
      let out = '';
      let err = '';
      const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), cwd: dir };
      assert.equal(await runVerify(['.', '--migration', '2', '--format', 'json', '--cache-dir', cacheDir], io), 1);
      const report = JSON.parse(out) as { version: number; ok: boolean; results: { version: string; status: string; findings: { rule: string; file: string; range: unknown; message: string; details: string[] }[] }[] };
      assert.equal(report.version, 2);
      assert.equal(report.ok, false);
      assert.deepEqual(
        report.results.map((r) => [r.version, r.status, r.findings.map((d) => [d.rule, d.file, d.range, d.message, d.details])]),
        [
          [
            '000002',
            'failed',
            [
              ['verify-statement-failed', '000002_idx.up.sql', { start: { line: 0, character: 0 }, end: { line: 0, character: 45 } }, 'The up fails when run again after the down: relation "users_email_idx" already exists (SQLSTATE 42P07)', []],
              [
                'verify-schema-difference',
                '000002_idx.down.sql',
                { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
                'The down does not drop index users_email_idx, which did not exist before the up',
                ['CREATE INDEX users_email_idx ON public.users USING btree (email)'],
              ],
            ],
          ],
        ],
      );
      assert.equal(err, '');

      out = '';
      assert.equal(await runVerify(['--all', '--cache-dir', cacheDir], io), 1);
      assert.equal(
        out.replace(/\(\d+(\.\d+)? s(, [^)]*)?\)/g, '(T)'),
        [
          'PASS 000001_users: up → down → up round-trips (T)',
          '000002_idx.up.sql:1:1: error verify-statement-failed The up fails when run again after the down: relation "users_email_idx" already exists (SQLSTATE 42P07)',
          '000002_idx.down.sql:1:1: error verify-schema-difference The down does not drop index users_email_idx, which did not exist before the up',
          '    CREATE INDEX users_email_idx ON public.users USING btree (email)',
          'FAIL 000002_idx: 2 problems: The up fails when run again after the down: relation "users_email_idx" already exists (SQLSTATE 42P07); and 1 more (T)',
          '1 of 2 verified migrations round-trip.',
          '',
        ].join('\n'),
      );

      err = '';
      assert.equal(await runVerify(['--all', '--migration', '2'], io), 2);
      assert.match(err, /--migration and --all cannot be used together/);
      err = '';
      assert.equal(await runVerify(['.', '--migration', '9'], io), 2);
      assert.match(err, /has no migration with version 9/);
      err = '';
      assert.equal(await runVerify(['--format', 'xml'], io), 2);
      assert.match(err, /--format must be text or json/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
