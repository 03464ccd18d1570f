/**
 * The embedded PostgreSQL (PGlite, PostgreSQL 18 in WASM). It is heavy (~3 s to start, several
 * hundred MB of memory), so nothing here runs at module load: the package is imported with a
 * dynamic `import()` the first time a verification asks for a database.
 *
 * Assets. PGlite needs `pglite.wasm`, `initdb.wasm`, `pglite.data` and, per extension, a
 * `<name>.tar.gz`. We never let PGlite find them itself (it looks beside its own script, which is
 * wrong once esbuild bundles it into dist/cli.js or dist/server.js). Instead we look for them in
 *   1. `<directory of this script>/pglite/` (the bundle: esbuild.mjs copies them to dist/pglite/),
 *   2. the installed package (`node_modules/@electric-sql/pglite/dist/`, tests and tsc output),
 * and hand PGlite the compiled modules, the file-system bundle and extension paths explicitly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Queryable } from './snapshot';

/** What the verifier needs from a database: PGlite implements it. */
export interface Database extends Queryable {
  /** Sends `sql` as one simple-protocol query (several statements, one implicit transaction). */
  exec(sql: string): Promise<unknown>;
  /** The data directory as a tarball. */
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Extension names (as in `CREATE EXTENSION`) to make available. Unknown names are ignored. */
  extensions?: readonly string[];
  /** A tarball from `dumpDataDir` to start from (skips initdb). */
  loadDataDir?: Blob;
}

/** A compiled `WebAssembly.Module` (the ES2022 lib has no WebAssembly types). */
type WasmModule = object;
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;

/** The part of the package we use (typed here so that its types never load eagerly either). */
interface PGliteModule {
  PGlite: { create(options: Record<string, unknown>): Promise<unknown>; defaultStartParams?: string[] };
}

interface Assets {
  dir: string;
  pglite: WasmModule;
  initdb: WasmModule;
  fsBundle: Blob;
}

let assetsPromise: Promise<Assets> | undefined;
let modulePromise: Promise<PGliteModule> | undefined;

/** The folder holding PGlite's wasm/data files, or undefined when none is found. */
export function pgliteAssetDir(): string | undefined {
  const candidates = [path.join(__dirname, 'pglite')];
  try {
    candidates.push(path.dirname(require.resolve('@electric-sql/pglite')));
  } catch {
    // Not installed beside us (a bundle shipped without node_modules): only the first candidate.
  }
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'pglite.wasm')) && fs.existsSync(path.join(dir, 'pglite.data')));
}

