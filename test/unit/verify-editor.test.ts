/**
 * The editor side of "Verify migration" that needs no VS Code: the server's conversion of a verify
 * result into diagnostics per file, the settings, and package.json's contributions.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MemoryFileHost } from '../../server/src/engine/host';
import type { VerifyResult } from '../../server/src/engine/verify/index';
import { migrationOf, migrationSections, toEditorResult, verifyForEditor } from '../../server/src/lsp/verify';
import { Commands, VERIFY_DIAGNOSTIC_SOURCE } from '../../shared/src/protocol';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../shared/src/settings';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIR = path.resolve('/virtual/db/migrations');
const UP = path.join(DIR, '000002_café.up.sql');
const DOWN = path.join(DIR, '000002_café.down.sql');
// A non-BMP character before the failing statement on its line: UTF-16 columns count it twice.
const UP_TEXT = "-- menu\nALTER TABLE users ADD COLUMN age int;\n/* 🦄 */ CREATE INDEX CONCURRENTLY users_age_idx ON users (age);\n";
const DOWN_TEXT = 'ALTER TABLE users DROP COLUMN age;\nALTER TABLE users DROP COLUMN name;\n';

function result(overrides: Partial<VerifyResult>): VerifyResult {
  return {
    directory: DIR,
    version: '000002',
    name: '000002_café',
    convention: 'golang-migrate',
    status: 'failed',
    ok: false,
    summary: 's',
    upFiles: [UP],
    downFiles: [DOWN],
    baseFiles: 1,
    backend: { kind: 'pglite' },
    cache: { enabled: true, hit: true, fromCache: 1 },
    failures: [],
    differences: [],
    dataDifferences: [],
    columnOrder: [],
    findings: [],
    suppressed: 0,
    notes: [],
    seed: { seeded: [], skipped: [] },
    fixtures: [],
    snapshots: { before: 'b\n', afterUp: 'a\n' },
    data: [],
    timings: { total: 5 },
    ...overrides,
  };
}

describe('verify in the editor (server side)', () => {
  const host = new MemoryFileHost({ [UP]: UP_TEXT, [DOWN]: DOWN_TEXT });
  const stmt = UP_TEXT.indexOf('CREATE INDEX CONCURRENTLY');

  it('turns a finding into a diagnostic at its exact UTF-16 range, with the rule id, its docs page and its severity', () => {
    const r = toEditorResult(
      result({
        findings: [
          {
            ruleId: 'verify-statement-failed',
            severity: 'error',
            phase: 'up',
            file: UP,
            message: 'The up fails: CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)',
            details: ['detail: d', 'hint: h'],
            span: { start: stmt, end: UP_TEXT.indexOf(';', stmt) },
          },
        ],
      }),
      host,
    );
    assert.deepEqual(r.files, [
      {
        uri: pathToFileURL(UP).href,
        diagnostics: [
          {
            range: { start: { line: 2, character: 9 }, end: { line: 2, character: 63 } },
            severity: 1,
            source: VERIFY_DIAGNOSTIC_SOURCE,
            code: 'verify-statement-failed',
            codeDescription: { href: pathToFileURL(path.join(ROOT, 'docs', 'rules', 'verify-statement-failed.md')).href },
            message: 'The up fails: CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)\n  detail: d\n  hint: h',
          },
        ],
      },
      { uri: pathToFileURL(DOWN).href, diagnostics: [] },
    ]);
    assert.deepEqual([r.ok, r.status, r.version, r.backend], [false, 'failed', '000002', 'PGlite (embedded PostgreSQL)']);
    assert.deepEqual(r.cache, { hit: true, fromCache: 1, baseFiles: 1 });
    assert.deepEqual(r.snapshots, { before: 'b\n', afterUp: 'a\n' });
    assert.deepEqual(r.upUris, [pathToFileURL(UP).href]);
  });

  it('maps the severities of findings; the data change and the notes travel with the result', () => {
    const nameStmt = { start: DOWN_TEXT.indexOf('ALTER TABLE users DROP COLUMN name'), end: DOWN_TEXT.length - 2 };
    const r = toEditorResult(
      result({
        findings: [
          { ruleId: 'verify-data-loss', severity: 'warning', phase: 'down', file: DOWN, span: nameStmt, message: 'The down does not restore the values of `users.name`', details: ["row id=1: 'a' → ''"] },
          { ruleId: 'verify-column-order', severity: 'info', phase: 'down', file: DOWN, span: nameStmt, message: 'order', details: [] },
        ],
        data: [{ table: 'public.users', before: 'users (1 row)\n', afterUp: 'users (1 row)\n' }],
        notes: ['n'],
        backend: { kind: 'server', url: 'postgres://me:***@db:5432/postgres', database: 'migration_guard_verify_0123456789ab', serverVersion: '15.1' },
        cache: { enabled: false, hit: false, fromCache: 0 },
      }),
      host,
    );
    const down = r.files.find((f) => f.uri === pathToFileURL(DOWN).href)!.diagnostics;
    assert.deepEqual(
      down.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message]),
      [
        ['verify-data-loss', 2, 1, 0, 1, 34, "The down does not restore the values of `users.name`\n  row id=1: 'a' → ''"],
        ['verify-column-order', 3, 1, 0, 1, 34, 'order'],
      ],
    );
    assert.deepEqual(r.data, [{ table: 'public.users', before: 'users (1 row)\n', afterUp: 'users (1 row)\n' }]);
    assert.deepEqual(r.notes, ['n']);
    assert.equal(r.backend, 'postgres://me:***@db:5432/postgres (scratch database migration_guard_verify_0123456789ab, dropped)');
    assert.equal(r.cache, undefined);
  });

  it('a failing fixture is an error on the fixture file, at its statement', () => {
    const fixture = path.resolve('/virtual/fixtures/users.sql');
    const r = toEditorResult(
      result({
        status: 'fixture-failed',
        fixtureFailure: { file: fixture, message: 'relation "usrs" does not exist', code: '42P01', span: { start: 12, end: 16 }, located: 'position' },
      }),
      new MemoryFileHost({ ...Object.fromEntries([[UP, UP_TEXT]]), [fixture]: 'INSERT INTO usrs VALUES (1);\n' }),
    );
    assert.deepEqual(
      r.files.filter((f) => f.diagnostics.length > 0).map((f) => [path.basename(f.uri), f.diagnostics.map((d) => [d.code, d.range.start.character, d.message])]),
      [['users.sql', [['verify-fixture-failed', 12, 'The fixture fails, so nothing was verified: relation "usrs" does not exist (SQLSTATE 42P01)']]]],
    );
  });

  it('knows which files are migrations of their folder\'s convention, and answers for others without running anything', async () => {
    assert.deepEqual(migrationOf(UP, host)?.directory, DIR);
    assert.equal(migrationOf(UP, host)?.convention.id, 'golang-migrate');
    assert.equal(migrationOf(path.join(DIR, 'schema.sql'), host), undefined);
    const r = await verifyForEditor(pathToFileURL(path.join(DIR, 'schema.sql')).href, { host });
    assert.deepEqual([r.status, r.summary, r.files], ['not-a-migration', "schema.sql is not a migration file of its folder's convention, so there is nothing to verify.", []]);
    const untitled = await verifyForEditor('untitled:Untitled-1', { host });
    assert.deepEqual([untitled.ok, untitled.status], [false, 'not-a-migration']);
  });

  it('tells the client where the up and the down are: line 0 of a file of its own, the annotation line of a section', () => {
    assert.deepEqual(migrationSections(UP, UP_TEXT, host), { migration: true, convention: 'golang-migrate', sections: [{ direction: 'up', line: 0 }] });
    assert.deepEqual(migrationSections(DOWN, DOWN_TEXT, host), { migration: true, convention: 'golang-migrate', sections: [{ direction: 'down', line: 0 }] });
    const gooseDir = path.resolve('/virtual/goose');
    const goose = path.join(gooseDir, '00002_nick.sql');
    const text = '-- +goose Up\nALTER TABLE people DROP COLUMN nick;\n\n-- +goose Down\nALTER TABLE people ADD COLUMN nick text;\n';
    const gooseHost = new MemoryFileHost({ [path.join(gooseDir, '00001_people.sql')]: '-- +goose Up\nCREATE TABLE people (id int);\n', [goose]: text });
    assert.deepEqual(migrationSections(goose, text, gooseHost), {
      migration: true,
      convention: 'goose',
      sections: [
        { direction: 'up', line: 0 },
        { direction: 'down', line: 3 },
      ],
    });
    assert.deepEqual(migrationSections(path.join(gooseDir, 'notes.txt'), 'x', gooseHost), { migration: false, sections: [] });
  });
});

