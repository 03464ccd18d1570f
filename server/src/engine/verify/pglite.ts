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
  PGlite: { create(options: Record<string, unknown>): Promise<unknown> };
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

function loadAssets(): Promise<Assets> {
  if (!assetsPromise) {
    assetsPromise = (async () => {
      const dir = pgliteAssetDir();
      if (!dir) throw new Error('Migration Guard: PGlite files (pglite.wasm, pglite.data) were not found next to the program or in node_modules');
      const [pglite, initdb, data] = await Promise.all([
        fs.promises.readFile(path.join(dir, 'pglite.wasm')).then((b) => wasm.compile(b)),
        fs.promises.readFile(path.join(dir, 'initdb.wasm')).then((b) => wasm.compile(b)),
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
    pgliteWasmModule: assets.pglite,
    initdbWasmModule: assets.initdb,
    fsBundle: assets.fsBundle,
    extensions,
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  return db as unknown as Database;
}

/** The PGlite release the assets come from; part of every cache key (a test checks it against the installed package). */
export const PGLITE_VERSION = '0.5.16';
