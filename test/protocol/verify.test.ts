/**
 * `migrationGuard/verifyMigration` over stdio against the bundled server (`npm run build` first),
 * on a small golang-migrate directory in a temporary folder. PGlite must not load before the first
 * verification. Each verification starts an embedded PostgreSQL: the first one cold (a few
 * seconds), the next ones from the cached state of the earlier migrations.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { FileChangeType } from 'vscode-languageserver-protocol';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import {
  MigrationSectionsRequest,
  ServerInfoRequest,
  VERIFY_DIAGNOSTIC_SOURCE,
  VerifyMigrationRequest,
  type VerifyMigrationResult,
} from '../../shared/src/protocol';
import { ROOT, SERVER, ServerUnderTest, uriOf } from './lsp-harness';

/** The docs page a verify diagnostic links to. */
const docs = (rule: string): { href: string } => ({ href: uriOf(path.join(ROOT, 'docs', 'rules', `${rule}.md`)) });

const USERS_UP = 'CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL\n);\n';
const USERS_DOWN = 'DROP TABLE users;\n';
const IDX_UP = 'CREATE UNIQUE INDEX users_email_key ON users (email);\n';
/** Forgets the index. */
const IDX_DOWN = '-- TODO\nSELECT 1;\n';
const CONC_UP = 'ALTER TABLE users ADD COLUMN age int;\nCREATE INDEX CONCURRENTLY users_age_idx ON users (age);\n';
const CONC_DOWN = 'DROP INDEX users_age_idx;\nALTER TABLE users DROP COLUMN age;\n';

/** The LSP range of `part` in `text` (single-line parts). */
function rangeOf(text: string, part: string): Diagnostic['range'] {
  const at = text.indexOf(part);
  assert.ok(at >= 0, `fixture lacks ${part}`);
  const before = text.slice(0, at).split('\n');
  const line = before.length - 1;
  const character = before[line]!.length;
  return { start: { line, character }, end: { line, character: character + part.length } };
}

