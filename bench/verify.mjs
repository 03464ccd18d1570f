// `npm run bench` (verify part): `verify --all` of a whole corpus folder, and cold and warm `verify`
// of its newest migration, against a peer measured in the same run: replaying the same up files with
// a bare PGlite `exec` loop (the same PGlite start, the tool's own table, then nothing but exec).
// Each measurement runs in its own process, so its wall time and peak RSS are its own.
//
// The folder: the one with the most migrations (100 at least) in the corpus whose whole history
// applies in PGlite, in any convention the engine knows.
//
// Targets (issue 10), each a ratio to the bare replay of this run; the bench exits 1 when one is missed:
//   verify --all          <= 3x the bare replay's time
//   warm verify (newest)  <= 0.5x
//   cold verify (newest)  <= 1.5x
//   peak memory of each   <= 1.3x the bare replay's
//
// MIGRATION_GUARD_BENCH_VERIFY_FOLDER=<folder inside the corpus> measures that folder instead.
// Needs `npm run compile` (reads out/). The corpus: $MIGRATION_GUARD_CORPUS, else the first
// `shared/corpus` found in the project's parent folders; skipped when there is none.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const engine = path.join(root, 'out', 'server', 'src', 'engine', 'verify', 'index.js');

const TARGETS = { all: 3, warm: 0.5, cold: 1.5, memory: 1.3 };
const MIN_MIGRATIONS = 100;

function findCorpus() {
  if (process.env.MIGRATION_GUARD_CORPUS) return path.resolve(process.env.MIGRATION_GUARD_CORPUS);
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'corpus');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

if (process.argv[2] === '--child') {
  const [, , , mode, dir, cacheDir] = process.argv;
  const t0 = performance.now();
  const { planVerification, verifyAll, verifyMigration } = require(engine);
  const { loadParser } = require(path.join(root, 'out', 'server', 'src', 'engine', 'parsing', 'parser.js'));
  if (mode === 'bare' || mode === 'probe') {
    const { openDatabase } = require(path.join(path.dirname(engine), 'pglite.js'));
    const { extensionsIn } = require(path.join(path.dirname(engine), 'execute.js'));
    await loadParser();
    const plan = planVerification(dir);
    const ups = plan.migrations.flatMap((m) => m.up);
    const texts = ups.map((s) => s.sql);
    // The same PGlite start as verify (assets, the extensions the files create), then nothing but exec.
    const db = await openDatabase({ extensions: [...new Set(plan.migrations.flatMap((m) => [...m.up, ...m.down]).map((s) => s.sql).flatMap(extensionsIn))] });
    await db.exec(plan.toolTable.ddl);
    let applied = 0;
    let error;
    for (const t of texts) {
      try {
        await db.exec(t);
        applied++;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        break;
      }
    }
    await db.close();
    console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), peakMB: peakMB(), migrations: plan.migrations.length, files: texts.length, applied, error, convention: plan.convention.id }));
  } else if (mode === 'all') {
    const run = await verifyAll({ directory: dir, cacheDir: false });
    const statuses = {};
    for (const r of run.results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const findings = {};
    for (const r of run.results) for (const f of r.findings) findings[f.ruleId] = (findings[f.ruleId] ?? 0) + 1;
    console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), peakMB: peakMB(), verified: run.results.length, stoppedAt: run.stoppedAt, error: run.error, statuses, findings }));
  } else {
    const r = await verifyMigration({ directory: dir, cacheDir });
    console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), peakMB: peakMB(), status: r.status, summary: r.summary, version: r.version, name: r.name, baseFiles: r.baseFiles, hit: r.cache.hit, timings: r.timings }));
  }
  process.exit(0);
}

const corpus = findCorpus();
if (!corpus) {
  console.log('bench verify: no corpus found (set MIGRATION_GUARD_CORPUS); skipped');
  process.exit(0);
}
if (!fs.existsSync(engine)) {
  console.error('bench verify: out/ is missing; run `npm run compile` first');
  process.exit(2);
}

