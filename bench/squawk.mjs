// `npm run bench` (squawk part): Migration Guard's CLI against squawk (squawk-cli, installed on first run)
// over the same .sql files, in the same run.
//
//   ours:   node dist/cli.js check <files> --format json        (needs `npm run build`)
//   squawk: the native squawk binary of squawk-cli's platform package, --reporter json
//           --assume-in-transaction --pg-version 14
//
// Same input: the .sql files of ../shared/corpus (or the directory given as the first argument, or
// $MIGRATION_GUARD_CORPUS), collected once here and passed to both tools as one explicit file list.
// Fairness: squawk runs as its own native binary (not through squawk-cli's Node launcher, whose
// startup would be charged to squawk); ours runs as users run it, with Node's startup included.
// `--assume-in-transaction` because golang-migrate's PostgreSQL driver sends each file in one
// Exec, which PostgreSQL runs as one implicit transaction: that is what our rules assume too
// (transaction-nesting, transaction-incompatible-statement). `--pg-version 14` is our default
// `postgresVersion`. Squawk lints each file on its own; ours also reads the file's neighbours
// (up/down pairs, earlier migrations of the directory): that cost is part of our time.
//
// Also measured, the same way: the parse floor (bench/parse-floor.cjs), what Node and libpg-query
// alone cost to read and parse the files on the CLI's threads; printed beside both, not a target.
// Measured per tool: wall time (best of 3, after one warm-up run that also fills the OS file
// cache), CPU time (user + system, of that run, with /usr/bin/time), files/s, peak memory of the child process (maximum resident set size as reported by
// `/usr/bin/time -f %M`, i.e. getrusage of the child; without /usr/bin/time, VmHWM read from
// /proc/<pid>/status every 5 ms, which can miss a last short peak), and the ratios ours/squawk.
// Then, per rule, our count beside squawk's, with how many findings both tools report on the same
// statement (same rule id, same file, overlapping lines).
//
// Usage: node bench/squawk.mjs [corpus-dir] [--examples N] [--rule id] [--json out.json]
//   --examples N  print N example locations for each side of every difference
//   --rule id     only print examples for that rule id (ours or squawk's)
//   --json file   write the per-rule numbers and timings as JSON
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---- arguments -------------------------------------------------------------------------------
const args = process.argv.slice(2);
let corpusArg;
let examples = 0;
let exampleRule;
let jsonOut;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--examples') examples = Number(args[++i]);
  else if (a === '--rule') exampleRule = args[++i];
  else if (a === '--json') jsonOut = args[++i];
  else if (a.startsWith('-')) {
    console.error(`squawk bench: unknown option ${a}`);
    process.exit(2);
  } else corpusArg = a;
}
if (!Number.isInteger(examples) || examples < 0) {
  console.error('squawk bench: --examples needs a whole number');
  process.exit(2);
}
const corpus = path.resolve(corpusArg ?? process.env.MIGRATION_GUARD_CORPUS ?? path.join(root, '..', 'shared', 'corpus'));
if (!fs.existsSync(corpus)) {
  console.log(`squawk bench: corpus not found at ${corpus}: skipped`);
  process.exit(0);
}
const cli = path.join(root, 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('squawk bench: dist/cli.js is missing: run `npm run build` first');
  process.exit(2);
}
// squawk-cli is installed on first use into .bench/squawk (ignored), not as a devDependency: its
// optional platform packages for other systems are not all in the registry this project installs
// from, and `npm ci` refuses a lock file without them.
const SQUAWK_VERSION = '2.66.0';
const squawkDir = path.join(root, '.bench', 'squawk');
const squawkIndex = path.join(squawkDir, 'node_modules', 'squawk-cli', 'js', 'index.js');
if (!fs.existsSync(squawkIndex)) {
  fs.mkdirSync(squawkDir, { recursive: true });
  console.log(`squawk bench: installing squawk-cli@${SQUAWK_VERSION} into ${path.relative(root, squawkDir)}`);
  const r = spawnSync('npm', ['install', '--prefix', squawkDir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `squawk-cli@${SQUAWK_VERSION}`], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('squawk bench: could not install squawk-cli');
    process.exit(2);
  }
}
let squawkBin;
try {
  squawkBin = require(squawkIndex).getBinaryPath();
} catch (e) {
  console.error(`squawk bench: squawk-cli did not load: ${e instanceof Error ? e.message : e}`);
  process.exit(2);
}

