/** The CLI reads `.migration-guard.json` like the editor: nearest file above each checked file, flags on top. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { layerOptions, projectOptions } from '../../cli/src/options';
import { run, type CliIO } from '../../cli/src/run';
import { ConfigResolver } from '../../server/src/engine/config-file';
import { MemoryFileHost } from '../../server/src/engine/host';
import { golangMigrate } from '../../server/src/engine/migrations/golang-migrate';

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

interface JsonOut {
  findings: { file: string; rule: string; severity: string }[];
}

/** `file rule severity` for every finding of the rules under test. */
function findings(stdout: string, rules = ['ban-drop-table', 'ban-truncate']): string[] {
  return (JSON.parse(stdout) as JsonOut).findings.filter((f) => rules.includes(f.rule)).map((f) => `${f.file.split(path.sep).join('/')} ${f.rule} ${f.severity}`);
}

describe('cli with .migration-guard.json', () => {
  const roots: string[] = [];
  const make = (files: Record<string, string>): string => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-config-'));
    roots.push(root);
    for (const [p, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      fs.writeFileSync(path.join(root, p), text);
    }
    return root;
  };
  after(() => {
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  });

  const MIGRATIONS = {
    'db/migrations/000001_a.up.sql': 'DROP TABLE legacy;\n',
    'db/migrations/000001_a.down.sql': '',
  };

  it('the config turns a rule off or raises it to error; the exit status follows', async () => {
    const off = make({ ...MIGRATIONS, '.migration-guard.json': '{ "rules": { "ban-drop-table": "off" } }' });
    let r = await cli(off, 'check', '--format', 'json', 'db');
    assert.equal(r.stderr, '');
    assert.deepEqual(findings(r.stdout), []);
    assert.equal(r.code, 0);

    const error = make({ ...MIGRATIONS, '.migration-guard.json': '{ "rules": { "ban-drop-table": "error" } }' });
    r = await cli(error, 'check', '--format', 'json', 'db');
    assert.deepEqual(findings(r.stdout), ['db/migrations/000001_a.up.sql ban-drop-table error']);
    assert.equal(r.code, 1);
  });

  it('--rule flags win over the config file', async () => {
    const root = make({ ...MIGRATIONS, '.migration-guard.json': '{ "rules": { "ban-drop-table": "off" } }' });
    const r = await cli(root, 'check', '--format', 'json', '--rule', 'ban-drop-table=error', 'db');
    assert.deepEqual(findings(r.stdout), ['db/migrations/000001_a.up.sql ban-drop-table error']);
    assert.equal(r.code, 1);
  });

  it('each file takes the nearest config above it (no merging with configs further up)', async () => {
    const root = make({
      '.migration-guard.json': '{ "rules": { "ban-drop-table": "error", "ban-truncate": "off" } }',
      'a/migrations/000001_a.up.sql': 'DROP TABLE x;\nTRUNCATE y;\n',
      'a/migrations/000001_a.down.sql': '',
      'b/.migration-guard.json': '{ "rules": { "ban-drop-table": "info" } }',
      'b/migrations/000001_a.up.sql': 'DROP TABLE x;\nTRUNCATE y;\n',
      'b/migrations/000001_a.down.sql': '',
    });
    const r = await cli(root, 'check', '--format', 'json');
    assert.deepEqual(findings(r.stdout), [
      'a/migrations/000001_a.up.sql ban-drop-table error',
      'b/migrations/000001_a.up.sql ban-drop-table info',
      'b/migrations/000001_a.up.sql ban-truncate warning',
    ]);
    assert.equal(r.code, 1);
  });

  it('a broken config exits 2 with every error at its position, and checks nothing', async () => {
    const root = make({ ...MIGRATIONS, 'db/.migration-guard.json': '{\n  "rules": { "ban-drop-table": "warn" },\n  "postgresVersion": 9,\n}\n' });
    const r = await cli(root, 'check', 'db');
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const file = path.join('db', '.migration-guard.json');
    assert.equal(
      r.stderr,
      'migration-guard: invalid configuration:\n' +
        `${file}:3:23: error Invalid JSON: Trailing comma: JSON does not allow a comma before "}".\n`,
    );
    fs.writeFileSync(path.join(root, 'db/.migration-guard.json'), '{\n  "rules": { "ban-drop-table": "warn" },\n  "postgresVersion": 9\n}\n');
    const again = await cli(root, 'check', 'db');
    assert.equal(again.code, 2);
    assert.equal(
      again.stderr,
      'migration-guard: invalid configuration:\n' +
        `${file}:2:32: error Invalid setting "warn" for rule "ban-drop-table": expected "off", "error", "warning", "info" or "hint". Did you mean "warning"?\n` +
        `${file}:3:22: error "postgresVersion" must be a PostgreSQL major version, an integer from 10 to 18, not 9.\n`,
    );
  });

  it('warnings (unknown rule ids, unknown settings) go to stderr and the check goes on', async () => {
    const root = make({ ...MIGRATIONS, '.migration-guard.json': '{ "rules": { "ban-drop-tabel": "off" }, "extends": "x" }' });
    const r = await cli(root, 'check', '--format', 'json', 'db');
    assert.equal(
      r.stderr,
      'migration-guard: .migration-guard.json:1:14: warning Unknown rule "ban-drop-tabel"; it is ignored. Did you mean "ban-drop-table"?\n' +
        'migration-guard: .migration-guard.json:1:41: warning Unknown setting "extends"; it is ignored. Known: "$schema", "rules", "postgresVersion", "baseline", "migrations" or "verify".\n',
    );
    assert.deepEqual(findings(r.stdout), ['db/migrations/000001_a.up.sql ban-drop-table warning']);
    assert.equal(r.code, 0);
  });

  it('layers the options: rules merge with flags on top; version and convention come from the config', () => {
    const host = new MemoryFileHost({ '/p/.migration-guard.json': '{ "rules": { "ban-truncate": "off", "ban-drop-table": "info" }, "postgresVersion": 11, "migrations": { "convention": "golang-migrate" } }' });
    const config = new ConfigResolver(host, ['ban-truncate', 'ban-drop-table']).forFile('/p/m/1_a.up.sql');
    assert.deepEqual(layerOptions(config, { rules: { 'ban-drop-table': 'error' } }), {
      rules: { 'ban-truncate': 'off', 'ban-drop-table': 'error' },
      postgresVersion: 11,
      convention: golangMigrate,
    });
    assert.deepEqual(layerOptions(undefined, { rules: { 'ban-drop-table': 'error' } }), { rules: { 'ban-drop-table': 'error' } });
    const project = projectOptions([path.resolve('/p/m/1_a.up.sql'), path.resolve('/q/1_a.up.sql')], { rules: {} }, host, (p) => p);
    assert.ok(project.ok);
    assert.equal(project.optionsFor(path.resolve('/p/m/1_a.up.sql')).postgresVersion, 11);
    assert.deepEqual(project.optionsFor(path.resolve('/q/1_a.up.sql')), { rules: {} });
  });
});
