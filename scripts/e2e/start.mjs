#!/usr/bin/env node
// `npm start`: builds and packages the extension, provisions code-server if needed, installs the .vsix into a
// fresh extensions folder and serves VS Code on 127.0.0.1 with the demo workspace examples/ open. Open the
// printed URL in a browser; Ctrl+C stops the server.
//
// Options: --port N (or env PORT; default 8080), --skip-build, --folder DIR (another workspace).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, VSIX, buildAndPackage, installExtension, killGroup, log, makeRunDir, startCodeServer, writeUserSettings } from './lib.mjs';
import { provision } from './provision.mjs';

const TAG = 'start';
const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const port = Number(option('--port') ?? process.env.PORT ?? 8080);
const folder = resolve(option('--folder') ?? join(ROOT, 'examples'));

let runDir;
let server;
const shutdown = (code) => {
  if (server) killGroup(server.child.pid);
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  process.exit(code);
};
process.on('SIGINT', () => {
  log(TAG, 'stopping');
  shutdown(0);
});
process.on('SIGTERM', () => shutdown(0));

try {
  if (!existsSync(folder)) throw new Error(`no workspace folder ${folder}`);
  await provision();
  const vsix = argv.includes('--skip-build') && existsSync(VSIX) ? VSIX : buildAndPackage(TAG);
  runDir = makeRunDir('start');
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  writeUserSettings(userDataDir);
  installExtension(TAG, vsix, extensionsDir, userDataDir);
  server = await startCodeServer(TAG, { port, userDataDir, extensionsDir, folder, logFile: join(runDir, 'code-server.log') });
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  process.stdout.write(`\nMigration Guard is running in VS Code (code-server) with ${folder} open:\n\n    ${url}\n\nPress Ctrl+C to stop.\n`);
  server.child.on('exit', (code, signal) => {
    const tail = readFileSync(join(runDir, 'code-server.log'), 'utf8').split('\n').slice(-20).join('\n');
    log(TAG, `code-server exited (${signal ?? code}); the end of its log:\n${tail}`);
    shutdown(code ?? 1);
  });
} catch (e) {
  log(TAG, `FAILED: ${e && e.message ? e.message : e}`);
  shutdown(1);
}
