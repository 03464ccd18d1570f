/**
 * The fuzz tier: `npm run test:fuzz [-- options]` (after `npm run build` and `tsc -p .`).
 *
 *   --seed N            seed of the random runs (default 1: the run CI makes)
 *   --edits N           edits in the server session (default 2000)
 *   --cli-runs N        runs of `check` (one to four mutated corpus windows each) and of `down` (default 20)
 *   --verify-runs N     of those, how many also go through `verify` (default 2)
 *   --only LIST         cases,server,cli (default all three)
 *   --replay FILE       run one saved case and report (no random runs)
 *   --max-minutes N     stop the random server session after this long (default 10; reported)
 *   --shrink-minutes N  time budget for shrinking a failure (default 3)
 *   --no-shrink         save failing cases without shrinking them
 *   --keep-going        count requests over 1 s and RSS over 250 MB and go on (the run still fails
 *                       at its end), to measure long runs
 *   --corpus DIR        real migrations for the CLI runs (default ../shared/corpus; else examples/)
 *   --server FILE       the server bundle to fuzz (default dist/server.js), e.g. another branch's build
 *
 * First every saved case in test/fuzz/cases/ is replayed (regression tests: each must pass). Then a
 * random server session and random CLI runs from the seed. A failure is saved whole under
 * .fuzz/ and, shrunk, as test/fuzz/cases/<kind>-seed<N>.json: commit it with the fix, and it
 * is a regression test from then on. Exit status 1 when any invariant broke.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateCliCase, loadCorpus, runCliCase, type CliCase } from './cli-run';
import { Rng } from './rng';
import { initialFiles, ServerGenerator } from './server-gen';
import { runServerCase, ServerRun, type Failure, type RunStats, type ServerCase, type ServerOp } from './server-run';
import { shrinkCliCase, shrinkServerCase } from './shrink';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CASES = path.join(ROOT, 'test', 'fuzz', 'cases');
const SAVED = path.join(ROOT, '.fuzz');

interface Options {
  seed: number;
  edits: number;
  cliRuns: number;
  verifyRuns: number;
  only: Set<string>;
  replay: string | undefined;
  maxMinutes: number;
  shrinkMinutes: number;
  shrink: boolean;
  keepGoing: boolean;
  corpus: string;
  server: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    seed: 1,
    edits: 2000,
    cliRuns: 20,
    verifyRuns: 2,
    only: new Set(['cases', 'server', 'cli']),
    replay: undefined,
    maxMinutes: 10,
    shrinkMinutes: 3,
    shrink: true,
    keepGoing: false,
    server: undefined,
    corpus: path.join(ROOT, '..', 'shared', 'corpus'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const number = (): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number`);
      return v;
    };
    if (a === '--seed') o.seed = number();
    else if (a === '--edits') o.edits = number();
    else if (a === '--cli-runs') o.cliRuns = number();
    else if (a === '--verify-runs') o.verifyRuns = number();
    else if (a === '--only') o.only = new Set(value().split(','));
    else if (a === '--replay') o.replay = path.resolve(value());
    else if (a === '--max-minutes') o.maxMinutes = number();
    else if (a === '--shrink-minutes') o.shrinkMinutes = number();
    else if (a === '--no-shrink') o.shrink = false;
    else if (a === '--keep-going') o.keepGoing = true;
    else if (a === '--corpus') o.corpus = path.resolve(value());
    else if (a === '--server') o.server = path.resolve(value());
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const log = (message: string): void => {
  process.stdout.write(`${message}\n`);
};

interface Totals {
  failures: { where: string; failure: Failure; saved?: string }[];
  crashes: number;
  serverStats: RunStats[];
  cli: { runs: number; byStatus: Record<string, number>; maxMs: number };
}

function describeStats(s: RunStats): string {
  const methods = Object.entries(s.methods)
    .map(([m, x]) => `  ${m.padEnd(38)} ${String(x.count).padStart(6)} requests, mean ${(x.totalMs / x.count).toFixed(1).padStart(7)} ms, max ${x.maxMs.toFixed(0).padStart(6)} ms, over 1 s: ${x.over}`)
    .join('\n');
  return [
    `  operations ${s.ops}, edits ${s.edits}, requests ${s.requests}, diagnostics compared with a fresh open ${s.diagnosticsCompared} (${s.diagnosticsSettledLater} equal after a re-pull),`,
    `  code actions with stale diagnostics ${s.codeActionsWithStaleDiagnostics}, actions applied ${s.appliedActions}`,
    `  largest document ${(s.largestDocumentBytes / 1024).toFixed(0)} kB / ${s.largestDocumentLines} lines; peak RSS ${(s.peakRssKb / 1024).toFixed(0)} MB`,
    `  slowest request within 2,000 lines / 200 kB: ${s.slowestInTarget ? `${s.slowestInTarget.method} ${s.slowestInTarget.ms.toFixed(0)} ms (operation ${s.slowestInTarget.op})` : 'none'}`,
    `  requests over 1 s within 2,000 lines / 200 kB: ${s.slow.length}${s.slow.length ? ` (${s.slow
      .slice(0, 10)
      .map((x) => `${x.method} ${x.ms.toFixed(0)} ms, ${x.lines} lines, ${x.diagnostics} diagnostics`)
      .join('; ')}${s.slow.length > 10 ? '; …' : ''})` : ''}`,
    `  requests over 1 s on larger documents (not a failure): ${s.overLimitBeyondTarget}`,
    methods,
  ].join('\n');
}

/** A case as JSON that reads well in a diff: one line per key, per file and per operation. */
export function formatCase(value: ServerCase | CliCase): string {
  const lines = ['{'];
  const entries = Object.entries(value);
  entries.forEach(([k, v], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if ((k === 'ops' || k === 'files') && v && typeof v === 'object') {
      const list = Array.isArray(v) ? v.map((x) => JSON.stringify(x)) : Object.entries(v as object).map(([f, t]) => `${JSON.stringify(f)}: ${JSON.stringify(t)}`);
      lines.push(`  ${JSON.stringify(k)}: ${Array.isArray(v) ? '[' : '{'}`, ...list.map((x, j) => `    ${x}${j < list.length - 1 ? ',' : ''}`), `  ${Array.isArray(v) ? ']' : '}'}${comma}`);
    } else lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)}${comma}`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function save(dir: string, name: string, value: ServerCase | CliCase): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, formatCase(value));
  return path.relative(ROOT, file);
}

async function replayCases(o: Options, totals: Totals, files: string[]): Promise<void> {
  for (const file of files) {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as ServerCase | CliCase;
    const name = path.relative(ROOT, file);
    const started = Date.now();
    if (c.kind === 'server') {
      const r = await runServerCase(c, o.server ? { server: o.server } : {});
      totals.serverStats.push(r.stats);
      const slowest = r.stats.slowestInTarget;
      log(`case ${name}: ${r.failure ? `FAILED (${r.failure.kind} at operation ${r.failure.step}): ${r.failure.message}` : 'passed'} in ${Date.now() - started} ms${slowest ? `; slowest request ${slowest.method} ${slowest.ms.toFixed(0)} ms` : ''}`);
      if (r.failure) totals.failures.push({ where: name, failure: r.failure });
    } else {
      const r = await runCliCase(c);
      log(`case ${name}: ${r.failure ? `FAILED (${r.failure.kind}): ${r.failure.message}` : `passed (exit ${r.status})`} in ${Date.now() - started} ms`);
      if (r.failure) totals.failures.push({ where: name, failure: r.failure });
    }
  }
}

async function serverSession(o: Options, totals: Totals): Promise<void> {
  const rng = new Rng(o.seed);
  const gen = new ServerGenerator(rng.fork());
  const files = initialFiles();
  const ops: ServerOp[] = [];
  const run = new ServerRun({ keepGoing: o.keepGoing, ...(o.server ? { server: o.server } : {}) });
  const deadline = Date.now() + o.maxMinutes * 60000;
  let failure: Failure | undefined;
  let lastReport = Date.now();
  const started = Date.now();
  log(`server session: seed ${o.seed}, ${o.edits} edits`);
  try {
    failure = await run.start(files);
    const exec = async (batch: ServerOp[]): Promise<void> => {
      for (const op of batch) {
        if (failure) return;
        ops.push(op);
        failure = await run.exec(op, ops.length - 1);
      }
    };
    await exec(gen.start(run));
    while (!failure && run.stats.edits < o.edits) {
      if (Date.now() > deadline) {
        log(`server session: stopped after ${o.maxMinutes} minutes at ${run.stats.edits} edits`);
        break;
      }
      await exec(gen.next(run));
      if (Date.now() - lastReport > 30000) {
        lastReport = Date.now();
        log(`  ${run.stats.edits} edits, ${run.stats.requests} requests, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
    }
    failure ??= await run.finish();
  } finally {
    await run.dispose();
  }
  totals.serverStats.push(run.stats);
  log(`server session: ${failure ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(0)} s\n${describeStats(run.stats)}`);
  if (!failure) return;
  if (failure.kind === 'crash') totals.crashes++;
  log(`FAILURE ${failure.kind} at operation ${failure.step}: ${failure.message}`);
  const c: ServerCase = { kind: 'server', name: `${failure.kind}-seed${o.seed}`, note: failure.message.slice(0, 500), files, ops };
  const whole = save(SAVED, `${failure.kind}-seed${o.seed}-${Date.now()}.json`, c);
  log(`saved the whole case as ${whole} (replay: npm run test:fuzz -- --replay ${whole})`);
  let saved = whole;
  if (o.shrink) {
    const shrunk = await shrinkServerCase(c, failure, { deadline: Date.now() + o.shrinkMinutes * 60000, log, ...(o.server ? { server: o.server } : {}) });
    saved = save(CASES, `${failure.kind}-seed${o.seed}.json`, shrunk);
    log(`saved the reproduction (${shrunk.ops.length} operations, ${Object.keys(shrunk.files).length} files) as ${saved}:\n${JSON.stringify(shrunk).slice(0, 4000)}`);
  }
  totals.failures.push({ where: `server session seed ${o.seed}`, failure, saved });
}

