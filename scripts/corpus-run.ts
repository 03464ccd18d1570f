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

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`corpus-run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  },
);
