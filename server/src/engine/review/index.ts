/**
 * The review of a migration: for a pull-request comment, a job summary or the editor's "Review
 * migration" preview. Per up statement, what it does, the lock it takes and what that blocks,
 * whether it rewrites or scans the table and what data it can lose; the findings of both files;
 * whether the down exists and undoes the up (the consistency rules), with the generated down where
 * it is missing; optionally the round trip's result; and a verdict. The server and the CLI both
 * call `reviewMigration` and render it with `renderReview` (markdown.ts).
 *
 * Rules the configuration turns off still run here, silently: what the review states about locks,
 * rewrites and the down must not depend on which findings a project chose to see. Their findings
 * are not listed.
 */
import * as path from 'node:path';
import { analyzeFile, type Analysis } from '../analyze';
import type { EngineOptions, RuleSetting } from '../config';
import type { FileHost } from '../host';
import type { Convention, MigrationFile } from '../migrations/convention';
import { planDown } from '../actions/down-plan';
import type { Statement } from '../parsing/parser';
import type { Workspace } from '../project/workspace';
import type { Finding } from '../rules/types';
import { parseSuppressions } from '../suppressions';
import type { VerifyResult } from '../verify/index';
import { describeStatement, shortStatement } from './describe';
import { dataLoss, tableWork } from './impact';
import { statementLocks, type StatementLock } from './locks';

export { LOCK_BLOCKS, type LockMode, type StatementLock } from './locks';

export type ReviewOptions = EngineOptions & { convention?: Convention };

export interface ReviewInput {
  /** Any file of the migration (its up or its down). */
  filePath: string;
  host: FileHost;
  /** The options of each file (the project's config, as `check` uses them). */
  optionsFor(filePath: string): ReviewOptions;
  /** The workspace whose facts to use (the language server's); the host's own otherwise. */
  workspace?: Workspace;
}

export interface StatementReview {
  file: string;
  /** 1-based. */
  line: number;
  /** The statement on one line, shortened. */
  text: string;
  /** What it does (`drops column fax of customers`). */
  does: string;
  /** Locks on existing relations; `[]` none that matters; undefined when not known here. */
  locks: StatementLock[] | undefined;
  /** Whether it rewrites or scans the table, when it does. */
  work: string | undefined;
  /** What it can lose (empty: nothing). */
  dataLoss: string[];
  /** False for a statement that does not parse: nothing above is assessed. */
  parsed: boolean;
}

export interface ReviewedFinding {
  file: string;
  finding: Finding;
}

export interface DownReview {
  /** `missing`: no down file / section; `empty`: one without statements; `orphan`: a down without an up. */
  status: 'undoes' | 'does-not-undo' | 'missing' | 'empty' | 'orphan';
  files: string[];
  /** The consistency rules' findings (missing-inverse, unexpected-down-statement, down-order, down-drops-foreign-object). */
  problems: ReviewedFinding[];
  /** The generated down, where the down is missing or empty. */
  generated?: { sql: string; where: string };
  /** What rolling back loses (the down's destructive statements). */
  rollbackLoses: string[];
}

export interface ReviewVerify {
  status: VerifyResult['status'];
  ok: boolean;
  summary: string;
  /** One line per failing statement, difference or lost data. */
  details: string[];
}

export interface MigrationReview {
  /** `000003_drop_customers_fax`. */
  name: string;
  version: string;
  directory: string;
  convention: Convention['id'];
  upFiles: string[];
  downFiles: string[];
  /** The up statements. */
  statements: StatementReview[];
  /** The findings of the migration's files, as configured (rules turned off are not listed). */
  findings: ReviewedFinding[];
  /** `-- migration-guard-ignore` comments in the migration's files. */
  suppressions: { file: string; line: number; rules: string[]; reason?: string }[];
  down: DownReview;
  verify?: ReviewVerify;
}

export const CONSISTENCY_RULES: readonly string[] = ['missing-inverse', 'unexpected-down-statement', 'down-order', 'down-drops-foreign-object'];

/** The migration's name as people write it: the up file's name without its extensions (the folder for folder-per-migration). */
export function migrationName(m: MigrationFile): string {
  const base = path.basename(m.path);
  if (/^(up|down)\.sql$/i.test(base)) return path.basename(path.dirname(m.path));
  return base.replace(/\.(up|down)\.sql$/i, '').replace(/\.sql$/i, '');
}

