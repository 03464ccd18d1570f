// `npm run bench`: cold and warm `verify` of the last migration of the largest corpus directory
// that applies in PGlite, and each run's peak memory, against a peer measured in the same run:
// replaying the same files with a bare PGlite `exec` loop (no cache, no snapshots, no seeding).
// Each measurement runs in its own process so that its peak RSS is its own.
// Needs `npm run compile` (reads out/); skips when the corpus (../shared/corpus or
// $MIGRATION_GUARD_CORPUS) is absent.
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
const corpus = path.resolve(process.env.MIGRATION_GUARD_CORPUS ?? path.join(root, '..', 'shared', 'corpus'));

const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

if (process.argv[2] === '--child') {
  const [, , , mode, dir, cacheDir] = process.argv;
  const t0 = performance.now();
  if (mode === 'raw') {
    const { listVersions } = require(engine);
    const { openDatabase } = require(path.join(path.dirname(engine), 'pglite.js'));
    const { extensionsIn } = require(path.join(path.dirname(engine), 'execute.js'));
    const last = listVersions(dir).pop();
    const files = fs
      .readdirSync(dir)
      .map((name) => ({ name, m: /^([0-9]+)_.*\.up\.sql$/.exec(name) }))
      .filter((f) => f.m && BigInt(f.m[1]) <= last.versionNumber)
      .sort((a, b) => (BigInt(a.m[1]) < BigInt(b.m[1]) ? -1 : BigInt(a.m[1]) > BigInt(b.m[1]) ? 1 : a.name.localeCompare(b.name)));
    const texts = files.map((f) => fs.readFileSync(path.join(dir, f.name), 'utf8'));
    // The same PGlite start as verify (assets, extensions the files create), then nothing but exec.
    const db = await openDatabase({ extensions: [...new Set(texts.flatMap(extensionsIn))] });
    await db.exec('CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
    for (const t of texts) await db.exec(t);
    await db.close();
    console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), peakMB: peakMB(), files: files.length }));
  } else {
    const { verifyMigration } = require(engine);
    const r = await verifyMigration({ directory: dir, cacheDir });
    console.log(
      JSON.stringify({
        ms: Math.round(performance.now() - t0),
        peakMB: peakMB(),
        status: r.status,
        summary: r.summary,
        version: r.version,
        baseFiles: r.baseFiles,
        hit: r.cache.hit,
        timings: r.timings,
      }),
    );
  }
  process.exit(0);
}

if (!fs.existsSync(corpus)) {
  console.log(`bench: corpus not found at ${corpus}; skipped`);
  process.exit(0);
}
if (!fs.existsSync(engine)) {
  console.error('bench: out/ is missing; run `npm run compile` first');
  process.exit(2);
}
const { listVersions } = require(engine);

// golang-migrate directories, largest (bytes of up files) first.
function dirs(d) {
  const out = [];
  const entries = fs.readdirSync(d, { withFileTypes: true });
  const ups = entries.filter((e) => e.isFile() && /^[0-9]+_.*\.up\.sql$/.test(e.name));
  if (ups.length > 0) out.push({ dir: d, bytes: ups.reduce((n, e) => n + fs.statSync(path.join(d, e.name)).size, 0), files: ups.length });
  for (const e of entries) if (e.isDirectory()) out.push(...dirs(path.join(d, e.name)));
  return out;
}
const candidates = dirs(corpus)
  .filter((c) => listVersions(c.dir).length > 1)
  .sort((a, b) => b.bytes - a.bytes);

const child = (mode, dir, cacheDir) =>
  JSON.parse(execFileSync(process.execPath, [self, '--child', mode, dir, cacheDir ?? ''], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop());

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-'));
try {
  let target;
  let cold;
  for (const c of candidates) {
    const r = child('cold', c.dir, cacheDir);
    const rel = path.relative(corpus, c.dir);
    if (r.status === 'replay-failed' || r.status === 'not-found' || (r.status === 'failed' && /the up fails/.test(r.summary))) {
      console.log(`skip ${rel} (${c.files} up files, ${Math.round(c.bytes / 1024)} KiB): does not apply in PGlite: ${r.summary}`);
      continue;
    }
    target = c;
    cold = r;
    break;
  }
  if (!target) {
    console.log('bench: no corpus directory applies in PGlite; nothing measured');
    process.exit(0);
  }
  const warm = child('warm', target.dir, cacheDir);
  const raw = child('raw', target.dir);
  const rel = path.relative(corpus, target.dir);
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(`\nverify the last migration (${cold.version}) of ${rel}: ${cold.baseFiles} earlier up files replayed, ${Math.round(target.bytes / 1024)} KiB of SQL; result: ${cold.status}`);
  console.log('run                          wall ms   peak RSS MB');
  console.log(`raw PGlite exec loop (peer)  ${String(raw.ms).padStart(7)}   ${String(raw.peakMB).padStart(11)}   (${raw.files} files)`);
  console.log(`verify, cold cache           ${String(cold.ms).padStart(7)}   ${String(cold.peakMB).padStart(11)}   cache hit: ${cold.hit}`);
  console.log(`verify, warm cache           ${String(warm.ms).padStart(7)}   ${String(warm.peakMB).padStart(11)}   cache hit: ${warm.hit}`);
  console.log(`ratios: warm/cold time ${ratio(warm.ms, cold.ms)}; cold verify/raw replay time ${ratio(cold.ms, raw.ms)}; warm verify/raw replay time ${ratio(warm.ms, raw.ms)}`);
  console.log(`        peak memory cold/raw ${ratio(cold.peakMB, raw.peakMB)}; warm/raw ${ratio(warm.peakMB, raw.peakMB)}`);
  console.log(`steps (cold, ms): ${JSON.stringify(cold.timings)}`);
  console.log(`steps (warm, ms): ${JSON.stringify(warm.timings)}`);
} finally {
  fs.rmSync(cacheDir, { recursive: true, force: true });
}
