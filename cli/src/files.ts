/** Which files `check` reads: the paths given, directories walked for *.sql. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeReadError } from './check';

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** As shown in the output: relative to the working directory when inside it. */
  display: string;
}

export type CollectResult = { ok: true; files: InputFile[] } | { ok: false; message: string };

/** Directory names never walked into. Dot-directories (.git, .venv, ...) are skipped as well. */
const SKIPPED_DIRS = new Set(['node_modules']);

export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}


/**
 * The files to check, sorted within each directory, each once. Explicit files are taken whatever
 * their extension; directories contribute their `.sql` files (any case). A path that does not exist
 * or cannot be read is an error; symbolic links to directories are not followed (no cycles).
 */
export function collectFiles(paths: readonly string[], cwd: string): CollectResult {
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (abs: string): void => {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ path: abs, display: displayPath(cwd, abs) });
  };
  const walk = (dir: string): string | undefined => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      return `cannot read ${displayPath(cwd, dir)}: ${describeReadError(e)}`;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || SKIPPED_DIRS.has(e.name)) continue;
        const err = walk(full);
        if (err) return err;
      } else if (/\.sql$/i.test(e.name)) {
        if (e.isFile()) add(full);
        else if (e.isSymbolicLink()) {
          try {
            if (fs.statSync(full).isFile()) add(full);
          } catch {
            // A dangling link is not an input the user named; skip it.
          }
        }
      }
    }
    return undefined;
  };
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (e) {
      return { ok: false, message: `cannot read ${p}: ${describeReadError(e)}` };
    }
    if (stat.isDirectory()) {
      const err = walk(abs);
      if (err) return { ok: false, message: err };
    } else add(abs);
  }
  return { ok: true, files: out };
}