// ---- the files -------------------------------------------------------------------------------
// The same walk as `migration-guard check <dir>`: *.sql (any case), sorted, skipping node_modules
// and dot-directories.
const files = [];
(function walk(d) {
  const entries = fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && e.name !== 'node_modules') walk(p);
    } else if (e.isFile() && /\.sql$/i.test(e.name)) files.push(p);
  }
})(corpus);
if (files.length === 0) {
  console.log(`squawk bench: no .sql file under ${corpus}: skipped`);
  process.exit(0);
}
const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);

// ---- running a child, measuring it -----------------------------------------------------------
const timeBin = ['/usr/bin/time', '/bin/time'].find((p) => fs.existsSync(p));
const memMethod = timeBin ? `${timeBin} -f %M (max RSS of the child)` : '/proc/<pid>/status VmHWM polled every 5 ms';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-guard-squawk-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function readVmHWM(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs `cmd args`, stdout to a file; resolves { ms, peakKB, code, stdout, stderr }. */
function run(name, cmd, cmdArgs) {
  const outFile = path.join(tmp, `${name}.out`);
  const memFile = path.join(tmp, `${name}.mem`);
  const out = fs.openSync(outFile, 'w');
  const argv = timeBin ? ['-f', '%M %U %S', '-o', memFile, cmd, ...cmdArgs] : cmdArgs;
  return new Promise((resolve, reject) => {
    let stderr = '';
    const t0 = performance.now();
    const child = spawn(timeBin ?? cmd, argv, { stdio: ['ignore', out, 'pipe'], cwd: root });
    let polled = 0;
    const poll = timeBin ? undefined : setInterval(() => (polled = Math.max(polled, readVmHWM(child.pid))), 5);
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (poll) clearInterval(poll);
      fs.closeSync(out);
      let peakKB = polled;
      let cpuMs;
      if (timeBin) {
        const lines = fs.readFileSync(memFile, 'utf8').trim().split('\n');
        const [kb, user, sys] = lines.at(-1).split(' ').map(Number); // "Command exited with non-zero status 1" comes first
        peakKB = kb;
        cpuMs = (user + sys) * 1000;
      }
      resolve({ ms, peakKB, cpuMs, code, stdout: fs.readFileSync(outFile, 'utf8'), stderr });
    });
  });
}

// The floor (bench/parse-floor.cjs): Node reading and parsing the same files with libpg-query on the
// CLI's threads, and nothing else. Not a target: it shows how much of squawk's time any design that
// keeps this parser and runtime has left for everything else.
const fileList = path.join(tmp, 'files.txt');
fs.writeFileSync(fileList, files.join('\n'));
const tools = {
  ours: { label: 'Migration Guard', cmd: process.execPath, args: [cli, 'check', ...files, '--format', 'json'] },
  floor: { label: 'parse floor', cmd: process.execPath, args: [path.join(root, 'bench', 'parse-floor.cjs'), fileList] },
  squawk: {
    label: 'squawk',
    cmd: squawkBin,
    args: ['--reporter', 'json', '--assume-in-transaction', '--pg-version', '14', ...files],
  },
};

async function measure(tool) {
  const runs = [];
  for (let i = 0; i < 4; i++) {
    const r = await run(tool === tools.ours ? 'ours' : tool === tools.floor ? 'floor' : 'squawk', tool.cmd, tool.args);
    // Both exit 1 when they report an error-severity finding; anything else is a failed run.
    if (r.code !== 0 && r.code !== 1) {
      console.error(`squawk bench: ${tool.label} exited with ${r.code}:\n${r.stderr.slice(0, 2000)}`);
      process.exit(1);
    }
    if (i > 0) runs.push(r); // the first run warms the OS file cache
  }
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ms: best.ms, cpuMs: best.cpuMs, peakKB: Math.max(...runs.map((r) => r.peakKB)), stdout: best.stdout };
}

