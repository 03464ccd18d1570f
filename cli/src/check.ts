/**
 * `check` without any output: read each file, analyse it. The CLI and the corpus run share this.
 *
 * Files are checked folder by folder (a migrations directory under its convention): each folder's
 * timeline is built once, every file of it is analysed against it, and the folder is released
 * before the next one, so memory follows the largest folder, not the tree. On a large tree the
 * folders are shared out to worker threads (one per core, each with its own parser); findings come
 * back in the order the files were given.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { analyzeFile, type Analysis } from '../../server/src/engine/analyze';
import type { EngineOptions } from '../../server/src/engine/config';
import { keyOf, NodeFileHost, type FileHost } from '../../server/src/engine/host';
import type { Convention } from '../../server/src/engine/migrations/convention';
import { conventionById } from '../../server/src/engine/migrations/detect';
import { MIGRATION_DIR_NAME } from '../../server/src/engine/migrations/directory';
import { loadParser } from '../../server/src/engine/parsing/parser';
import { Workspace } from '../../server/src/engine/project/workspace';
import type { Finding } from '../../server/src/engine/rules/types';
import { migrationKey } from './changed';
import type { InputFile } from './files';

export interface FileResult {
  file: InputFile;
  analysis: Analysis;
}

/** The disk, with directory listings read once per run (nothing changes them while `check` runs). */
export class RunFileHost implements FileHost {
  private readonly dirs = new Map<string, string[]>();
  /** One run sees one state of the files: directory readings and conventions are computed once. */
  readonly memo = new Map<string, unknown>();

  constructor(private readonly base: FileHost = new NodeFileHost()) {}

  readDir(dir: string): string[] {
    let names = this.dirs.get(dir);
    if (!names) {
      names = this.base.readDir(dir);
      this.dirs.set(dir, names);
    }
    return names;
  }

  readFile(filePath: string): string | undefined {
    return this.base.readFile(filePath);
  }

  exists(filePath: string): boolean {
    return this.base.exists(filePath);
  }

  private readonly subdirs = new Map<string, string[]>();

  listDirs(dir: string): string[] {
    let names = this.subdirs.get(dir);
    if (!names) {
      names = this.base.listDirs?.(dir) ?? [];
      this.subdirs.set(dir, names);
    }
    return names;
  }
}

/** A file's text as an editor shows it: UTF-8, without a byte order mark. */
export function readSqlFile(filePath: string): string {
  return withoutBom(fs.readFileSync(filePath, 'utf8'));
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A file `check` was asked to read and could not. */
export class FileReadError extends Error {
  constructor(readonly file: InputFile, readonly cause: unknown) {
    super(`cannot read ${file.display}: ${describeReadError(cause)}`);
  }
}

export function describeReadError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'no such file or directory';
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied';
  if (err.code === 'EISDIR') return 'is a directory';
  return err.message ?? String(e);
}

type Options = EngineOptions | ((filePath: string) => EngineOptions & { convention?: Convention });

/**
 * Analyses the files one at a time, each with `options` (or `options(path)`: the project config
 * that applies to it), folder by folder, yielding in the order given (the caller keeps what it
 * needs). Throws a FileReadError when a file cannot be read; the parser must be loaded.
 */
export function* checkFiles(files: readonly InputFile[], options: Options, host: FileHost = new RunFileHost()): Generator<FileResult> {
  const ws = new Workspace(host);
  ws.willAnalyse(files.map((f) => f.path));
  for (const group of groupByFolder(files, options, ws)) {
    const results = group.members.map((i) => analyzeOne(files[i]!, options, ws));
    ws.release(group.folder(ws));
    for (const r of results) yield r;
  }
}

/**
 * Each file's migration key (`directory\0version`, see changed.ts) from its name and its folder's
 * listing alone, as its analysis would give it: no file is read or analysed. `--changed-since`
 * picks the files to check with it, so a pull request that touches one migration of a long history
 * analyses that migration's files; the history is still replayed for their schema.
 */
export function migrationKeys(files: readonly InputFile[], options: Options, host: FileHost = new RunFileHost()): Map<string, string | undefined> {
  const ws = new Workspace(host);
  const keys = new Map<string, string | undefined>();
  for (const file of files) {
    const filePath = keyOf(file.path);
    const convention = ws.conventionOf(filePath, optionsOf(options, file.path).convention);
    keys.set(file.path, migrationKey({ migration: convention.parse(filePath), directory: ws.folderOf(filePath, convention).directory() }));
  }
  return keys;
}

function optionsOf(options: Options, filePath: string): EngineOptions & { convention?: Convention } {
  return typeof options === 'function' ? options(filePath) : options;
}

