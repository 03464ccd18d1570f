// `npm run bench` (lint part): how much the whole engine (parse + every rule + suppressions + the
// schema model) costs over the parser alone, on the real corpus, measured in the same run:
//   peer:  libpg-query's parseSync on each file's whole text (what any PostgreSQL-aware linter pays);
//   ours:  analyzeFile on each file, as `migration-guard check` runs it;
//   edit:  re-analysing the newest file of the largest directory after a one-character change,
//          with the directory's schema model warm (what a keystroke costs in the editor).
// Prints the ratios and peak memory; exits 1 when a target is missed. Needs `npm run compile`.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(process.env.MIGRATION_GUARD_CORPUS ?? path.join(root, '..', 'shared', 'corpus'));
const out = (p) => path.join(root, 'out', p);
if (!fs.existsSync(corpus)) {
  console.log(`lint bench: corpus not found at ${corpus}: skipped`);
  process.exit(0);
}
if (!fs.existsSync(out('server/src/engine/analyze.js'))) {
  console.error('lint bench: out/ is missing: run `npm run compile` first');
  process.exit(2);
}

// Targets (ratios, so they hold on any machine).
// The whole engine at most 40x the bare parser over a whole corpus run. Measured 2026-11-25: about 25x,
// most of it the schema replays behind the up/down consistency rules; the editor's cost is the
// keystroke target below, which a replayed history does not touch (the schema model is cached).
const TARGET_ENGINE_OVER_PARSE = 40;
const TARGET_EDIT_MS_PER_KB = 5; // a keystroke re-analysis, per KB of the edited file, in ms (median)

const pg = require('libpg-query');
const { loadParser } = require(out('server/src/engine/parsing/parser.js'));
const { analyzeFile } = require(out('server/src/engine/analyze.js'));
const { NodeFileHost, OverlayFileHost } = require(out('server/src/engine/host.js'));
const { RunFileHost } = require(out('cli/src/check.js'));
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

function engine() {
  const host = new RunFileHost(); // the host `migration-guard check` uses: one state of the files per run
  const t0 = performance.now();
  let findings = 0;
  files.forEach((f, i) => (findings += analyzeFile({ filePath: f, text: texts[i], host }).findings.length));
  return { ms: performance.now() - t0, findings };
}

// Warm up both once (JIT, caches), then take the best of three.
peer();
engine();
const peerMs = Math.min(peer(), peer(), peer());
const runs = [engine(), engine(), engine()];
const engineMs = Math.min(...runs.map((r) => r.ms));

// Keystroke: the newest up file of the directory with the most migrations.
const byDir = new Map();
for (const f of files) byDir.set(path.dirname(f), (byDir.get(path.dirname(f)) ?? 0) + 1);
const [bigDir] = [...byDir.entries()].sort((a, b) => b[1] - a[1])[0];
const newest = files.filter((f) => path.dirname(f) === bigDir && /up\.sql$|\.sql$/.test(f)).sort().at(-1);
const overlay = new OverlayFileHost(new NodeFileHost());
let text = fs.readFileSync(newest, 'utf8');
analyzeFile({ filePath: newest, text, host: overlay });
const edits = [];
for (let i = 0; i < 25; i++) {
  text = `${text}${i % 2 ? ' ' : '\n'}`;
  overlay.set(newest, text);
  const t0 = performance.now();
  analyzeFile({ filePath: newest, text, host: overlay });
  edits.push(performance.now() - t0);
}
edits.sort((a, b) => a - b);
const editMedian = edits[Math.floor(edits.length / 2)];
const kb = Math.max(1, Buffer.byteLength(text) / 1024);

const ratio = engineMs / peerMs;
const peakMB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`lint bench: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(2)} MB, ${runs[0].findings} findings`);
console.log(`  peer (libpg-query parseSync per file): ${peerMs.toFixed(0)} ms`);
console.log(`  Migration Guard (analyzeFile, all rules): ${engineMs.toFixed(0)} ms  = ${ratio.toFixed(2)}x the parser (target <= ${TARGET_ENGINE_OVER_PARSE}x)`);
console.log(`  keystroke in ${path.relative(corpus, newest)} (${kb.toFixed(1)} KB, ${byDir.get(bigDir)} files in its directory): median ${editMedian.toFixed(1)} ms = ${(editMedian / kb).toFixed(2)} ms/KB (target <= ${TARGET_EDIT_MS_PER_KB})`);
console.log(`  peak RSS: ${peakMB} MB`);
const missed = [];
if (ratio > TARGET_ENGINE_OVER_PARSE) missed.push(`engine/parser ratio ${ratio.toFixed(2)} > ${TARGET_ENGINE_OVER_PARSE}`);
if (editMedian / kb > TARGET_EDIT_MS_PER_KB) missed.push(`keystroke ${(editMedian / kb).toFixed(2)} ms/KB > ${TARGET_EDIT_MS_PER_KB}`);
if (missed.length) {
  console.error(`lint bench: target missed: ${missed.join('; ')}`);
  process.exit(1);
}