const ours = await measure(tools.ours);
const squawk = await measure(tools.squawk);
const floor = await measure(tools.floor);

// ---- findings --------------------------------------------------------------------------------
/** { rule, file, from, to } with 0-based inclusive lines. */
const ourFindings = JSON.parse(ours.stdout).findings.map((f) => ({
  rule: f.rule,
  file: path.resolve(root, f.file),
  from: f.range.start.line,
  to: Math.max(f.range.start.line, f.range.end.character === 0 && f.range.end.line > f.range.start.line ? f.range.end.line - 1 : f.range.end.line),
  message: f.message,
}));
const squawkFindings = JSON.parse(squawk.stdout).map((f) => ({
  rule: f.rule_name,
  file: path.resolve(root, f.file),
  from: f.line,
  to: Math.max(f.line, f.line_end ?? f.line),
  message: f.message,
}));

// squawk 2.66's rule ids (crates/squawk_linter/src/rules), so that a shared rule shows even with no
// finding on one side.
const KNOWN_SQUAWK_RULES = new Set(
  (
    'adding-field-with-default adding-foreign-key-constraint adding-not-nullable-field adding-required-field ' +
    'adding-serial-primary-key-field ban-alter-domain-with-add-constraint ban-char-field ' +
    'ban-concurrent-index-creation-in-transaction ban-create-domain-with-constraint ban-drop-column ' +
    'ban-drop-database ban-drop-not-null ban-drop-table ban-truncate-cascade ban-uncommitted-transaction ' +
    'ban-duplicate-column-assignments changing-column-type constraint-missing-not-valid disallowed-unique-constraint ' +
    'identifier-too-long prefer-bigint-over-int prefer-bigint-over-smallint prefer-identity prefer-repack ' +
    'prefer-robust-stmts prefer-text-field prefer-timestamp-tz renaming-column renaming-table ' +
    'require-concurrent-index-creation require-concurrent-index-deletion require-concurrent-partition-detach ' +
    'require-concurrent-reindex require-enum-value-ordering require-lock-timeout require-statement-timeout ' +
    'require-table-schema syntax-error transaction-nesting'
  ).split(' '),
);

// Our id beside squawk's: identical ids by design, plus the pairs where the ids differ.
const SAME_RULE = new Map([
  ['ban-truncate', 'ban-truncate-cascade'], // ours covers plain TRUNCATE and CASCADE
  ['transaction-incompatible-statement', 'ban-concurrent-index-creation-in-transaction'],
]);
const ourIds = new Set(ourFindings.map((f) => f.rule));
const squawkIds = new Set(squawkFindings.map((f) => f.rule));
let registryIds = [];
try {
  registryIds = require(path.join(root, 'out', 'server', 'src', 'engine', 'rules', 'registry.js')).RULES.map((r) => r.meta.id);
} catch {
  /* out/ not compiled: the table lists the rules that fired */
}
const pairs = [];
for (const id of new Set([...registryIds, ...ourIds])) {
  const theirs = SAME_RULE.get(id) ?? id;
  if (squawkIds.has(theirs) || SAME_RULE.has(id) || KNOWN_SQUAWK_RULES.has(theirs)) pairs.push([id, theirs]);
}
const paired = new Set(pairs.map(([, s]) => s));

// In a down migration our ban-drop-* rules stay quiet about what its own up created, and report
// anything else once, as down-drops-foreign-object (an error): squawk's ban-drop-* finding on such a
// statement is matched by that one. Its messages say which kind of drop it is.
const STRONGER = new Map([
  ['ban-drop-table', /drops table/],
  ['ban-drop-column', /drops column/],
  ['ban-truncate', /empties/],
]);
// Both tools report require-lock-timeout once per file (the first statement concerned; squawk's and
// ours are not always the same statement): matched by file.
const PER_FILE = new Set(['require-lock-timeout']);

