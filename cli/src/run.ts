/**
 * The CLI as a function: `run(argv, io)` returns the exit status. `main.ts` binds it to the process;
 * tests call it directly with a temporary directory as the working directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeFileHost } from '../../server/src/engine/host';
import { planDown } from '../../server/src/engine/actions/down-plan';
import { loadParser } from '../../server/src/engine/parsing/parser';
import type { Finding, Severity } from '../../server/src/engine/rules/types';
import { parseArgs, USAGE, type Command, type OutputFormat } from './args';
import { checkProject, describeReadError, FileReadError, readSqlFile, RunFileHost } from './check';
import { collectFiles, displayPath, type InputFile } from './files';
import { projectOptions, resolveOptions } from './options';
import { runVerify } from './verify';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_ERRORS = 1;
export const EXIT_USAGE = 2;

/** One finding as the JSON output has it (0-based lines, UTF-16 characters, like LSP). */
export interface JsonFinding {
  file: string;
  rule: string;
  severity: Severity;
  message: string;
  range: Finding['range'];
}

export interface JsonReport {
  version: 1;
  findings: JsonFinding[];
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === 'verify') return runVerify(argv.slice(1), io);
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.stderr(`migration-guard: ${parsed.message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const command: Command = parsed.command;
  switch (command.kind) {
    case 'help':
      io.stdout(USAGE);
      return EXIT_OK;
    case 'version':
      io.stdout(`${packageVersion()}\n`);
      return EXIT_OK;
    case 'check':
      return check(command.paths, command.format, command.rules, io);
    case 'down':
      return down(command.file, io);
  }
}

async function check(paths: string[], format: OutputFormat, rules: Parameters<typeof resolveOptions>[0], io: CliIO): Promise<number> {
  const resolved = resolveOptions(rules);
  if (!resolved.ok) {
    io.stderr(`migration-guard: ${resolved.message}\n`);
    return EXIT_USAGE;
  }
  const inputs = paths.length > 0 ? paths : ['.'];
  const collected = collectFiles(inputs, io.cwd);
  if (!collected.ok) {
    io.stderr(`migration-guard: ${collected.message}\n`);
    return EXIT_USAGE;
  }
  if (collected.files.length === 0) {
    io.stderr(`migration-guard: no .sql files found in ${inputs.join(', ')}\n`);
    return EXIT_USAGE;
  }
  const host = new RunFileHost();
  const project = projectOptions(collected.files.map((f) => f.path), resolved.options, host, (abs) => displayPath(io.cwd, abs));
  for (const w of project.warnings) io.stderr(`migration-guard: ${w}\n`);
  if (!project.ok) {
    io.stderr(`migration-guard: ${project.message}\n`);
    return EXIT_USAGE;
  }
  await loadParser();
  const findings: { file: InputFile; finding: Finding }[] = [];
  try {
    const perFile = await checkProject(collected.files, project.optionsFor);
    collected.files.forEach((file, i) => {
      for (const f of perFile[i] ?? []) findings.push({ file, finding: f });
    });
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    io.stderr(`migration-guard: ${e.message}\n`);
    return EXIT_USAGE;
  }
  if (format === 'json') {
    const report: JsonReport = {
      version: 1,
      findings: findings.map(({ file, finding: f }) => ({ file: file.display, rule: f.ruleId, severity: f.severity, message: f.message, range: f.range })),
    };
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    let text = '';
    for (const { file, finding: f } of findings) {
      text += `${file.display}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.ruleId} ${f.message}\n`;
    }
    io.stdout(text + summary(findings.map((f) => f.finding), collected.files.length));
  }
  return findings.some((f) => f.finding.severity === 'error') ? EXIT_ERRORS : EXIT_OK;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `3 problems (1 error, 2 warnings) in 12 files.` or `No problems in 12 files.` */
export function summary(findings: readonly Finding[], fileCount: number): string {
  const files = plural(fileCount, 'file');
  if (findings.length === 0) return `No problems in ${files}.\n`;
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const parts = [
    [count('error'), 'error', 'errors'],
    [count('warning'), 'warning', 'warnings'],
    [count('info'), 'info', 'info'],
    [count('hint'), 'hint', 'hints'],
  ] as const;
  const detail = parts.filter(([n]) => n > 0).map(([n, one, many]) => plural(n, one, many));
  return `${plural(findings.length, 'problem')} (${detail.join(', ')}) in ${files}.\n`;
}

async function down(file: string, io: CliIO): Promise<number> {
  const abs = path.resolve(io.cwd, file);
  let text: string;
  try {
    if (fs.statSync(abs).isDirectory()) {
      io.stderr(`migration-guard: ${file} is a directory, not an up migration file\n`);
      return EXIT_USAGE;
    }
    text = readSqlFile(abs);
  } catch (e) {
    io.stderr(`migration-guard: cannot read ${file}: ${describeReadError(e)}\n`);
    return EXIT_USAGE;
  }
  await loadParser();
  // Any convention: the down file's text, or, for single-file ones (goose, dbmate, sql-migrate),
  // the down section to add to the file.
  let plan: ReturnType<typeof planDown>;
  try {
    plan = planDown({ upPath: abs, upText: text, host: new NodeFileHost(), force: true, useSchema: true });
  } catch (e) {
    io.stderr(`migration-guard: cannot generate the down migration for ${file}: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (!plan.ok) {
    io.stderr(`migration-guard: ${plan.message}\n`);
    return EXIT_USAGE;
  }
  const downSql = plan.plan.kind === 'file' ? plan.plan.text : plan.plan.newText.replace(/^(?:\r?\n)+/, '');
  io.stdout(downSql);
  return EXIT_OK;
}

/** The version in the package.json above this script (dist/ in the package, out/cli/src/ in the repo). */
export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'migration-guard' && pkg.version) return pkg.version;
    } catch {
      // Not here; look one level up.
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}
