#!/usr/bin/env node
// Runs the same extension-host suite (test/e2e/suite) with @vscode/test-electron, the ecosystem's standard
// runner: it downloads a desktop VS Code build into .vscode-test/ and starts it with the extension under
// development. Needs internet access for that download (and a display, or xvfb-run, on Linux). On a machine
// without it, use `npm run test:e2e` (code-server + Chromium), which runs the same suite offline.
//
// Options: --skip-build. Env: VSCODE_VERSION (default "stable").
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './provision.mjs';

const TAG = 'e2e:test-electron';
const log = (m) => process.stderr.write(`[${TAG}] ${m}\n`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) {
    log(`\`${cmd} ${args.join(' ')}\` failed`);
    process.exit(1);
  }
}

if (!process.argv.includes('--skip-build')) run('npm', ['run', '--silent', 'build']);
run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'test', 'e2e')]);

const { runTests, downloadAndUnzipVSCode } = await import('@vscode/test-electron');
const version = process.env.VSCODE_VERSION ?? 'stable';

let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: join(ROOT, '.vscode-test') });
} catch (e) {
  const msg = String(e && e.message ? e.message : e);
  log(`FAILED: could not download VS Code "${version}": ${msg}`);
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|socket hang up/i.test(msg)) {
    log('This machine cannot reach the VS Code download servers (offline). @vscode/test-electron needs to download');
    log('a desktop VS Code build. Run the same suite offline with `npm run test:e2e` (code-server + Chromium).');
  }
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'mg-test-electron-'));
const workspace = join(work, 'workspace');
cpSync(join(ROOT, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
let code = 0;
try {
  code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out', 'e2e', 'suite', 'index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir',
      join(work, 'user-data'),
    ],
  });
} catch (e) {
  log(`FAILED: ${e && e.message ? e.message : e}`);
  code = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(code);
