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
import { migrationOf, toEditorResult, verifyForEditor } from '../../server/src/lsp/verify';
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
    dataLoss: [],
    seed: { seeded: [], skipped: [] },
    snapshots: { before: 'b\n', afterUp: 'a\n' },
    timings: { total: 5 },
    ...overrides,
  };
}

describe('verify in the editor (server side)', () => {
  const host = new MemoryFileHost({ [UP]: UP_TEXT, [DOWN]: DOWN_TEXT });
  const stmt = UP_TEXT.indexOf('CREATE INDEX CONCURRENTLY');

  it('turns a failing statement into an error at its exact UTF-16 range, with SQLSTATE, detail and hint', () => {
    const r = toEditorResult(
      result({
        failures: [
          {
            phase: 'up',
            file: UP,
            message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block',
            code: '25001',
            detail: 'd',
            hint: 'h',
            span: { start: stmt, end: UP_TEXT.indexOf(';', stmt) },
            located: 'statement',
            text: 'x',
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
            code: 'verify-statement-fails',
            message: 'The up fails: CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)\nDetail: d\nHint: h',
            data: { sqlstate: '25001' },
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

  it('puts schema differences and data loss on the down, listing a missing object\'s definition', () => {
    const nameStmt = { start: DOWN_TEXT.indexOf('ALTER TABLE users DROP COLUMN name'), end: DOWN_TEXT.length - 2 };
    const r = toEditorResult(
      result({
        differences: [
          { phase: 'down', kind: 'index', name: 'public.users_age_idx', change: 'unexpected', expected: [], actual: ['CREATE INDEX users_age_idx ON public.users USING btree (age)'], file: DOWN, span: { start: 0, end: 33 }, message: 'the down does not drop index users_age_idx, which did not exist before the up' },
          { phase: 'down', kind: 'table', name: 'public.users', change: 'changed', expected: ['column name text'], actual: [], file: DOWN, span: nameStmt, message: 'the down does not restore table users as it was before the up: column name is missing (`name text`)' },
        ],
        dataLoss: [{ table: 'public.users', column: 'name', before: 1, after: 0, file: DOWN, span: nameStmt, message: 'up → down loses 1 of 1 value of column users.name' }],
        backend: { kind: 'server', url: 'postgres://me:***@db:5432/postgres', database: 'migration_guard_verify_0123456789ab', serverVersion: '15.1' },
        cache: { enabled: false, hit: false, fromCache: 0 },
      }),
      host,
    );
    const down = r.files.find((f) => f.uri === pathToFileURL(DOWN).href)!.diagnostics;
    assert.deepEqual(
      down.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message]),
      [
        ['verify-schema-difference', 0, 0, 0, 33, 'The down does not drop index users_age_idx, which did not exist before the up:\n  CREATE INDEX users_age_idx ON public.users USING btree (age)'],
        ['verify-schema-difference', 1, 0, 1, 34, 'The down does not restore table users as it was before the up: column name is missing (`name text`)'],
        ['verify-data-loss', 1, 0, 1, 34, 'Up → down loses 1 of 1 value of column users.name'],
      ],
    );
    assert.equal(r.backend, 'postgres://me:***@db:5432/postgres (scratch database migration_guard_verify_0123456789ab, dropped)');
    assert.equal(r.cache, undefined);
  });

  it('a replay failure lands on the earlier file and names the version that could not be verified', () => {
    const earlier = path.join(DIR, '000001_users.up.sql');
    const r = toEditorResult(
      result({ status: 'replay-failed', failures: [{ phase: 'replay', file: earlier, message: 'syntax error at or near ")"', span: { start: 0, end: 0 }, located: 'file', text: 'x' }] }),
      new MemoryFileHost({ [earlier]: 'x' }),
    );
    assert.deepEqual(
      r.files.map((f) => [path.basename(f.uri), f.diagnostics.map((d) => d.message)]),
      [
        ['000002_caf%C3%A9.up.sql', []],
        ['000002_caf%C3%A9.down.sql', []],
        ['000001_users.up.sql', ['This earlier migration fails, so version 000002 cannot be verified: syntax error at or near ")"']],
      ],
    );
  });

  it('knows which files are migrations, and answers for others without running anything', async () => {
    assert.deepEqual(migrationOf(UP), { directory: DIR, version: 2n, versionText: '000002' });
    assert.deepEqual(migrationOf(path.join(DIR, '000002_x.down.sql')), { directory: DIR, version: 2n, versionText: '000002' });
    assert.equal(migrationOf(path.join(DIR, 'schema.sql')), undefined);
    const r = await verifyForEditor(pathToFileURL(path.join(DIR, 'schema.sql')).href, { host });
    assert.deepEqual([r.status, r.summary, r.files], ['not-a-migration', 'schema.sql is not a migration file: verify works on {version}_{title}.up.sql / .down.sql files.', []]);
    const untitled = await verifyForEditor('untitled:Untitled-1', { host });
    assert.deepEqual([untitled.ok, untitled.status, untitled.summary], [false, 'not-a-migration', 'untitled:Untitled-1 is not a migration file: verify works on {version}_{title}.up.sql / .down.sql files.']);
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
