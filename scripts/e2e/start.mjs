#!/usr/bin/env node
// `npm start`: builds and packages the extension, provisions code-server if needed, installs the .vsix into a
// fresh extensions folder and serves VS Code on 127.0.0.1 with a copy of the demo workspace examples/ open
// (a scratch copy in the run folder: quick fixes, renames and new migrations never touch the tracked files;
// it is removed on exit). Open the printed URL in a browser; Ctrl+C stops the server.
//
// Options: --port N (or env PORT; default 8080), --skip-build, --folder DIR (another workspace, opened as is).
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
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
const chosen = option('--folder');
const source = resolve(chosen ?? join(ROOT, 'examples'));

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
  if (!existsSync(source)) throw new Error(`no workspace folder ${source}`);
  await provision();
  const vsix = argv.includes('--skip-build') && existsSync(VSIX) ? VSIX : buildAndPackage(TAG);
  runDir = makeRunDir('start');
  // The demo is opened as a copy, so that trying the quick fixes leaves examples/ as it is in git.
  const folder = chosen ? source : join(runDir, 'examples');
  if (!chosen) cpSync(source, folder, { recursive: true });
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  writeUserSettings(userDataDir);
  installExtension(TAG, vsix, extensionsDir, userDataDir);
  server = await startCodeServer(TAG, { port, userDataDir, extensionsDir, folder, logFile: join(runDir, 'code-server.log') });
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  const what = chosen ? folder : `a copy of ${source} (${folder}, removed on exit)`;
  process.stdout.write(`\nMigration Guard is running in VS Code (code-server) with ${what} open:\n\n    ${url}\n\nPress Ctrl+C to stop.\n`);
  server.child.on('exit', (code, signal) => {
    const tail = readFileSync(join(runDir, 'code-server.log'), 'utf8').split('\n').slice(-20).join('\n');
    log(TAG, `code-server exited (${signal ?? code}); the end of its log:\n${tail}`);
    shutdown(code ?? 1);
  });
} catch (e) {
  log(TAG, `FAILED: ${e && e.message ? e.message : e}`);
  shutdown(1);
}
