/**
 * Regression run over the real-migration corpus (`../shared/corpus` from the repository root, or the
 * directory given as the first argument): the same code path as `migration-guard check`, on every
 * .sql file. Prints files, statements, findings per rule, syntax errors, wall time and peak RSS.
 * Exits 1 on any exception, on a rule that threw (an `internal-error` finding), on a finding whose
 * span lies outside its file, or when the findings differ from the golden file
 * (test/corpus/findings.golden.tsv: every finding, one per line); exits 0 with a note when the
 * corpus is absent. After a change that is meant to change findings, review the difference it
 * prints and write the new golden file with `--update`.
 *
 * The precision sample (test/corpus/judged.tsv): findings judged by reading the file, one per line,
 * `file<TAB>range<TAB>rule<TAB>severity<TAB>verdict<TAB>reason`, the verdict `true` (a real problem),
 * `false` (a false positive still reported: it counts against the targets) or `fixed` (a false
 * positive since fixed: it must not come back). The run prints the precision of the judged findings
 * it still reports, and fails when a `fixed` one comes back or a target is missed: no false error,
 * at most 5% false warnings, no rule with more than 20% of its judged findings false.
 *
 *   npm run test:corpus [-- --update]
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFiles } from '../cli/src/check';
import { collectFiles } from '../cli/src/files';
import { loadParser } from '../server/src/engine/parsing/parser';

function abbreviate(message: string): string {
  const flat = message.replace(/[\t\r\n]+/g, ' ');
  const hash = createHash('sha1').update(flat).digest('hex').slice(0, 8);
  return flat.length <= 88 ? flat : `${flat.slice(0, 80)}… ${hash}`;
}

function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'server', 'src'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the repository root above ${__dirname}`);
}

async function main(): Promise<number> {
  const root = repoRoot();
  const args = process.argv.slice(2);
  const update = args.includes('--update');
  const corpus = path.resolve(root, args.find((a) => !a.startsWith('--')) ?? path.join('..', 'shared', 'corpus'));
  const goldenPath = path.join(root, 'test', 'corpus', 'findings.golden.tsv');
  const judgedPath = path.join(root, 'test', 'corpus', 'judged.tsv');
  // Every finding by `file<TAB>range<TAB>rule`, for the precision sample.
  const reported = new Map<string, string>();
  // One `# file` line, then one line per finding: range, severity, rule, message (its first 80
  // characters and a hash of the whole, so that the file stays small and any change shows).
  const lines: string[] = [];
  let lastHeader = -1;
  if (!fs.existsSync(corpus)) {
    console.log(`corpus-run: no corpus at ${corpus}; nothing to do.`);
    return 0;
  }
  const started = process.hrtime.bigint();
  await loadParser();
  const collected = collectFiles([corpus], corpus);
  if (!collected.ok) throw new Error(collected.message);

  let statements = 0;
  let syntaxErrors = 0;
  let filesWithSyntaxErrors = 0;
  let findings = 0;
  const perRule = new Map<string, number>();
  const perSeverity = new Map<string, number>();
  const problems: string[] = [];
  let slowest = { file: '', ms: 0 };

  let t = process.hrtime.bigint();
  for (const { file, analysis } of checkFiles(collected.files, {})) {
    const now = process.hrtime.bigint();
    const ms = Number(now - t) / 1e6;
    t = now;
    if (ms > slowest.ms) slowest = { file: file.display, ms };
    statements += analysis.parsed.statements.length;
    syntaxErrors += analysis.parsed.errors.length;
    if (analysis.parsed.errors.length > 0) filesWithSyntaxErrors++;
    const length = analysis.parsed.text.length;
    for (const f of analysis.findings) {
      findings++;
      const where = `${f.range.start.line + 1}:${f.range.start.character + 1}-${f.range.end.line + 1}:${f.range.end.character + 1}`;
      const rel = path.relative(corpus, file.path).split(path.sep).join('/');
      if (lines[lastHeader] !== `# ${rel}`) lastHeader = lines.push(`# ${rel}`) - 1;
      lines.push(`${where}\t${f.severity}\t${f.ruleId}\t${abbreviate(f.message)}`);
      reported.set(`${rel}\t${where}\t${f.ruleId}`, f.severity);
      perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
      perSeverity.set(f.severity, (perSeverity.get(f.severity) ?? 0) + 1);
      if (f.ruleId === 'internal-error') problems.push(`${file.display}: ${f.message}`);
      if (f.span.start < 0 || f.span.end < f.span.start || f.span.end > length) {
        problems.push(`${file.display}: ${f.ruleId} reported span ${f.span.start}-${f.span.end} outside the file (length ${length})`);
      }
    }
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const rows = [...perRule.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const width = Math.max(4, ...rows.map(([id]) => id.length));
  const out: string[] = [
    `corpus:          ${corpus}`,
    `files:           ${collected.files.length}`,
    `statements:      ${statements}`,
    `syntax errors:   ${syntaxErrors} (in ${filesWithSyntaxErrors} files)`,
    `findings:        ${findings} (${['error', 'warning', 'info', 'hint'].map((s) => `${perSeverity.get(s) ?? 0} ${s}`).join(', ')})`,
    'findings per rule:',
    ...rows.map(([id, n]) => `  ${id.padEnd(width)}  ${String(n).padStart(6)}`),
    `wall time:       ${wallMs.toFixed(0)} ms (slowest file ${slowest.ms.toFixed(1)} ms: ${slowest.file})`,
    `peak RSS:        ${peakRssMb.toFixed(1)} MB`,
  ];
  console.log(out.join('\n'));
  if (fs.existsSync(judgedPath)) problems.push(...precision(fs.readFileSync(judgedPath, 'utf8'), reported));
  else problems.push(`no precision sample at ${path.relative(root, judgedPath)}`);
  const golden = `${lines.join('\n')}\n`;
  if (update) {
    fs.mkdirSync(path.dirname(goldenPath), { recursive: true });
    fs.writeFileSync(goldenPath, golden);
    console.log(`golden:          ${findings} findings written to ${path.relative(root, goldenPath)}`);
  } else if (!fs.existsSync(goldenPath)) {
    problems.push(`no golden file at ${path.relative(root, goldenPath)}: run \`npm run test:corpus -- --update\` and review it`);
  } else {
    // Compared as `file<TAB>finding` lines (headers spread over their findings).
    const flatten = (list: readonly string[]): string[] => {
      let file = '';
      const out: string[] = [];
      for (const l of list) {
        if (l.startsWith('# ')) file = l.slice(2);
        else if (l !== '') out.push(`${file}\t${l}`);
      }
      return out;
    };
    const expected = flatten(fs.readFileSync(goldenPath, 'utf8').split('\n'));
    const actual = flatten(lines);
    const want = new Set(expected);
    const got = new Set(actual);
    const gone = expected.filter((l) => !got.has(l));
    const added = actual.filter((l) => !want.has(l));
    if (gone.length + added.length === 0) console.log(`golden:          the ${actual.length} findings are those of ${path.relative(root, goldenPath)}`);
    else {
      problems.push(
        `the findings differ from ${path.relative(root, goldenPath)}: ${gone.length} gone, ${added.length} new` +
          ` (review, then \`npm run test:corpus -- --update\`)\n` +
          [...gone.slice(0, 20).map((l) => `- ${l}`), ...added.slice(0, 20).map((l) => `+ ${l}`)].join('\n'),
      );
    }
  }
  if (problems.length > 0) {
    console.error(`corpus-run: ${problems.length} problem(s):\n${problems.slice(0, 50).join('\n')}`);
    return 1;
  }
  return 0;
}

/**
 * The precision of the judged sample against this run's findings: prints the figures, returns the
 * problems (a fixed false positive back, a target missed, a malformed line).
 */
