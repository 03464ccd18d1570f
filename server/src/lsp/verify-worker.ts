/**
 * Runs one verification in a child process of the language server (bundled as
 * dist/verify-worker.js beside the server, started with `fork`). PGlite takes several hundred MB
 * that WebAssembly does not give back and its statements block the thread they run on: in a child
 * process the language server stays small and responsive, and the memory goes away with the child.
 *
 * IPC messages: the parent sends the input (`migrationGuardVerify: true`), then maybe
 * `{ kind: 'cancel' }`; the child sends progress, then one of result, cancelled or error, and exits.
 */
import type { RuleSetting } from '../engine/config';
import { MemoryFileHost } from '../engine/host';
import { conventionById } from '../engine/migrations/detect';
import { VerifyCancelledError, verifyMigration, type VerifyProgress, type VerifyResult } from '../engine/verify/index';

export interface VerifyWorkerInput {
  migrationGuardVerify: true;
  directory: string;
  /** The file (up or down) whose migration is verified. */
  file: string;
  /** The directory's convention id. */
  convention: string;
  /** The directory's migration files and the fixtures, as the editor sees them (open documents included). */
  files: Record<string, string>;
  fixtures?: string[];
  rules?: Record<string, RuleSetting>;
  databaseUrl?: string;
  cacheDir?: string | false;
}

export type VerifyWorkerMessage =
  | { kind: 'progress'; progress: VerifyProgress }
  | { kind: 'result'; result: VerifyResult }
  | { kind: 'cancelled' }
  | { kind: 'error'; message: string };

const signal = { aborted: false };

function post(m: VerifyWorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(m, undefined, undefined, () => resolve());
  });
}

async function main(input: VerifyWorkerInput): Promise<void> {
  try {
    const result = await verifyMigration({
      directory: input.directory,
      file: input.file,
      host: new MemoryFileHost(input.files),
      ...(conventionById(input.convention) ? { convention: conventionById(input.convention)! } : {}),
      ...(input.fixtures ? { fixtures: input.fixtures } : {}),
      ...(input.rules ? { rules: input.rules } : {}),
      signal,
      onProgress: (progress) => post({ kind: 'progress', progress }),
      ...(input.databaseUrl ? { databaseUrl: input.databaseUrl } : {}),
      ...(input.cacheDir !== undefined ? { cacheDir: input.cacheDir } : {}),
    });
    await post({ kind: 'result', result });
  } catch (e) {
    if (e instanceof VerifyCancelledError) await post({ kind: 'cancelled' });
    else await post({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  } finally {
    // The database is closed (and a scratch database dropped) by now: nothing is left to wait for.
    process.exit(0);
  }
}

if (process.send) {
  let started = false;
  process.on('message', (m: unknown) => {
    const msg = m as { kind?: unknown; migrationGuardVerify?: unknown } | null;
    if (msg?.kind === 'cancel') signal.aborted = true;
    else if (msg?.migrationGuardVerify === true && !started) {
      started = true;
      void main(msg as VerifyWorkerInput);
    }
  });
  // The parent went away (the server stopped): stop too; a scratch database is dropped on the way out.
  process.on('disconnect', () => {
    signal.aborted = true;
  });
}
