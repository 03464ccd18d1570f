/**
 * How a file becomes findings: parse, place it in its migrations directory, run every rule,
 * then apply severities and suppressions. The server and the CLI both call `analyzeFile`.
 */
import { DEFAULT_POSTGRES_VERSION, type EngineOptions } from './config';
import { keyOf, type FileHost } from './host';
import { atOrBelowBaseline, directionAt, parseVersion, type Convention, type ConventionState, type MigrationFile, type MigrationSection } from './migrations/convention';
import type { MigrationDirectory } from './migrations/directory';
import { parseSql, type ParsedFile } from './parsing/parser';
import { WorkspaceFileFacts, type Dependency } from './project/facts';
import { Workspace, workspaceFor } from './project/workspace';
import { RULES, ruleById } from './rules/registry';
import { formatMessage, type Finding, type FindingEdit, type Report, type Rule, type RuleContext } from './rules/types';
import { reportUnusedSuppressions, unusedSuppression, type SuppressionUsage } from './rules/all/unused-suppression';
import { fileSuppressionEdit, lineSuppressionEdit, parseSuppressions, suppressionsCovering, type Suppression, type SuppressionEdit } from './suppressions';

export interface Analysis {
  filePath: string;
  parsed: ParsedFile;
  migration: MigrationFile | undefined;
  directory: MigrationDirectory;
  /**
   * The convention used: the one given, else the directory's (detected), else golang-migrate for a
   * folder without `.sql` files, else `unknownTool` (no supported tool runs the folder's files).
   */
  convention: Convention;
  /**
   * How the convention was chosen: `configured` (`.migration-guard.json`), `detected` (from the
   * folder's files), `assumed` (golang-migrate, the folder has no `.sql` file yet) or `unknown` (no
   * supported tool recognised: the rules that belong to a tool said nothing). Front ends show it
   * (the CLI prints a note per unknown folder; the editor's language status can show it).
   */
  conventionState: ConventionState;
  /**
   * Set when the file was not checked as PostgreSQL, with why: a migration the tool runs on another
   * database only (pop `.mysql.`), or one PostgreSQL's own file replaces. Then there are no findings.
   */
  notChecked?: string;
  /** The file's up/down sections (empty when the file is not a migration). */
  sections: MigrationSection[];
  findings: Finding[];
  /**
   * True when the analysis ran without the folder's history (`local`): the findings of rules that
   * need it are left out, to come with the complete analysis.
   */
  partial?: boolean;
  /** True when the file is at or below the baseline: only file-level rules ran (see `historyRule`). */
  history?: boolean;
}

/**
 * The rules that still judge a migration at or below the baseline (applied history): syntax errors,
 * file names, duplicate and orphan versions, suppressions. Statement rules and the consistency rules
 * say nothing there, and neither does `missing-down-migration` (nobody rolls back that far).
 */
export function historyRule(rule: Rule): boolean {
  if (rule.meta.id === 'missing-down-migration' || rule.meta.id === 'empty-down-migration') return false;
  return rule.meta.category === 'migration-files' || rule.meta.id === 'syntax-error' || rule.meta.id === 'unused-suppression';
}

export interface AnalyzeInput extends EngineOptions {
  filePath: string;
  text: string;
  host: FileHost;
  /**
   * The workspace whose facts to use and keep (the language server has one for its life). Without
   * it: one per host that promises an unchanging view of the files (a `memo`, the CLI's run), else a
   * new one for this call.
   */
  workspace?: Workspace;
  /** The convention to use (from `.migration-guard.json`); detected from the directory when absent. */
  convention?: Convention;
  /** Rules to run; all registered rules by default. */
  only?: Rule[];
  /**
   * Answer without the folder's history (no schema, no pair): the rules that need it are left out
   * and the analysis is `partial`. The language server does this while a large history is read.
   */
  local?: boolean;
  /**
   * Check a text that is not (or not yet) the file's (a generated down, before it is written): the
   * workspace's facts are used, but the text is neither put into the workspace nor kept. Its pair
   * is the one on disk (consistency rules see the file as it is there); `texts` (absolute paths)
   * stand for other files the same change edits, where a rule reads them (the up of a down).
   */
  probe?: boolean | { texts: ReadonlyMap<string, string> };
}

/** Workspaces of hosts that promise an unchanging view of the files (the CLI's run). */
const shared = new WeakMap<FileHost, Workspace>();