function precision(text: string, reported: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  interface Judged {
    key: string;
    rule: string;
    severity: string;
    verdict: 'true' | 'false' | 'fixed';
    reason: string;
  }
  const judged: Judged[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [file, range, rule, severity, verdict, reason] = line.split('\t');
    if (!file || !range || !rule || !severity || (verdict !== 'true' && verdict !== 'false' && verdict !== 'fixed') || !reason?.trim()) {
      problems.push(`judged.tsv line ${i + 1}: expected file, range, rule, severity, verdict (true | false | fixed) and a reason`);
      return;
    }
    judged.push({ key: `${file}\t${range}\t${rule}`, rule, severity, verdict, reason });
  });
  const back = judged.filter((j) => j.verdict === 'fixed' && reported.has(j.key));
  for (const j of back) problems.push(`a false positive judged fixed is reported again: ${j.key.replace(/\t/g, ' ')} (${j.reason})`);
  const present = judged.filter((j) => j.verdict !== 'fixed' && reported.has(j.key));
  const lost = judged.filter((j) => j.verdict === 'true' && !reported.has(j.key));
  const gone = judged.filter((j) => j.verdict === 'false' && !reported.has(j.key));
  // Severity as reported now (a rule's default may have changed since the judgement).
  const severity = (j: Judged): string => reported.get(j.key) ?? j.severity;
  const isFalse = (j: Judged): boolean => j.verdict === 'false';
  const pct = (n: number, d: number): string => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
  const bySeverity = (sev: string): { n: number; f: number } => {
    const list = present.filter((j) => severity(j) === sev);
    return { n: list.length, f: list.filter(isFalse).length };
  };
  const errors = bySeverity('error');
  const warnings = bySeverity('warning');
  const infos = bySeverity('info');
  const rules = [...new Set(judged.map((j) => j.rule))].sort();
  const repos = new Set(judged.map((j) => j.key.split('/')[0]));
  const width = Math.max(4, ...rules.map((r) => r.length));
  const everFalse = judged.filter((j) => j.verdict !== 'true').length;
  console.log(
    [
      `precision sample: ${judged.length} judged findings over ${rules.length} rules and ${repos.size} repositories (test/corpus/judged.tsv)`,
      `  as first judged: ${everFalse} false (${pct(everFalse, judged.length)}); fixed since: ${judged.filter((j) => j.verdict === 'fixed').length}`,
      `  still reported:  ${present.length}, of them false: ${present.filter(isFalse).length} (${pct(present.filter(isFalse).length, present.length)})`,
      `  errors:          ${errors.n} judged, ${errors.f} false (${pct(errors.f, errors.n)}; target 0)`,
      `  warnings:        ${warnings.n} judged, ${warnings.f} false (${pct(warnings.f, warnings.n)}; target at most 5%)`,
      `  infos:           ${infos.n} judged, ${infos.f} false (${pct(infos.f, infos.n)})`,
      `  per rule: still reported, false of them, and false as first judged / judged (target at most 20% false):`,
      ...rules.map((r) => {
        const all = judged.filter((j) => j.rule === r);
        const now = present.filter((j) => j.rule === r);
        const f = now.filter(isFalse).length;
        return `    ${r.padEnd(width)}  ${String(now.length).padStart(4)}  ${String(f).padStart(3)} ${pct(f, now.length).padStart(6)}   ${String(all.filter((j) => j.verdict !== 'true').length).padStart(3)}/${all.length}`;
      }),
      ...(lost.length > 0 ? [`  judged true, no longer reported (${lost.length}): ${lost.slice(0, 10).map((j) => j.key.replace(/\t/g, ' ')).join('; ')}`] : []),
      ...(gone.length > 0 ? [`  judged false, no longer reported: mark them fixed (${gone.length}): ${gone.slice(0, 10).map((j) => j.key.replace(/\t/g, ' ')).join('; ')}`] : []),
    ].join('\n'),
  );
  if (errors.f > 0) problems.push(`precision: ${errors.f} false error(s) in the judged sample (target 0)`);
  if (warnings.n > 0 && warnings.f / warnings.n > 0.05) problems.push(`precision: ${pct(warnings.f, warnings.n)} of the judged warnings are false (target at most 5%)`);
  for (const r of rules) {
    const now = present.filter((j) => j.rule === r);
    const f = now.filter(isFalse).length;
    if (now.length > 0 && f / now.length > 0.2) problems.push(`precision: ${pct(f, now.length)} of the judged ${r} findings are false (target at most 20%)`);
  }
  return problems;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`corpus-run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  },
);
