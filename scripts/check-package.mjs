#!/usr/bin/env node
// Checks what the extension package ships: `vsce ls` must list only whitelisted files (the same
// whitelist as .vscodeignore) and every file the extension needs; the built .vsix must hold exactly
// those files. Prints the .vsix size. Run after `npm run package`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const VSIX = join(ROOT, 'migration-guard.vsix');

/** What may be shipped: exact files, or everything under a folder (`dir/**`). */
const WHITELIST = [
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'dist/client.js',
  'dist/server.js',
  'dist/verify-worker.js',
  'dist/cli.js',
  'dist/libpg-query.wasm',
  'dist/pglite/**',
  'docs/rules/**',
  'schemas/**',
  'snippets/**',
  'syntaxes/**',
  'images/**',
];

const allowed = (file) =>
  WHITELIST.some((w) => (w.endsWith('/**') ? file.startsWith(w.slice(0, -2)) : file === w));

const normalize = (p) => posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '');

/** The files the extension cannot work without, read from package.json and the docs folder. */
function requiredFiles() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const required = new Set(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/libpg-query.wasm']);
  required.add('dist/server.js');
  required.add('dist/verify-worker.js');
  // verify: PGlite's files, which server/src/engine/verify/pglite.ts loads from dist/pglite/.
  for (const f of ['pglite.wasm', 'initdb.wasm', 'pglite.data']) required.add(`dist/pglite/${f}`);
  if (pkg.main) required.add(normalize(pkg.main));
  for (const bin of Object.values(typeof pkg.bin === 'string' ? { bin: pkg.bin } : pkg.bin ?? {})) required.add(normalize(bin));
  const contributes = pkg.contributes ?? {};
  for (const key of ['snippets', 'grammars', 'languages', 'jsonValidation']) {
    for (const c of contributes[key] ?? []) {
      for (const field of ['path', 'configuration', 'url']) {
        if (typeof c[field] === 'string' && !/^[a-z]+:/.test(c[field])) required.add(normalize(c[field]));
      }
    }
  }
  const docs = join(ROOT, 'docs', 'rules');
  if (existsSync(docs)) for (const f of readdirSync(docs)) if (f.endsWith('.md')) required.add(`docs/rules/${f}`);
  return [...required].sort();
}

/** The names of the entries of a zip file, read from its central directory. */
function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const problems = [];

const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
const listed = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' })
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter((l) => l.length > 0)
  .map(normalize)
  .sort();

for (const f of listed) if (!allowed(f)) problems.push(`not in the whitelist but packaged: ${f}`);
for (const f of requiredFiles()) {
  if (!listed.includes(f)) problems.push(`required but not packaged: ${f}${existsSync(join(ROOT, f)) ? '' : ' (missing on disk)'}`);
}

if (!existsSync(VSIX)) {
  problems.push('migration-guard.vsix not found: run `npm run package` first');
} else {
  const inVsix = zipEntries(VSIX)
    .filter((e) => e.startsWith('extension/'))
    .map((e) => e.slice('extension/'.length))
    .sort();
  // vsce stores these under other names inside the package.
  const renamed = { 'README.md': 'readme.md', 'CHANGELOG.md': 'changelog.md', LICENSE: 'LICENSE.txt' };
  const expected = listed.map((f) => (!inVsix.includes(f) && renamed[f] ? renamed[f] : f));
  for (const f of inVsix) if (!expected.includes(f)) problems.push(`in the .vsix but not listed by vsce ls: ${f}`);
  for (const f of expected) if (!inVsix.includes(f)) problems.push(`listed by vsce ls but not in the .vsix: ${f}`);
  const size = statSync(VSIX).size;
  console.log(`migration-guard.vsix: ${size} bytes (${(size / 1024 / 1024).toFixed(2)} MiB), ${inVsix.length} files`);
}

console.log(`vsce ls: ${listed.length} files`);
for (const f of listed) console.log(`  ${f}`);

if (problems.length > 0) {
  for (const p of problems) console.error(`check-package: ${p}`);
  process.exit(1);
}
console.log('check-package: ok');
