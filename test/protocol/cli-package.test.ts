/**
 * The CLI as a package: `npm pack` (its prepack script builds dist/), then, from clean folders and
 * offline, `npm install -g` of the tarball and `npx migration-guard` of a local install. The tarball
 * must carry everything dist/cli.js needs (libpg-query's WASM, PGlite's files for verify) and nothing
 * else (.npmignore is a whitelist).
 */
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** npm with no network and no noise; a cache of its own so nothing else leaks in. */
function npmEnv(cache: string): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_cache: cache };
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.error, undefined, `${what}: ${String(r.error)}`);
  assert.equal(r.status, 0, `${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('npm package of the CLI', function () {
  this.timeout(240_000);
  let tmp: string;
  let tarball: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-pack-')));
    env = npmEnv(path.join(tmp, 'npm-cache'));
    const out = ok(spawnSync(NPM, ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8', env }), 'npm pack');
    const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, info[0]!.filename);
    fs.writeFileSync(path.join(tmp, 'files.json'), JSON.stringify(info[0]!.files.map((f) => f.path).sort()));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the tarball holds the CLI and what it loads, and nothing else', () => {
    const files = JSON.parse(fs.readFileSync(path.join(tmp, 'files.json'), 'utf8')) as string[];
    const rules = fs.readdirSync(path.join(ROOT, 'docs', 'rules')).map((f) => `docs/rules/${f}`);
    const pglite = fs.readdirSync(path.join(ROOT, 'dist', 'pglite')).map((f) => `dist/pglite/${f}`);
    assert.deepEqual(
      files,
      ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli.js', 'dist/libpg-query.wasm', ...pglite, ...rules, 'package.json', 'schemas/migration-guard.schema.json'].sort(),
    );
    assert.ok(pglite.includes('dist/pglite/pglite.wasm') && pglite.includes('dist/pglite/pglite.data'));
  });

  it('npm install -g from the tarball, offline: migration-guard checks and reviews from a clean folder', () => {
    const prefix = path.join(tmp, 'global');
    ok(spawnSync(NPM, ['install', '-g', '--prefix', prefix, tarball], { cwd: tmp, encoding: 'utf8', env }), 'npm install -g');
    const bin = path.join(prefix, process.platform === 'win32' ? 'migration-guard.cmd' : path.join('bin', 'migration-guard'));
    assert.ok(fs.existsSync(bin), bin);
    const project = path.join(tmp, 'project');
    fs.mkdirSync(path.join(project, 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(project, 'migrations', '000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY);\n');
    fs.writeFileSync(path.join(project, 'migrations', '000001_users.down.sql'), 'DROP TABLE users;\n');
    fs.writeFileSync(path.join(project, 'migrations', '000002_drop.up.sql'), 'DROP TABLE users;\n');
    const check = spawnSync(bin, ['check', '--format', 'github', 'migrations'], { cwd: project, encoding: 'utf8' });
    assert.equal(check.stderr, '');
    assert.equal(check.status, 0);
    assert.match(check.stdout, /^::warning file=migrations\/000002_drop\.up\.sql,line=1,col=1,endLine=1,endColumn=\d+,title=ban-drop-table::/m);
    const review = ok(spawnSync(bin, ['review', 'migrations'], { cwd: project, encoding: 'utf8' }), 'review');
    assert.match(review, /^## 000002_drop$/m);
    // verify from the installed tarball (PGlite's files) runs in npm run test:workflow, which installs it the same way.
  });

  it('npx migration-guard runs the locally installed package, offline', () => {
    const project = path.join(tmp, 'local');
    fs.mkdirSync(path.join(project, 'db'), { recursive: true });
    fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "app", "version": "1.0.0", "private": true }\n');
    fs.writeFileSync(path.join(project, 'db', '000001_a.up.sql'), 'CREATE TABLE a (id int);\n');
    ok(spawnSync(NPM, ['install', '--save-dev', tarball], { cwd: project, encoding: 'utf8', env }), 'npm install');
    const r = spawnSync(NPX, ['--no', 'migration-guard', 'check', 'db', '--format', 'json'], { cwd: project, encoding: 'utf8', env });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule),
      ['missing-down-migration'],
    );
    assert.equal(ok(spawnSync(NPX, ['--no', '--', 'migration-guard', '--version'], { cwd: project, encoding: 'utf8', env }), 'npx --version').trim(), (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
