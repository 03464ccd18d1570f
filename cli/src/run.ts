/**
 * The CLI as a function: `run(argv, io)` returns the exit status. `main.ts` binds it to the process;
 * tests call it directly with a temporary directory as the working directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeFileHost } from '../../server/src/engine/host';
import { planDown } from '../../server/src/engine/actions/down-plan';
import { ConfigResolver, configOptions } from '../../server/src/engine/config-file';
import { RULES } from '../../server/src/engine/rules/registry';
import { loadParser } from '../../server/src/engine/parsing/parser';
import { parseArgs, USAGE, type Command } from './args';
import { filesToReport } from './changed';
import { checkNotes, checkProject, describeReadError, FileReadError, migrationKeys, readSqlFile, RunFileHost } from './check';
import { collectFiles, displayPath } from './files';
import { FORMATS, type ReportedFinding } from './format/index';
import { changedFilesSince, type ChangedSet } from './git';
import { projectOptions, resolveOptions } from './options';
import { runReview } from './review';
import { runVerify } from './verify';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_ERRORS = 1;
export const EXIT_USAGE = 2;

export type { JsonFinding, JsonReport } from './format/json';
export { summary } from './format/text';

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === 'verify') return runVerify(argv.slice(1), io);
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    // One line: the reason, and where the usage is (CI logs show it; a screen of usage hides it).
    io.stderr(`migration-guard: ${parsed.message} (see migration-guard --help)\n`);
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
      return check(command, io);
    case 'review':
      return runReview(command, io);
    case 'down':
      return down(command.file, io);
  }
}

async function check(command: Extract<Command, { kind: 'check' }>, io: CliIO): Promise<number> {
  const { paths, format, rules } = command;
  const resolved = resolveOptions(rules, command.baseline);
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
  let changed: ChangedSet | undefined;
  if (command.changedSince !== undefined) {
    const c = changedFilesSince(command.changedSince, io.cwd);
    if (!c.ok) {
      io.stderr(`migration-guard: ${c.message}\n`);
      return EXIT_USAGE;
    }
    changed = c.files;
  }
  const host = new RunFileHost();
  const project = projectOptions(collected.files.map((f) => f.path), resolved.options, host, (abs) => displayPath(io.cwd, abs));
  for (const w of project.warnings) io.stderr(`migration-guard: ${w}\n`);
  if (!project.ok) {
    io.stderr(`migration-guard: ${project.message}\n`);
    return EXIT_USAGE;
  }
  await loadParser();
  // With --changed-since, only the changed migrations' files are analysed (the others still feed
  // the schema model, from the folder's listing, as they always do).
  const reportedFiles = changed ? filesToReport(migrationKeys(collected.files, project.optionsFor, host), changed) : undefined;
  const checked = reportedFiles ? collected.files.filter((f) => reportedFiles.has(f.path)) : collected.files;
  const reported: ReportedFinding[] = [];
  try {
    const perFile = await checkProject(checked, project.optionsFor, command.jobs, host);
    for (const note of checkNotes(perFile, (abs) => displayPath(io.cwd, abs))) io.stderr(`migration-guard: ${note}\n`);
    checked.forEach((file, i) => {
      for (const f of perFile[i]!.findings) reported.push({ file, finding: f });
    });
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    io.stderr(`migration-guard: ${e.message}\n`);
    return EXIT_USAGE;
  }
  io.stdout(
    FORMATS[format]({
      findings: reported,
      fileCount: checked.length,
      cwd: io.cwd,
      toolVersion: packageVersion(),
      ...(command.changedSince !== undefined ? { changedSince: command.changedSince } : {}),
    }),
  );
  if (reported.some((f) => f.finding.severity === 'error')) return EXIT_ERRORS;
  const warnings = reported.filter((f) => f.finding.severity === 'warning').length;
  if (command.maxWarnings !== undefined && warnings > command.maxWarnings) {
    io.stderr(`migration-guard: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${command.maxWarnings}\n`);
    return EXIT_ERRORS;
  }
  return EXIT_OK;
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
    // The project's config applies to the generated down too (its checks, its convention).
    const host = new NodeFileHost();
    const config = new ConfigResolver(host, RULES.map((r) => r.meta.id)).forFile(abs);
    const { rules, postgresVersion, convention } = configOptions(config?.broken ? undefined : config);
    plan = planDown({
      upPath: abs,
      upText: text,
      host,
      force: true,
      useSchema: true,
      ...(convention ? { convention } : {}),
      options: { ...(rules ? { rules } : {}), ...(postgresVersion !== undefined ? { postgresVersion } : {}) },
    });
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
