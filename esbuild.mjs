// Bundles the client, the language server and the CLI into dist/, and puts libpg-query's WASM
// beside the server and CLI bundles (the Emscripten loader looks for it next to the script).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server.js' },
  // Verify runs in a worker thread of the server (server/src/lsp/verify.ts looks for it beside server.js).
  { ...common, entryPoints: ['server/src/lsp/verify-worker.ts'], outfile: 'dist/verify-worker.js' },
  { ...common, entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

mkdirSync('dist', { recursive: true });
copyFileSync(join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm'), 'dist/libpg-query.wasm');

// PGlite (verify): its CommonJS build is bundled (and only required when a verification runs);
// its WASM, file-system bundle and extension tarballs go to dist/pglite/, where
// server/src/engine/verify/pglite.ts looks first (it hands them to PGlite explicitly).
const pgliteDist = dirname(require.resolve('@electric-sql/pglite'));
mkdirSync('dist/pglite', { recursive: true });
for (const name of readdirSync(pgliteDist)) {
  if (['pglite.wasm', 'initdb.wasm', 'pglite.data'].includes(name) || name.endsWith('.tar.gz')) {
    copyFileSync(join(pgliteDist, name), join('dist/pglite', name));
  }
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
