/**
 * `migration-guard verify` through the CLI's `run()` (the dispatch in run.ts), in a temporary
 * golang-migrate directory (and a goose one). Verifications run in PGlite with a test-local cache
 * folder (database tier).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../../cli/src/run';
import { VERIFY_USAGE } from '../../../cli/src/verify';

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
    assert.match(out, /^PASS 000002_email_idx: up → down → up round-trips \(\d+(\.\d+)? s, (cold|warm|1\/1 from cache)\)\n {2}rows: 3 synthetic rows in 1 table, inserted as they are \(no trigger or rule of the schema acts on these tables\)\n1 of 1 verified migration round-trip\.\n$/);
    assert.equal(err, '');
  });

  it('exits 1 for the last migration when its down forgets an index, naming it at the down file', async () => {
    assert.equal(await cli('verify', '--format', 'json', '--cache-dir', cacheDir), 1);
    const report = JSON.parse(out) as {
      version: number;
      convention: string;
      ok: boolean;
      results: { version: string; status: string; backend: { kind: string }; findings: { rule: string; severity: string; file: string; range: unknown; message: string }[] }[];
    };
    assert.equal(report.version, 2);
    assert.equal(report.convention, 'golang-migrate');
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.results.map((r) => [r.version, r.status, r.backend.kind, r.findings.map((d) => [d.rule, d.severity, d.file, d.range, d.message])]),
      [
        [
          '000004',
          'failed',
          'pglite',
          [
            [
              'verify-statement-failed',
              'error',
              '000004_lower_email.up.sql',
              { start: { line: 0, character: 0 }, end: { line: 0, character: 58 } },
              'The up fails when run again after the down: relation "users_lower_email_idx" already exists (SQLSTATE 42P07)',
            ],
            [
              'verify-schema-difference',
              'error',
              '000004_lower_email.down.sql',
              { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
              'The down does not drop index users_lower_email_idx, which did not exist before the up',
            ],
          ],
        ],
      ],
    );
  });

  it('--rule sets a verify rule\'s severity like any rule\'s; an unknown rule is bad usage', async () => {
    assert.equal(await cli('verify', '--rule', 'verify-schema-difference=warning', '--cache-dir', cacheDir), 1);
    assert.equal(await cli('verify', '--rule', 'verify-schema-difference=warning', '--rule=verify-statement-failed=info', '--cache-dir', cacheDir), 0, err);
    assert.match(out, /^000004_lower_email\.up\.sql:1:1: info verify-statement-failed The up fails when run again/m);
    assert.match(out, /^000004_lower_email\.down\.sql:1:1: warning verify-schema-difference The down does not drop index users_lower_email_idx/m);
    assert.match(out, /^PASS 000004_lower_email: up → down → up round-trips \(2 notes\)/m);
    assert.equal(await cli('verify', '--rule', 'verify-nothing=off'), 2);
    assert.match(err, /^migration-guard verify: unknown rule "verify-nothing" in --rule\n/);
  });

  it('--show-data prints the rows before the up, after it and after the down; nothing is written into the folder', async () => {
    const listing = (): string[] => fs.readdirSync(dir).sort();
    const before = listing();
    assert.equal(await cli('verify', '--migration', '3', '--show-data', '--cache-dir', cacheDir), 0, err);
    assert.match(out, /^PASS 000003_name: up → down → up round-trips.*\n {2}rows: 3 synthetic rows in 1 table, inserted as they are \(no trigger or rule of the schema acts on these tables\)\n/m);
    assert.match(out, /^ {2}-- before the up: users \(3 rows\)\n {4}id +\| email\n/m);
    assert.match(out, /^ {2}-- after the up: users \(3 rows\)\n {4}id +\| email +\| name\n/m);
    assert.match(out, /^ {4}1001 +\| 'email-1' +\| NULL$/m);
    assert.match(out, /^ {2}-- after the down: users \(3 rows\)\n {4}id +\| email\n/m);
    assert.deepEqual(listing(), before);
  });

  it('--fixtures: a fixture that fails names the fixture, its line and PostgreSQL\'s message, verifies nothing, and exits 1', async () => {
    const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-fixtures-'));
    try {
      fs.writeFileSync(path.join(fixtures, 'users.sql'), "INSERT INTO users (id, email) VALUES (1, 'ada@example.com');\nINSERT INTO users (id, mail) VALUES (2, 'x');\n");
      assert.equal(await cli('verify', '--migration', '3', '--fixtures', fixtures, '--cache-dir', cacheDir), 1);
      // Outside the current directory: shown with its absolute path.
      const shown = path.join(fixtures, 'users.sql');
      assert.equal(
        out.replace(/\(\d+(\.\d+)? s, [^)]*\)/, '(T)'),
        `${shown}:2:24: error: the fixture fails: column "mail" of relation "users" does not exist [42703]\n` +
          'FAIL 000003_name: fixture users.sql fails: column "mail" of relation "users" does not exist; nothing was verified (T)\n' +
          '0 of 1 verified migration round-trip.\n',
      );
      assert.equal(await cli('verify', '--fixtures', 'no-such-fixture.sql'), 2);
      assert.equal(err, 'migration-guard verify: the fixture no-such-fixture.sql does not exist\n');
    } finally {
      fs.rmSync(fixtures, { recursive: true, force: true });
    }
  });

  it('a diesel migration\'s own folder verifies that migration after the earlier ones; a folder of title-less files is verified as an unrecognised tool\'s, saying so', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-diesel-')));
    try {
      const add = (rel: string, text: string): void => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
      };
      add('migrations/2019-02-26-002946_create_users/up.sql', 'CREATE TABLE users (id int PRIMARY KEY);\n');
      add('migrations/2019-02-26-002946_create_users/down.sql', 'DROP TABLE users;\n');
      add('migrations/2026-03-08-202630-0000_add_email/up.sql', 'ALTER TABLE users ADD COLUMN email text;\n');
      add('migrations/2026-03-08-202630-0000_add_email/down.sql', 'ALTER TABLE users DROP COLUMN email;\n');
      add('harness/0186.up.sql', 'SELECT 1;\n');
      add('harness/0186.down.sql', 'SELECT 1;\n');
      const own = path.join(root, 'migrations/2026-03-08-202630-0000_add_email');
      assert.equal(await cli('verify', own, '--cache-dir', cacheDir), 0, err);
      assert.match(err, /is one migration of .*migrations: verifying 2026-03-08-202630-0000_add_email there\n/);
      assert.match(out, /^PASS 2026-03-08-202630-0000_add_email: up → down → up round-trips/m);
      // As check reads it: an unrecognised tool's folder, verified in name order, and said so.
      assert.equal(await cli('verify', path.join(root, 'harness'), '--cache-dir', cacheDir), 0, err);
      assert.match(err, /harness: the folder's tool is not one Migration Guard recognises \(no supported tool runs files named like 0186\.up\.sql\)/);
      assert.match(out, /^PASS 0186: up → down → up round-trips/m);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('verifies a goose folder through its convention, reporting the lossy down on its down section', async () => {
    const goose = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-goose-')));
    try {
      fs.writeFileSync(path.join(goose, '00001_people.sql'), '-- +goose Up\nCREATE TABLE people (id int PRIMARY KEY, nick text NOT NULL);\n\n-- +goose Down\nDROP TABLE people;\n');
      fs.writeFileSync(path.join(goose, '00002_nick.sql'), "-- +goose Up\nALTER TABLE people DROP COLUMN nick;\n\n-- +goose Down\nALTER TABLE people ADD COLUMN nick text NOT NULL DEFAULT '';\n");
      assert.equal(await cli('verify', goose, '--cache-dir', cacheDir), 1);
      const shown = path.join(goose, '00002_nick.sql');
      assert.equal(
        out.replace(/\(\d+(\.\d+)? s, [^)]*\)/, '(T)'),
        `${shown}:5:1: error verify-schema-difference The down does not restore table people as it was before the up: column nick is \`nick text not null default ''::text\` instead of \`nick text not null\`\n` +
          `${shown}:5:1: error verify-data-loss The down does not restore the values of \`people.nick\` (3 of 3 rows differ: 'nick-1' → '')\n` +
          "    row id=1001: 'nick-1' → ''\n" +
          "    row id=1003: 'nick-3' → ''\n" +
          "    row id=2147483647: 'nick-2-é中😀' → ''\n" +
          "FAIL 00002_nick: 2 problems: The down does not restore table people as it was before the up: column nick is `nick text not null default ''::text` instead of `nick text not null`; and 1 more (T)\n" +
          "  rows: 3 synthetic rows in 1 table, inserted as they are (no trigger or rule of the schema acts on these tables)\n" +
          '0 of 1 verified migration round-trip.\n',
      );
    } finally {
      fs.rmSync(goose, { recursive: true, force: true });
    }
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

  it('a broken verify.databaseUrl in .migration-guard.json exits 2 at its position, with --pglite too (the config also gives rules, fixtures, the convention)', async () => {
    const config = '{\n  "verify": { "databaseUrl": "localhost:5432" }\n}\n';
    write('.migration-guard.json', config);
    try {
      assert.equal(await cli('verify', '--migration', '2'), 2);
      assert.equal(
        err,
        'migration-guard verify: .migration-guard.json:2:30: error "verify.databaseUrl" has the scheme localhost, expected postgres or postgresql: expected a PostgreSQL URL such as "postgres://user@localhost:5432/postgres".\n',
      );
      assert.equal(await cli('verify', '--migration', '2', '--pglite', '--cache-dir', cacheDir), 2);
      assert.match(err, /^migration-guard verify: \.migration-guard\.json:2:30: error "verify\.databaseUrl" has the scheme localhost/);
    } finally {
      fs.rmSync(path.join(dir, '.migration-guard.json'));
    }
  });
});