/** Extension names PGlite ships (the `<name>.tar.gz` files of the asset folder). */
export function availableExtensions(): string[] {
  const dir = pgliteAssetDir();
  if (!dir) return [];
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.tar.gz'))
      .map((f) => f.slice(0, -'.tar.gz'.length))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Compiles PostgreSQL's WebAssembly with V8's baseline compiler only (Liftoff, no tier-up to
 * TurboFan). A verification is short and its time is spread over thousands of PostgreSQL
 * functions: optimizing them costs more CPU than it saves. Measured on a 2-core machine (kratos's
 * 346 migrations): the bare replay took 2.5-3.0 s instead of 3.5-3.7 s with 110 MB less peak memory,
 * a warm verify 1.2-1.8 s instead of 2.1 s, and `verify --all` the same. The choice is V8's per
 * module, made when it is compiled, so the flag is set for this compile only (other WebAssembly, the
 * SQL parser's, keeps tiering up). `MIGRATION_GUARD_PGLITE_TIER_UP=1` keeps V8's default.
 */
function compileBaseline(bytes: Uint8Array): Promise<WasmModule> {
  if (process.env.MIGRATION_GUARD_PGLITE_TIER_UP === '1') return wasm.compile(bytes);
  let set = false;
  try {
    v8.setFlagsFromString('--liftoff-only');
    set = true;
  } catch {
    // A V8 without the flag compiles as it always does.
  }
  const compiled = wasm.compile(bytes);
  const reset = (): void => {
    if (set) v8.setFlagsFromString('--no-liftoff-only');
  };
  compiled.then(reset, reset);
  return compiled;
}

function loadAssets(): Promise<Assets> {
  if (!assetsPromise) {
    assetsPromise = (async () => {
      const dir = pgliteAssetDir();
      if (!dir) throw new Error('Migration Guard: PGlite files (pglite.wasm, pglite.data) were not found next to the program or in node_modules');
      const [pglite, initdb, data] = await Promise.all([
        fs.promises.readFile(path.join(dir, 'pglite.wasm')).then(compileBaseline),
        fs.promises.readFile(path.join(dir, 'initdb.wasm')).then(compileBaseline),
        fs.promises.readFile(path.join(dir, 'pglite.data')),
      ]);
      return { dir, pglite, initdb, fsBundle: new Blob([data]) };
    })();
    assetsPromise.catch(() => {
      assetsPromise = undefined;
    });
  }
  return assetsPromise;
}

function loadModule(): Promise<PGliteModule> {
  if (!modulePromise) {
    // A lazy require (not a top-level import): PGlite's CommonJS build, loaded on first use only. Its
    // CommonJS build finds files through `__filename`, which stays valid inside an esbuild bundle
    // (the ESM build relies on `import.meta.url`, which a CommonJS bundle does not have).
    const p = new Promise<PGliteModule>((resolve) => resolve(require('@electric-sql/pglite') as PGliteModule));
    modulePromise = p;
    p.catch(() => {
      modulePromise = undefined;
    });
  }
  return modulePromise;
}

/**
 * Starts reading and compiling PGlite's WebAssembly in the background (Node's thread pool and V8's
 * compiler threads), so that it overlaps other work before `openDatabase` (reading a cached state).
 */
export function preloadDatabase(): void {
  loadAssets().catch(() => undefined);
}

/** Whether PGlite has been loaded in this process (tests assert it is not loaded eagerly). */
export function isPGliteLoaded(): boolean {
  return modulePromise !== undefined;
}

/** Starts a fresh embedded PostgreSQL. The caller must `close()` it. */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const [{ PGlite }, assets] = await Promise.all([loadModule(), loadAssets()]);
  const extensions: Record<string, { name: string; setup: () => Promise<{ bundlePath: URL }> }> = {};
  for (const name of options.extensions ?? []) {
    const file = path.join(assets.dir, `${name}.tar.gz`);
    if (!fs.existsSync(file)) continue;
    const bundlePath = pathToFileURL(file);
    extensions[name.replace(/[^A-Za-z0-9_]/g, '_')] = { name, setup: async () => ({ bundlePath }) };
  }
  const db = await PGlite.create({
    // PGlite's own start parameters, with 16 MB of shared buffers instead of 128 MB: the databases
    // verify builds are a few MB, and the smaller buffer pool starts faster and uses ~110 MB less
    // memory (measured on kratos's replay: 531 instead of 643 MB peak, time unchanged or 4% less).
    ...(Array.isArray(PGlite.defaultStartParams) ? { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] } : {}),
    pgliteWasmModule: assets.pglite,
    initdbWasmModule: assets.initdb,
    // WAL segments of 1 MB instead of 16 MB: a data directory holds at least one whole segment, and
    // every state verify saves, restores or compares is a dump of the directory (kratos's state after
    // 345 migrations: 42 MB -> 27 MB; warm verify 2.1 -> 1.7 s, verify --all 11-12 s -> 8.5-9.8 s).
    initDbStartParams: ['--wal-segsize=1'],
    fsBundle: assets.fsBundle,
    extensions,
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  return db as unknown as Database;
}

/** A state of a database's data directory to start a database from (`loadDataDir`). */
export interface DataDirState {
  /** The tarball, as `dumpDataDir('none')` gives it. */
  tarball(): Promise<Blob>;
}

/** A tarball already made (a cached entry, a dump) as a DataDirState. */
export const tarballState = (blob: Blob): DataDirState => ({ tarball: async () => blob });

/** The folder PGlite keeps its data directory in (in its in-memory file system). */
const DATA_DIR = '/pglite/data';

/** What copyDataDir uses of Emscripten's file system (the calls PGlite's own dump makes). */
interface EmscriptenFS {
  readdir(path: string): string[];
  stat(path: string): { mode: number; size: number; mtime: unknown };
  isFile(mode: number): boolean;
  isDir(mode: number): boolean;
  readFile(path: string, options: { encoding: 'binary' }): Uint8Array;
  analyzePath(path: string): { exists: boolean };
}

interface Internals {
  mod?: { FS?: EmscriptenFS };
  fs?: { dumpTar?: (dbname: string, compression?: 'none') => Promise<Blob> };
  dataDir?: string;
}

/**
 * The data directory of a PGlite database, copied file by file (a copy of each file's bytes, ~50 ms
 * for LemmyNet lemmy's 35 MB) instead of a tarball (`dumpDataDir`: ~250 ms, the bytes copied three
 * times over). Verify keeps such a state only in case it must go back to it, which it seldom does:
 * the tarball is made when asked, by PGlite's own code (its filesystem's `dumpTar`) reading this copy
 * instead of the live file system, so it is the very tarball `dumpDataDir('none')` gave when the copy
 * was taken. Falls back to `dumpDataDir` where PGlite's internals are not as expected.
 */
export async function copyDataDir(db: Database): Promise<DataDirState> {
  const internals = db as unknown as Internals;
  const FS = internals.mod?.FS;
  const dumpTar = internals.fs?.dumpTar;
  if (!FS || typeof dumpTar !== 'function' || internals.dataDir !== undefined || !FS.analyzePath(`${DATA_DIR}/PG_VERSION`).exists) {
    return tarballState(await db.dumpDataDir('none'));
  }
  const entries = new Map<string, { names?: string[]; stat: { mode: number; size: number; mtime: unknown }; data?: Uint8Array }>();
  const walk = (dir: string): string[] => {
    const names = FS.readdir(dir);
    for (const name of names) {
      if (name === '.' || name === '..') continue;
      const p = `${dir}/${name}`;
      const stat = FS.stat(p);
      const s = { mode: stat.mode, size: stat.size, mtime: stat.mtime };
      if (FS.isDir(s.mode)) entries.set(p, { stat: s, names: walk(p) });
      else entries.set(p, { stat: s, ...(FS.isFile(s.mode) ? { data: FS.readFile(p, { encoding: 'binary' }) } : {}) });
    }
    return names;
  };
  const rootNames = walk(DATA_DIR);
  const get = (p: string): { names?: string[]; stat: { mode: number; size: number; mtime: unknown }; data?: Uint8Array } => {
    const e = entries.get(p);
    if (!e) throw new Error(`Migration Guard: ${p} is not in the copy of the data directory`);
    return e;
  };
  // The file system PGlite's dump reads, answering from the copy.
  const copy: Pick<EmscriptenFS, 'readdir' | 'stat' | 'isFile' | 'isDir' | 'readFile'> = {
    readdir: (p) => (p === DATA_DIR ? rootNames : (get(p).names ?? [])),
    stat: (p) => get(p).stat,
    isFile: (mode) => FS.isFile(mode),
    isDir: (mode) => FS.isDir(mode),
    readFile: (p) => get(p).data ?? new Uint8Array(0),
  };
  return {
    tarball: () => dumpTar.call({ ...internals.fs, pg: { Module: { FS: copy } } }, 'pgdata', 'none'),
  };
}

let gc: (() => void) | null | undefined;

/**
 * Runs V8's garbage collector now. A data-directory dump verify let go of (a Blob of tens of MB, held
 * outside the JavaScript heap) and a closed database's WebAssembly memory are freed only by a
 * collection, which verify's small JavaScript heap seldom triggers: they piled up. Measured on
 * LemmyNet lemmy's `verify --all` (10 dumps, one restore): 658-687 MB peak instead of 588 MB with a
 * collection after each migration that dumped. The collector is reached through V8's `--expose-gc`,
 * set at run time (a new context then has `gc`); where that fails, nothing happens.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const found = vm.runInNewContext('typeof gc === "function" ? gc : null') as unknown;
      gc = typeof found === 'function' ? (found as () => void) : null;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/** The PGlite release the assets come from; part of every cache key (a test checks it against the installed package). */
export const PGLITE_VERSION = '0.5.16';
