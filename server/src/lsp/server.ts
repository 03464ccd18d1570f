/**
 * The Migration Guard language server: connection and handler wiring only. Diagnostics are pulled
 * (LSP 3.17) and depend on other files (pairing), so the server asks the client to pull again
 * whenever a .sql file appears or disappears, or the settings change.
 */
// First: the flags the parser's WebAssembly is compiled with, before the imports below load it.
import { parserCompiled } from '../engine/parsing/wasm-baseline';
import * as fs from 'node:fs';
import * as path from 'node:path';
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
import {
  CheckWorkspaceRequest,
  CreatePairedMigrationRequest,
  FolderStatusRequest,
  MigrationSectionsRequest,
  ReviewMigrationRequest,
  RuleListRequest,
  ServerInfoRequest,
  VerifyMigrationRequest,
  type FolderStatus,
  type InitializationOptions,
  type MigrationSectionsResult,
  type VerifyMigrationResult,
} from '../../../shared/src/protocol';
import { RULES } from '../engine/rules/registry';
import { configOptions } from '../engine/config-file';
import { DetectionLog, folderStatus } from './folder-status';
import { WorkspaceChecker } from './workspace-diagnostics';
import type { ProjectFile } from './code-actions/index';
import { isPGliteLoaded } from '../engine/verify/pglite';
import { codeActionsFor } from './code-actions/index';
import { CONFIG_FILE_NAME, conventionFor, fixturePaths, isConfigFile } from '../engine/config-file';
import { analyzeDocument, diagnose } from './diagnostics';
import { Documents } from './documents';
import type { Folder } from '../engine/project/workspace';
import { guarded, logUncaught } from './guard';
import { governHeap } from './heap';
import { hoverFor } from './hover';
import { createPairedMigration } from './paired-migration';
import { reviewForEditor } from './review';
import { ruleDocsUri, serverVersion, setRuleDocsBase } from './paths';
import { ProjectConfigs } from './project-config';
import { SettingsStore } from './settings';
import { createServerConnection } from './transport';
import { uriOrPathToPath, uriToPath } from './uri';
import { migrationSections, verifyForEditor } from './verify';

const connection = createServerConnection();
const log = (message: string): void => connection.console.error(message);
const info = (message: string): void => connection.console.info(message);
logUncaught(connection);
// Mid-lived garbage (each keystroke's analysis replaces the last) is collected before it piles up: see heap.ts.
governHeap();

const parserReady = loadParser();
parserReady.then(parserCompiled, parserCompiled);
const documents = new Documents();
const workspace = documents.workspace;
const settings = new SettingsStore(connection);
const configs = new ProjectConfigs(workspace.host, log);
let workspaceRoots: string[] = [];
let capabilities: ClientCapabilities = {};
const detections = new DetectionLog(info);

/** Every migration file of the workspace, opened or not (workspace diagnostics, "Check all migrations"). */
const checker = new WorkspaceChecker({
  workspace,
  configs,
  roots: () => workspaceRoots,
  settings: (uri) => settings.get(uri),
  openDocument: (p) => {
    const doc = documents.byPath(p);
    return doc ? { text: doc.getText(), version: doc.version } : undefined;
  },
  log,
  folderSeen: (filePath, s) => statusOf(filePath, s),
});

/** A file's folder status; its facts are logged the first time they are seen and whenever they change. */
function statusOf(filePath: string, resourceSettings: Awaited<ReturnType<SettingsStore['get']>>): FolderStatus {
  const status = folderStatus(filePath, { workspace, configs, settings: resourceSettings, workspaceRoots, log });
  if (status.checked) detections.seen(status);
  return status;
}

const emptyReport = (): DocumentDiagnosticReport => ({ kind: DocumentDiagnosticReportKind.Full, items: [] });

function refreshDiagnostics(): void {
  checker.changed();
  if (!capabilities.workspace?.diagnostics?.refreshSupport) return;
  connection.languages.diagnostics.refresh().catch((e: unknown) => log(`Migration Guard: diagnostics refresh failed: ${String(e)}`));
}

