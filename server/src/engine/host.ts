/**
 * The engine reads the file system only through this interface, so the language server can
 * overlay the editor's unsaved documents and tests can use an in-memory tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * `path.resolve(p)`, without its cost for an absolute, normalized path (the common case: paths the
 * engine built), which it returns as it is. On Windows a path with `/` is resolved (to `\`).
 */
export function keyOf(p: string): string {
  return path.isAbsolute(p) && !/[\\/]\.\.?(?:[\\/]|$)|[\\/]{2}|[\\/]$/.test(p) && (path.sep === '/' || !p.includes('/')) ? p : path.resolve(p);
}

export interface FileHost {
  /** File names (not paths) in a directory, or [] when it cannot be read. */
  readDir(dir: string): string[];
  /** The text of a file, or undefined when it does not exist or cannot be read. */
  readFile(filePath: string): string | undefined;
  exists(filePath: string): boolean;
  /** Names of the sub-directories of a directory, or [] (folder-per-migration layouts need it). */
  listDirs?(dir: string): string[];
  /**
   * Derived data (directory readings, detected conventions) kept for as long as this host's view of
   * the files cannot change: the CLI's one run. Absent where files change under it (the editor).
   */
  memo?: Map<string, unknown>;
}

/** `compute()` once per key for hosts with a memo; every time for the others. */
export function memoized<T>(host: FileHost, key: string, compute: () => T): T {
  if (!host.memo) return compute();
  if (host.memo.has(key)) return host.memo.get(key) as T;
  const value = compute();
  host.memo.set(key, value);
  return value;
}

export class NodeFileHost implements FileHost {
  readDir(dir: string): string[] {
    try {
      return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
    } catch {
      return [];
    }
  }

  readFile(filePath: string): string | undefined {
    try {
      return fs.readFileSync(filePath, 'utf8');
    } catch {
      return undefined;
    }
  }

  exists(filePath: string): boolean {
    return fs.existsSync(filePath);
  }

  listDirs(dir: string): string[] {
    try {
      return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
  }
}

/** A host whose open documents take precedence over the disk. */
export class OverlayFileHost implements FileHost {
  private readonly overlay = new Map<string, string>();

  constructor(private readonly base: FileHost = new NodeFileHost()) {}

  set(filePath: string, text: string): void {
    this.overlay.set(path.resolve(filePath), text);
  }

  /** Whether a document's text is held for this path. */
  has(filePath: string): boolean {
    return this.overlay.has(path.resolve(filePath));
  }

  delete(filePath: string): void {
    this.overlay.delete(path.resolve(filePath));
  }

  readDir(dir: string): string[] {
    const names = new Set(this.base.readDir(dir));
    const resolved = path.resolve(dir);
    for (const p of this.overlay.keys()) if (path.dirname(p) === resolved) names.add(path.basename(p));
    return [...names].sort();
  }

  readFile(filePath: string): string | undefined {
    return this.overlay.get(path.resolve(filePath)) ?? this.base.readFile(filePath);
  }

  exists(filePath: string): boolean {
    return this.overlay.has(path.resolve(filePath)) || this.base.exists(filePath);
  }

  listDirs(dir: string): string[] {
    const names = new Set(this.base.listDirs?.(dir) ?? []);
    const resolved = path.resolve(dir);
    for (const p of this.overlay.keys()) {
      const parent = path.dirname(p);
      if (path.dirname(parent) === resolved) names.add(path.basename(parent));
    }
    return [...names].sort();
  }
}

/** An in-memory tree for tests: `{ '/m/1_a.up.sql': 'CREATE TABLE a();' }`. */
export class MemoryFileHost implements FileHost {
  private readonly files = new Map<string, string>();

  constructor(files: Record<string, string> = {}) {
    for (const [p, t] of Object.entries(files)) this.files.set(path.resolve(p), t);
  }

  write(filePath: string, text: string): void {
    this.files.set(path.resolve(filePath), text);
  }

  readDir(dir: string): string[] {
    const resolved = path.resolve(dir);
    return [...this.files.keys()].filter((p) => path.dirname(p) === resolved).map((p) => path.basename(p)).sort();
  }

  readFile(filePath: string): string | undefined {
    return this.files.get(path.resolve(filePath));
  }

  exists(filePath: string): boolean {
    return this.files.has(path.resolve(filePath));
  }

  listDirs(dir: string): string[] {
    const resolved = path.resolve(dir);
    const names = new Set<string>();
    for (const p of this.files.keys()) {
      const rel = path.relative(resolved, p);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
      const parts = rel.split(path.sep);
      if (parts.length > 1) names.add(parts[0]!);
    }
    return [...names].sort();
  }
}
