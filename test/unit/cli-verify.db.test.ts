/**
 * `migration-guard verify` through the CLI's `run()` (the dispatch in run.ts), in a temporary
 * golang-migrate directory. Verifications run in PGlite with a test-local cache folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../cli/src/run';
import { VERIFY_USAGE } from '../../cli/src/verify';

describe('CLI: migration-guard verify', function () {
  this.timeout(120_000);
  let dir: string;
  let cacheDir: string;
  let out = '';
  let err = '';
  const io = (): { stdout(t: string): void; stderr(t: string): void; cwd: string } => ({
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    cwd: dir,
  });
  const cli = async (...argv: string[]): Promise<number> => {
    out = '';
    err = '';
    return run(argv, io());
  };
  const write = (name: string, text: string): void => fs.writeFileSync(path.join(dir, name), text);

  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-verify-')));
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-verify-cache-'));
    write('000001_users.up.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n');
    write('000001_users.down.sql', 'DROP TABLE users;\n');
    write('000002_email_idx.up.sql', 'CREATE UNIQUE INDEX users_email_key ON users (email);\n');
    write('000002_email_idx.down.sql', 'DROP INDEX users_email_key;\n');
    write('000003_name.up.sql', 'ALTER TABLE users ADD COLUMN name text;\nCREATE INDEX users_name_idx ON users (name);\n');
    // Forgets the index: dropping the column drops it too, so this one passes...
    write('000003_name.down.sql', 'ALTER TABLE users DROP COLUMN name;\n');
    // ...but this down forgets its index and loses nothing else.
    write('000004_lower_email.up.sql', 'CREATE INDEX users_lower_email_idx ON users (lower(email));\n');
    write('000004_lower_email.down.sql', '-- nothing to undo?\n');
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('the top-level usage lists verify; verify --help prints its own usage', async () => {
    assert.equal(await cli('--help'), 0);
    assert.match(out, /^ {2}migration-guard verify \[dir\] \[--migration <version> \| --all\] \[--format text\|json\] \[--database-url <url>\]$/m);
    assert.equal(await cli('verify', '--help'), 0);
    assert.equal(out, VERIFY_USAGE);
    assert.equal(err, '');
  });

  it('exits 0 for a migration that round-trips, printing PASS with the timing', async () => {
    assert.equal(await cli('verify', '.', '--migration', '2', '--cache-dir', cacheDir), 0, err);
    assert.match(out, /^PASS 000002_email_idx: up → down → up round-trips \(\d+(\.\d+)? s, (cold|warm|1\/1 from cache)\)\n1 of 1 verified migration round-trip\.\n$/);
    assert.equal(err, '');
  });

  it('exits 1 for the last migration when its down forgets an index, naming it at the down file', async () => {
    assert.equal(await cli('verify', '--format', 'json', '--cache-dir', cacheDir), 1);
    const report = JSON.parse(out) as {
      ok: boolean;
      results: { version: string; status: string; backend: { kind: string }; differences: { kind: string; name: string; file: string; range: unknown; message: string }[] }[];
    };
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.results.map((r) => [r.version, r.status, r.backend.kind, r.differences.map((d) => [d.kind, d.name, d.file, d.range, d.message])]),
      [
        [
          '000004',
          'failed',
          'pglite',
          [
            [
              'index',
              'public.users_lower_email_idx',
              '000004_lower_email.down.sql',
              { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
              'the down does not drop index users_lower_email_idx, which did not exist before the up',
            ],
          ],
        ],
      ],
    );
  });

  it('bad usage exits 2 with a message', async () => {
    assert.equal(await cli('verify', '--bogus'), 2);
    assert.match(err, /^migration-guard verify: unknown option --bogus\n/);
    assert.equal(await cli('verify', '--database-url', 'mysql://me@localhost/db'), 2);
    assert.match(err, /^migration-guard verify: --database-url has the scheme mysql, expected postgres or postgresql\n/);
    assert.equal(await cli('verify', '--database-url', 'postgres://me@localhost/db', '--pglite'), 2);
    assert.match(err, /^migration-guard verify: --database-url and --pglite cannot be used together\n/);
    assert.equal(await cli('verify', 'no-such-dir'), 2);
    assert.equal(err, 'migration-guard verify: no-such-dir is not a directory\n');
    assert.equal(out, '');
  });

  it('a broken verify.databaseUrl in .migration-guard.json exits 2 at its position; --pglite ignores the config', async () => {
    const config = '{\n  "verify": { "databaseUrl": "localhost:5432" }\n}\n';
    write('.migration-guard.json', config);
    try {
      assert.equal(await cli('verify', '--migration', '2'), 2);
      assert.equal(
        err,
        'migration-guard verify: .migration-guard.json:2:30: error "verify.databaseUrl" has the scheme localhost, expected postgres or postgresql: expected a PostgreSQL URL such as "postgres://user@localhost:5432/postgres".\n',
      );
      assert.equal(await cli('verify', '--migration', '2', '--pglite', '--cache-dir', cacheDir), 0, err);
      assert.match(out, /^PASS 000002_email_idx: /);
    } finally {
      fs.rmSync(path.join(dir, '.migration-guard.json'));
    }
  });
});
