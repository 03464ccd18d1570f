/**
 * Findings → LSP diagnostics. `toDiagnostic` is the one factory: code = rule id, the docs page as
 * `codeDescription`, source `migration-guard`, and `data` = everything code actions need (the
 * rule's fix, the actions that create files, the suppression edits), so that they never analyse
 * the file again.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeFile, type Analysis } from '../engine/analyze';
import { isConfigFile } from '../engine/config-file';
import type { Folder, Workspace } from '../engine/project/workspace';
import type { Finding, Severity } from '../engine/rules/types';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from '../../../shared/src/protocol';
import type { MigrationGuardSettings } from '../../../shared/src/settings';
import { ruleDocsUri } from './paths';
import { brokenConfigNotice, configDiagnostics, inConfiguredDirectory, type ProjectConfigs } from './project-config';
import { isMigrationDocument } from './scope';
import { uriToPath } from './uri';

/** Larger files are data dumps, not migrations someone writes by hand; they are not checked. */
export const MAX_CHECKED_LENGTH = 5 * 1024 * 1024;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * A fingerprint of a document's text (its length and a 32-bit FNV-1a hash), carried in
 * `diagnostic.data` so that code actions can tell diagnostics of the current text from stale ones.
 */
export function textFingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${text.length.toString(36)}.${(h >>> 0).toString(36)}`;
}

export function toDiagnostic(finding: Finding, fingerprint?: string): Diagnostic {
  const data: DiagnosticData = { ruleId: finding.ruleId };
  if (finding.fix) {
    data.fix = { title: finding.fix.title, edits: finding.fix.edits.map((e) => ({ range: e.range, newText: e.newText })) };
  }
  if (finding.actions && finding.actions.length > 0) {
    data.actions = finding.actions.map((a) => ({ kind: a.kind, statementIndex: a.statementIndex, title: a.title, ...(a.from !== undefined ? { from: a.from } : {}), ...(a.to !== undefined ? { to: a.to } : {}) }));
  }
  if (finding.suppress) {
    data.suppress = {
      ...(finding.suppress.line ? { line: { range: finding.suppress.line.range, newText: finding.suppress.line.newText } } : {}),
      file: { range: finding.suppress.file.range, newText: finding.suppress.file.newText },
    };
  }
  if (fingerprint !== undefined) data.fingerprint = fingerprint;
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITY[finding.severity] ?? DiagnosticSeverity.Warning,
    code: finding.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data,
  };
  const href = ruleDocsUri(finding.ruleId);
  if (href) diagnostic.codeDescription = { href };
  return diagnostic;
}

export interface CheckContext {
  settings: MigrationGuardSettings;
  workspaceRoots: readonly string[];
  /** The server's workspace: its cached host is what the checks read through. */
  workspace: Workspace;
  /** The `.migration-guard.json` files (project config). */
  configs: ProjectConfigs;
  /**
   * When the schema a file starts from needs more than `syncLimit` migrations replayed (the first
   * pull in a large folder), the file is answered without history and `later` is told to build it
   * (then the client is asked to pull again). Without it, the history is built before answering.
   */
  history?: { syncLimit: number; later(folder: Folder, count: number): void };
  log(message: string): void;
}

/** Whether a `.sql` file is one Migration Guard checks: in a configured directory, matching the globs, or in a migrations folder. */
export function isChecked(filePath: string, ctx: CheckContext): boolean {
  if (!ctx.settings.enable || !/\.sql$/i.test(filePath)) return false;
  const config = ctx.configs.forFile(filePath);
  return inConfiguredDirectory(filePath, config) || isMigrationDocument(filePath, ctx.settings, ctx.workspaceRoots, ctx.workspace.host);
}

/** The findings of a migration document, plus the notice of a broken config; undefined when it is not checked. */
export function analyzeDocument(doc: TextDocument, ctx: CheckContext): { findings: Finding[]; notices: Diagnostic[]; analysis: Analysis } | undefined {
  const filePath = uriToPath(doc.uri);
  if (!filePath) return undefined;
  return analyzeText(filePath, doc.getText(), ctx);
}

/** The findings of a migration file with the given text (an open document's, or the disk's). */
export function analyzeText(filePath: string, text: string, ctx: CheckContext): { findings: Finding[]; notices: Diagnostic[]; analysis: Analysis } | undefined {
  if (!isChecked(filePath, ctx)) return undefined;
  const config = ctx.configs.forFile(filePath);
  if (text.length > MAX_CHECKED_LENGTH) {
    ctx.log(`Migration Guard: ${filePath} is ${text.length} characters long; files over ${MAX_CHECKED_LENGTH} are not checked.`);
    return undefined;
  }
  const options = ctx.configs.optionsFor(config, ctx.settings);
  let local = false;
  if (ctx.history) {
    const folder = ctx.workspace.folderOf(filePath, ctx.workspace.conventionOf(filePath, options.convention));
    const history = folder.historyOf(folder.convention.parse(filePath));
    if (history.pending > ctx.history.syncLimit) {
      local = true;
      ctx.history.later(folder, history.count);
    }
  }
  const analysis = analyzeFile({ ...options, filePath, text, host: ctx.workspace.host, workspace: ctx.workspace, local });
  return { findings: analysis.findings, notices: config?.broken ? [brokenConfigNotice(config, filePath)] : [], analysis };
}

/**
 * The diagnostics of one document ([] for documents Migration Guard does not check), and what they
 * were computed from: the same identity means the same diagnostics.
 */
export function diagnose(doc: TextDocument, ctx: CheckContext): { items: Diagnostic[]; identity: unknown[] } {
  const filePath = uriToPath(doc.uri);
  if (!filePath) return { items: [], identity: ['not checked'] };
  return diagnoseText(filePath, doc.getText(), doc.version, ctx);
}

/** The diagnostics of a file with the given text (`version`: the open document's, else null). */
export function diagnoseText(filePath: string, text: string, version: number | null, ctx: CheckContext): { items: Diagnostic[]; identity: unknown[] } {
  if (!ctx.settings.enable) return { items: [], identity: ['disabled'] };
  if (isConfigFile(filePath)) {
    const config = ctx.configs.resolver.load(filePath);
    return { items: configDiagnostics(config), identity: [config, version] };
  }
  const analysis = analyzeText(filePath, text, ctx);
  if (!analysis) return { items: [], identity: ['not checked'] };
  // The notices whole (the broken config's related range too: an edit of the config can move its end
  // and leave the message as it was).
  const notices = analysis.notices.length === 0 ? '' : JSON.stringify(analysis.notices);
  const fingerprint = textFingerprint(text);
  return { items: [...analysis.notices, ...analysis.findings.map((f) => toDiagnostic(f, fingerprint))], identity: [analysis.analysis, notices] };
}