function workspaceOf(input: AnalyzeInput): Workspace {
  if (input.workspace) return input.workspace;
  if (!input.host.memo) return new Workspace(input.host);
  let ws = shared.get(input.host);
  if (!ws) shared.set(input.host, (ws = new Workspace(input.host)));
  return ws;
}

interface CachedAnalysis {
  text: string;
  optionsKey: string;
  deps: Dependency[];
  analysis: Analysis;
}

/**
 * The findings of a file. In a workspace, a full analysis is kept while the file's text, the
 * options and every fact it used (the directory, the schema before it, its pair...) are the very
 * same: asking again after an edit elsewhere that changed none of them costs pointer comparisons.
 */
export function analyzeFile(input: AnalyzeInput): Analysis {
  const filePath = keyOf(input.filePath);
  const ws = input.probe ? workspaceOf(input) : workspaceFor(input.host, workspaceOf(input), filePath, input.text);
  const optionsKey = input.only ? '' : JSON.stringify([input.rules ?? {}, input.postgresVersion ?? null, input.convention?.id ?? null, input.baseline ?? null]);
  // Kept in an editor's workspace only: a one-run CLI never asks twice.
  const keep = ws.incremental && !input.only && !input.probe;
  const local = input.local === true;
  // The workspace keeps one analysis per file and forgets it when the file is closed or deleted.
  const cache = keep ? (ws.analyses as Map<string, CachedAnalysis>) : undefined;
  const hit = cache?.get(filePath);
  if (!local && hit && hit.text === input.text && hit.optionsKey === optionsKey && hit.deps.every((d) => d.get() === d.value)) return hit.analysis;
  const deps: Dependency[] = [];
  const use = <T>(get: () => T): T => {
    const value = get();
    deps.push({ get, value });
    return value;
  };
  // Kept as two facts (an object and a string): a dependency holds while each is the very same.
  const convention = use(() => ws.conventionOf(filePath, input.convention));
  const choice = { convention, state: use(() => ws.conventionChoice(filePath, input.convention).state) };
  const folder = ws.folderOf(filePath, convention);
  const parsed = input.probe ? parseSql(input.text) : ws.parse(filePath, 'file', input.text);
  const directory = use(() => folder.directory());
  const migration = convention.parse(filePath);
  const notChecked = directory.notPostgres.get(filePath);
  if (notChecked !== undefined) {
    const skipped: Analysis = { filePath, parsed, migration, directory, convention, conventionState: choice.state, sections: [], findings: [], notChecked };
    cache?.set(filePath, { text: input.text, optionsKey, deps, analysis: skipped });
    return skipped;
  }
  const sections = migration ? convention.sections(migration, input.text) : [];
  const facts = new WorkspaceFileFacts(folder, filePath, parsed, migration, local, typeof input.probe === 'object' ? input.probe.texts : undefined, Boolean(input.probe));
  const baseline = input.baseline !== undefined ? parseVersion(input.baseline) : undefined;
  const history = migration !== undefined && atOrBelowBaseline(migration, baseline);
  let partial = false;
  const suppressions = parseSuppressions(parsed);
  const findings: Finding[] = [];
  const selected = input.only ?? RULES;

  // `unused-suppression` judges suppressions after every other rule ran (see its file). When only
  // some rules were asked for (tests, "disable for this line"), the rules its suppressions name run
  // too, silently, so that it still knows what each suppression silences.
  const judgeSuppressions = selected.includes(unusedSuppression) && input.rules?.[unusedSuppression.meta.id] !== 'off';
  const plan: { rule: Rule; emit: boolean }[] = selected.map((rule) => ({ rule, emit: true }));
  if (judgeSuppressions && input.only) {
    const named = new Set(suppressions.flatMap((s) => s.rules));
    for (const rule of RULES) if (named.has(rule.meta.id) && !selected.includes(rule)) plan.push({ rule, emit: false });
  }
  const used = new Map<Suppression, Set<string>>();
  const ran = new Set<string>();

  const contextFor = (rule: Rule, emit: boolean, severity: Finding['severity']): RuleContext => ({
    filePath,
    parsed,
    convention,
    migration,
    directory,
    sections,
    directionAt: (offset: number) => directionAt(sections, offset),
    facts,
    postgresVersion: input.postgresVersion ?? DEFAULT_POSTGRES_VERSION,
    ...(baseline ? { baseline } : {}),
    report(r: Report) {
      const silencing = suppressionsCovering(suppressions, rule.meta.id, r.span);
      if (silencing.length > 0) {
        for (const s of silencing) {
          let ids = used.get(s);
          if (!ids) used.set(s, (ids = new Set()));
          ids.add(rule.meta.id);
        }
        return;
      }
      if (!emit) return;
      const template = rule.meta.messages[r.messageId];
      if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown message id ${r.messageId}`);
      const finding: Finding = {
        ruleId: rule.meta.id,
        messageId: r.messageId,
        message: formatMessage(template, r.data),
        severity,
        span: r.span,
        range: parsed.lines.rangeOf(r.span),
      };
      if (r.fix) {
        finding.fix = {
          title: r.fix.title,
          edits: r.fix.edits.map((e) => ({ span: e.span, range: parsed.lines.rangeOf(e.span), newText: e.newText })),
        };
      }
      if (r.actions && r.actions.length > 0) finding.actions = r.actions;
      const withRange = (e: SuppressionEdit): FindingEdit => ({ ...e, range: parsed.lines.rangeOf(e.span) });
      // File-level findings (names, versions, pairing) sit on the first line whatever it holds: a
      // comment above a statement would not move them, so they are silenced for the file only.
      const line = rule.meta.category === 'migration-files' ? undefined : lineSuppressionEdit(parsed, rule.meta.id, r.span.start);
      finding.suppress = { ...(line ? { line: withRange(line) } : {}), file: withRange(fileSuppressionEdit(parsed, rule.meta.id)) };
      findings.push(finding);
    },
  });

  const runRule = (rule: Rule, emit: boolean, body: (ctx: RuleContext) => void): void => {
    const setting = input.rules?.[rule.meta.id];
    if (setting === 'off' || (setting === undefined && rule.meta.optIn)) return;
    if (history && !historyRule(rule)) return;
    ran.add(rule.meta.id);
    const mark = findings.length;
    const asks = facts.historyAsks;
    try {
      body(contextFor(rule, emit, setting ?? rule.meta.defaultSeverity));
      // Without history, a rule that needed it has not seen what it needs: none of its findings.
      if (local && facts.historyAsks !== asks) {
        findings.length = mark;
        ran.delete(rule.meta.id);
        partial = true;
      }
    } catch (e) {
      if (!emit) return;
      // A rule bug must not take the other rules' findings with it.
      findings.push({
        ruleId: 'internal-error',
        messageId: 'internal',
        message: `Migration Guard rule ${rule.meta.id} failed on this file: ${(e as Error).message}`,
        severity: 'hint',
        span: { start: 0, end: 0 },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      });
    }
  };

  for (const { rule, emit } of plan) runRule(rule, emit, (ctx) => rule.check(ctx));
  yieldOverlaps(findings);
  if (judgeSuppressions) {
    const usage: SuppressionUsage = {
      used: (s, id) => used.get(s)?.has(id) === true,
      ran: (id) => ran.has(id),
      knownRuleIds: RULES.map((r) => r.meta.id),
    };
    runRule(unusedSuppression, true, (ctx) => reportUnusedSuppressions(ctx, suppressions, usage));
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
  const analysis: Analysis = { filePath, parsed, migration, directory, convention, conventionState: choice.state, sections, findings, ...(partial ? { partial } : {}), ...(history ? { history } : {}) };
  if (!partial) cache?.set(filePath, { text: input.text, optionsKey, deps: [...deps, ...facts.deps], analysis });
  return analysis;
}

/** Leaves out the findings of rules that yield to another rule's finding on the same span (`meta.yieldsTo`). */
function yieldOverlaps(findings: Finding[]): void {
  const yielding = findings.some((f) => ruleById(f.ruleId)?.meta.yieldsTo !== undefined);
  if (!yielding) return;
  const at = new Set(findings.map((f) => `${f.ruleId}\u0000${f.span.start}\u0000${f.span.end}`));
  const kept = findings.filter((f) => !(ruleById(f.ruleId)?.meta.yieldsTo ?? []).some((other) => at.has(`${other}\u0000${f.span.start}\u0000${f.span.end}`)));
  findings.splice(0, findings.length, ...kept);
}

export { ruleById };