const child = (mode, dir, cacheDir) =>
  JSON.parse(execFileSync(process.execPath, [self, '--child', mode, dir, cacheDir ?? ''], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop());

// Candidate folders: every directory whose convention finds 100+ migrations, most first.
const { planVerification } = require(engine);
const { loadParser } = require(path.join(root, 'out', 'server', 'src', 'engine', 'parsing', 'parser.js'));
await loadParser();
function folders(d, out = []) {
  let entries;
  try {
    entries = fs.readdirSync(d, { withFileTypes: true });
  } catch {
    return out;
  }
  const plan = planVerification(d);
  if (plan.migrations.length >= MIN_MIGRATIONS) out.push({ dir: d, migrations: plan.migrations.length, convention: plan.convention.id });
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) folders(path.join(d, e.name), out);
  return out;
}
// MIGRATION_GUARD_BENCH_VERIFY_FOLDER (a path inside the corpus) measures that folder instead (same targets).
const chosen = process.env.MIGRATION_GUARD_BENCH_VERIFY_FOLDER ? path.resolve(corpus, process.env.MIGRATION_GUARD_BENCH_VERIFY_FOLDER) : undefined;
const candidates = (chosen ? [{ dir: chosen, migrations: planVerification(chosen).migrations.length, convention: planVerification(chosen).convention.id }] : folders(corpus))
  // A folder-per-migration folder is itself not a migrations directory.
  .filter((c, i, all) => !all.some((o) => o !== c && c.dir.startsWith(o.dir + path.sep) && o.convention === c.convention))
  .sort((a, b) => b.migrations - a.migrations);

let target;
let bare;
for (const c of candidates) {
  const probe = child('probe', c.dir);
  const rel = path.relative(corpus, c.dir);
  if (probe.applied < probe.files) {
    console.log(`skip ${rel} (${c.convention}, ${c.migrations} migrations): does not apply in PGlite after ${probe.applied} of ${probe.files} up files: ${probe.error}`);
    continue;
  }
  target = c;
  break;
}
if (!target) {
  console.log(`bench verify: no corpus folder with ${MIN_MIGRATIONS}+ migrations applies in PGlite; nothing measured`);
  process.exit(0);
}
const rel = path.relative(corpus, target.dir);
bare = child('bare', target.dir);
const all = child('all', target.dir);
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-verify-'));
let cold;
let warm;
try {
  cold = child('newest', target.dir, cacheDir);
  warm = child('newest', target.dir, cacheDir);
} finally {
  fs.rmSync(cacheDir, { recursive: true, force: true });
}

const ratio = (a, b) => a / b;
const fmt = (x) => x.toFixed(2);
const rows = [
  ['bare PGlite exec loop (peer)', bare, '', `${bare.files} up files`],
  ['verify --all', all, ratio(all.ms, bare.ms), `${all.verified} verified ${JSON.stringify(all.statuses)}${all.error ? ` error: ${all.error}` : ''}`],
  ['verify newest, cold cache', cold, ratio(cold.ms, bare.ms), `${cold.status}, hit: ${cold.hit}`],
  ['verify newest, warm cache', warm, ratio(warm.ms, bare.ms), `${warm.status}, hit: ${warm.hit}`],
];
console.log(`\nverify on ${rel} (${target.convention}): ${bare.migrations} migrations, ${bare.files} up files`);
console.log('run                              wall ms   ×bare   peak RSS MB   ×bare');
for (const [label, r, x, note] of rows) {
  console.log(`${label.padEnd(31)} ${String(r.ms).padStart(8)}   ${x === '' ? '     ' : fmt(x).padStart(5)}   ${String(r.peakMB).padStart(11)}   ${fmt(r.peakMB / bare.peakMB).padStart(5)}   ${note}`);
}
console.log(`findings of verify --all: ${JSON.stringify(all.findings)}`);
console.log(`steps (cold, ms): ${JSON.stringify(cold.timings)}`);
console.log(`steps (warm, ms): ${JSON.stringify(warm.timings)}`);

const missed = [];
if (ratio(all.ms, bare.ms) > TARGETS.all) missed.push(`verify --all takes ${fmt(ratio(all.ms, bare.ms))}x the bare replay (target <= ${TARGETS.all}x)`);
if (ratio(warm.ms, bare.ms) > TARGETS.warm) missed.push(`warm verify takes ${fmt(ratio(warm.ms, bare.ms))}x the bare replay (target <= ${TARGETS.warm}x)`);
if (ratio(cold.ms, bare.ms) > TARGETS.cold) missed.push(`cold verify takes ${fmt(ratio(cold.ms, bare.ms))}x the bare replay (target <= ${TARGETS.cold}x)`);
for (const [label, r] of [['verify --all', all], ['cold verify', cold], ['warm verify', warm]]) {
  if (r.peakMB / bare.peakMB > TARGETS.memory) missed.push(`${label} peaks at ${fmt(r.peakMB / bare.peakMB)}x the bare replay's memory (target <= ${TARGETS.memory}x)`);
}
if (missed.length > 0) {
  console.log(`\nbench verify: ${missed.length} target${missed.length === 1 ? '' : 's'} missed:\n  ${missed.join('\n  ')}`);
  process.exit(1);
}
console.log('\nbench verify: every target met');
