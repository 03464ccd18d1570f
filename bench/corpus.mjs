// Runs verify over every golang-migrate directory of the shared corpus (../shared/corpus, or
// $MIGRATION_GUARD_CORPUS): does the whole history apply in PGlite, and which round trips fail.
// Usage: npm run compile && node bench/corpus.mjs [--all] [filter]
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(process.env.MIGRATION_GUARD_CORPUS ?? path.join(root, '..', 'shared', 'corpus'));
const engine = path.join(root, 'out', 'server', 'src', 'engine', 'verify', 'index.js');
if (!fs.existsSync(corpus)) {
  console.log(`corpus not found at ${corpus}: skipped`);
  process.exit(0);
}
if (!fs.existsSync(engine)) {
  console.error('out/ is missing: run `npm run compile` first');
  process.exit(2);
}
const { verifyMigration, planVerification } = require(engine);
// Each version of a folder, and whether it has a down (golang-migrate's pairing, through the engine's plan).
const listVersions = (dir) => planVerification(dir).migrations.map((m) => ({ version: m.version, versionNumber: m.versionNumber, hasDown: m.down.length > 0 }));
const all = process.argv.includes('--all');
const filter = process.argv.slice(2).find((a) => !a.startsWith('--'));
const cacheDir = path.join(os.tmpdir(), 'migration-guard', 'corpus-cache');

function dirs(d) {
  const out = [];
  const names = fs.readdirSync(d, { withFileTypes: true });
  if (names.some((n) => n.isFile() && /^[0-9]+_.*\.(up|down)\.sql$/.test(n.name))) out.push(d);
  for (const n of names) if (n.isDirectory()) out.push(...dirs(path.join(d, n.name)));
  return out;
}

for (const dir of dirs(corpus)) {
  const rel = path.relative(corpus, dir);
  if (filter && !rel.includes(filter)) continue;
  // A history split over numbered folders (boundary: 0/, 1/, ... 104/) continues folder 0: only 0 stands alone.
  if (/^[1-9][0-9]*$/.test(path.basename(dir)) && fs.existsSync(path.join(path.dirname(dir), '0'))) continue;
  const versions = listVersions(dir);
  if (versions.length === 0) {
    console.log(`${rel}: no golang-migrate migrations (file names rejected by the convention)`);
    continue;
  }
  const prelude = process.env.MIGRATION_GUARD_PRELUDE ? fs.readFileSync(process.env.MIGRATION_GUARD_PRELUDE, 'utf8') : undefined;
  const last = await verifyMigration({ directory: dir, cacheDir, prelude });
  const downs = versions.filter((v) => v.hasDown).length;
  const head = `${rel}: ${versions.length} versions, ${downs} with a down`;
  if (last.status === 'replay-failed' || (last.status === 'failed' && last.failures.some((f) => f.phase === 'up'))) {
    const f = last.failures[0];
    console.log(`${head}: history does NOT apply: ${path.basename(f.file)}: ${f.message}`);
  } else console.log(`${head}: history applies (${last.baseFiles + last.upFiles.length} up files, ${(last.timings.total / 1000).toFixed(1)} s); last version ${last.version}: ${last.status}`);
  if (!all || downs === 0) continue;
  const counts = {};
  for (const v of versions.filter((x) => x.hasDown)) {
    const r = await verifyMigration({ directory: dir, version: v.versionNumber, cacheDir, prelude });
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    if (r.status !== 'passed') {
      console.log(`  ${v.version} ${r.status}: ${r.summary}`);
      for (const d of r.differences) console.log(`    ${path.basename(d.file)}: ${d.message}`);
      for (const l of r.dataLoss) console.log(`    ${path.basename(l.file)}: ${l.message}`);
      for (const f of r.failures) console.log(`    ${path.basename(f.file)} [${f.phase}]: ${f.message}`);
    }
    if (r.status === 'replay-failed') break;
  }
  console.log(`  round trips: ${JSON.stringify(counts)}`);
}
