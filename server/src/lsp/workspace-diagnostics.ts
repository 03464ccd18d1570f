/**
 * Workspace diagnostics (LSP 3.17 `workspace/diagnostic`): the findings of every migration file of
 * the workspace, opened or not, so that the Problems panel shows the whole folder (misnamed files,
 * duplicate versions, orphan downs and every statement finding).
 *
 * Cheap because it is the same workspace as the open files' pulls: each folder's timeline is built
 * once (files are checked folder by folder, in name order, so a folder's history is replayed once)
 * and every analysis is kept while nothing it used changed; a re-pull compares identities and
 * answers `unchanged` for every file an edit could not change.
 *
 * VS Code pulls again two seconds after each answer, so when nothing changed since the last answer
 * the request is held open until something does (an edit, a file created, changed or deleted on
 * disk, a setting or config change) or the client cancels it. Work is done in slices of a few
 * milliseconds: requests that arrive meanwhile (a keystroke's pull, a hover) are answered between them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentDiagnosticReportKind, type CancellationToken, type Diagnostic, type WorkspaceDocumentDiagnosticReport } from 'vscode-languageserver';
import { configOptions, isConfigFile } from '../engine/config-file';
import type { Workspace } from '../engine/project/workspace';
import type { CheckWorkspaceResult } from '../../../shared/src/protocol';
import type { MigrationGuardSettings } from '../../../shared/src/settings';
import { diagnoseText, isChecked, type CheckContext } from './diagnostics';
import type { ProjectConfigs } from './project-config';
import { pathToUri } from './uri';

/** Directory names never walked into (dot-directories are skipped too). */
const SKIPPED = new Set(['node_modules']);
/** At most this many files and directories are looked at per workspace folder. */
const WALK_LIMIT = 100_000;
/** How long one slice of work may hold the event loop. */
const SLICE_MS = 8;

export interface WorkspaceCheckDeps {
  workspace: Workspace;
  configs: ProjectConfigs;
  roots(): readonly string[];
  /** Settings for a resource (a folder's `file:` URI). */
  settings(uri: string): Promise<MigrationGuardSettings>;
  /** An open document at a path: its text and version (it counts over the disk). */
  openDocument(filePath: string): { text: string; version: number } | undefined;
  log(message: string): void;
  /** Called for each migrations folder a pass checks (the server logs what was detected). */
  folderSeen?(filePath: string, settings: MigrationGuardSettings): void;
}

interface Reported {
  identity: readonly unknown[];
  resultId: string;
  items: Diagnostic[];
  /** The items as JSON: a new analysis with the same findings keeps its result id. */
  json: string;
}

/** One file's fresh report, and whether it differs from what the client has. */
interface FileReport {
  uri: string;
  filePath: string;
  version: number | null;
  resultId: string;
  items: Diagnostic[];
  changed: boolean;
}