/** One-to-one matching by file and overlapping lines (by file only for PER_FILE rules). */
function compare(ourId, squawkId) {
  const a = ourFindings.filter((f) => f.rule === ourId);
  const kind = STRONGER.get(ourId);
  const stronger = kind ? ourFindings.filter((f) => f.rule === 'down-drops-foreign-object' && kind.test(f.message)) : [];
  const b = squawkFindings.filter((f) => f.rule === squawkId);
  const byFile = new Map();
  for (const f of b) {
    if (!byFile.has(f.file)) byFile.set(f.file, []);
    byFile.get(f.file).push(f);
  }
  const overlaps = (f, g) => PER_FILE.has(ourId) || (g.from <= f.to && f.from <= g.to);
  const onlyOurs = [];
  const used = new Set();
  for (const f of [...a, ...stronger]) {
    const m = (byFile.get(f.file) ?? []).find((g) => !used.has(g) && overlaps(f, g));
    if (m) used.add(m);
    else onlyOurs.push(f);
  }
  const onlySquawk = b.filter((g) => !used.has(g));
  const fileCount = (xs) => new Set(xs.map((x) => x.file)).size;
  return {
    ourId,
    squawkId,
    ours: a.length,
    stronger: stronger.length,
    squawk: b.length,
    both: used.size,
    onlyOurs,
    onlySquawk,
    ourFiles: fileCount([...a, ...stronger]),
    squawkFiles: fileCount(b),
  };
}

const rows = pairs.map(([o, s]) => compare(o, s)).sort((x, y) => y.squawk + y.ours - (x.squawk + x.ours));
const count = (xs, id) => xs.filter((f) => f.rule === id).length;
const onlyOurRules = [...ourIds].filter((id) => !pairs.some(([o]) => o === id)).sort();
const onlySquawkRules = [...squawkIds].filter((id) => !paired.has(id)).sort();

// ---- report ----------------------------------------------------------------------------------
const sec = (ms) => (ms / 1000).toFixed(2);
const mb = (kb) => (kb / 1024).toFixed(0);
const rate = (ms) => Math.round(files.length / (ms / 1000));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`squawk bench: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(2)} MB under ${path.relative(process.cwd(), corpus) || corpus}`);
console.log(`  squawk ${tools.squawk.args.slice(0, 5).join(' ')} <files> (native binary); ours: node dist/cli.js check <files> --format json`);
console.log(`  wall time best of 3 after a warm-up; peak memory: ${memMethod}, max of the 3 runs`);
console.log('');
console.log(`  ${pad('tool', 16)}${lpad('wall', 9)}${lpad('CPU', 9)}${lpad('files/s', 10)}${lpad('peak MB', 10)}${lpad('findings', 10)}`);
for (const [t, r, n] of [
  [tools.ours.label, ours, ourFindings.length],
  [tools.squawk.label, squawk, squawkFindings.length],
  [tools.floor.label, floor, '-'],
]) {
  console.log(`  ${pad(t, 16)}${lpad(`${sec(r.ms)} s`, 9)}${lpad(r.cpuMs === undefined ? '-' : `${sec(r.cpuMs)} s`, 9)}${lpad(rate(r.ms), 10)}${lpad(mb(r.peakKB), 10)}${lpad(n, 10)}`);
}
const timeRatio = ours.ms / squawk.ms;
// Target (issue 9): a whole-corpus `check` no slower than squawk's, Node's start-up included.
const TARGET_WALL_OVER_SQUAWK = 1.0;
const memRatio = ours.peakKB / squawk.peakKB;
const cpuRatio = ours.cpuMs !== undefined && squawk.cpuMs ? ours.cpuMs / squawk.cpuMs : undefined;
console.log(
  `  ratio ours/squawk: time ${timeRatio.toFixed(2)}x, ${cpuRatio === undefined ? '' : `CPU ${cpuRatio.toFixed(2)}x, `}peak memory ${memRatio.toFixed(2)}x`,
);
const wallOk = timeRatio <= TARGET_WALL_OVER_SQUAWK;
console.log(`  wall time ours/squawk ${timeRatio.toFixed(2)}x (target <= ${TARGET_WALL_OVER_SQUAWK}x): ${wallOk ? 'ok' : 'MISSED'}`);
if (!wallOk) process.exitCode = 1;
const floorRatio = floor.ms / squawk.ms;
console.log(
  `  parse floor/squawk ${floorRatio.toFixed(2)}x: reading and parsing alone (Node, libpg-query, no rule) ${floorRatio >= TARGET_WALL_OVER_SQUAWK ? "already take squawk's whole time" : `leave ${Math.round((1 - floorRatio) * 100)}% of squawk's time for everything else`}; ours/floor ${(ours.ms / floor.ms).toFixed(2)}x`,
);
console.log('');
console.log('  per rule (findings; "both" = the same rule on the same statement of the same file, by file for require-lock-timeout;');
console.log('  "+ddfo" = our down-drops-foreign-object findings of that kind, which replace ban-drop-* in down migrations):');
const label = (r) => (r.ourId === r.squawkId ? r.ourId : `${r.ourId} (*)`);
const w = Math.max(...rows.map((r) => label(r).length), 10) + 2;
console.log(`  ${pad('rule', w)}${lpad('ours', 7)}${lpad('+ddfo', 7)}${lpad('squawk', 8)}${lpad('both', 7)}${lpad('only ours', 11)}${lpad('only squawk', 13)}${lpad('files o/s', 11)}`);
for (const r of rows) {
  console.log(
    `  ${pad(label(r), w)}${lpad(r.ours, 7)}${lpad(STRONGER.has(r.ourId) ? r.stronger : '', 7)}${lpad(r.squawk, 8)}${lpad(r.both, 7)}${lpad(r.onlyOurs.length, 11)}${lpad(r.onlySquawk.length, 13)}${lpad(`${r.ourFiles}/${r.squawkFiles}`, 11)}`,
  );
}
for (const r of rows.filter((x) => x.ourId !== x.squawkId)) console.log(`  (*) ${r.ourId} beside squawk's ${r.squawkId}`);
console.log(`  only ours: ${onlyOurRules.map((id) => `${id} ${count(ourFindings, id)}`).join(', ') || '-'}`);
console.log(`  only squawk: ${onlySquawkRules.map((id) => `${id} ${count(squawkFindings, id)}`).join(', ') || '-'}`);