describe('verify migration over stdio', function () {
  this.timeout(180_000);
  let server: ServerUnderTest;
  let dir: string;
  const file = (name: string): string => path.join(dir, name);
  const verify = (name: string, workDoneToken?: string): Promise<VerifyMigrationResult> =>
    server.connection.sendRequest(VerifyMigrationRequest.type, { uri: uriOf(file(name)), ...(workDoneToken ? { workDoneToken } : {}) });
  const diagnosticsOf = (r: VerifyMigrationResult, name: string): Diagnostic[] | undefined => r.files.find((f) => f.uri === uriOf(file(name)))?.diagnostics;

  before(async () => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-protocol-verify-')));
    const files: Record<string, string> = {
      '000001_users.up.sql': USERS_UP,
      '000001_users.down.sql': USERS_DOWN,
      '000002_email_key.up.sql': IDX_UP,
      '000002_email_key.down.sql': IDX_DOWN,
      '000003_age.up.sql': CONC_UP,
      '000003_age.down.sql': CONC_DOWN,
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(file(name), text);
    server = new ServerUnderTest();
    await server.initialize(dir);
  });

  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not load PGlite at start or for diagnostics', async () => {
    const uri = await server.open(file('000002_email_key.up.sql'), IDX_UP);
    await server.pull(uri);
    const info = await server.connection.sendRequest(ServerInfoRequest.type);
    assert.equal(info.pgliteLoaded, false);
    assert.equal(info.pid, server.proc.pid);
    await server.close(uri);
  });

  it('a good pair passes and clears both files, with progress reported on the work done token', async () => {
    const progress: { token: unknown; value: { kind: string; message?: string; percentage?: number } }[] = [];
    server.connection.onNotification('$/progress', (p: { token: unknown; value: { kind: string } }) => void progress.push(p as (typeof progress)[number]));
    const t0 = Date.now();
    const r = await verify('000001_users.up.sql', 'verify-1');
    console.log(`      (verify 000001: ${Date.now() - t0} ms, server says ${r.durationMs} ms)`);
    assert.equal(r.status, 'passed', r.summary);
    assert.equal(r.ok, true);
    assert.equal(r.version, '000001');
    assert.equal(r.backend, 'PGlite (embedded PostgreSQL)');
    assert.deepEqual(r.upUris, [uriOf(file('000001_users.up.sql'))]);
    assert.deepEqual(r.downUris, [uriOf(file('000001_users.down.sql'))]);
    assert.deepEqual(r.files, [
      { uri: uriOf(file('000001_users.up.sql')), diagnostics: [] },
      { uri: uriOf(file('000001_users.down.sql')), diagnostics: [] },
    ]);
    assert.match(r.snapshots.afterUp ?? '', /^table public\.users\n {2}column id bigint not null\n {2}column email text not null$/m);
    assert.doesNotMatch(r.snapshots.before ?? '', /public\.users\n/);
    const kinds = progress.filter((p) => p.token === 'verify-1').map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds[kinds.length - 1], 'end');
    assert.ok(kinds.filter((k) => k === 'report').length >= 3, JSON.stringify(kinds));
    // The verification ran in a child process: PGlite never loads into the server.
    const info = await server.connection.sendRequest(ServerInfoRequest.type);
    assert.equal(info.pgliteLoaded, false);
  });

  it('a down that forgets an index gets a diagnostic naming it, on the down file', async () => {
    const t0 = Date.now();
    const r = await verify('000002_email_key.down.sql');
    console.log(`      (verify 000002: ${Date.now() - t0} ms)`);
    assert.equal(r.status, 'failed');
    assert.equal(r.ok, false);
    assert.deepEqual(diagnosticsOf(r, '000002_email_key.down.sql'), [
      {
        range: rangeOf(IDX_DOWN, 'SELECT 1'),
        severity: 1,
        source: VERIFY_DIAGNOSTIC_SOURCE,
        code: 'verify-schema-difference',
        codeDescription: docs('verify-schema-difference'),
        message: 'The down does not drop index users_email_key, which did not exist before the up\n  CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)',
      },
    ]);
    // Running the up again then fails where the index is created again.
    assert.deepEqual(diagnosticsOf(r, '000002_email_key.up.sql'), [
      {
        range: rangeOf(IDX_UP, 'CREATE UNIQUE INDEX users_email_key ON users (email)'),
        severity: 1,
        source: VERIFY_DIAGNOSTIC_SOURCE,
        code: 'verify-statement-failed',
        codeDescription: docs('verify-statement-failed'),
        message: 'The up fails when run again after the down: relation "users_email_key" already exists (SQLSTATE 42P07)',
      },
    ]);
  });

  it('verifies the open (unsaved) text: fixing the down in the editor makes it pass', async () => {
    const fixed = 'DROP INDEX users_email_key;\n';
    const uri = await server.open(file('000002_email_key.down.sql'), fixed);
    try {
      const r = await verify('000002_email_key.up.sql');
      assert.equal(r.status, 'passed', r.summary);
      assert.deepEqual(diagnosticsOf(r, '000002_email_key.down.sql'), []);
    } finally {
      await server.close(uri);
    }
  });

  it('CREATE INDEX CONCURRENTLY beside another statement fails at that statement with PostgreSQL\'s message', async () => {
    const r = await verify('000003_age.up.sql');
    assert.equal(r.status, 'failed');
    assert.deepEqual(diagnosticsOf(r, '000003_age.up.sql'), [
      {
        range: rangeOf(CONC_UP, 'CREATE INDEX CONCURRENTLY users_age_idx ON users (age)'),
        severity: 1,
        source: VERIFY_DIAGNOSTIC_SOURCE,
        code: 'verify-statement-failed',
        codeDescription: docs('verify-statement-failed'),
        message: 'The up fails: CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)',
      },
    ]);
    assert.deepEqual(diagnosticsOf(r, '000003_age.down.sql'), []);
  });

  it('a file that is not a migration, or a bad request, gets an answer, not a crash', async () => {
    fs.writeFileSync(file('notes.sql'), 'SELECT 1;\n');
    const r = await verify('notes.sql');
    assert.deepEqual([r.status, r.ok, r.summary], ['not-a-migration', false, "notes.sql is not a migration file of its folder's convention, so there is nothing to verify."]);
    const sections = await server.connection.sendRequest(MigrationSectionsRequest.type, { uri: uriOf(file('notes.sql')) });
    assert.deepEqual(sections, { migration: false, sections: [] });
    const bad = await server.connection.sendRequest(VerifyMigrationRequest.type, { uri: 42 } as unknown as { uri: string });
    assert.equal(bad.status, 'not-a-migration');
    assert.equal(server.alive, true);
  });

  it('a goose file: the sections come from the convention, the lossy down is reported on its down section, fixtures from the config run first', async () => {
    const goose = path.join(dir, 'goose');
    fs.mkdirSync(goose);
    const base = '-- +goose Up\nCREATE TABLE people (id int PRIMARY KEY, nick text NOT NULL);\n\n-- +goose Down\nDROP TABLE people;\n';
    const lossy = "-- +goose Up\nALTER TABLE people DROP COLUMN nick;\n\n-- +goose Down\nALTER TABLE people ADD COLUMN nick text NOT NULL DEFAULT '';\n";
    fs.writeFileSync(path.join(goose, '00001_people.sql'), base);
    fs.writeFileSync(path.join(goose, '00002_nick.sql'), lossy);
    const sections = await server.connection.sendRequest(MigrationSectionsRequest.type, { uri: uriOf(path.join(goose, '00002_nick.sql')) });
    assert.deepEqual(sections, { migration: true, convention: 'goose', sections: [{ direction: 'up', line: 0 }, { direction: 'down', line: 3 }] });

    const r = await server.connection.sendRequest(VerifyMigrationRequest.type, { uri: uriOf(path.join(goose, '00002_nick.sql')) });
    assert.equal(r.status, 'failed', r.summary);
    const loss = r.files.find((f) => f.uri === uriOf(path.join(goose, '00002_nick.sql')))!.diagnostics.filter((d) => d.code === 'verify-data-loss');
    assert.deepEqual(loss, [
      {
        range: rangeOf(lossy, "ALTER TABLE people ADD COLUMN nick text NOT NULL DEFAULT ''"),
        severity: 1,
        source: VERIFY_DIAGNOSTIC_SOURCE,
        code: 'verify-data-loss',
        codeDescription: docs('verify-data-loss'),
        message:
          "The down does not restore the values of `people.nick` (3 of 3 rows differ: 'nick-1' → '')\n  row id=1001: 'nick-1' → ''\n  row id=1003: 'nick-3' → ''\n  row id=2147483647: 'nick-2-é中😀' → ''",
      },
    ]);
    assert.deepEqual(r.data?.map((d) => d.table), ['public.people']);

    // A fixture named by .migration-guard.json that fails: reported on the fixture, nothing verified.
    fs.writeFileSync(path.join(goose, 'people.fixture.sql'), "INSERT INTO people (id, nick) VALUES (1, 'ada');\nINSERT INTO peple VALUES (2);\n");
    fs.writeFileSync(path.join(goose, '.migration-guard.json'), '{ "verify": { "fixtures": ["people.fixture.sql"] } }\n');
    await server.filesChanged([{ uri: uriOf(path.join(goose, '.migration-guard.json')), type: FileChangeType.Created }]);
    try {
      const f = await server.connection.sendRequest(VerifyMigrationRequest.type, { uri: uriOf(path.join(goose, '00002_nick.sql')) });
      assert.equal(f.status, 'fixture-failed');
      assert.deepEqual(
        f.files.filter((x) => x.diagnostics.length > 0).map((x) => [path.basename(x.uri), x.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.message])]),
        [['people.fixture.sql', [['verify-fixture-failed', 1, 12, 'The fixture fails, so nothing was verified: relation "peple" does not exist (SQLSTATE 42P01)']]]],
      );
    } finally {
      fs.rmSync(path.join(goose, '.migration-guard.json'));
      await server.filesChanged([{ uri: uriOf(path.join(goose, '.migration-guard.json')), type: FileChangeType.Deleted }]);
    }
  });

  it('the server process stays small: PGlite\'s memory goes away with the verification process', async function () {
    const status = `/proc/${server.proc.pid}/status`;
    if (!fs.existsSync(status)) this.skip(); // Linux only
    const mb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(status, 'utf8'))![1]) / 1024;
    // PGlite alone takes several hundred MB; the server without it well under 200.
    assert.ok(mb('VmHWM') < 200, `the server's peak RSS is ${mb('VmHWM')} MB`);
    assert.equal((await server.connection.sendRequest(ServerInfoRequest.type)).pgliteLoaded, false);
  });

  it('a cancelled request answers "cancelled" and leaves the server working', async () => {
    const source = new CancellationTokenSource();
    const pending = server.connection.sendRequest(VerifyMigrationRequest.type, { uri: uriOf(file('000001_users.up.sql')) }, source.token);
    source.cancel();
    const r = await pending.catch((e: unknown) => ({ status: 'rejected', error: e }));
    // vscode-jsonrpc may resolve with the server's answer or reject the cancelled request itself.
    assert.ok(['cancelled', 'rejected'].includes((r as { status: string }).status), JSON.stringify(r));
    const again = await verify('000001_users.up.sql');
    assert.equal(again.status, 'passed', again.summary);
  });
});