function analyzeOne(file: InputFile, options: Options, ws: Workspace): FileResult {
  let text: string;
  try {
    // Read once: an earlier file's analysis may have read this one already (as history, or as its
    // pair); what cannot be read is read again for the reason.
    const known = ws.host.readFile(file.path);
    text = known === undefined ? readSqlFile(file.path) : withoutBom(known);
  } catch (e) {
    throw new FileReadError(file, e);
  }
  return { file, analysis: analyzeFile({ ...optionsOf(options, file.path), filePath: file.path, text, host: ws.host, workspace: ws }) };
}

interface Group {
  /** Indexes of the group's files in the input. */
  members: number[];
  bytes: number;
  folder(ws: Workspace): ReturnType<Workspace['folder']>;
}

/** The input's files by migrations folder (directory and convention), in order of first appearance. */
function groupByFolder(files: readonly InputFile[], options: Options, ws: Workspace): Group[] {
  const groups = new Map<string, Group>();
  files.forEach((file, i) => {
    const convention = ws.conventionOf(file.path, optionsOf(options, file.path).convention);
    const dir = convention.directoryOf(file.path);
    const key = `${convention.id}\0${dir}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { members: [], bytes: 0, folder: (w) => w.folder(dir, convention) }));
    g.members.push(i);
    g.bytes += sizeOf(file.path);
  });
  return [...groups.values()];
}

function sizeOf(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}

/** What a worker is given: its files, with their options as plain data. */
interface WorkerTask {
  kind: 'migration-guard-check';
  files: { file: InputFile; options: EngineOptions; convention?: string }[];
}

/** What `check` keeps of a file's analysis: its findings, and which migration it belongs to. */
export interface FileOutcome {
  findings: Finding[];
  /** `directory\0version` (see changed.ts), undefined when the file is not a migration. */
  migrationKey: string | undefined;
  /** The migrations folder and how its convention was chosen (see Analysis.conventionState). */
  folder: { dir: string; convention: string; state: Analysis['conventionState']; migrationsLike: boolean; sqlFiles: number };
  /** Why the file was not checked as PostgreSQL (see Analysis.notChecked). */
  notChecked?: string;
}

const outcomeOf = (analysis: Analysis): FileOutcome => ({
  findings: analysis.findings,
  migrationKey: migrationKey(analysis),
  folder: { dir: analysis.directory.dir, convention: analysis.convention.id, state: analysis.conventionState, migrationsLike: migrationsLike(analysis), sqlFiles: sqlFilesOf(analysis.directory) },
  ...(analysis.notChecked !== undefined ? { notChecked: analysis.notChecked } : {}),
});

/** A folder named like a migrations folder, or holding numbered `.sql` files: one a note is worth (worked out once per folder reading). */
function migrationsLike(analysis: Analysis): boolean {
  const d = analysis.directory;
  let like = migrationsLikeOf.get(d);
  if (like === undefined) {
    like = MIGRATION_DIR_NAME.test(path.basename(d.dir)) || d.migrations.filter((m) => /^[0-9]/.test(m.fileName)).length >= 2;
    migrationsLikeOf.set(d, like);
  }
  return like;
}
const migrationsLikeOf = new WeakMap<Analysis['directory'], boolean>();

/** How many `.sql` files the directory holds: the names its tool was recognised from (or not). */
function sqlFilesOf(d: Analysis['directory']): number {
  return d.migrations.length + d.invalid.length + d.notPostgres.size;
}

/**
 * What `check` says beside its findings (on stderr, so that every format's output stays as it
 * is): each folder whose tool is not recognised, and the files not checked as PostgreSQL.
 */
export function checkNotes(outcomes: readonly FileOutcome[], display: (abs: string) => string): string[] {
  const notes: string[] = [];
  // Once per folder that a checked file is in (with --changed-since, the folders a change touches).
  const unknown = new Map<string, number>();
  for (const o of outcomes) if (o.folder.state === 'unknown' && o.folder.migrationsLike) unknown.set(o.folder.dir, o.folder.sqlFiles);
  for (const [dir, n] of unknown) {
    notes.push(
      `note: ${display(dir) || '.'}: no supported migration tool recognised from the names of its ${n === 1 ? '.sql file' : `${n} .sql files`}; ` +
        'the rules about file names, up/down pairs, versions and the tool\'s transaction are off there. ' +
        'Name the tool in .migration-guard.json ("migrations": {"convention": ...}) to have them checked.',
    );
  }
  const skipped = outcomes.filter((o) => o.notChecked !== undefined);
  if (skipped.length > 0) notes.push(`note: ${skipped.length === 1 ? '1 file is' : `${skipped.length} files are`} not checked as PostgreSQL (${skipped[0]!.notChecked}${skipped.length > 1 ? ', ...' : ''}).`);
  return notes;
}

type WorkerReply = { ok: true; outcomes: FileOutcome[] } | { ok: false; file?: InputFile; message: string };

/** Below this much SQL a run is over before a worker has started. */
const PARALLEL_BYTES = 512 * 1024;

/**
 * The findings of every file, in input order. On a large tree with several folders, folders are
 * shared out to threads (`jobs`; default: one per core, at most 8, when the tree holds more than
 * 512 KiB of SQL), the largest first, each to the least loaded thread; this thread takes a share too.
 * `host`: the run's view of the files (shared with `migrationKeys`: listings and conventions read once).
 */
export async function checkProject(files: readonly InputFile[], options: Options, jobs?: number, host: FileHost = new RunFileHost()): Promise<FileOutcome[]> {
  await loadParser();
  const ws = new Workspace(host);
  ws.willAnalyse(files.map((f) => f.path));
  const groups = groupByFolder(files, options, ws);
  const total = groups.reduce((n, g) => n + g.bytes, 0);
  const out: FileOutcome[] = new Array(files.length);
  // One thread per core by default, and only where it pays; as many as asked with `--jobs`.
  const workers = jobs ?? (total < PARALLEL_BYTES ? 1 : Math.min(8, os.availableParallelism?.() ?? os.cpus().length));
  const threads = Math.min(workers, groups.length);
  if (threads <= 1) {
    for (const g of groups) {
      for (const i of g.members) out[i] = outcomeOf(analyzeOne(files[i]!, options, ws).analysis);
      ws.release(g.folder(ws));
    }
    return out;
  }
  // Largest folders first, each to the least loaded share (share 0 is this thread's).
  const shares: { groups: Group[]; bytes: number }[] = Array.from({ length: threads }, () => ({ groups: [], bytes: 0 }));
  for (const g of [...groups].sort((a, b) => b.bytes - a.bytes)) {
    const least = shares.reduce((m, s) => (s.bytes < m.bytes ? s : m));
    least.groups.push(g);
    least.bytes += g.bytes;
  }
  const spawned = shares.slice(1).map((share) => {
    const members = share.groups.flatMap((g) => g.members);
    const task: WorkerTask = {
      kind: 'migration-guard-check',
      files: members.map((i) => {
        const o = optionsOf(options, files[i]!.path);
        const plain: EngineOptions = {
          ...(o.rules ? { rules: o.rules } : {}),
          ...(o.postgresVersion !== undefined ? { postgresVersion: o.postgresVersion } : {}),
          ...(o.baseline !== undefined ? { baseline: o.baseline } : {}),
        };
        return { file: files[i]!, options: plain, ...(o.convention ? { convention: o.convention.id } : {}) };
      }),
    };
    return { members, reply: runWorker(task) };
  });
  // This thread's share, while the workers run theirs.
  for (const g of shares[0]!.groups) {
    for (const i of g.members) out[i] = outcomeOf(analyzeOne(files[i]!, options, ws).analysis);
    ws.release(g.folder(ws));
  }
  for (const w of spawned) {
    const reply = await w.reply;
    if (!reply.ok) throw reply.file ? new FileReadError(reply.file, { message: reply.message }) : new Error(reply.message);
    w.members.forEach((i, k) => (out[i] = reply.outcomes[k]!));
  }
  return out;
}

function runWorker(task: WorkerTask): Promise<WorkerReply> {
  return new Promise((resolve) => {
    const worker = new Worker(__filename, { workerData: task });
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      resolve(reply);
      void worker.terminate();
    });
    worker.once('error', (e) => {
      if (!settled) resolve({ ok: false, message: `a checking thread failed: ${e.message}` });
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) resolve({ ok: false, message: `a checking thread stopped (exit ${code})` });
      settled = true;
    });
  });
}

/** In a worker thread started by `checkProject`: check the files given, post the findings. */
async function workerMain(task: WorkerTask): Promise<void> {
  await loadParser();
  const ws = new Workspace(new RunFileHost());
  ws.willAnalyse(task.files.map((f) => f.file.path));
  const byPath = new Map(task.files.map((f) => [f.file.path, f] as const));
  const options = (p: string): EngineOptions & { convention?: Convention } => {
    const f = byPath.get(p);
    const convention = f?.convention ? conventionById(f.convention) : undefined;
    return { ...(f?.options ?? {}), ...(convention ? { convention } : {}) };
  };
  const files = task.files.map((f) => f.file);
  const outcomes: FileOutcome[] = [];
  try {
    for (const r of checkFiles(files, options, ws.host)) outcomes.push(outcomeOf(r.analysis));
    parentPort!.postMessage({ ok: true, outcomes } satisfies WorkerReply);
  } catch (e) {
    const message = e instanceof FileReadError ? describeReadError(e.cause) : e instanceof Error ? e.message : String(e);
    parentPort!.postMessage({ ok: false, message, ...(e instanceof FileReadError ? { file: e.file } : {}) } satisfies WorkerReply);
  }
}

if (!isMainThread && (workerData as Partial<WorkerTask> | undefined)?.kind === 'migration-guard-check') {
  workerMain(workerData as WorkerTask).catch((e: unknown) => parentPort!.postMessage({ ok: false, message: String(e) } satisfies WorkerReply));
}