if (examples > 0) {
  const show = (f) => `${path.relative(corpus, f.file)}:${f.from + 1}${f.to > f.from ? `-${f.to + 1}` : ''}  ${f.message.slice(0, 140)}`;
  for (const r of rows) {
    if (exampleRule && exampleRule !== r.ourId && exampleRule !== r.squawkId) continue;
    if (r.onlyOurs.length + r.onlySquawk.length === 0) continue;
    console.log(`\n  ${r.ourId}: only ours (${r.onlyOurs.length})`);
    for (const f of r.onlyOurs.slice(0, examples)) console.log(`    ${show(f)}`);
    console.log(`  ${r.squawkId}: only squawk (${r.onlySquawk.length})`);
    for (const f of r.onlySquawk.slice(0, examples)) console.log(`    ${show(f)}`);
  }
}

if (jsonOut) {
  const summary = {
    files: files.length,
    bytes,
    memoryMethod: memMethod,
    ours: { ms: Math.round(ours.ms), cpuMs: ours.cpuMs, peakKB: ours.peakKB, findings: ourFindings.length },
    squawk: { ms: Math.round(squawk.ms), cpuMs: squawk.cpuMs, peakKB: squawk.peakKB, findings: squawkFindings.length },
    ratio: { time: timeRatio, cpu: cpuRatio, memory: memRatio },
    rules: rows.map((r) => ({ ours: r.ourId, squawk: r.squawkId, ourCount: r.ours, downDropsForeignObject: r.stronger, squawkCount: r.squawk, both: r.both, onlyOurs: r.onlyOurs.length, onlySquawk: r.onlySquawk.length })),
    onlyOurs: Object.fromEntries(onlyOurRules.map((id) => [id, count(ourFindings, id)])),
    onlySquawk: Object.fromEntries(onlySquawkRules.map((id) => [id, count(squawkFindings, id)])),
  };
  fs.writeFileSync(jsonOut, `${JSON.stringify(summary, null, 2)}\n`, { flag: 'wx' });
}
