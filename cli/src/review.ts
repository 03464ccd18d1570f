/**
 * `migration-guard review [paths...] [--changed-since <ref>] [--verify]`: the Markdown review of each
 * migration among the paths (for a pull-request comment or `$GITHUB_STEP_SUMMARY`). The engine
 * (server/src/engine/review/) writes it; this module picks the migrations and prints.
 *
 * Exit status: 0 once the summary is printed (the review informs, `check` and `verify` fail builds),
 * 2 on bad usage, unreadable input, a broken config file or a --changed-since git cannot answer;
 * nothing is printed on stdout then.
 */
import * as path from 'node:path';
import { ConfigResolver, conventionFor as configuredConvention, fixturePaths } from '../../server/src/engine/config-file';
import type { FileHost } from '../../server/src/engine/host';
import { conventionFor } from '../../server/src/engine/migrations/detect';
import { versionIdentity } from '../../server/src/engine/migrations/convention';
import { loadParser } from '../../server/src/engine/parsing/parser';
import { reviewMigration, reviewVerifyFrom, type MigrationReview } from '../../server/src/engine/review/index';
import { renderReview } from '../../server/src/engine/review/markdown';
import { RULES } from '../../server/src/engine/rules/registry';
import { verifyMigration } from '../../server/src/engine/verify/index';
import type { Command } from './args';
import { RunFileHost } from './check';
import { resolveDatabaseUrl } from './database-url';
import { collectFiles, displayPath } from './files';
import { ruleHelpUri } from './format/types';
import { changedFilesSince } from './git';
import { projectOptions, resolveOptions, type FileOptions } from './options';

interface ReviewIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

/** The migrations among the files, in the order given: one entry (its first file) per directory and version. */
function migrationsOf(files: readonly string[], host: FileHost, optionsFor: (f: string) => FileOptions): { key: string; files: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const convention = conventionFor(f, host, optionsFor(f).convention);
    const m = convention.parse(f);
    if (!m) continue;
    const key = `${convention.directoryOf(f)}\0${versionIdentity(m)}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  return [...groups].map(([key, fs]) => ({ key, files: fs }));
}

export async function runReview(command: Extract<Command, { kind: 'review' }>, io: ReviewIO): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`migration-guard: ${message}\n`);
    return 2;
  };
  const resolved = resolveOptions(command.rules, command.baseline);
  if (!resolved.ok) return fail(resolved.message);
  const inputs = command.paths.length > 0 ? command.paths : ['.'];
  const collected = collectFiles(inputs, io.cwd);
  if (!collected.ok) return fail(collected.message);
  if (collected.files.length === 0) return fail(`no .sql files found in ${inputs.join(', ')}`);
  const host = new RunFileHost();
  const display = (abs: string): string => displayPath(io.cwd, abs).replace(/\\/g, '/');
  const project = projectOptions(collected.files.map((f) => f.path), resolved.options, host, display);
  if (!project.ok) {
    // One line: the first error, and how many more there are.
    const [head, first, ...more] = project.message.split('\n');
    return fail(`${head} ${first ?? ''}${more.length > 0 ? ` (and ${more.length} more)` : ''}`);
  }
  let changed: ReturnType<typeof changedFilesSince> | undefined;
  if (command.changedSince !== undefined) {
    changed = changedFilesSince(command.changedSince, io.cwd);
    if (!changed.ok) return fail(changed.message);
  }
  for (const w of project.warnings) io.stderr(`migration-guard: ${w}\n`);
  await loadParser();

  let groups = migrationsOf(
    collected.files.map((f) => f.path),
    host,
    project.optionsFor,
  );
  if (changed?.ok) {
    const files = changed.files;
    groups = groups.filter((g) => g.files.some((f) => files.has(f)) || reviewedFilesChanged(g.files[0]!, host, project.optionsFor, files));
  }
  const reviews: MigrationReview[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    const r = reviewMigration({ filePath: g.files[0]!, host, optionsFor: project.optionsFor });
    if (!r) continue;
    const key = `${r.directory}\0${r.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reviews.push(r);
  }

  if (command.verify) {
    const configs = new ConfigResolver(host, RULES.map((r) => r.meta.id));
    for (const r of reviews) {
      const config = configs.forFile(path.join(r.directory, 'x.sql'));
      const url = resolveDatabaseUrl(config);
      if (!url.ok) return fail(url.message);
      const usable = config && !config.broken ? config : undefined;
      const convention = configuredConvention(usable?.config.migrations.convention);
      io.stderr(`verifying ${r.name}...\n`);
      const result = await verifyMigration({
        directory: r.directory,
        version: r.version,
        host,
        rules: usable?.config.rules ?? {},
        fixtures: fixturePaths(usable),
        ...(convention ? { convention } : {}),
        ...(url.url ? { databaseUrl: url.url } : {}),
      });
      r.verify = reviewVerifyFrom(result);
    }
  }

  const subtitle = command.changedSince !== undefined ? `Migrations that differ from \`${command.changedSince}\`.` : undefined;
  io.stdout(renderReview(reviews, { display, ruleUrl: ruleHelpUri, ...(subtitle ? { subtitle } : {}) }));
  return 0;
}

/** Whether a file of the migration outside the given paths changed (its down, when only the up was named). */
function reviewedFilesChanged(file: string, host: FileHost, optionsFor: (f: string) => FileOptions, changed: { has(p: string): boolean }): boolean {
  const convention = conventionFor(file, host, optionsFor(file).convention);
  const m = convention.parse(file);
  if (!m) return false;
  const counterpart = convention.layout === 'pair' ? convention.counterpartPath(m) : undefined;
  return counterpart !== undefined && changed.has(counterpart);
}