interface AnalysedFile {
  analysis: Analysis;
  hidden: Set<string>;
}

function analyse(filePath: string, input: ReviewInput): AnalysedFile | undefined {
  const text = input.host.readFile(filePath);
  if (text === undefined) return undefined;
  const options = input.optionsFor(filePath);
  const hidden = new Set<string>();
  const rules: Record<string, RuleSetting> = {};
  for (const [id, setting] of Object.entries(options.rules ?? {})) {
    if (setting === 'off') hidden.add(id);
    else rules[id] = setting;
  }
  const analysis = analyzeFile({
    ...options,
    rules,
    filePath,
    text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
    host: input.host,
    ...(input.workspace ? { workspace: input.workspace } : {}),
  });
  return { analysis, hidden };
}

const within = (f: Finding, s: Statement): boolean => f.span.start >= s.span.start && f.span.start <= s.span.end;

function statementReviews(a: Analysis, direction: 'up' | 'down', postgresVersion: number): StatementReview[] {
  const single = a.convention.layout === 'single';
  return a.parsed.statements
    .filter((s) => (single ? a.sections.find((sec) => s.span.start >= sec.span.start && s.span.start <= sec.span.end)?.direction === direction : true))
    .map((s) => {
      const own = a.findings.filter((f) => within(f, s));
      return {
        file: a.filePath,
        line: a.parsed.lines.positionAt(s.span.start).line + 1,
        text: shortStatement(s),
        does: describeStatement(s),
        locks: statementLocks(a.parsed, s, postgresVersion),
        work: tableWork(s, own, a.parsed),
        dataLoss: dataLoss(a.parsed, s, own),
        parsed: s.ast !== undefined,
      };
    });
}

/** Reviews the migration a file belongs to; undefined when the file is not a migration or cannot be read. */
export function reviewMigration(input: ReviewInput): MigrationReview | undefined {
  const first = analyse(path.resolve(input.filePath), input);
  const m = first?.analysis.migration;
  if (!first || !m) return undefined;
  const { directory, convention } = first.analysis;
  const upFiles = directory.ups(m).map((f) => f.path);
  const downFiles = convention.layout === 'single' ? [] : directory.downs(m).map((f) => f.path);
  const analysed = new Map<string, AnalysedFile>([[first.analysis.filePath, first]]);
  for (const p of [...upFiles, ...downFiles]) {
    if (!analysed.has(p)) {
      const a = analyse(p, input);
      if (a) analysed.set(p, a);
    }
  }
  const postgresVersion = (p: string): number => input.optionsFor(p).postgresVersion ?? 14;
  const ups = upFiles.flatMap((p) => (analysed.has(p) ? [analysed.get(p)!] : []));
  const downs = downFiles.flatMap((p) => (analysed.has(p) ? [analysed.get(p)!] : []));
  const statements = ups.flatMap((u) => statementReviews(u.analysis, 'up', postgresVersion(u.analysis.filePath)));
  const downStatements =
    convention.layout === 'single'
      ? ups.flatMap((u) => statementReviews(u.analysis, 'down', postgresVersion(u.analysis.filePath)))
      : downs.flatMap((d) => statementReviews(d.analysis, 'down', postgresVersion(d.analysis.filePath)));

  // Up files first, then downs; each file's findings in position order (as analyzeFile sorts them).
  const order = [...upFiles, ...downFiles];
  const all = [...analysed.values()].sort((x, y) => order.indexOf(x.analysis.filePath) - order.indexOf(y.analysis.filePath));
  const findings: ReviewedFinding[] = all.flatMap(({ analysis, hidden }) => analysis.findings.filter((f) => !hidden.has(f.ruleId)).map((finding) => ({ file: analysis.filePath, finding })));
  const problems: ReviewedFinding[] = all.flatMap(({ analysis }) => analysis.findings.filter((f) => CONSISTENCY_RULES.includes(f.ruleId)).map((finding) => ({ file: analysis.filePath, finding })));
  const suppressions = all.flatMap(({ analysis }) =>
    parseSuppressions(analysis.parsed).map((s) => ({
      file: analysis.filePath,
      line: analysis.parsed.lines.positionAt(s.comment.span.start).line + 1,
      rules: s.rules,
      ...(s.reason ? { reason: s.reason } : {}),
    })),
  );

  const hasDownSection = convention.layout === 'single' && ups.some((u) => u.analysis.sections.some((s) => s.direction === 'down'));
  const downExists = convention.layout === 'single' ? hasDownSection : downFiles.length > 0;
  let status: DownReview['status'];
  if (ups.length === 0) status = 'orphan';
  else if (!downExists) status = 'missing';
  else if (downStatements.length === 0) status = 'empty';
  else status = problems.length > 0 ? 'does-not-undo' : 'undoes';
  const down: DownReview = { status, files: downFiles, problems, rollbackLoses: downStatements.flatMap((s) => s.dataLoss) };
  if ((status === 'missing' || status === 'empty') && ups[0]) {
    const upPath = ups[0].analysis.filePath;
    const { rules, postgresVersion } = input.optionsFor(upPath);
    const plan = planDown({
      upPath,
      upText: ups[0].analysis.parsed.text,
      host: input.host,
      convention,
      force: true,
      useSchema: true,
      options: { ...(rules ? { rules } : {}), ...(postgresVersion !== undefined ? { postgresVersion } : {}) },
      ...(input.workspace ? { workspace: input.workspace } : {}),
    });
    if (plan.ok) {
      down.generated =
        plan.plan.kind === 'file' ? { sql: plan.plan.text, where: plan.plan.downPath } : { sql: plan.plan.sql, where: `the down section of ${path.basename(upPath)}` };
    }
  }
  return {
    name: migrationName(directory.ups(m)[0] ?? m),
    version: m.version,
    directory: directory.dir,
    convention: convention.id,
    upFiles,
    downFiles,
    statements,
    findings,
    suppressions,
    down,
  };
}

