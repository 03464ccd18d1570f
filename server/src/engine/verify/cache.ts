/**
 * Warm starts. The database state after replaying the first k up files of a directory is saved
 * as a PGlite data-directory tarball named by a chained hash of those files' names and contents:
 * key(k) = sha256(key(k-1), name_k, text_k). A later verify looks for the longest saved prefix
 * and replays only what follows. Editing a file changes its key and every later one, so stale
 * states are never used.
 *
 * Default folder: `<os.tmpdir()>/migration-guard/verify-cache` (never inside the workspace).
 * Entries are uncompressed data-directory tarballs gzipped by Node (faster than PGlite's own gzip),
 * written to a temporary name and renamed; the folder keeps the most recent `MAX_ENTRIES` entries.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

const gzip = promisify(zlib.gzip) as (data: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>;
const gunzipWith = promisify(zlib.gunzip) as (data: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>;
/**
 * Inflates in 1 MB chunks: with zlib's default 16 KB, each chunk is a round trip to the thread pool
 * and a 42 MB tarball took 260-350 ms to inflate instead of 95-100 ms (measured on kratos's entry).
 */
const gunzip = (data: Buffer): Promise<Buffer> => gunzipWith(data, { chunkSize: 1 << 20 });

export const MAX_ENTRIES = 32;
/** Bumped when the stored format or the engine's replay semantics change. */
const FORMAT = 'migration-guard-verify-3';

export function defaultCacheDir(): string {
  return path.join(os.tmpdir(), 'migration-guard', 'verify-cache');
}

/** keys[k] is the key of the state after the first k files; keys[0] is the empty database. */
export function prefixKeys(files: readonly { fileName: string; text: string }[], engineVersion: string): string[] {
  let key = createHash('sha256').update(`${FORMAT}\u0000${engineVersion}`).digest('hex');
  const keys = [key];
  for (const f of files) {
    key = createHash('sha256').update(key).update('\u0000').update(f.fileName).update('\u0000').update(f.text).digest('hex');
    keys.push(key);
  }
  return keys;
}

function entryPath(dir: string, key: string): string {
  return path.join(dir, `${key}.tar.gz`);
}

export function hasEntry(dir: string, key: string): boolean {
  return fs.existsSync(entryPath(dir, key));
}

/** The saved tarball (uncompressed), or undefined when absent or unreadable. */
export async function readEntry(dir: string, key: string): Promise<Blob | undefined> {
  try {
    const file = entryPath(dir, key);
    const data = await inflate(await fs.promises.readFile(file));
    const now = new Date();
    await fs.promises.utimes(file, now, now).catch(() => undefined);
    return new TarballBlob(data);
  } catch {
    return undefined;
  }
}

/**
 * A gzip member inflated into one buffer of its own, sized by the member's trailer (the length of the
 * data, modulo 2^32): no chunks to concatenate (kratos's 27 MB state: about 100 ms less). A trailer
 * that does not tell the length (a larger file, a damaged one) falls back to 1 MB chunks.
 */
async function inflate(data: Buffer): Promise<Buffer> {
  const size = data.length >= 18 ? data.readUInt32LE(data.length - 4) : 0;
  if (size < 64 || size > 1 << 30) return gunzip(data);
  // Longer than the trailer says (several members): zlib concatenates its chunks, and TarballBlob copies
  // what is not a whole buffer of its own.
  return gunzipWith(data, { chunkSize: size });
}

/**
 * A tarball held in memory, as a Blob whose bytes are not copied again: `new Blob([buffer])` copies
 * the buffer, and PGlite's `loadDataDir` copies it once more through `arrayBuffer()` (kratos's 27 MB
 * state: about 350 ms of a 1.7 s warm verify). PGlite only reads what `arrayBuffer()` returns, so the
 * buffer is handed over as it is, every time (a state loaded again reads the same bytes: PGlite 0.5's
 * untar writes each file into its in-memory file system with a copy, never the buffer itself).
 */
export class TarballBlob extends Blob {
  private readonly data: Uint8Array;

  constructor(data: Uint8Array) {
    super([]);
    this.data = data;
    // Blob's size is a getter of its prototype: this Blob's own is the buffer's.
    Object.defineProperty(this, 'size', { value: data.byteLength });
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.data;
    const whole = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer;
    return Promise.resolve(whole ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer));
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.arrayBuffer().then((b) => new Uint8Array(b));
  }

  override stream(): ReturnType<Blob['stream']> {
    return new Blob([this.data]).stream();
  }

  override slice(start?: number, end?: number, contentType?: string): Blob {
    return new Blob([this.data]).slice(start, end, contentType);
  }

  override text(): Promise<string> {
    return Promise.resolve(Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength).toString('utf8'));
  }
}

/** Saves a tarball unless the key is already saved. Never throws (a cache that cannot be written is no cache). */
export async function writeEntry(dir: string, key: string, data: Blob): Promise<boolean> {
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    const file = entryPath(dir, key);
    if (fs.existsSync(file)) return false;
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    // Streamed through Node's zlib at its fastest level (in the thread pool, beside the WebAssembly on
    // the main thread), so the tarball is never copied whole once more.
    await pipeline(Readable.fromWeb(data.stream() as Parameters<typeof Readable.fromWeb>[0]), zlib.createGzip({ level: 1 }), fs.createWriteStream(tmp, { flags: 'wx' }));
    await fs.promises.rename(tmp, file);
    await prune(dir);
    return true;
  } catch {
    return false;
  }
}

async function prune(dir: string): Promise<void> {
  const names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith('.tar.gz'));
  if (names.length <= MAX_ENTRIES) return;
  const stats = await Promise.all(
    names.map(async (n) => ({ n, t: (await fs.promises.stat(path.join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  stats.sort((a, b) => b.t - a.t);
  for (const { n } of stats.slice(MAX_ENTRIES)) {
    await fs.promises.unlink(path.join(dir, n)).catch(() => undefined);
    const key = n.slice(0, -'.tar.gz'.length);
    for (const side of await fs.promises.readdir(dir)) if (side.startsWith(`${key}.`) && side.endsWith('.json.gz')) await fs.promises.unlink(path.join(dir, side)).catch(() => undefined);
  }
}

/**
 * What verify learnt about a saved state (its schema objects and rows, its seeding plans), beside
 * the entry: a warm start needs not read them again. Overwritten freely; never throws.
 */
export async function writeSidecar(dir: string, key: string, name: string, value: unknown): Promise<void> {
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${key}.${name}.json.gz`);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.promises.writeFile(tmp, await gzip(Buffer.from(JSON.stringify(value), 'utf8'), { level: 1 }));
    await fs.promises.rename(tmp, file);
  } catch {
    // A sidecar that cannot be written is only a slower next start.
  }
}

export async function readSidecar(dir: string, key: string, name: string): Promise<unknown> {
  try {
    return JSON.parse((await gunzip(await fs.promises.readFile(path.join(dir, `${key}.${name}.json.gz`)))).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
