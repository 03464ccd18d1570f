#!/usr/bin/env node
// Runs the extension-host mocha suite (test/e2e/suite) inside real VS Code: code-server 4.139.1 (Code 1.139.1)
// serves the workbench, headless Debian Chromium opens it through playwright-core with VS Code's test hook
// (extensionDevelopmentPath + extensionTestsPath in the `payload` URL, honoured because code-server runs with
// `--vscode-option enable-smoke-test-driver`), and the workbench reports the suite's end through
// window.codeAutomationExit(code). The extension under test is the packaged .vsix, installed with
// `code-server --install-extension` into a fresh extensions folder; the workspace is a fresh copy of
// test/e2e/fixtures/workspace. Exits with the suite's exit code.
//
// Options: --skip-build (reuse migration-guard.vsix / dist), --keep (keep the temp folder),
//          --vsix FILE (test that package instead of building one; e.g. a deliberately broken copy),
//          --workspace DIR (another fixture), --tests FILE (another compiled test index).
// Env: E2E_TIMEOUT_MS (global timeout, default 600000).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import {
  ROOT,
  VSIX,
  buildAndPackage,
  copyWorkspace,
  freePort,
  guarded,
  installExtension,
  launchChromium,
  log,
  makeRunDir,
  remoteUri,
  startCodeServer,
  writeUserSettings,
} from './lib.mjs';
import { provision } from './provision.mjs';

const TAG = 'e2e:suite';
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 600_000);
const fixture = resolve(option('--workspace') ?? join(ROOT, 'test', 'e2e', 'fixtures', 'workspace'));
const testsIndex = resolve(option('--tests') ?? join(ROOT, 'out', 'e2e', 'suite', 'index.js'));

const WORKBENCH_NOISE =
  /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Updating additional builtin|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|getaddrinfo ENOTFOUND open-vsx\.org|\[driver\])/;

const cleanups = [];
const started = Date.now();
const code = await guarded(TAG, timeoutMs, cleanups, async () => {
  await provision();
  const vsix = option('--vsix')
    ? resolve(option('--vsix'))
    : flag('--skip-build')
      ? existsSync(VSIX) ? VSIX : undefined
      : buildAndPackage(TAG);
  if (!option('--tests')) {
    log(TAG, 'compiling the suite: tsc -p test/e2e');
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'test', 'e2e')], { stdio: 'inherit', cwd: ROOT });
    if (r.status !== 0) throw new Error('the e2e suite does not compile');
  }
  if (!existsSync(testsIndex)) throw new Error(`no compiled test index at ${testsIndex}`);

  const runDir = makeRunDir('suite');
  if (!flag('--keep')) cleanups.push(() => rmSync(runDir, { recursive: true, force: true }));
  else log(TAG, `keeping ${runDir}`);
  const workspace = copyWorkspace(fixture, join(runDir, 'workspace'));
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  writeUserSettings(userDataDir);
  const extDir = installExtension(TAG, vsix, extensionsDir, userDataDir);
  log(TAG, `extension installed at ${extDir}`);

  const port = await freePort();
  const server = await startCodeServer(TAG, {
    port,
    userDataDir,
    extensionsDir,
    folder: workspace,
    logFile: join(runDir, 'code-server.log'),
    smokeTestDriver: true,
  });
  cleanups.push(server.stop);

  const context = await launchChromium(join(runDir, 'chromium'));
  cleanups.push(() => {
    // The browser is a child of this process: close it without waiting (the group kill ends its helpers too).
    context.close().catch(() => {});
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  // The workbench forwards its own log and the extension host's console here: print the suite's output,
  // drop the workbench's routine lines (set E2E_VERBOSE=1 to see everything).
  await page.exposeFunction('codeAutomationLog', (_type, message) => {
    // console.log's arguments arrive as an array (format string first): format them as Node would.
    const parts = Array.isArray(message) ? message : [message];
    const text = format(...parts);
    if (!process.env.E2E_VERBOSE && WORKBENCH_NOISE.test(text)) return;
    process.stdout.write(`${text}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (exitCode) => {
    resolveExit(typeof exitCode === 'number' ? exitCode : 1);
  });
  page.on('pageerror', (e) => log(TAG, `page error: ${e.message}`));

  const hostPort = `127.0.0.1:${port}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remoteUri(hostPort, extDir)],
    ['extensionTestsPath', remoteUri(hostPort, testsIndex)],
  ]);
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
  log(TAG, `opening the workbench (${workspace})`);
  await page.goto(url);
  const exitCode = await exited;
  await context.close().catch(() => {});
  log(TAG, `extension host tests finished with exit code ${exitCode} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return exitCode;
});
process.exit(code);
