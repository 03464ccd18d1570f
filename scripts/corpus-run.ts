/**
 * Regression run over the real-migration corpus (`../shared/corpus` from the repository root, or the
 * directory given as the first argument): the same code path as `migration-guard check`, on every
 * .sql file. Prints files, statements, findings per rule, syntax errors, wall time and peak RSS.
 * Exits 1 on any exception, on a rule that threw (an `internal-error` finding) or on a finding whose
 * span lies outside its file; exits 0 with a note when the corpus is absent.
 *
 *   npm run test:corpus
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFiles } from '../cli/src/check';
import { collectFiles } from '../cli/src/files';
import { loadParser } from '../server/src/engine/parsing/parser';

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
  const corpus = path.resolve(root, process.argv[2] ?? path.join('..', 'shared', 'corpus'));
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