/** A verification's result as the review shows it. */
export function reviewVerifyFrom(r: VerifyResult): ReviewVerify {
  return {
    status: r.status,
    ok: r.ok,
    summary: r.summary,
    details: [...(r.fixtureFailure ? [r.fixtureFailure.message] : []), ...r.findings.map((f) => `${f.ruleId}: ${f.message}`)],
  };
}

export type VerdictLevel = 'blocking' | 'caution' | 'safe';

export interface Verdict {
  level: VerdictLevel;
  /** Why, shortest first; empty for `safe`. */
  reasons: string[];
}

const STRONG = new Set(['ACCESS EXCLUSIVE', 'EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'SHARE']);

/** The verdict: blocking on an error finding or a failed round trip; caution on warnings, data loss, blocking locks, rewrites or a down that does not undo the up. */
export function verdictOf(r: MigrationReview): Verdict {
  const blocking: string[] = [];
  const caution: string[] = [];
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  const ids = (fs: ReviewedFinding[]): string => [...new Set(fs.map((f) => f.finding.ruleId))].join(', ');
  const errors = r.findings.filter((f) => f.finding.severity === 'error');
  const warnings = r.findings.filter((f) => f.finding.severity === 'warning');
  if (errors.length > 0) blocking.push(`${plural(errors.length, 'error')} (${ids(errors)})`);
  if (r.verify && !r.verify.ok && r.verify.status !== 'no-down') blocking.push('the up → down → up round trip fails');
  if (r.statements.some((s) => s.dataLoss.length > 0)) caution.push('can lose data');
  const locked = [...new Set(r.statements.flatMap((s) => (s.locks ?? []).filter((l) => STRONG.has(l.mode)).map((l) => l.relation)))];
  if (locked.length > 0) caution.push(`blocks queries on ${locked.join(', ')}`);
  if (r.statements.some((s) => s.work?.includes('rewrites'))) caution.push('rewrites a table');
  if (warnings.length > 0) caution.push(`${plural(warnings.length, 'warning')} (${ids(warnings)})`);
  if (r.down.status === 'missing') caution.push('no down migration');
  else if (r.down.status === 'empty') caution.push('the down migration is empty');
  else if (r.down.status === 'does-not-undo') caution.push('the down does not undo the up');
  else if (r.down.status === 'orphan') caution.push('a down migration without an up');
  if (blocking.length > 0) return { level: 'blocking', reasons: [...blocking, ...caution] };
  if (caution.length > 0) return { level: 'caution', reasons: caution };
  return { level: 'safe', reasons: [] };
}
