/**
 * "Verify migration" and "Show schema change" in VS Code.
 *
 * - The server runs the verification (`migrationGuard/verifyMigration`); the client shows a
 *   cancellable progress notification (cancelling cancels the request, which aborts the engine)
 *   with the server's progress messages.
 * - Results go to a diagnostic collection of their own (`migration-guard-verify`), apart from the
 *   language client's pull diagnostics; a file's results are cleared when any file of that
 *   verification changes.
 * - "Show schema change" opens the diff editor between two read-only virtual documents
 *   (`migration-guard-schema:`) holding the schema before and after the up, from the last
 *   verification of that file (running one when there is none).
 * - "Show data change" opens the same kind of diff (`migration-guard-data:`) of the rows of each
 *   table the migration touches: before the up ↔ after the up, or ↔ after the down.
 * - CodeLenses above each up and down (the first line of a file of its own, the annotation line of
 *   a goose / dbmate / sql-migrate section; `migrationGuard.verify.codeLens`). Whether a file is a
 *   migration and where its sections are is the server's answer (`migrationGuard/migrationSections`,
 *   the engine's Convention), never a file-name pattern here.
 * - In an untrusted workspace nothing runs (migrations would run code from the workspace): the
 *   commands say so and offer to manage workspace trust; the CodeLens says it is disabled.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import {
  Commands,
  MigrationSectionsRequest,
  VERIFY_DIAGNOSTIC_SOURCE,
  VerifyMigrationRequest,
  type MigrationSectionsResult,
  type VerifyMigrationResult,
} from '../../shared/src/protocol';
import { SETTINGS_SECTION } from '../../shared/src/settings';

export const SCHEMA_SCHEME = 'migration-guard-schema';
export const DATA_SCHEME = 'migration-guard-data';
export const UNTRUSTED_MESSAGE =
  'Migration Guard: verifying a migration runs its SQL in a database, so it is disabled in an untrusted workspace. Trust this workspace to verify migrations.';

export interface VerifyState {
  client: LanguageClient;
  output: vscode.LogOutputChannel;
}

/** The rows of the tables a migration touches, as one document: before the up, after it, or after the down. */
export function dataDocument(result: VerifyMigrationResult, state: 'before' | 'afterUp' | 'afterDown'): string {
  const tables = result.data ?? [];
  if (tables.length === 0) return '(the migration touches no table)\n';
  return tables.map((t) => t[state] ?? `${t.table.replace(/^public\./, '')}: (the table does not exist)\n`).join('\n');
}

function toFileUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value !== '') {
    try {
      return /^[a-z][a-z0-9+.-]+:/i.test(value) && !/^[a-z]:[\\/]/i.test(value) ? vscode.Uri.parse(value, true) : vscode.Uri.file(value);
    } catch {
      return undefined;
    }
  }
  return vscode.window.activeTextEditor?.document.uri;
}

