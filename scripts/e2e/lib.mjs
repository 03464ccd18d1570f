// Shared pieces of the real-VS-Code test tier: building and packaging the extension, installing it into a
// fresh extensions folder, a fresh workspace copy, starting code-server in its own process group, and
// launching Debian's Chromium through playwright-core. Used by run-code-server.mjs, ui-checks.mjs, start.mjs.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CODE_SERVER_ENTRY, NODE24, ROOT, emptyConfig, node24Env } from './provision.mjs';

export { ROOT };
export const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
export const EXTENSION_ID = `${PKG.publisher}.${PKG.name}`;
export const VSIX = join(ROOT, `${PKG.name}.vsix`);

export function log(tag, msg) {
  process.stderr.write(`[${tag}] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` exited with ${r.status ?? r.signal}`);
}

/**
 * Builds and packages the extension (`npm run package` → migration-guard.vsix). Returns the .vsix path,
 * or, when the project has no `package` script yet, undefined after `npm run build` (the caller then
 * installs the folder itself, see installExtension).
 */
export function buildAndPackage(tag) {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
  if (scripts.package) {
    log(tag, 'npm run package');
    const t0 = Date.now() - 1000;
    run('npm', ['run', '--silent', 'package']);
    if (!existsSync(VSIX) || statSync(VSIX).mtimeMs < t0) throw new Error(`npm run package did not produce ${VSIX}`);
    return VSIX;
  }
  log(tag, 'no `package` script yet: npm run build, the extension folder is installed as is');
  run('npm', ['run', '--silent', 'build']);
  return undefined;
}

/** A fresh temporary folder for one run; removed by cleanup(). */
export function makeRunDir(prefix) {
  return mkdtempSync(join(tmpdir(), `mg-${prefix}-`));
}

/**
 * Installs the extension into a fresh extensions folder: the .vsix through code-server's own
 * `--install-extension` (proves the package installs), else a copy of the project's files.
 * Returns the installed extension's folder.
 */
export function installExtension(tag, vsix, extensionsDir, userDataDir) {
  mkdirSync(extensionsDir, { recursive: true });
  if (vsix) {
    log(tag, `installing ${vsix} with code-server --install-extension`);
    const r = spawnSync(
      NODE24,
      [
        CODE_SERVER_ENTRY,
        '--config', emptyConfig(),
        '--user-data-dir', userDataDir,
        '--extensions-dir', extensionsDir,
        '--install-extension', vsix,
      ],
      { encoding: 'utf8', env: node24Env() },
    );
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.status !== 0 || !/was successfully installed/.test(out)) {
      throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${out}`);
    }
  } else {
    const dest = join(extensionsDir, `${EXTENSION_ID}-${PKG.version}`);
    for (const f of ['package.json', 'dist', 'docs', 'snippets', 'syntaxes', 'language-configuration.json', 'README.md', 'LICENSE']) {
      if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dest, f), { recursive: true });
    }
  }
  const dirs = readdirSync(extensionsDir).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
  if (dirs.length !== 1) throw new Error(`expected one installed extension in ${extensionsDir}, found: ${dirs.join(', ') || 'none'}`);
  return join(extensionsDir, dirs[0]);
}

/** User settings that keep the workbench quiet and the screen clean. */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    // Tests edit documents and expect them to stay dirty until they save or revert them: code-server's
    // auto save would save an edit a second later, and a revert would then keep it.
    'files.autoSave': 'off',
    ...extra,
  };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/** A fresh copy of a workspace folder (the fixture, or the demo) in dir. */
export function copyWorkspace(src, dir) {
  if (!existsSync(src)) throw new Error(`workspace ${src} does not exist`);
  cpSync(src, dir, { recursive: true });
  return dir;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server in its own session and process group (Node's `detached` calls setsid), logging
 * to logFile, and waits until /healthz answers. Returns { child, port, url, stop() }.
 */
export async function startCodeServer(tag, { port, host = '127.0.0.1', userDataDir, extensionsDir, folder, logFile, smokeTestDriver = false }) {
  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--config', emptyConfig(),
  ];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(folder);
  const fd = openSync(logFile, 'a');
  const child = spawn(NODE24, args, { detached: true, stdio: ['ignore', fd, fd], env: node24Env() });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const url = `http://${host}:${port}`;
  const stop = () => killGroup(child.pid);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited before it listened; its log:\n${readFileSync(logFile, 'utf8')}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not answer ${url}/healthz within 60 s; its log:\n${readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  log(tag, `code-server listening on ${url} (pid ${child.pid}, process group ${child.pid})`);
  return { child, port, url, stop };
}

/** Ends a process group: SIGTERM, then SIGKILL after a grace period. Synchronous, so it also runs on exit. */
export function killGroup(pgid) {
  if (!pgid) return;
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const until = Date.now() + 5000;
  while (alive() && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  if (alive()) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Headless Debian Chromium through playwright-core, with a fresh profile in profileDir. */
export async function launchChromium(profileDir, { headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** `vscode-remote://HOST:PORT/abs/path`: how the workbench's payload names a path on the server. */
export function remoteUri(hostPort, absPath) {
  return `vscode-remote://${hostPort}${absPath.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Runs fn with cleanup guaranteed: on normal end, on an error, on SIGINT/SIGTERM, and when the global
 * timeout fires (with a clear message). cleanups is an array the caller fills (run in reverse order).
 */
export async function guarded(tag, timeoutMs, cleanups, fn) {
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    for (const c of [...cleanups].reverse()) {
      try {
        c();
      } catch (e) {
        log(tag, `cleanup step failed: ${e.message}`);
      }
    }
  };
  const onSignal = (sig) => {
    log(tag, `${sig}: stopping`);
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', cleanup);
  const timer = setTimeout(() => {
    log(tag, `TIMEOUT: no result after ${Math.round(timeoutMs / 1000)} s (set E2E_TIMEOUT_MS to change); killing code-server and failing`);
    cleanup();
    process.exit(124);
  }, timeoutMs);
  try {
    return await fn();
  } catch (e) {
    log(tag, `FAILED: ${e && e.stack ? e.stack : e}`);
    return 1;
  } finally {
    clearTimeout(timer);
    cleanup();
  }
}
