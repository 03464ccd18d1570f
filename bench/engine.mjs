// `npm run bench` (engine part): what the whole engine costs over the parser alone, on the real
// corpus, in one process, measured in the same run:
//   peer:  libpg-query's parseSync on each file's whole text (what any PostgreSQL-aware linter pays);
//   ours:  `migration-guard check`'s own loop without output (checkFiles: each folder's timeline built
//          once, every file analysed against it, every rule), on one thread.
// Prints the ratio and peak memory; exits 1 when the target is missed. Also prints, as information,
// what the folders' timelines alone cost (every up applied once), the part no design of issue 9 skips.
// Needs `npm run compile`.
// (Editor latency is bench/lsp.mjs; the CLI's wall time against squawk is bench/squawk.mjs.)
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(process.env.MIGRATION_GUARD_CORPUS ?? path.join(root, '..', 'shared', 'corpus'));
const out = (p) => path.join(root, 'out', p);
if (!fs.existsSync(corpus)) {
  console.log(`engine bench: corpus not found at ${corpus}: skipped`);
  process.exit(0);
}
if (!fs.existsSync(out('cli/src/check.js'))) {
  console.error('engine bench: out/ is missing: run `npm run compile` first');
  process.exit(2);
}

// Target (issue 9): the whole engine at most 2x the bare parse of the same texts, in process.
const TARGET_ENGINE_OVER_PARSE = 2;

const pg = require('libpg-query');
const { loadParser } = require(out('server/src/engine/parsing/parser.js'));
const { checkFiles, RunFileHost } = require(out('cli/src/check.js'));
const { Workspace } = require(out('server/src/engine/project/workspace.js'));
await loadParser();

const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.sql')) files.push(p);
  }
})(corpus);
files.sort();
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);

function peer() {
  const t0 = performance.now();
  for (const t of texts) {
    try {
      if (t.trim()) pg.parseSync(t);
    } catch {
      /* a syntax error costs the same */
    }
  }
  return performance.now() - t0;
}

const inputs = files.map((f) => ({ path: f, display: f }));

function engine() {
  const host = new RunFileHost(); // the host `migration-guard check` uses: one state of the files per run
  const t0 = performance.now();
  let findings = 0;
  for (const r of checkFiles(inputs, {}, host)) findings += r.analysis.findings.length;
  return { ms: performance.now() - t0, findings };
}

/**
 * Where the budget goes, not a target: the part of the engine the issue's own design cannot leave
 * out, every folder's timeline (each up migration applied once, in version order, as a whole file: the
 * way a migration that is only history is), timed apart from the parse of those ups (done first, in
 * the same fresh workspace).
 */
function timeline() {
  const ws = new Workspace(new RunFileHost());
  const folders = new Map();
  for (const f of files) {
    const folder = ws.folderOf(f, ws.conventionOf(f));
    folders.set(folder.key, folder);
  }
  let ups = 0;
  for (const folder of folders.values()) {
    for (const m of folder.timeline.files()) {
      const raw = ws.text(m.path);
      if (raw === undefined) continue;
      folder.parseUp(m, raw);
      ups++;
    }
  }
  const t0 = performance.now();
  for (const folder of folders.values()) folder.schemaBefore(undefined);
  return { ms: performance.now() - t0, ups, folders: folders.size };
}

// Warm up each once (JIT, caches), then take the best of three.
peer();
engine();
timeline();
const peerMs = Math.min(peer(), peer(), peer());
const runs = [engine(), engine(), engine()];
const engineMs = Math.min(...runs.map((r) => r.ms));
const replays = [timeline(), timeline(), timeline()];
const replayMs = Math.min(...replays.map((r) => r.ms));
const ratio = engineMs / peerMs;
const peakMB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`engine bench: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(2)} MB, ${runs[0].findings} findings`);
console.log(`  peer (libpg-query parseSync per file): ${peerMs.toFixed(0)} ms`);
console.log(`  Migration Guard (check's loop, every rule, one thread): ${engineMs.toFixed(0)} ms = ${ratio.toFixed(2)}x the parser (target <= ${TARGET_ENGINE_OVER_PARSE}x): ${ratio <= TARGET_ENGINE_OVER_PARSE ? 'ok' : 'MISSED'}`);
console.log(
  `  of which, not a target: the ${replays[0].folders} folders' timelines alone (${replays[0].ups} up migrations applied once, parsed beforehand): ${replayMs.toFixed(0)} ms = ${(replayMs / peerMs).toFixed(2)}x the parser`,
);
console.log(`  peak RSS: ${peakMB} MB`);
if (ratio > TARGET_ENGINE_OVER_PARSE) process.exit(1);
