/**
 * The language status item of SQL files (the `{}` in the status bar, as ESLint and TypeScript show
 * theirs): which convention applies to the active file's migrations folder (as the server reads it:
 * configured, detected, the default, or a tool Migration Guard does not know), the config file, the
 * PostgreSQL version, the baseline, and the folder's findings. Clicking it shows the same in the
 * output; "Open config" opens the config file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Commands, DIAGNOSTIC_SOURCE, FolderStatusRequest, type FolderStatus } from '../../shared/src/protocol';

export const STATUS_ID = 'migrationGuard.folder';

/** What the item shows for a status and the folder's diagnostics. */
export function describeFolder(status: FolderStatus, counts: { errors: number; warnings: number; infos: number; files: number } | undefined): { text: string; detail: string; severity: 'information' | 'warning' | 'error' } {
  if (!status.enabled) return { text: 'Migration Guard: off', detail: 'migrationGuard.enable is false', severity: 'information' };
  if (!status.checked) return { text: 'Not a migration', detail: 'Migration Guard checks files in migrations folders and those matching migrationGuard.migrationGlobs', severity: 'information' };
  const how = status.convention.source === 'config' ? 'set in the config' : status.convention.source === 'detected' ? 'detected' : 'default';
  const text = status.convention.recognised ? `${status.convention.name} (${how})` : `${status.convention.name}: names not judged`;
  const parts = [
    status.configFile ? `${vscode.workspace.asRelativePath(status.configFile, true)}${status.configBroken ? ' (has errors)' : ''}` : 'no .migration-guard.json',
    `PostgreSQL ${status.postgresVersion.value}${status.postgresVersion.source === 'default' ? ' (default)' : ''}`,
    status.baseline ? `baseline ${status.baseline}` : 'no baseline',
  ];
  if (counts) {
    const n = (k: number, one: string, many = `${one}s`): string => `${k} ${k === 1 ? one : many}`;
    parts.push(`${n(counts.errors, 'error')}, ${n(counts.warnings, 'warning')}, ${counts.infos} info in ${n(counts.files, 'file')}`);
  }
  const severity = status.configBroken || (counts && counts.errors > 0) ? 'error' : !status.convention.recognised || (counts && counts.warnings > 0) ? 'warning' : 'information';
  return { text, detail: parts.join(' · '), severity };
}

/** The Migration Guard diagnostics of a migrations folder's files, counted (what Problems shows for it). */
export function countFolder(folder: string, nested: boolean | undefined): { errors: number; warnings: number; infos: number; files: number } {
  const counts = { errors: 0, warnings: 0, infos: 0, files: 0 };
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    if (uri.scheme !== 'file') continue;
    const dir = path.dirname(uri.fsPath);
    const inFolder = dir === folder || (nested === true && path.dirname(dir) === folder);
    if (!inFolder || !/\.sql$/i.test(uri.fsPath)) continue;
    const ours = diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) continue;
    counts.files++;
    for (const d of ours) {
      if (d.severity === vscode.DiagnosticSeverity.Error) counts.errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) counts.warnings++;
      else counts.infos++;
    }
  }
  return counts;
}

export function registerStatus(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): void {
  const item = vscode.languages.createLanguageStatusItem(STATUS_ID, { language: 'sql' });
  item.name = 'Migration Guard';
  item.text = 'Migration Guard';
  item.command = { title: 'Details', command: Commands.showFolderStatus };
  context.subscriptions.push(item);
  let last: { uri: string; status: FolderStatus } | undefined;
  let pending: ReturnType<typeof setTimeout> | undefined;

  const render = (): void => {
    if (!last) return;
    const counts = last.status.folder ? countFolder(last.status.folder, last.status.nested) : undefined;
    const d = describeFolder(last.status, counts);
    item.text = d.text;
    item.detail = d.detail;
    item.severity = d.severity === 'error' ? vscode.LanguageStatusSeverity.Error : d.severity === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    item.busy = false;
  };

  const refresh = async (): Promise<void> => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'sql' || doc.uri.scheme !== 'file' || !client.isRunning()) return;
    item.busy = true;
    try {
      const status = await client.sendRequest(FolderStatusRequest.type, { uri: doc.uri.toString() });
      if (status) last = { uri: doc.uri.toString(), status };
      render();
    } catch (e) {
      item.busy = false;
      output.warn(`Migration Guard: the folder status of ${doc.uri.fsPath} could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const soon = (): void => {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => void refresh(), 150);
  };

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(soon),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('migrationGuard')) soon();
    }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (path.basename(d.uri.fsPath) === '.migration-guard.json') soon();
    }),
    // Counts follow the Problems panel; the status itself changes with files and configs.
    vscode.languages.onDidChangeDiagnostics(() => render()),
    client.onDidChangeState(() => soon()),
    vscode.commands.registerCommand(Commands.showFolderStatus, async () => {
      await refresh();
      if (!last) {
        void vscode.window.showInformationMessage('Migration Guard: open a migration file to see what applies to its folder.');
        return undefined;
      }
      const s = last.status;
      const counts = s.folder ? countFolder(s.folder, s.nested) : undefined;
      const lines = [
        `Migrations folder: ${s.folder ?? '(none)'}`,
        `Convention: ${s.convention.name} (${s.convention.source === 'config' ? 'set in .migration-guard.json' : s.convention.source === 'detected' ? 'detected from the file names' : 'the default: nothing in the folder names a tool'})${s.convention.recognised ? '' : ': no supported tool accepts these names, so names and versions are not judged'}`,
        `Config file: ${s.configFile ?? 'none'}${s.configBroken ? ' (has errors: the defaults apply)' : ''}`,
        `PostgreSQL: ${s.postgresVersion.value}${s.postgresVersion.source === 'default' ? ' (the default)' : ''}`,
        `Baseline: ${s.baseline ?? 'none'}`,
        `Migrations: ${s.migrations ?? 0}${s.newest ? `, the newest ${s.newest}` : ''}`,
        ...(counts ? [`Findings: ${counts.errors} errors, ${counts.warnings} warnings, ${counts.infos} info/hints in ${counts.files} files`] : []),
      ];
      for (const l of lines) output.info(l);
      output.show(true);
      const open = s.configFile ? 'Open config' : undefined;
      const picked = await vscode.window.showInformationMessage(`Migration Guard: ${describeFolder(s, counts).text} · ${describeFolder(s, counts).detail}`, ...(open ? [open] : []));
      if (picked === open && s.configFile) await vscode.window.showTextDocument(vscode.Uri.file(s.configFile));
      return s;
    }),
  );
  void refresh();
}