/** Read-only documents holding schema snapshots, by path; `update` makes open editors refresh. */
class SchemaDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.path, text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function displayName(uri: vscode.Uri): string {
  const base = path.basename(uri.fsPath);
  // diesel / sourcegraph: `<version>_<name>/up.sql` is named by its folder.
  if (/^(up|down)\.sql$/i.test(base)) return path.basename(path.dirname(uri.fsPath));
  return base.replace(/\.(up|down)\.sql$/i, '').replace(/\.sql$/i, '');
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function registerVerify(context: vscode.ExtensionContext, state: VerifyState): void {
  const collection = vscode.languages.createDiagnosticCollection(VERIFY_DIAGNOSTIC_SOURCE);
  const schemas = new SchemaDocuments();
  const dataDocs = new SchemaDocuments();
  /** Where each document's up and down are, from the server, by `uri@version`. */
  const sectionCache = new Map<string, Promise<MigrationSectionsResult>>();
  const sectionsOf = (document: vscode.TextDocument): Promise<MigrationSectionsResult> => {
    const k = `${document.uri.toString()}@${document.version}`;
    let hit = sectionCache.get(k);
    if (!hit) {
      hit = Promise.resolve(state.client.sendRequest(MigrationSectionsRequest.type, { uri: state.client.code2ProtocolConverter.asUri(document.uri) })).catch(
        () => ({ migration: false, sections: [] }),
      );
      if (sectionCache.size > 200) sectionCache.clear();
      sectionCache.set(k, hit);
    }
    return hit;
  };
  const codeLensChanged = new vscode.EventEmitter<void>();
  /** The last result, by the URI of each file it covers. */
  const results = new Map<string, VerifyMigrationResult>();
  let progressTokens = 0;

  /** The server's URIs (Node's spelling) as VS Code spells them, so that they match `document.uri.toString()`. */
  const key = (uri: string): string => vscode.Uri.parse(uri).toString();

  const forget = (result: VerifyMigrationResult): void => {
    for (const f of result.files) {
      collection.delete(vscode.Uri.parse(f.uri));
      if (results.get(key(f.uri)) === result) results.delete(key(f.uri));
    }
    codeLensChanged.fire();
  };

  const untrusted = async (): Promise<void> => {
    const choice = await vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust');
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  };

  /** Runs the verification with a progress notification; undefined when it could not run. */
  const verify = async (uri: vscode.Uri, options: { quiet?: boolean } = {}): Promise<VerifyMigrationResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      await untrusted();
      return undefined;
    }
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(`Migration Guard: ${uri.toString()} is not a file on disk, so it cannot be verified.`);
      return undefined;
    }
    const name = displayName(uri);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Migration Guard: verifying ${name}`, cancellable: true },
      async (progress, cancel) => {
        const workDoneToken = `migration-guard-verify-${process.pid}-${++progressTokens}`;
        let done = 0;
        const listener = state.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
          if (value.kind === 'end') return;
          const v = value as WorkDoneProgressBegin | WorkDoneProgressReport;
          const percent = typeof v.percentage === 'number' ? v.percentage : done;
          progress.report({ ...(v.message ? { message: v.message } : {}), increment: Math.max(0, percent - done) });
          done = Math.max(done, percent);
        });
        try {
          return await state.client.sendRequest(VerifyMigrationRequest.type, { uri: state.client.code2ProtocolConverter.asUri(uri), workDoneToken }, cancel);
        } catch (e) {
          if (cancel.isCancellationRequested) return undefined;
          throw e;
        } finally {
          listener.dispose();
        }
      },
    );
    if (!result || result.status === 'cancelled') {
      vscode.window.setStatusBarMessage(`Migration Guard: verification of ${name} cancelled`, 3000);
      return undefined;
    }
    if (result.status === 'not-a-migration') {
      void vscode.window.showErrorMessage(`Migration Guard: ${result.summary}`);
      return result;
    }
    // Replace what earlier verifications of these files said.
    for (const f of result.files) {
      const before = results.get(key(f.uri));
      if (before) forget(before);
    }
    for (const f of result.files) {
      collection.set(vscode.Uri.parse(f.uri), await state.client.protocol2CodeConverter.asDiagnostics(f.diagnostics));
      results.set(key(f.uri), result);
    }
    codeLensChanged.fire();
    state.output.info(`verify ${name}: ${result.status}: ${result.summary} (${seconds(result.durationMs)}, ${result.backend})`);
    if (result.seed) state.output.info(`verify ${name}: ${result.seed}`);
    if (!options.quiet) void announce(uri, result);
    return result;
  };

  const announce = async (uri: vscode.Uri, result: VerifyMigrationResult): Promise<void> => {
    const name = displayName(uri);
    const where = `${seconds(result.durationMs)}, ${result.backend.startsWith('PGlite') ? 'PGlite' : result.backend}`;
    const canDiff = result.snapshots.before !== undefined && result.snapshots.afterUp !== undefined;
    const actions = [...(result.ok ? [] : ['Show Problems']), ...(canDiff ? ['Show Schema Change', 'Show Data Change'] : [])];
    const notes = (result.notes ?? []).length > 0 ? ` Note: ${(result.notes ?? []).join('; ')}.` : '';
    const message = `Migration Guard: ${name}: ${result.summary} (${where}).${notes}`;
    const show = result.ok || result.status === 'no-down' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    const choice = await show(message, ...actions);
    if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
    if (choice === 'Show Schema Change') await showSchemaChange(uri, result);
    if (choice === 'Show Data Change') await showDataChange(uri, undefined, result);
  };

  /** Opens the rows before the up ↔ after the up (or after the down) of the tables the migration touches. */
  const showDataChange = async (uri: vscode.Uri, direction: 'up' | 'down' | undefined, known?: VerifyMigrationResult): Promise<boolean> => {
    const result = known ?? results.get(uri.toString()) ?? (await verify(uri, { quiet: true }));
    if (!result) return false;
    if (result.snapshots.afterUp === undefined || result.data === undefined) {
      void vscode.window.showErrorMessage(`Migration Guard: there are no rows after the up of ${displayName(uri)} to show: ${result.summary}`);
      return false;
    }
    const dir = direction ?? (result.downUris.includes(uri.toString()) && !result.upUris.includes(uri.toString()) ? 'down' : 'up');
    const after = dir === 'down' && result.snapshots.afterDown !== undefined ? 'afterDown' : 'afterUp';
    const name = displayName(uri);
    const label = after === 'afterDown' ? 'after the down' : 'after the up';
    const left = vscode.Uri.from({ scheme: DATA_SCHEME, path: `/${name}/rows before the up` });
    const right = vscode.Uri.from({ scheme: DATA_SCHEME, path: `/${name}/rows ${label}` });
    dataDocs.set(left, dataDocument(result, 'before'));
    dataDocs.set(right, dataDocument(result, after));
    await vscode.commands.executeCommand('vscode.diff', left, right, `${name}: rows before the up ↔ ${label}`, { preview: true });
    return true;
  };

  const showSchemaChange = async (uri: vscode.Uri, known?: VerifyMigrationResult): Promise<boolean> => {
    const result = known ?? results.get(uri.toString()) ?? (await verify(uri, { quiet: true }));
    if (!result) return false;
    const { before, afterUp } = result.snapshots;
    if (before === undefined || afterUp === undefined) {
      void vscode.window.showErrorMessage(`Migration Guard: there is no schema after the up of ${displayName(uri)} to compare: ${result.summary}`);
      return false;
    }
    const name = displayName(uri);
    const left = vscode.Uri.from({ scheme: SCHEMA_SCHEME, path: `/${name}/before the up` });
    const right = vscode.Uri.from({ scheme: SCHEMA_SCHEME, path: `/${name}/after the up` });
    schemas.set(left, before);
    schemas.set(right, afterUp);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${name}: schema before ↔ after the up`, { preview: true });
    return true;
  };

  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: codeLensChanged.event,
    async provideCodeLenses(document) {
      if (document.uri.scheme !== 'file') return [];
      if (!vscode.workspace.getConfiguration(SETTINGS_SECTION, document.uri).get<boolean>('verify.codeLens', true)) return [];
      const info = await sectionsOf(document);
      if (!info.migration) return [];
      if (!vscode.workspace.isTrusted) {
        const top = new vscode.Range(0, 0, 0, 0);
        return [new vscode.CodeLens(top, { title: '$(shield) Verify up → down → up: disabled in an untrusted workspace', command: 'workbench.trust.manage', tooltip: UNTRUSTED_MESSAGE })];
      }
      const arg = document.uri.toString();
      const out: vscode.CodeLens[] = [];
      const last = results.get(arg);
      for (const section of info.sections) {
        const at = new vscode.Range(section.line, 0, section.line, 0);
        out.push(
          new vscode.CodeLens(at, { title: '$(beaker) Verify up → down → up', command: Commands.verifyMigration, arguments: [arg], tooltip: 'Run this migration up, down and up again in an embedded PostgreSQL, with rows in every table, and compare schema and rows' }),
        );
        if (section.direction === 'up') {
          out.push(new vscode.CodeLens(at, { title: '$(diff) Show schema change', command: Commands.showSchemaChange, arguments: [arg], tooltip: 'Compare the schema before and after the up' }));
        }
        out.push(
          new vscode.CodeLens(at, {
            title: '$(table) Show data change',
            command: Commands.showDataChange,
            arguments: [arg, section.direction],
            tooltip: section.direction === 'up' ? 'Compare the rows before and after the up' : 'Compare the rows before the up and after the down',
          }),
        );
        if (last) {
          const problems = last.files.reduce((n, f) => n + f.diagnostics.length, 0);
          const title = last.ok ? `$(pass) round trip passed (${seconds(last.durationMs)})` : `$(error) ${problems > 0 ? `${problems} problem${problems === 1 ? '' : 's'}` : last.status}`;
          out.push(new vscode.CodeLens(at, { title, command: 'workbench.actions.view.problems', tooltip: last.summary }));
        }
      }
      return out;
    },
  };

  context.subscriptions.push(
    collection,
    schemas,
    dataDocs,
    codeLensChanged,
    vscode.workspace.registerTextDocumentContentProvider(SCHEMA_SCHEME, schemas),
    vscode.workspace.registerTextDocumentContentProvider(DATA_SCHEME, dataDocs),
    vscode.languages.registerCodeLensProvider({ language: 'sql', scheme: 'file' }, lenses),
    vscode.commands.registerCommand(Commands.verifyMigration, async (arg?: unknown) => {
      const uri = toFileUri(arg);
      if (!uri) {
        void vscode.window.showErrorMessage('Migration Guard: open an up or down migration file to verify it.');
        return undefined;
      }
      try {
        return await verify(uri);
      } catch (e) {
        state.output.error(`verify failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        void vscode.window.showErrorMessage(`Migration Guard: the verification failed: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(Commands.showSchemaChange, async (arg?: unknown) => {
      const uri = toFileUri(arg);
      if (!uri) {
        void vscode.window.showErrorMessage('Migration Guard: open an up or down migration file to see its schema change.');
        return false;
      }
      try {
        return await showSchemaChange(uri);
      } catch (e) {
        state.output.error(`show schema change failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        void vscode.window.showErrorMessage(`Migration Guard: could not show the schema change: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    }),
    vscode.commands.registerCommand(Commands.showDataChange, async (arg?: unknown, direction?: unknown) => {
      const uri = toFileUri(arg);
      if (!uri) {
        void vscode.window.showErrorMessage('Migration Guard: open a migration file to see the rows it changes.');
        return false;
      }
      try {
        return await showDataChange(uri, direction === 'up' || direction === 'down' ? direction : undefined);
      } catch (e) {
        state.output.error(`show data change failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        void vscode.window.showErrorMessage(`Migration Guard: could not show the data change: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    }),
    // Results describe the files as they were: any change to one of them makes them stale.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return;
      const result = results.get(e.document.uri.toString());
      if (result) forget(result);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => codeLensChanged.fire()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.verify`)) codeLensChanged.fire();
    }),
  );
}
