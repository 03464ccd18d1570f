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
import type { Workspace } from '../engine/project/workspace';
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

export function toDiagnostic(finding: Finding): Diagnostic {
  const data: DiagnosticData = { ruleId: finding.ruleId };
  if (finding.fix) {
    data.fix = { title: finding.fix.title, edits: finding.fix.edits.map((e) => ({ range: e.range, newText: e.newText })) };
  }
  if (finding.actions && finding.actions.length > 0) {
    data.actions = finding.actions.map((a) => ({ kind: a.kind, statementIndex: a.statementIndex, title: a.title }));
  }
  if (finding.suppress) {
    data.suppress = {
      ...(finding.suppress.line ? { line: { range: finding.suppress.line.range, newText: finding.suppress.line.newText } } : {}),
      file: { range: finding.suppress.file.range, newText: finding.suppress.file.newText },
    };
  }
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
  log(message: string): void;
}

/** The findings of a migration document, plus the notice of a broken config; undefined when it is not checked. */
export function analyzeDocument(doc: TextDocument, ctx: CheckContext): { findings: Finding[]; notices: Diagnostic[]; analysis: Analysis } | undefined {
  if (!ctx.settings.enable) return undefined;
  const filePath = uriToPath(doc.uri);
  if (!filePath) return undefined;
  const config = ctx.configs.forFile(filePath);
  const inScope = /\.sql$/i.test(filePath) && (inConfiguredDirectory(filePath, config) || isMigrationDocument(filePath, ctx.settings, ctx.workspaceRoots, ctx.workspace.host));
  if (!inScope) return undefined;
  const text = doc.getText();
  if (text.length > MAX_CHECKED_LENGTH) {
    ctx.log(`Migration Guard: ${filePath} is ${text.length} characters long; files over ${MAX_CHECKED_LENGTH} are not checked.`);
    return undefined;
  }
  const options = ctx.configs.optionsFor(config, ctx.settings);
  const analysis = analyzeFile({ ...options, filePath, text, host: ctx.workspace.host, workspace: ctx.workspace });
  return { findings: analysis.findings, notices: config?.broken ? [brokenConfigNotice(config, filePath)] : [], analysis };
}

/**
 * The diagnostics of one document ([] for documents Migration Guard does not check), and what they
 * were computed from: the same identity means the same diagnostics.
 */
export function diagnose(doc: TextDocument, ctx: CheckContext): { items: Diagnostic[]; identity: unknown[] } {
  if (!ctx.settings.enable) return { items: [], identity: ['disabled'] };
  const filePath = uriToPath(doc.uri);
  if (filePath && isConfigFile(filePath)) {
    const config = ctx.configs.resolver.load(filePath);
    return { items: configDiagnostics(config), identity: [config, doc.version] };
  }
  const analysis = analyzeDocument(doc, ctx);
  if (!analysis) return { items: [], identity: ['not checked'] };
  const notices = analysis.notices.map((n) => n.message).join('\n');
  return { items: [...analysis.notices, ...analysis.findings.map(toDiagnostic)], identity: [analysis.analysis, notices] };
}
