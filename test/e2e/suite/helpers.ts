/**
 * Helpers for the extension-host suite: only the `vscode` API and Node. Every wait polls a condition
 * with a deadline (never a fixed sleep) and fails with a message that says what it waited for and
 * what it last saw.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'migration-guard.migration-guard';
export const SOURCE = 'migration-guard';

/** What activate() returns (declared here from the contract, so the suite needs no project import). */
export interface MigrationGuardApi {
  client: { sendRequest<R>(method: string, params?: unknown): Promise<R> };
  setPrompter(prompter: ((options: vscode.InputBoxOptions) => Thenable<string | undefined>) | undefined): void;
}

export async function activateExtension(): Promise<{ ext: vscode.Extension<MigrationGuardApi>; api: MigrationGuardApi }> {
  const ext = vscode.extensions.getExtension<MigrationGuardApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  const api = await ext.activate();
  assert.ok(api && typeof api.setPrompter === 'function' && api.client, 'activate() did not return the test API');
  return { ext, api };
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

export function fixtureUri(...segments: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), ...segments));
}

/** Polls `probe` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const seen = options.describe ? `; last seen: ${options.describe()}` : '';
      const err = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function ruleOf(d: vscode.Diagnostic): string | undefined {
  const code = d.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function mgDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** A compact, comparable view of a diagnostic: rule id, severity name, [line, char, line, char]. */
export interface Seen {
  rule: string | undefined;
  severity: string;
  range: [number, number, number, number];
  message: string;
}

export function view(d: vscode.Diagnostic): Seen {
  const r = d.range;
  return {
    rule: ruleOf(d),
    severity: vscode.DiagnosticSeverity[d.severity],
    range: [r.start.line, r.start.character, r.end.line, r.end.character],
    message: d.message,
  };
}

export function describeDiagnostics(uri: vscode.Uri): string {
  return JSON.stringify(mgDiagnostics(uri).map(view));
}

/** Waits until the Migration Guard diagnostics of `uri` satisfy `accept`, and returns them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  accept: (ds: vscode.Diagnostic[]) => boolean,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    `${what} on ${path.basename(uri.fsPath)}`,
    () => {
      const ds = mgDiagnostics(uri);
      return accept(ds) ? ds : undefined;
    },
    { timeoutMs, describe: () => describeDiagnostics(uri) },
  );
}

/**
 * The diagnostics of the given rules only. The engine gains rules over time (and several may report the
 * same statement); each test asserts exactly the findings of the rules it is about, and nothing else.
 */
export function ofRules(ds: vscode.Diagnostic[], ...rules: string[]): vscode.Diagnostic[] {
  return ds.filter((d) => rules.includes(ruleOf(d) ?? ''));
}

export function sortByPosition(ds: vscode.Diagnostic[]): vscode.Diagnostic[] {
  return [...ds].sort((a, b) => a.range.start.compareTo(b.range.start) || (ruleOf(a) ?? '').localeCompare(ruleOf(b) ?? ''));
}

export async function openInEditor(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

export async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** The code action with exactly this title at `range`, polled (the server answers once it analysed the file). */
export function codeActionTitled(uri: vscode.Uri, range: vscode.Range, title: string): Promise<vscode.CodeAction> {
  let titles: string[] = [];
  return waitFor(
    `code action "${title}" on ${path.basename(uri.fsPath)}`,
    async () => {
      const actions =
        (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
      titles = actions.map((a) => a.title);
      // A bare Command has a string `command`; a CodeAction has an object or nothing there.
      return actions.find((a): a is vscode.CodeAction => a.title === title && typeof a.command !== 'string');
    },
    { describe: () => JSON.stringify(titles) },
  );
}

/** Applies a code action as the editor does: its edit first, then its command. */
export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  if (action.edit) assert.equal(await vscode.workspace.applyEdit(action.edit), true, `the edit of "${action.title}" was not applied`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** Sets `migrationGuard.rules` in the workspace settings (undefined removes it). */
export async function setRuleSeverities(rules: Record<string, string> | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('migrationGuard').update('rules', rules, vscode.ConfigurationTarget.Workspace);
}