async function cliRuns(o: Options, totals: Totals): Promise<void> {
  let corpusRoot = o.corpus;
  if (!fs.existsSync(corpusRoot)) {
    corpusRoot = path.join(ROOT, 'examples');
    log(`cli: no corpus at ${o.corpus}; mutating examples/ instead`);
  }
  const corpus = loadCorpus(corpusRoot);
  const rng = new Rng(o.seed ^ 0x5eed);
  const started = Date.now();
  log(`cli: seed ${o.seed}, ${o.cliRuns} runs of check and down, ${o.verifyRuns} of verify, from ${path.relative(ROOT, corpusRoot) || corpusRoot} (${corpus.groups.length} directories)`);
  const commands: CliCase['command'][] = [];
  for (let i = 0; i < o.cliRuns; i++) commands.push('check', 'down');
  // verify runs are spread over the session.
  for (let i = 0; i < o.verifyRuns; i++) commands.splice(Math.floor(((i + 1) * commands.length) / (o.verifyRuns + 1)), 0, 'verify');
  for (const [i, command] of commands.entries()) {
    const c = generateCliCase(rng, corpus, command);
    const r = await runCliCase(c);
    totals.cli.runs++;
    const key = `${command} exit ${String(r.status)}`;
    totals.cli.byStatus[key] = (totals.cli.byStatus[key] ?? 0) + 1;
    totals.cli.maxMs = Math.max(totals.cli.maxMs, r.ms);
    if (!r.failure) continue;
    if (r.failure.kind === 'crash') totals.crashes++;
    log(`cli: FAILURE ${r.failure.kind} (run ${i}, ${command}): ${r.failure.message}`);
    const whole = save(SAVED, `cli-${r.failure.kind}-seed${o.seed}-${i}.json`, c);
    let saved = whole;
    if (o.shrink) {
      const shrunk = await shrinkCliCase(c, r.failure, { deadline: Date.now() + o.shrinkMinutes * 60000, log });
      saved = save(CASES, `cli-${r.failure.kind}-seed${o.seed}-${i}.json`, { ...shrunk, name: `cli-${r.failure.kind}-seed${o.seed}-${i}`, note: r.failure.message.slice(0, 500) });
      log(`saved the reproduction as ${saved}`);
    }
    totals.failures.push({ where: `cli run ${i} (${command})`, failure: r.failure, saved });
  }
  log(
    `cli: ${totals.cli.runs} runs in ${((Date.now() - started) / 1000).toFixed(0)} s, slowest ${(totals.cli.maxMs / 1000).toFixed(1)} s; ${Object.entries(totals.cli.byStatus)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')}`,
  );
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (!fs.existsSync(o.server ?? path.join(ROOT, 'dist', 'server.js'))) {
    log('test:fuzz needs dist/ (npm run build)');
    return 2;
  }
  const totals: Totals = { failures: [], crashes: 0, serverStats: [], cli: { runs: 0, byStatus: {}, maxMs: 0 } };
  if (o.replay) {
    await replayCases(o, totals, [o.replay]);
    for (const s of totals.serverStats) log(describeStats(s));
  } else {
    if (o.only.has('cases')) {
      const files = fs.existsSync(CASES) ? fs.readdirSync(CASES).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(CASES, f)) : [];
      log(`replaying ${files.length} saved cases`);
      await replayCases(o, totals, files);
    }
    if (o.only.has('server')) await serverSession(o, totals);
    if (o.only.has('cli')) await cliRuns(o, totals);
  }
  const slow = totals.serverStats.reduce((n, s) => n + s.slow.length, 0);
  const peak = Math.max(0, ...totals.serverStats.map((s) => s.peakRssKb));
  const server = totals.serverStats.length > 0 ? `, ${slow} requests over 1 s within 2,000 lines / 200 kB, peak server RSS ${(peak / 1024).toFixed(0)} MB` : '';
  const cli = totals.cli.runs > 0 ? `, ${totals.cli.runs} CLI runs` : '';
  log(`\nfuzz summary: ${totals.crashes} crashes, ${totals.failures.length} invariant breaks${server}${cli}`);
  for (const f of totals.failures) log(`  ${f.where}: ${f.failure.kind}: ${f.failure.message.split('\n')[0]!.slice(0, 300)}${f.saved ? ` (saved: ${f.saved})` : ''}`);
  return totals.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`test:fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
