/**
 * `migrationGuard/verifyMigration`: runs the verify engine (up → down → up, engine/verify) for the
 * version of an up or down file and turns its result into diagnostics per file. The client shows
 * them in its own diagnostic collection (source `migration-guard-verify`), apart from the pull
 * diagnostics, and clears a file's when the file changes.
 *
 * The verification runs in a child process (verify-worker.ts): PGlite's memory (several hundred
 * MB, not returned by WebAssembly) goes away with it, and the server keeps answering meanwhile.
 * The worker gets the directory's migration files as the editor sees them (unsaved documents
 * included), so the ranges it reports match the documents.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fork } from 'node:child_process';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { MemoryFileHost, type FileHost } from '../engine/host';
import { golangMigrate } from '../engine/migrations/golang-migrate';
import { LineIndex, type Span } from '../engine/text';
import type { AbortSignalLike, VerifyProgress, VerifyResult } from '../engine/verify/index';
import {
  VERIFY_DIAGNOSTIC_SOURCE,
  VerifyCodes,
  type VerifyFileDiagnostics,
  type VerifyMigrationResult,
} from '../../../shared/src/protocol';
import { pathToUri, uriToPath } from './uri';
import type { VerifyWorkerInput, VerifyWorkerMessage } from './verify-worker';

/** The worker script: beside this one (dist/verify-worker.js in the bundle, out/.../lsp/ from tsc). */
export const WORKER_SCRIPT = path.join(__dirname, 'verify-worker.js');

export interface EditorVerifyOptions {
  /** Reads files: open documents first (what the user sees), then the disk. */
  host: FileHost;
  /** The server to verify on (config file, else setting), or undefined for PGlite. */
  databaseUrl?: string;
  signal?: AbortSignalLike;
  onProgress?: (progress: VerifyProgress) => void;
  /** Where PGlite states are cached (default: the engine's, in the temp folder); false: none. */
  cacheDir?: string | false;
}

const capitalize = (s: string): string => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1));

function emptyResult(status: VerifyMigrationResult['status'], summary: string, started: number): VerifyMigrationResult {
  return { ok: false, status, summary, upUris: [], downUris: [], files: [], snapshots: {}, backend: '', durationMs: Date.now() - started };
}

/** The file an up or down file belongs to, as golang-migrate names them; undefined otherwise. */
export function migrationOf(filePath: string): { directory: string; version: bigint; versionText: string } | undefined {
  const m = golangMigrate.parse(filePath);
  return m ? { directory: path.dirname(filePath), version: m.versionNumber, versionText: m.version } : undefined;
}

export async function verifyForEditor(uri: string, options: EditorVerifyOptions): Promise<VerifyMigrationResult> {
  const started = Date.now();
  const filePath = uriToPath(uri);
  const migration = filePath ? migrationOf(filePath) : undefined;
  if (!filePath || !migration) {
    const name = filePath ? path.basename(filePath) : uri;
    return emptyResult('not-a-migration', `${name} is not a migration file: verify works on {version}_{title}.up.sql / .down.sql files.`, started);
  }
  // The directory's migration files, read once: the worker verifies them and the ranges refer to them.
  const files: Record<string, string> = {};
  for (const name of options.host.readDir(migration.directory)) {
    const p = path.join(migration.directory, name);
    if (!golangMigrate.parse(p)) continue;
    const text = options.host.readFile(p);
    if (text !== undefined) files[p] = text;
  }
  const input: VerifyWorkerInput = {
    migrationGuardVerify: true,
    directory: migration.directory,
    version: migration.version.toString(),
    files,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
  };
  const outcome = await runWorker(input, options);
  if (outcome.kind === 'cancelled') return emptyResult('cancelled', 'The verification was cancelled.', started);
  if (outcome.kind === 'error') return emptyResult('error', `The verification failed: ${outcome.message.split('\n')[0]}`, started);
  return toEditorResult(outcome.result, new MemoryFileHost(files), started);
}

