// `npm run bench` (scale part): `migration-guard check` on migrations far larger than anyone writes,
// to show that cost grows linearly with the statements, measured against the bare parse of the same
// files (a Node process that loads libpg-query and parses them, nothing else) in the same run.
//
//   N × `ALTER TABLE users ADD COLUMN cN int;` with its N-statement down beside it (the reverse drops),
//   for N = 1,000 / 4,000 / 16,000 (growth) and 10,000 (the target), and one 150,000-statement,
//   5 MB up file;
//   a history of N migrations, each an enum and a sequence, a table with a primary key, a unique
//   column, a column of the enum, a default from the sequence (which it owns) and a foreign key to the
//   table before it, an unnamed index, a CHECK and a view over it, a trigger function and its trigger,
//   a schema with a table in it, a column added to the table before it and one of its own renamed,
//   and a down that undoes it all (DROP SCHEMA and DROP FUNCTION with CASCADE, DROP TYPE), for
//   N = 250 / 1,000 / 4,000: the names PostgreSQL gives, the foreign keys and sequences a drop takes
//   along, the views a rename must follow, what depends on a table or a function, which tables use a
//   type, what a schema holds, which tables a down touched are questions about every table; they
//   must not cost more as the tables add up.
//
// Targets (issue 9; exit 1 when one is missed):
//   10,000-statement pair: check ≤ 3 s wall and ≤ 400 MB peak RSS
//   150,000-statement 5 MB file: check ≤ 10 s wall
//   linear: the time per statement at 16,000 at most 1.5 × that at 4,000 (same for memory above the
//   process's base); the time per migration of the 4,000-migration history at most 1.5 × that of the
//   1,000-migration one (above the 250-migration run's, mostly start-up; memory likewise; best of two runs)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('scale bench: dist/cli.js is missing: run `npm run build` first');
  process.exit(2);
}
const TARGETS = { pairSeconds: 3, pairMB: 400, bigSeconds: 10, growth: 1.5 };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-scale-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function pairFolder(n) {
  const dir = path.join(work, `pair-${n}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, '000001_create_users.up.sql'), 'CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL\n);\n');
  fs.writeFileSync(path.join(dir, '000001_create_users.down.sql'), 'DROP TABLE users;\n');
  const up = [];
  const down = [];
  for (let i = 1; i <= n; i++) up.push(`ALTER TABLE users ADD COLUMN c${i} int;\n`);
  for (let i = n; i >= 1; i--) down.push(`ALTER TABLE users DROP COLUMN c${i};\n`);
  fs.writeFileSync(path.join(dir, '000002_add_columns.up.sql'), up.join(''));
  fs.writeFileSync(path.join(dir, '000002_add_columns.down.sql'), down.join(''));
  return dir;
}

function historyFolder(n) {
  const dir = path.join(work, `history-${n}`);
  fs.mkdirSync(dir);
  for (let i = 1; i <= n; i++) {
    const v = String(i).padStart(6, '0');
    const ref = i > 1 ? `, prev_id bigint REFERENCES t${i - 1} (id)` : '';
    const prev = `t${Math.max(1, i - 1)}`;
    fs.writeFileSync(
      path.join(dir, `${v}_create_t${i}.up.sql`),
      `CREATE TYPE mood${i} AS ENUM ('a', 'b');\nCREATE SEQUENCE s${i};\n` +
        `CREATE TABLE t${i} (id bigint PRIMARY KEY, email text UNIQUE, name text, m mood${i}, n bigint DEFAULT nextval('s${i}')${ref});\n` +
        `ALTER SEQUENCE s${i} OWNED BY t${i}.n;\nCREATE INDEX ON t${i} (email);\n` +
        `ALTER TABLE t${i} ADD CONSTRAINT t${i}_id_positive CHECK (id > 0);\nCREATE VIEW v${i} AS SELECT id, name FROM t${i};\n` +
        `CREATE FUNCTION f${i}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n` +
        `CREATE TRIGGER tr${i} BEFORE UPDATE ON t${i} FOR EACH ROW EXECUTE FUNCTION f${i}();\n` +
        `CREATE SCHEMA sc${i};\nCREATE TABLE sc${i}.u (id int);\n` +
        `ALTER TABLE ${prev} ADD COLUMN x${i} int;\nALTER TABLE t${i} RENAME COLUMN name TO title;\n`,
    );
    fs.writeFileSync(
      path.join(dir, `${v}_create_t${i}.down.sql`),
      `ALTER TABLE t${i} RENAME COLUMN title TO name;\nALTER TABLE ${prev} DROP COLUMN x${i};\nDROP SCHEMA sc${i} CASCADE;\n` +
        `DROP FUNCTION f${i}() CASCADE;\nDROP VIEW v${i};\nDROP TABLE t${i};\nDROP TYPE mood${i};\n`,
    );
  }
  return dir;
}

function bigFolder(statements) {
  const dir = path.join(work, 'big');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, '000001_create_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY);\n');
  fs.writeFileSync(path.join(dir, '000001_create_users.down.sql'), 'DROP TABLE users;\n');
  const lines = [];
  for (let i = 1; i <= statements; i++) lines.push(i % 3 === 0 ? `INSERT INTO users VALUES (${i});\n` : `ALTER TABLE users ADD c${i} int;\n`);
  fs.writeFileSync(path.join(dir, '000002_everything.up.sql'), lines.join(''));
  return dir;
}

/** Runs a command; resolves its wall time and peak RSS (VmHWM polled, then the child's own figure at exit). */
function measure(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let hwm = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 5);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0 && code !== 1) reject(new Error(`exit ${code}: ${stderr.slice(0, 500)}`));
      else resolve({ seconds: (performance.now() - t0) / 1000, mb: hwm / 1024 });
    });
  });
}

/** The peer: a Node process that loads libpg-query and parses every file of a folder (listed by itself: a long history's names do not fit a command line). */
const parsePeer = (dir) => [
  '-e',
  `const pg=require(${JSON.stringify(path.join(root, 'node_modules', 'libpg-query'))});const fs=require('fs');const path=require('path');const dir=${JSON.stringify(dir)};` +
    `pg.loadModule().then(()=>{for(const n of fs.readdirSync(dir).sort()){try{pg.parseSync(fs.readFileSync(path.join(dir,n),'utf8'))}catch{}}})`,
];

const ours = (dir) => [cli, 'check', dir, '--format', 'json'];

const rows = [];
let failed = false;
const line = (label, o, p, note = '') =>
  console.log(`  ${label.padEnd(34)} check ${o.seconds.toFixed(2).padStart(6)} s ${o.mb.toFixed(0).padStart(5)} MB   bare parse ${p.seconds.toFixed(2).padStart(6)} s ${p.mb.toFixed(0).padStart(5)} MB   ratio ${(o.seconds / p.seconds).toFixed(1)}x${note}`);

console.log('scale bench: `migration-guard check` against the bare parse of the same files');
const growth = {};
for (const n of [1000, 4000, 16000]) {
  const dir = pairFolder(n);
  const o = await measure(ours(dir));
  const p = await measure(parsePeer(dir));
  growth[n] = o;
  rows.push({ n, o, p });
  line(`${n} ADD COLUMN + its down`, o, p);
}
{
  const dir = pairFolder(10000);
  const o = await measure(ours(dir));
  const p = await measure(parsePeer(dir));
  const ok = o.seconds <= TARGETS.pairSeconds && o.mb <= TARGETS.pairMB;
  if (!ok) failed = true;
  line('10000 ADD COLUMN + its down', o, p, `   target ≤ ${TARGETS.pairSeconds} s, ≤ ${TARGETS.pairMB} MB: ${ok ? 'ok' : 'MISSED'}`);
}
{
  const dir = bigFolder(150000);
  const size = fs.statSync(path.join(dir, '000002_everything.up.sql')).size;
  const o = await measure(ours(dir));
  const p = await measure(parsePeer(dir));
  const ok = o.seconds <= TARGETS.bigSeconds;
  if (!ok) failed = true;
  line(`150000 statements (${(size / 1024 / 1024).toFixed(1)} MB)`, o, p, `   target ≤ ${TARGETS.bigSeconds} s: ${ok ? 'ok' : 'MISSED'}`);
}
// Linear: cost per statement from 4,000 to 16,000 (the 1,000 run is mostly start-up).
const base = rows[0].o;
const perStatement = (n) => (growth[n].seconds - base.seconds) / (n - 1000);
const perStatementMB = (n) => (growth[n].mb - base.mb) / (n - 1000);
const timeGrowth = perStatement(16000) / perStatement(4000);
const memGrowth = perStatementMB(16000) / Math.max(1e-9, perStatementMB(4000));
const linear = timeGrowth <= TARGETS.growth && memGrowth <= TARGETS.growth;
if (!linear) failed = true;
console.log(`  growth 4,000 → 16,000: time per statement ×${timeGrowth.toFixed(2)}, memory per statement ×${memGrowth.toFixed(2)} (target ≤ ${TARGETS.growth}): ${linear ? 'ok' : 'MISSED'}`);
// A long history of many tables: cost per migration must not grow with the tables before it.
const history = {};
for (const n of [250, 1000, 4000]) {
  const dir = historyFolder(n);
  // The best of two: the growth is a ratio of differences, which one slow run would distort.
  const runs = [await measure(ours(dir)), await measure(ours(dir))];
  const o = runs[0].seconds <= runs[1].seconds ? runs[0] : runs[1];
  o.mb = Math.max(runs[0].mb, runs[1].mb);
  const p = await measure(parsePeer(dir));
  history[n] = o;
  line(`history of ${n} migrations (${2 * n} files)`, o, p);
}
const perMigration = (n) => (history[n].seconds - history[250].seconds) / (n - 250);
const perMigrationMB = (n) => (history[n].mb - history[250].mb) / (n - 250);
const historyTime = perMigration(4000) / perMigration(1000);
const historyMem = perMigrationMB(4000) / Math.max(1e-9, perMigrationMB(1000));
const historyLinear = historyTime <= TARGETS.growth && historyMem <= TARGETS.growth;
if (!historyLinear) failed = true;
console.log(`  growth 1,000 → 4,000 migrations: time per migration ×${historyTime.toFixed(2)}, memory per migration ×${historyMem.toFixed(2)} (target ≤ ${TARGETS.growth}): ${historyLinear ? 'ok' : 'MISSED'}`);
console.log(failed ? 'scale bench: a target was missed' : 'scale bench: every target met');
process.exit(failed ? 1 : 0);