describe('verify settings and contributions', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string; title: string; category: string }[]; configuration: { properties: Record<string, { default: unknown; scope: string }> } };
    capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations: string[] } };
  };

  it('normalizes the verify settings: defaults, wrong types, surrounding spaces', () => {
    assert.deepEqual(normalizeSettings(undefined).verify, { codeLens: true, databaseUrl: '' });
    assert.deepEqual(normalizeSettings({ verify: { codeLens: false, databaseUrl: ' postgres://me@h/db ' } }).verify, { codeLens: false, databaseUrl: 'postgres://me@h/db' });
    assert.deepEqual(normalizeSettings({ verify: { codeLens: 'no', databaseUrl: 5 } }).verify, { codeLens: true, databaseUrl: '' });
    assert.deepEqual(normalizeSettings({ verify: null }).verify, DEFAULT_SETTINGS.verify);
  });

  it('package.json contributes the commands, the settings with the shared defaults, and limited untrusted support', () => {
    const commands = new Map(pkg.contributes.commands.map((c) => [c.command, [c.title, c.category]]));
    assert.deepEqual(commands.get(Commands.verifyMigration), ['Verify migration', 'Migration Guard']);
    assert.deepEqual(commands.get(Commands.showSchemaChange), ['Show schema change', 'Migration Guard']);
    assert.deepEqual(commands.get(Commands.showDataChange), ['Show data change', 'Migration Guard']);
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['migrationGuard.verify.codeLens']!.default, DEFAULT_SETTINGS.verify.codeLens);
    assert.equal(props['migrationGuard.verify.databaseUrl']!.default, DEFAULT_SETTINGS.verify.databaseUrl);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['migrationGuard.verify.databaseUrl']);
  });

  it('the package ships PGlite\'s files', () => {
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!dist\/pglite\/\*\*$/m);
    assert.match(fs.readFileSync(path.join(ROOT, 'scripts', 'check-package.mjs'), 'utf8'), /'dist\/pglite\/\*\*'/);
  });
});
