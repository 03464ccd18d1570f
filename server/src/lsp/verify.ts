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
import type { RuleSetting } from '../engine/config';
import { MemoryFileHost, type FileHost } from '../engine/host';
import type { Convention } from '../engine/migrations/convention';
import type { Severity } from '../engine/rules/types';
import { LineIndex, type Span } from '../engine/text';
import type { AbortSignalLike, VerifyProgress, VerifyResult } from '../engine/verify/index';
import { migrationDirectoryOf, planDirectory } from '../engine/verify/plan';
import { describeSeed } from '../engine/verify/seed';
import {
  VERIFY_DIAGNOSTIC_SOURCE,
  VerifyCodes,
  type MigrationSectionsResult,
  type VerifyFileDiagnostics,
  type VerifyMigrationResult,
} from '../../../shared/src/protocol';
import { ruleDocsUri } from './paths';
import { pathToUri, uriToPath } from './uri';
import type { VerifyWorkerInput, VerifyWorkerMessage } from './verify-worker';

/** The worker script: beside this one (dist/verify-worker.js in the bundle, out/.../lsp/ from tsc). */
export const WORKER_SCRIPT = path.join(__dirname, 'verify-worker.js');

export interface EditorVerifyOptions {
  /** Reads files: open documents first (what the user sees), then the disk. */
  host: FileHost;
  /** The server to verify on (config file, else setting), or undefined for PGlite. */
  databaseUrl?: string;
  /** The convention `.migration-guard.json` names (else detected). */
  convention?: Convention;
  /** Rule severities (the config file's, else the setting's). */
  rules?: Record<string, RuleSetting>;
  /** Fixture files or folders (absolute paths) from `verify.fixtures`. */
  fixtures?: string[];
  signal?: AbortSignalLike;
  onProgress?: (progress: VerifyProgress) => void;
  /** Where PGlite states are cached (default: the engine's, in the temp folder); false: none. */
  cacheDir?: string | false;
}

function emptyResult(status: VerifyMigrationResult['status'], summary: string, started: number): VerifyMigrationResult {
  return { ok: false, status, summary, upUris: [], downUris: [], files: [], snapshots: {}, backend: '', durationMs: Date.now() - started };
}

/** The migration a file belongs to, by its directory's convention; undefined when it is not one. */
export function migrationOf(filePath: string, host: FileHost, convention?: Convention): { directory: string; convention: Convention } | undefined {
  return migrationDirectoryOf(filePath, host, convention);
}

/** Where a file's up and down are, for the client's CodeLenses. */
export function migrationSections(filePath: string, text: string, host: FileHost, convention?: Convention): MigrationSectionsResult {
  const found = migrationDirectoryOf(filePath, host, convention);
  const file = found?.convention.parse(filePath);
  if (!found || !file) return { migration: false, sections: [] };
  const lines = new LineIndex(text);
  if (found.convention.layout === 'pair') return { migration: true, convention: found.convention.id, sections: [{ direction: file.direction, line: 0 }] };
  const sections = found.convention.sections(file, text).map((s) => ({
    direction: s.direction,
    // The annotation is the line before the section's SQL.
    line: Math.max(0, lines.positionAt(s.span.start).line - (s.span.start > 0 ? 1 : 0)),
  }));
  return { migration: true, convention: found.convention.id, sections: sections.length > 0 ? sections : [{ direction: 'up', line: 0 }] };
}

/** Every file the worker needs (the directory's migrations and the fixtures), as the editor sees them. */
function filesFor(directory: string, options: EditorVerifyOptions, convention: Convention): Record<string, string> {
  const files: Record<string, string> = {};
  const plan = planDirectory(directory, options.host, convention);
  for (const m of plan.migrations) {
    for (const f of m.files) {
      const text = options.host.readFile(f);
      if (text !== undefined) files[f] = text;
    }
  }
  for (const fixture of options.fixtures ?? []) {
    const text = options.host.readFile(fixture);
    if (text !== undefined) files[fixture] = text;
    else {
      for (const name of options.host.readDir(fixture)) {
        const p = path.join(fixture, name);
        const t = /\.sql$/i.test(name) ? options.host.readFile(p) : undefined;
        if (t !== undefined) files[p] = t;
      }
    }
  }
  return files;
}

export async function verifyForEditor(uri: string, options: EditorVerifyOptions): Promise<VerifyMigrationResult> {
  const started = Date.now();
  const filePath = uriToPath(uri);
  const found = filePath ? migrationOf(filePath, options.host, options.convention) : undefined;
  if (!filePath || !found) {
    const name = filePath ? path.basename(filePath) : uri;
    return emptyResult('not-a-migration', `${name} is not a migration file of its folder's convention, so there is nothing to verify.`, started);
  }
  // The directory's migration files, read once: the worker verifies them and the ranges refer to them.
  const files = filesFor(found.directory, options, found.convention);
  const input: VerifyWorkerInput = {
    migrationGuardVerify: true,
    directory: found.directory,
    file: filePath,
    convention: found.convention.id,
    files,
    ...(options.fixtures && options.fixtures.length > 0 ? { fixtures: options.fixtures } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
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

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

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
  for (const f of r.findings) {
    const d: Diagnostic = {
      range: rangeIn(f.file, f.span),
      severity: SEVERITY[f.severity],
      source: VERIFY_DIAGNOSTIC_SOURCE,
      code: f.ruleId,
      message: [f.message, ...f.details.map((l) => `  ${l}`)].join('\n'),
    };
    const href = ruleDocsUri(f.ruleId);
    if (href) d.codeDescription = { href };
    add(f.file, d);
  }
  if (r.fixtureFailure) {
    const f = r.fixtureFailure;
    let message = `The fixture fails, so nothing was verified: ${f.message}${f.code ? ` (SQLSTATE ${f.code})` : ''}`;
    if (f.detail) message += `\nDetail: ${f.detail}`;
    if (f.hint) message += `\nHint: ${f.hint}`;
    add(f.file, { range: rangeIn(f.file, f.span), severity: DiagnosticSeverity.Error, source: VERIFY_DIAGNOSTIC_SOURCE, code: VerifyCodes.fixtureFailed, message });
  }

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
    data: r.data,
    notes: r.notes,
    backend,
    durationMs: Date.now() - started,
  };
  const seed = describeSeed(r.seed);
  if (seed) result.seed = seed;
  if (r.backend.kind === 'pglite' && r.cache.enabled) result.cache = { hit: r.cache.hit, fromCache: r.cache.fromCache, baseFiles: r.baseFiles };
  return result;
}