/** Runs the worker to its end; a cancelled signal asks it to stop (so that a scratch database is still dropped). */
function runWorker(input: VerifyWorkerInput, options: EditorVerifyOptions): Promise<Exclude<VerifyWorkerMessage, { kind: 'progress' }>> {
  if (!fs.existsSync(WORKER_SCRIPT)) return Promise.resolve({ kind: 'error', message: `${WORKER_SCRIPT} is missing` });
  return new Promise((resolve) => {
    let settled = false;
    // The same Node (or VS Code's Electron as Node: ELECTRON_RUN_AS_NODE is inherited), no inspector flags.
    const worker = fork(WORKER_SCRIPT, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    worker.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString('utf8');
    });
    const finish = (m: Exclude<VerifyWorkerMessage, { kind: 'progress' }>): void => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      resolve(m);
    };
    let cancelSent = false;
    const poll = setInterval(() => {
      if (!cancelSent && options.signal?.aborted && worker.connected) {
        cancelSent = true;
        worker.send({ kind: 'cancel' });
      }
    }, 50);
    worker.send(input);
    worker.on('message', (m: VerifyWorkerMessage) => {
      if (m.kind === 'progress') {
        try {
          options.onProgress?.(m.progress);
        } catch {
          // A failing progress reporter never stops a verification.
        }
      } else finish(m);
    });
    worker.on('error', (e) => finish({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
    worker.on('exit', (code, sig) => finish({ kind: 'error', message: `the verification process stopped (${sig ?? `exit code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}` }));
  });
}

/** The engine's result as the editor needs it: diagnostics per file (UTF-16 ranges in the text the engine read). */
export function toEditorResult(r: VerifyResult, host: FileHost, started: number = Date.now() - (r.timings.total ?? 0)): VerifyMigrationResult {
  const lines = new Map<string, LineIndex>();
  const rangeIn = (file: string, span: Span): Diagnostic['range'] => {
    let index = lines.get(file);
    if (!index) {
      index = new LineIndex(host.readFile(file) ?? '');
      lines.set(file, index);
    }
    return index.rangeOf(span);
  };
  const byFile = new Map<string, Diagnostic[]>();
  for (const f of [...r.upFiles, ...r.downFiles]) byFile.set(f, []);
  const add = (file: string, d: Diagnostic): void => {
    const list = byFile.get(file) ?? [];
    list.push(d);
    byFile.set(file, list);
  };
  const diagnostic = (file: string, span: Span, code: string, message: string): Diagnostic => ({
    range: rangeIn(file, span),
    severity: DiagnosticSeverity.Error,
    source: VERIFY_DIAGNOSTIC_SOURCE,
    code,
    message,
  });

  for (const f of r.failures) {
    const what =
      f.phase === 'up'
        ? 'The up fails'
        : f.phase === 'down'
          ? 'The down fails'
          : f.phase === 'reup'
            ? 'The up fails when run again after the down'
            : `This earlier migration fails, so version ${r.version} cannot be verified`;
    let message = `${what}: ${f.message}${f.code ? ` (SQLSTATE ${f.code})` : ''}`;
    if (f.detail) message += `\nDetail: ${f.detail}`;
    if (f.hint) message += `\nHint: ${f.hint}`;
    const d = diagnostic(f.file, f.span, VerifyCodes.statementFails, message);
    if (f.code) d.data = { sqlstate: f.code };
    add(f.file, d);
  }
  for (const d of r.differences) {
    let message = capitalize(d.message);
    if (d.change !== 'changed') message += `:\n${[...d.expected, ...d.actual].map((l) => `  ${l}`).join('\n')}`;
    add(d.file, diagnostic(d.file, d.span, VerifyCodes.schemaDifference, message));
  }
  for (const l of r.dataLoss) add(l.file, diagnostic(l.file, l.span, VerifyCodes.dataLoss, capitalize(l.message)));

  const files: VerifyFileDiagnostics[] = [...byFile].map(([file, diagnostics]) => ({ uri: pathToUri(file), diagnostics }));
  const backend =
    r.backend.kind === 'server'
      ? `${r.backend.url}${r.backend.database ? ` (scratch database ${r.backend.database}, dropped)` : ''}`
      : 'PGlite (embedded PostgreSQL)';
  const result: VerifyMigrationResult = {
    ok: r.ok,
    status: r.status,
    summary: r.summary,
    version: r.version,
    upUris: r.upFiles.map(pathToUri),
    downUris: r.downFiles.map(pathToUri),
    files,
    snapshots: r.snapshots,
    backend,
    durationMs: Date.now() - started,
  };
  if (r.backend.kind === 'pglite' && r.cache.enabled) result.cache = { hit: r.cache.hit, fromCache: r.cache.fromCache, baseFiles: r.baseFiles };
  return result;
}