const yieldNow = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export class WorkspaceChecker {
  private generation = 0;
  private readonly waiters = new Set<() => void>();
  private files: string[] | undefined;
  private readonly reports = new Map<string, Reported>();
  /** The uris of the last answer's reports (a file that leaves the set is cleared once). */
  private answered = new Set<string>();
  private nextId = 1;
  /** Whether a pass completed (the first full report went out). */
  completed = false;
  /** The migrations folders the last pass checked files of. */
  private lastFolders = new Set<string>();

  /** The migrations folders (absolute) under a directory that the last pass checked. */
  folders(under: string): string[] {
    return [...this.lastFolders].filter((f) => f === under || f.startsWith(under + path.sep));
  }

  constructor(private readonly deps: WorkspaceCheckDeps) {}

  /** Something changed: files may have appeared or disappeared (`listing`), or texts, settings, configs. */
  changed(listing = false): void {
    if (listing) this.files = undefined;
    this.generation++;
    for (const wake of [...this.waiters]) wake();
  }

  /** The `.sql` files of the workspace folders (walked once, again after files appear or disappear). */
  private candidateFiles(): string[] {
    if (this.files) return this.files;
    const out: string[] = [];
    const seen = new Set<string>();
    for (const root of this.deps.roots()) {
      let budget = WALK_LIMIT;
      const walk = (dir: string): void => {
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
          return;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
          if (--budget < 0) return;
          const full = path.join(dir, e.name);
          if (e.isDirectory()) {
            if (!e.name.startsWith('.') && !SKIPPED.has(e.name)) walk(full);
          } else if (e.isFile() && /\.sql$/i.test(e.name) && !seen.has(full)) {
            seen.add(full);
            out.push(full);
          }
        }
        if (budget < 0) this.deps.log(`Migration Guard: ${root} has more than ${WALK_LIMIT} files; the workspace check looked at the first ${WALK_LIMIT}.`);
      };
      walk(path.resolve(root));
    }
    this.files = out;
    return out;
  }

  /** The report of one file, or undefined when Migration Guard does not check it. */
  private async fileReport(filePath: string, previous: ReadonlyMap<string, string>, settingsOf: (dir: string) => Promise<MigrationGuardSettings>): Promise<FileReport | undefined> {
    const settings = await settingsOf(path.dirname(filePath));
    const ctx: CheckContext = { settings, workspaceRoots: this.deps.roots(), workspace: this.deps.workspace, configs: this.deps.configs, log: this.deps.log };
    if (isConfigFile(filePath) || !isChecked(filePath, ctx)) return undefined;
    const open = this.deps.openDocument(filePath);
    const text = open?.text ?? this.deps.workspace.text(filePath);
    if (text === undefined) return undefined;
    this.deps.folderSeen?.(filePath, settings);
    const { items, identity } = diagnoseText(filePath, text, open?.version ?? null, ctx);
    const uri = pathToUri(filePath);
    const last = this.reports.get(uri);
    let resultId: string;
    let shown = items;
    if (last && last.identity.length === identity.length && last.identity.every((v, i) => v === identity[i])) {
      resultId = last.resultId;
      shown = last.items;
    } else {
      // Analysed again (a file appeared beside it, say) with the same findings: still unchanged.
      const json = JSON.stringify(items);
      if (last && last.json === json) {
        resultId = last.resultId;
        shown = last.items;
        this.reports.set(uri, { ...last, identity });
      } else {
        resultId = `w${this.nextId++}`;
        this.reports.set(uri, { identity, resultId, items, json });
      }
    }
    return { uri, filePath, version: open?.version ?? null, resultId, items: shown, changed: previous.get(uri) !== resultId };
  }

  /**
   * One pass over the workspace: every checked file's report, in slices. Returns undefined when the
   * token was cancelled.
   */
  async pass(previous: ReadonlyMap<string, string>, token?: CancellationToken, onFolder?: (reports: FileReport[]) => void, onProgress?: (done: number, total: number) => void): Promise<FileReport[] | undefined> {
    const files = this.candidateFiles();
    const settingsCache = new Map<string, Promise<MigrationGuardSettings>>();
    const settingsOf = (dir: string): Promise<MigrationGuardSettings> => {
      let hit = settingsCache.get(dir);
      if (!hit) settingsCache.set(dir, (hit = this.deps.settings(pathToUri(dir))));
      return hit;
    };
    const out: FileReport[] = [];
    let folder: FileReport[] = [];
    let folderDir: string | undefined;
    let until = performance.now() + SLICE_MS;
    for (let i = 0; i < files.length; i++) {
      const filePath = files[i]!;
      if (performance.now() > until) {
        onProgress?.(i, files.length);
        await yieldNow();
        if (token?.isCancellationRequested) return undefined;
        until = performance.now() + SLICE_MS;
      }
      const dir = path.dirname(filePath);
      if (folderDir !== undefined && dir !== folderDir && folder.length > 0) {
        onFolder?.(folder);
        folder = [];
      }
      folderDir = dir;
      try {
        const report = await this.fileReport(filePath, previous, settingsOf);
        if (report) {
          out.push(report);
          folder.push(report);
        }
      } catch (e) {
        this.deps.log(`Migration Guard: checking ${filePath} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
    if (folder.length > 0) onFolder?.(folder);
    const folders = new Set<string>();
    for (const r of out) {
      const f = folderOf(this.deps, r.filePath);
      if (f) folders.add(f.folder);
    }
    this.lastFolders = folders;
    return out;
  }

  /**
   * `workspace/diagnostic`: a full report for each file whose findings the client does not have, an
   * `unchanged` one for the others, an empty one for a file that is no longer checked. When all of
   * it would be `unchanged`, waits for a change first (or the cancellation).
   */
  async pull(
    previousResultIds: readonly { uri: string; value: string }[],
    token: CancellationToken,
    partial?: (items: WorkspaceDocumentDiagnosticReport[]) => void,
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ items: WorkspaceDocumentDiagnosticReport[] }> {
    const previous = new Map(previousResultIds.map((p) => [p.uri, p.value] as const));
    for (;;) {
      const generation = this.generation;
      const sent = new Set<string>();
      const toItem = (r: FileReport): WorkspaceDocumentDiagnosticReport =>
        r.changed
          ? { kind: DocumentDiagnosticReportKind.Full, uri: r.uri, version: r.version, resultId: r.resultId, items: r.items }
          : { kind: DocumentDiagnosticReportKind.Unchanged, uri: r.uri, version: r.version, resultId: r.resultId };
      const reports = await this.pass(previous, token, partial ? (folder) => {
        const changed = folder.filter((r) => r.changed);
        if (changed.length === 0) return;
        for (const r of changed) sent.add(r.uri);
        partial(changed.map(toItem));
      } : undefined, onProgress);
      onProgress?.(-1, 0);
      if (!reports) return { items: [] };
      const now = new Set(reports.map((r) => r.uri));
      // Files no longer checked (deleted, disabled, out of scope): cleared once.
      const cleared: WorkspaceDocumentDiagnosticReport[] = [...this.answered]
        .filter((u) => !now.has(u))
        .map((u) => ({ kind: DocumentDiagnosticReportKind.Full, uri: u, version: null, items: [] }));
      for (const u of this.answered) if (!now.has(u)) this.reports.delete(u);
      const changed = reports.some((r) => r.changed) || cleared.length > 0;
      const first = !this.completed;
      this.answered = now;
      this.completed = true;
      if (changed || first) {
        return { items: [...reports.filter((r) => !sent.has(r.uri)).map(toItem), ...cleared] };
      }
      // Nothing new: wait for a change, then look again.
      if (this.generation === generation) {
        const woke = await this.waitForChange(token);
        if (!woke) return { items: reports.map(toItem) };
      }
      for (const r of reports) previous.set(r.uri, r.resultId);
    }
  }

  private waitForChange(token: CancellationToken): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (woke: boolean): void => {
        if (done) return;
        done = true;
        this.waiters.delete(wake);
        sub.dispose();
        resolve(woke);
      };
      const wake = (): void => finish(true);
      this.waiters.add(wake);
      const sub = token.onCancellationRequested(() => finish(false));
    });
  }

  /** "Check all migrations": a pass now, summed up per folder (the findings reach the client as workspace diagnostics). */
  async checkAll(onProgress?: (done: number, total: number) => void): Promise<CheckWorkspaceResult> {
    const started = performance.now();
    const reports = (await this.pass(new Map(), undefined, undefined, onProgress)) ?? [];
    const folders = new Map<string, CheckWorkspaceResult['folders'][number]>();
    const total = { errors: 0, warnings: 0, infos: 0, hints: 0 };
    for (const r of reports) {
      const analysis = folderOf(this.deps, r.filePath);
      const key = analysis?.folder ?? path.dirname(r.filePath);
      let f = folders.get(key);
      if (!f) folders.set(key, (f = { folder: key, convention: analysis?.convention ?? '', files: 0, errors: 0, warnings: 0, infos: 0, hints: 0 }));
      f.files++;
      for (const d of r.items) {
        const k = d.severity === 1 ? 'errors' : d.severity === 2 ? 'warnings' : d.severity === 3 ? 'infos' : 'hints';
        f[k]++;
        total[k]++;
      }
    }
    // The client's held pull answers with what changed.
    this.changed();
    return { files: reports.length, folders: [...folders.values()], ...total, durationMs: Math.round(performance.now() - started) };
  }
}

/** The migrations folder and convention of a checked file (for the summary), from the workspace's cached facts. */
function folderOf(deps: WorkspaceCheckDeps, filePath: string): { folder: string; convention: string } | undefined {
  try {
    const convention = deps.workspace.conventionOf(filePath, configOptions(deps.configs.forFile(filePath)).convention);
    return { folder: convention.directoryOf(path.resolve(filePath)), convention: convention.displayName };
  } catch {
    return undefined;
  }
}
