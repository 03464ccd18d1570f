/**
 * The Migration Guard language server: connection and handler wiring only. Diagnostics are pulled
 * (LSP 3.17) and depend on other files (pairing), so the server asks the client to pull again
 * whenever a .sql file appears or disappears, or the settings change.
 */
import * as fs from 'node:fs';
import {
  FileChangeType,
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { loadParser } from '../engine/parsing/parser';
import { expandEnv } from '../engine/env';
import { CreatePairedMigrationRequest, MigrationSectionsRequest, ReviewMigrationRequest, ServerInfoRequest, VerifyMigrationRequest, type MigrationSectionsResult, type VerifyMigrationResult } from '../../../shared/src/protocol';
import { isPGliteLoaded } from '../engine/verify/pglite';
import { codeActionsFor } from './code-actions/index';
import { CONFIG_FILE_NAME, configuredConvention, fixturePaths, isConfigFile } from '../engine/config-file';
import { analyzeDocument, diagnose } from './diagnostics';
import { Documents } from './documents';
import type { Folder } from '../engine/project/workspace';
import { guarded, logUncaught } from './guard';
import { hoverFor } from './hover';
import { createPairedMigration } from './paired-migration';
import { reviewForEditor } from './review';
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
const workspace = documents.workspace;
const settings = new SettingsStore(connection);
const configs = new ProjectConfigs(workspace.host, log);
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
  let configChanged = false;
  const files: { path: string; kind: 'created' | 'changed' | 'deleted' }[] = [];
  for (const c of changes) {
    const p = typeof c?.uri === 'string' ? uriToPath(c.uri) : undefined;
    if (!p) continue;
    if (isConfigFile(p)) configChanged = true;
    files.push({ path: p, kind: c.type === FileChangeType.Created ? 'created' : c.type === FileChangeType.Deleted ? 'deleted' : 'changed' });
  }
  documents.filesChanged(files);
  if (configChanged) configs.invalidate();
  refreshDiagnostics();
});

// A config file edited in the editor counts before it is saved (the file host overlays it).
const configDocumentChanged = (uri: string): void => {
  const p = uriToPath(uri);
  if (!p || !isConfigFile(p)) return;
  configs.invalidate();
  refreshDiagnostics();
};

/**
 * The last report of each document, with what it was computed from: a pull whose inputs are the
 * very same objects (the engine keeps an analysis while nothing it used changed) answers
 * `unchanged`, so re-pulling documents an edit elsewhere could not change costs next to nothing.
 */
const reports = new Map<string, { identity: readonly unknown[]; resultId: string; items: Diagnostic[] }>();

/**
 * The first pull in a large folder answers at once with the findings that need no history, while
 * the folder's timeline is built here in slices (other requests are answered between them); then
 * the client pulls again and gets everything. A small history is replayed before answering.
 */
const HISTORY_SYNC_LIMIT = 24;
/** How long one slice of history building may hold the event loop (requests are answered between slices). */
const HISTORY_SLICE_MS = 10;
const building = new Map<Folder, number>();
const history = {
  syncLimit: HISTORY_SYNC_LIMIT,
  later(folder: Folder, count: number): void {
    const wanted = building.get(folder);
    if (wanted !== undefined) {
      building.set(folder, Math.max(wanted, count));
      return;
    }
    building.set(folder, count);
    let done = 0;
    const step = (): void => {
      try {
        const target = Math.min(building.get(folder) ?? count, folder.timeline.files().length);
        const until = performance.now() + HISTORY_SLICE_MS;
        while (done < target && performance.now() < until) folder.timeline.entry(done++);
        if (done < target) {
          // A timer, not setImmediate: responses queued meanwhile are written first.
          setTimeout(step, 0);
          return;
        }
      } catch (e) {
        log(`Migration Guard: reading the history of ${folder.dir} failed: ${String(e)}`);
      }
      building.delete(folder);
      refreshDiagnostics();
    };
    setTimeout(step, 0);
  },
};
let nextResultId = 1;
documents.all.onDidClose((e) => reports.delete(e.document.uri));
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
    // Answering before the history is read needs the client to pull again when it is.
    const later = capabilities.workspace?.diagnostics?.refreshSupport ? { history } : {};
    const { items, identity } = diagnose(doc, { settings: resourceSettings, workspaceRoots, workspace, configs, log, ...later });
    const last = reports.get(doc.uri);
    if (last && last.identity.length === identity.length && last.identity.every((v, i) => v === identity[i])) {
      if (params.previousResultId === last.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: last.resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId: last.resultId, items: last.items };
    }
    const resultId = String(nextResultId++);
    reports.set(doc.uri, { identity, resultId, items });
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
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
      workspace,
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
    const analysis = analyzeDocument(doc, { settings: resourceSettings, workspaceRoots, workspace, configs, log });
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

connection.onRequest(
  ReviewMigrationRequest.type,
  guarded(log, 'reviewMigration', () => ({ ok: false as const, message: 'Migration Guard could not review the migration; see its output.' }), async (params) => {
    await parserReady;
    const uri = typeof params?.uri === 'string' ? params.uri : '';
    return reviewForEditor(uri, { host: workspace.host, workspace, configs, settings: await settings.get(uri), workspaceRoots });
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
    const fromConfig = usable?.config.verify?.databaseUrl;
    const rawUrl = fromConfig ?? (resourceSettings.verify.databaseUrl || undefined);
    // `${env:NAME}` placeholders come from the server's environment (VS Code's).
    const expanded = rawUrl ? expandEnv(rawUrl, process.env, fromConfig ? '"verify.databaseUrl" of .migration-guard.json' : 'the setting migrationGuard.verify.databaseUrl') : undefined;
    if (expanded && !expanded.ok) return { ...verifyFailed(), summary: `Migration Guard: ${expanded.message}.` };
    const databaseUrl = expanded?.value;
    const convention = configuredConvention(usable?.config.migrations.convention);
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
    const convention = configuredConvention(config && !config.broken ? config.config.migrations.convention : undefined);
    const text = documents.host.readFile(filePath) ?? '';
    return migrationSections(filePath, text, documents.host, convention);
  }),
);

documents.listen(connection);
connection.listen();
