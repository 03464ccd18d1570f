/**
 * The whole folder in view, over stdio: workspace diagnostics (`workspace/diagnostic`) report every
 * migration file, opened or not, and are held open until something changes; "Check all migrations",
 * the folder status (convention, config, PostgreSQL version, baseline), the rule list, rule links
 * the client asked for, and the paired-migration preview in a folder of title-less names.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { WorkspaceDiagnosticRequest, type WorkspaceDocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { SERVER, ServerUnderTest, uriOf, waitFor } from './lsp-harness';

type Report = WorkspaceDocumentDiagnosticReport;

async function workspacePull(server: ServerUnderTest, previous: { uri: string; value: string }[] = [], token = new CancellationTokenSource().token): Promise<Report[]> {
  const r = await server.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: previous }, token);
  return r.items;
}

const byFile = (items: Report[], dir: string): Record<string, string[]> =>
  Object.fromEntries(
    items
      .filter((i) => i.kind === 'full')
      .map((i) => [path.relative(dir, new URL(i.uri).pathname), (i as Extract<Report, { kind: 'full' }>).items.map((d) => String(d.code))] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

describe('workspace: every migration file, opened or not', () => {
  let server: ServerUnderTest;
  let root: string;
  let dir: string;

  before(async () => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-workspace-')));
    dir = path.join(root, 'db', 'migrations');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '000001_init.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE legacy (id int);\n');
    fs.writeFileSync(path.join(dir, '000001_init.down.sql'), 'DROP TABLE legacy;\nDROP TABLE users;\n');
    // A misnamed down (golang-migrate skips it) and a DROP TABLE: nobody opens them.
    fs.writeFileSync(path.join(dir, '000002_drop_legacy.up.sql'), 'DROP TABLE legacy;\n');
    fs.writeFileSync(path.join(dir, '000002_drop_legacy_down.sql'), 'CREATE TABLE legacy (id int);\n');
    fs.mkdirSync(path.join(root, 'node_modules', 'x', 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(root, 'node_modules', 'x', 'migrations', '1_x.up.sql'), 'DROP TABLE x;\n');
    fs.writeFileSync(path.join(root, 'notes.sql'), 'DROP TABLE not_a_migration;\n');
    server = new ServerUnderTest();
    await server.initialize(root);
  });

  after(async () => {
    await server?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('announces workspace diagnostics', async () => {
    const s = new ServerUnderTest();
    try {
      const init = await s.initialize(root);
      assert.deepEqual(init.capabilities.diagnosticProvider, { identifier: 'migration-guard', interFileDependencies: true, workspaceDiagnostics: true });
    } finally {
      await s.stop();
    }
  });

  it('a misnamed file and a DROP TABLE, no file opened: both reported, nothing outside the migrations folders', async () => {
    const items = await workspacePull(server);
    assert.deepEqual(byFile(items, root), {
      [path.join('db', 'migrations', '000001_init.down.sql')]: [],
      [path.join('db', 'migrations', '000001_init.up.sql')]: [],
      [path.join('db', 'migrations', '000002_drop_legacy.up.sql')]: ['ban-drop-table', 'missing-down-migration', 'require-lock-timeout'],
      [path.join('db', 'migrations', '000002_drop_legacy_down.sql')]: ['invalid-migration-filename'],
    });
    for (const i of items) assert.equal(i.version, null, 'unopened files have no version');
  });

  it('held open while nothing changes; a change on disk answers with what changed, and unchanged reports for the rest', async () => {
    const first = await workspacePull(server);
    const held = first.map((i) => ({ uri: i.uri, value: i.resultId! }));
    let done = false;
    const next = workspacePull(server, held).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(done, false, 'held while nothing changes');
    // The misnamed down is renamed on disk: it disappears, and the up gets its down.
    fs.renameSync(path.join(dir, '000002_drop_legacy_down.sql'), path.join(dir, '000002_drop_legacy.down.sql'));
    await server.filesChanged([
      { uri: uriOf(path.join(dir, '000002_drop_legacy_down.sql')), type: 3 },
      { uri: uriOf(path.join(dir, '000002_drop_legacy.down.sql')), type: 1 },
    ]);
    const items = await next;
    assert.deepEqual(byFile(items, root), {
      [path.join('db', 'migrations', '000002_drop_legacy.down.sql')]: [],
      [path.join('db', 'migrations', '000002_drop_legacy.up.sql')]: ['ban-drop-table', 'require-lock-timeout'],
      // The file that is gone is cleared.
      [path.join('db', 'migrations', '000002_drop_legacy_down.sql')]: [],
    });
    assert.deepEqual(items.filter((i) => i.kind === 'unchanged').map((i) => path.basename(new URL(i.uri).pathname)).sort(), ['000001_init.down.sql', '000001_init.up.sql']);
  });

  it('a cancelled held request is answered at once', async () => {
    const first = await workspacePull(server);
    const source = new CancellationTokenSource();
    let settled = false;
    const held = workspacePull(server, first.map((i) => ({ uri: i.uri, value: i.resultId! })), source.token).then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(settled, false, 'held while nothing changes');
    source.cancel();
    await waitFor('the cancelled request to settle', () => settled, 5000);
    await held;
  });

  it('respects migrationGuard.enable: everything is cleared, and comes back', async () => {
    await workspacePull(server);
    await server.changeSettings({ enable: false });
    const off = await workspacePull(server);
    assert.ok(off.length > 0 && off.every((i) => i.kind === 'full' && i.items.length === 0), JSON.stringify(off));
    await server.changeSettings({});
    const on = await workspacePull(server);
    assert.ok(on.some((i) => i.kind === 'full' && i.items.some((d) => d.code === 'ban-drop-table')));
  });

  it('"Check all migrations": every file now, summed up per folder', async () => {
    const r = (await server.connection.sendRequest('migrationGuard/checkWorkspace', {})) as { files: number; folders: { folder: string; convention: string; files: number; errors: number; warnings: number; infos: number }[]; warnings: number; infos: number };
    assert.equal(r.files, 4);
    // After the rename above: ban-drop-table and require-lock-timeout on 000002's up.
    assert.deepEqual(r.folders.map((f) => [f.folder, f.convention, f.files, f.warnings, f.infos]), [[dir, 'golang-migrate', 4, 1, 1]]);
    assert.deepEqual([r.warnings, r.infos], [1, 1]);
  });

  it('the folder status: the convention and how it is known, the config, the PostgreSQL version, the baseline; what was detected is logged', async () => {
    const status = (uri: string): Promise<unknown> => server.connection.sendRequest('migrationGuard/folderStatus', { uri });
    const up = uriOf(path.join(dir, '000002_drop_legacy.up.sql'));
    assert.deepEqual(await status(up), {
      checked: true,
      enabled: true,
      convention: { id: 'golang-migrate', name: 'golang-migrate', recognised: true, source: 'detected' },
      postgresVersion: { value: 14, source: 'default' },
      folder: dir,
      migrations: 2,
      newest: '000002',
    });
    await waitFor('the detection in the log', () => server.logs.some((l) => l.startsWith(`Migration Guard: ${dir}: golang-migrate (detected from its file names); 2 migrations, the newest 000002; no .migration-guard.json; PostgreSQL 14 (the default); no baseline.`)));
    const config = path.join(root, '.migration-guard.json');
    fs.writeFileSync(config, '{ "postgresVersion": 16, "baseline": "000001", "migrations": { "convention": "golang-migrate" } }\n');
    await server.filesChanged([{ uri: uriOf(config), type: 1 }]);
    assert.deepEqual(await status(up), {
      checked: true,
      enabled: true,
      convention: { id: 'golang-migrate', name: 'golang-migrate', recognised: true, source: 'config' },
      postgresVersion: { value: 16, source: 'config' },
      configFile: config,
      baseline: '000001',
      folder: dir,
      migrations: 2,
      newest: '000002',
    });
    // The baseline applies: the history's statements are not judged any more.
    const items = await workspacePull(server);
    assert.deepEqual(byFile(items, root)[path.join('db', 'migrations', '000001_init.up.sql')] ?? [], []);
    fs.rmSync(config);
    await server.filesChanged([{ uri: uriOf(config), type: 3 }]);
    assert.deepEqual(((await status(uriOf(path.join(root, 'notes.sql')))) as { checked: boolean }).checked, false);
  });

  it('a folder of title-less names: an unrecognised tool, said so; "Create paired migration" names the next version', async () => {
    const other = path.join(root, 'app', 'store', 'postgres');
    fs.mkdirSync(other, { recursive: true });
    for (const n of ['0001_create_users.up.sql', '0155.up.sql', '0155.down.sql', '0156.up.sql', '0156.down.sql', '0157.up.sql', '0157.down.sql']) fs.writeFileSync(path.join(other, n), 'SELECT 1;\n');
    await server.filesChanged(fs.readdirSync(other).map((n) => ({ uri: uriOf(path.join(other, n)), type: 1 as const })));
    const s = (await server.connection.sendRequest('migrationGuard/folderStatus', { uri: uriOf(path.join(other, '0157.up.sql')) })) as { convention: unknown };
    assert.deepEqual(s.convention, { id: 'unrecognised', name: 'an unrecognised tool', recognised: false, source: 'detected' });
    const preview = await server.connection.sendRequest('migrationGuard/createPairedMigration', { directory: uriOf(other), title: 'Add widgets', preview: true });
    assert.deepEqual((preview as { names: string[] }).names, ['0158_add_widgets.up.sql', '0158_add_widgets.down.sql']);
    const items = byFile(await workspacePull(server), root);
    // Names no supported tool accepts are not judged by golang-migrate's rules.
    for (const [file, codes] of Object.entries(items)) {
      if (file.startsWith('app')) assert.deepEqual(codes.filter((c) => c === 'invalid-migration-filename' || c === 'duplicate-migration-version'), [], file);
    }
    // Its names are not judged; that it has no down while its neighbours have one is.
    assert.deepEqual(items[path.join('app', 'store', 'postgres', '0001_create_users.up.sql')], ['missing-down-migration']);
  });

  it('every rule with its description; rule links point where the client asked', async () => {
    const rules = (await server.connection.sendRequest('migrationGuard/rules')) as { id: string; description: string }[];
    const drop = rules.find((r) => r.id === 'ban-drop-table');
    assert.deepEqual(drop, { id: 'ban-drop-table', description: 'DROP TABLE deletes the table and all its rows; it cannot be undone by a down migration.', defaultSeverity: 'warning', category: 'destructive' });
    const s = new ServerUnderTest();
    try {
      await s.initialize(root, { ruleDocumentationUri: 'vscode://migration-guard.migration-guard/rule/' });
      const uri = await s.open(path.join(dir, '000002_drop_legacy.up.sql'), 'DROP TABLE legacy;\n');
      const found = await s.pull(uri);
      assert.equal(found.find((d) => d.code === 'ban-drop-table')?.codeDescription?.href, 'vscode://migration-guard.migration-guard/rule/ban-drop-table');
    } finally {
      await s.stop();
    }
  });
});
