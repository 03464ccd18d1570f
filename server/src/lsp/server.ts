/**
 * The Migration Guard language server: connection and handler wiring only. Diagnostics are pulled
 * (LSP 3.17) and depend on other files (pairing), so the server asks the client to pull again
 * whenever a .sql file appears or disappears, or the settings change.
 */
import * as fs from 'node:fs';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type DocumentDiagnosticReport,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { loadParser } from '../engine/parsing/parser';
import { CreatePairedMigrationRequest, ServerInfoRequest } from '../../../shared/src/protocol';
import { codeActionsFor } from './code-actions/index';
import { diagnose } from './diagnostics';
import { Documents } from './documents';
import { guarded, logUncaught } from './guard';
import { createPairedMigration } from './paired-migration';
import { serverVersion } from './paths';
import { SettingsStore } from './settings';
import { createServerConnection } from './transport';
import { uriToPath } from './uri';

const connection = createServerConnection();
const log = (message: string): void => connection.console.error(message);
logUncaught(connection);

const parserReady = loadParser();
const documents = new Documents();
const settings = new SettingsStore(connection);
let workspaceRoots: string[] = [];
let capabilities: ClientCapabilities = {};

const emptyReport = (): DocumentDiagnosticReport => ({ kind: DocumentDiagnosticReportKind.Full, items: [] });

function refreshDiagnostics(): void {
  if (!capabilities.workspace?.diagnostics?.refreshSupport) return;
  connection.languages.diagnostics.refresh().catch((e: unknown) => log(`Migration Guard: diagnostics refresh failed: ${String(e)}`));
}

connection.onInitialize((params): InitializeResult => {
  capabilities = params.capabilities ?? {};
  settings.pullSupported = capabilities.workspace?.configuration === true;
  const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
  workspaceRoots = folders.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      diagnosticProvider: { identifier: 'migration-guard', interFileDependencies: true, workspaceDiagnostics: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'Migration Guard', version: serverVersion() },
  };
});

connection.onInitialized(async () => {
  try {
    if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.sql' }] });
    }
    if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'migrationGuard' });
    }
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
        workspaceRoots = workspaceRoots.filter((r) => !removed.has(r));
        for (const f of e.added) {
          const p = uriToPath(f.uri);
          if (p) workspaceRoots.push(p);
        }
        settings.changed(undefined);
        refreshDiagnostics();
      });
    }
  } catch (e) {
    log(`Migration Guard: registering for file and settings changes failed: ${String(e)}`);
  }
});

connection.onDidChangeConfiguration((params) => {
  settings.changed(params?.settings);
  refreshDiagnostics();
});

// A .sql file appeared, disappeared or was renamed: a paired file's findings may change.
connection.onDidChangeWatchedFiles(() => refreshDiagnostics());

documents.all.onDidClose((e) => {
  settings.forget(e.document.uri);
  // An unsaved document that is not on disk counted for pairing while open; now it does not.
  const closed = uriToPath(e.document.uri);
  if (closed && !fs.existsSync(closed)) refreshDiagnostics();
});

connection.languages.diagnostics.on(
  guarded(log, 'diagnostics', emptyReport, async (params): Promise<DocumentDiagnosticReport> => {
    const doc = documents.get(params?.textDocument?.uri);
    if (!doc) return emptyReport();
    await parserReady;
    const resourceSettings = await settings.get(doc.uri);
    const items = diagnose(doc, { settings: resourceSettings, workspaceRoots, host: documents.host, log });
    return { kind: DocumentDiagnosticReportKind.Full, items };
  }),
);

connection.onCodeAction(
  guarded(log, 'code actions', () => [], async (params) => {
    const doc = documents.get(params?.textDocument?.uri);
    const filePath = doc ? uriToPath(doc.uri) : undefined;
    if (!doc || !filePath || !Array.isArray(params.context?.diagnostics)) return [];
    await parserReady;
    const resourceOps = capabilities.workspace?.workspaceEdit?.resourceOperations ?? [];
    return codeActionsFor({
      doc,
      filePath,
      diagnostics: params.context.diagnostics,
      only: params.context.only,
      host: documents.host,
      openVersion: (p) => documents.byPath(p)?.version,
      canCreateFiles: capabilities.workspace?.workspaceEdit?.documentChanges === true && resourceOps.includes('create'),
      log,
    });
  }),
);

connection.onRequest(
  CreatePairedMigrationRequest.type,
  guarded(log, 'createPairedMigration', () => ({ ok: false as const, message: 'Migration Guard could not create the migration; see its output.' }), async (params) => {
    await parserReady;
    return createPairedMigration(params, documents.host);
  }),
);

connection.onRequest(ServerInfoRequest.type, () => ({ pid: process.pid, version: serverVersion() }));

documents.listen(connection);
connection.listen();