connection.onInitialize((params): InitializeResult => {
  capabilities = params.capabilities ?? {};
  setRuleDocsBase((params.initializationOptions as InitializationOptions | undefined)?.ruleDocumentationUri);
  settings.pullSupported = capabilities.workspace?.configuration === true;
  const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
  workspaceRoots = folders.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      diagnosticProvider: { identifier: 'migration-guard', interFileDependencies: true, workspaceDiagnostics: true },
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
        checker.changed(true);
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
  checker.changed(files.some((f) => f.kind !== 'changed'));
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
documents.all.onDidChangeContent((e) => {
  configDocumentChanged(e.document.uri);
  // A new unsaved document is a file of the workspace too; an edit may change other files' findings.
  checker.changed(!fs.existsSync(uriToPath(e.document.uri) ?? ''));
});

documents.all.onDidClose((e) => {
  settings.forget(e.document.uri);
  // An unsaved document that is not on disk counted for pairing while open; now it does not.
  const closed = uriToPath(e.document.uri);
  checker.changed(closed !== undefined && !fs.existsSync(closed));
  if (closed && isConfigFile(closed)) configDocumentChanged(e.document.uri);
  else if (closed && !fs.existsSync(closed)) refreshDiagnostics();
});

// Every migration file of the workspace (workspace diagnostics): held open while nothing changes.
connection.languages.diagnostics.onWorkspace(
  guarded(log, 'workspace diagnostics', () => ({ items: [] }), async (params, token, _workDone, resultProgress) => {
    await parserReady;
    const previous = Array.isArray(params?.previousResultIds) ? params.previousResultIds.filter((p) => typeof p?.uri === 'string' && typeof p.value === 'string') : [];
    const progress = lazyProgress('Checking migrations');
    try {
      return await checker.pull(previous, token, resultProgress ? (items) => resultProgress.report({ items }) : undefined, progress.report);
    } finally {
      progress.done();
    }
  }),
);

/**
 * Window progress for work that turns out to take a while (created after half a second, so that a
 * quick re-check shows nothing); `report(-1)` or `done()` ends it.
 */
function lazyProgress(title: string): { report(done: number, total: number): void; done(): void } {
  const started = performance.now();
  let reporter: Promise<{ report(percent: number, message?: string): void; done(): void } | undefined> | undefined;
  let finished = false;
  const done = (): void => {
    if (finished) return;
    finished = true;
    void reporter?.then((r) => r?.done());
  };
  return {
    report(n: number, total: number) {
      if (n < 0) return done();
      if (finished || !capabilities.window?.workDoneProgress) return;
      if (!reporter) {
        if (performance.now() - started < 500) return;
        reporter = connection.window.createWorkDoneProgress().then(
          (r) => {
            r.begin(`Migration Guard: ${title}`, 0, undefined, false);
            return r;
          },
          () => undefined,
        );
      }
      void reporter.then((r) => r?.report(total > 0 ? Math.floor((n / total) * 100) : 0, `${n} of ${total} .sql files`));
    },
    done,
  };
}

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
    const documentChanges = capabilities.workspace?.workspaceEdit?.documentChanges === true;
    const config = configs.forFile(filePath);
    const options = configs.optionsFor(config, await settings.get(doc.uri));
    return codeActionsFor({
      doc,
      filePath,
      diagnostics: params.context.diagnostics,
      only: params.context.only,
      host: documents.host,
      workspace,
      openVersion: (p) => documents.byPath(p)?.version,
      canCreateFiles: documentChanges && resourceOps.includes('create'),
      canRenameFiles: documentChanges && resourceOps.includes('rename'),
      log,
      ...(options.convention ? { convention: options.convention } : {}),
      options: { ...(options.rules ? { rules: options.rules } : {}), ...(options.postgresVersion !== undefined ? { postgresVersion: options.postgresVersion } : {}) },
      project: projectFile(filePath, config?.path, options.convention),
    });
  }),
);

/** The project's config file for project-wide code actions, and where to create it when none applies. */
function projectFile(filePath: string, configPath: string | undefined, configured: Parameters<typeof workspace.conventionOf>[1]): ProjectFile {
  const root = workspaceRoots.filter((r) => filePath.startsWith(r + path.sep)).sort((a, b) => b.length - a.length)[0];
  const folderDir = workspace.conventionOf(filePath, configured).directoryOf(filePath);
  const newProjectPath = path.join(root ?? folderDir, CONFIG_FILE_NAME);
  // A baseline is a version of one folder: at the workspace root only when the root has no other migrations folder.
  const onlyFolder = root !== undefined && checker.completed && checker.folders(root).every((f) => f === folderDir);
  const newBaselinePath = onlyFolder ? newProjectPath : path.join(folderDir, CONFIG_FILE_NAME);
  const open = configPath ? documents.byPath(configPath) : undefined;
  return {
    path: configPath,
    text: configPath ? (open?.getText() ?? workspace.text(configPath)) : undefined,
    version: open?.version,
    newProjectPath,
    newBaselinePath,
  };
}

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
    const dir = typeof params?.directory === 'string' ? uriOrPathToPath(params.directory) : undefined;
    const configured = dir ? configOptions(configs.forFile(path.join(dir, 'migration.sql'))).convention : undefined;
    return createPairedMigration(params, documents.host, new Date(), configured);
  }),
);

connection.onRequest(
  FolderStatusRequest.type,
  guarded(log, 'folderStatus', () => null as unknown as FolderStatus, async (params) => {
    await parserReady;
    const filePath = typeof params?.uri === 'string' ? uriToPath(params.uri) : undefined;
    if (!filePath) return null as unknown as FolderStatus;
    return statusOf(filePath, await settings.get(params.uri));
  }),
);

connection.onRequest(
  CheckWorkspaceRequest.type,
  guarded(log, 'checkWorkspace', () => ({ files: 0, folders: [], errors: 0, warnings: 0, infos: 0, hints: 0, durationMs: 0 }), async (params) => {
    await parserReady;
    const progress = connection.window.attachWorkDoneProgress(params?.workDoneToken);
    progress.begin('Migration Guard: checking all migrations', 0, undefined, false);
    try {
      return await checker.checkAll((n, total) => progress.report(total > 0 ? Math.floor((n / total) * 100) : 0, `${n} of ${total} .sql files`));
    } finally {
      progress.done();
    }
  }),
);

connection.onRequest(RuleListRequest.type, () =>
  RULES.map((r) => ({ id: r.meta.id, description: r.meta.description, defaultSeverity: r.meta.optIn ? 'off' : r.meta.defaultSeverity, category: r.meta.category })),
);

connection.onRequest(
  ReviewMigrationRequest.type,
  guarded(log, 'reviewMigration', () => ({ ok: false as const, message: 'Migration Guard could not review the migration; see its output.' }), async (params) => {
    await parserReady;
    const uri = typeof params?.uri === 'string' ? params.uri : '';
    return reviewForEditor(uri, { host: workspace.host, workspace, configs, settings: await settings.get(uri), workspaceRoots });
  }),
);

connection.onRequest(ServerInfoRequest.type, () => ({ pid: process.pid, version: serverVersion(), pgliteLoaded: isPGliteLoaded(), node: process.version, parser: 'PostgreSQL 18 (libpg-query)' }));

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
