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
import { CreatePairedMigrationRequest, MigrationSectionsRequest, ServerInfoRequest, VerifyMigrationRequest, type MigrationSectionsResult, type VerifyMigrationResult } from '../../../shared/src/protocol';
import { isPGliteLoaded } from '../engine/verify/pglite';
import { codeActionsFor } from './code-actions/index';
import { CONFIG_FILE_NAME, conventionFor, fixturePaths, isConfigFile } from '../engine/config-file';
import { analyzeDocument, diagnose } from './diagnostics';
import { Documents } from './documents';
import { guarded, logUncaught } from './guard';
import { hoverFor } from './hover';
import { createPairedMigration } from './paired-migration';
import { ruleDocsUri, serverVersion } from './paths';
import { ProjectConfigs } from './project-config';
import { SettingsStore } from './settings';
import { createServerConnection } from './transport';
import { uriToPath } from './uri';
import { migrationSections, verifyForEditor } from './verify';

const connection = createServerConnection();
const log = (message: string): void => connection.console.error(message);
logUncaught(connection);

const parserReady = loadParser();
const documents = new Documents();
const settings = new SettingsStore(connection);
const configs = new ProjectConfigs(documents.host, log);
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
      hoverProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'Migration Guard', version: serverVersion() },
  };
});

connection.onInitialized(async () => {
  try {
    if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.sql' }, { globPattern: `**/${CONFIG_FILE_NAME}` }],
      });
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

// A .sql file appeared, disappeared or was renamed: a paired file's findings may change. A config
// file changed: every migration below it may change.
connection.onDidChangeWatchedFiles((params) => {
  const changes = Array.isArray(params?.changes) ? params.changes : [];
  if (changes.some((c) => typeof c?.uri === 'string' && isConfigFile(uriToPath(c.uri) ?? ''))) configs.invalidate();
  refreshDiagnostics();
});

// A config file edited in the editor counts before it is saved (the file host overlays it).
const configDocumentChanged = (uri: string): void => {
  const p = uriToPath(uri);
  if (!p || !isConfigFile(p)) return;
  configs.invalidate();
  refreshDiagnostics();
};
documents.all.onDidChangeContent((e) => configDocumentChanged(e.document.uri));

documents.all.onDidClose((e) => {
  settings.forget(e.document.uri);
  // An unsaved document that is not on disk counted for pairing while open; now it does not.
  const closed = uriToPath(e.document.uri);
  if (closed && isConfigFile(closed)) configDocumentChanged(e.document.uri);
  else if (closed && !fs.existsSync(closed)) refreshDiagnostics();
});

connection.languages.diagnostics.on(
  guarded(log, 'diagnostics', emptyReport, async (params): Promise<DocumentDiagnosticReport> => {
    const doc = documents.get(params?.textDocument?.uri);
    if (!doc) return emptyReport();
    await parserReady;
    const resourceSettings = await settings.get(doc.uri);
    const items = diagnose(doc, { settings: resourceSettings, workspaceRoots, host: documents.host, configs, log });
    return { kind: DocumentDiagnosticReportKind.Full, items };
  }),
);

connection.onCodeAction(
  guarded(log, 'code actions', () => [], async (params) => {
    const doc = documents.get(params?.textDocument?.uri);
    const filePath = doc ? uriToPath(doc.uri) : undefined;
    if (!doc || !filePath || isConfigFile(filePath) || !Array.isArray(params.context?.diagnostics)) return [];
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

connection.onHover(
  guarded(log, 'hover', () => null, async (params) => {
    const doc = documents.get(params?.textDocument?.uri);
    const position = params?.position;
    if (!doc || typeof position?.line !== 'number' || typeof position.character !== 'number') return null;
    await parserReady;
    const resourceSettings = await settings.get(doc.uri);
    const analysis = analyzeDocument(doc, { settings: resourceSettings, workspaceRoots, host: documents.host, configs, log });
    return (analysis && hoverFor(analysis.findings, position, ruleDocsUri)) ?? null;
  }),
);

connection.onRequest(
  CreatePairedMigrationRequest.type,
  guarded(log, 'createPairedMigration', () => ({ ok: false as const, message: 'Migration Guard could not create the migration; see its output.' }), async (params) => {
    await parserReady;
    return createPairedMigration(params, documents.host);
  }),
);

connection.onRequest(ServerInfoRequest.type, () => ({ pid: process.pid, version: serverVersion(), pgliteLoaded: isPGliteLoaded() }));

// Verify: up → down → up of the file's version, in PGlite or on the configured server (config file
// `verify.databaseUrl`, else the `migrationGuard.verify.databaseUrl` setting). The client asks only
// in trusted workspaces.
const verifyFailed = (): VerifyMigrationResult => ({
  ok: false,
  status: 'error',
  summary: 'Migration Guard could not verify the migration; see its output.',
  upUris: [],
  downUris: [],
  files: [],
  snapshots: {},
  backend: '',
  durationMs: 0,
});
connection.onRequest(
  VerifyMigrationRequest.type,
  guarded(log, 'verifyMigration', verifyFailed, async (params, token) => {
    await parserReady;
    const uri = typeof params?.uri === 'string' ? params.uri : '';
    const filePath = uriToPath(uri);
    const config = filePath ? configs.forFile(filePath) : undefined;
    const usable = config && !config.broken ? config : undefined;
    const resourceSettings = await settings.get(uri);
    const databaseUrl = usable?.config.verify?.databaseUrl ?? (resourceSettings.verify.databaseUrl || undefined);
    const convention = conventionFor(usable?.config.migrations.convention);
    // Severities as for the pull diagnostics: the config file's rules (defaults while it is broken), else the setting's.
    const rules = config ? (usable?.config.rules ?? {}) : resourceSettings.rules;
    const fixtures = fixturePaths(usable);
    const progress = connection.window.attachWorkDoneProgress(params?.workDoneToken);
    progress.begin('Verifying migration', 0, undefined, true);
    try {
      return await verifyForEditor(uri, {
        host: documents.host,
        ...(databaseUrl ? { databaseUrl } : {}),
        ...(convention ? { convention } : {}),
        rules,
        fixtures,
        signal: { get aborted() { return token.isCancellationRequested; } },
        onProgress: (p) => progress.report(p.percent, p.message),
      });
    } finally {
      progress.done();
    }
  }),
);

connection.onRequest(
  MigrationSectionsRequest.type,
  guarded(log, 'migrationSections', (): MigrationSectionsResult => ({ migration: false, sections: [] }), async (params) => {
    await parserReady;
    const uri = typeof params?.uri === 'string' ? params.uri : '';
    const filePath = uriToPath(uri);
    if (!filePath) return { migration: false, sections: [] };
    const config = configs.forFile(filePath);
    const convention = conventionFor(config && !config.broken ? config.config.migrations.convention : undefined);
    const text = documents.host.readFile(filePath) ?? '';
    return migrationSections(filePath, text, documents.host, convention);
  }),
);

documents.listen(connection);
connection.listen();
