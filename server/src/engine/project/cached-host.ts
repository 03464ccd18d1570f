/**
 * The file system as a workspace sees it: every directory listing and file text read once, then
 * kept until the front end says it changed (`changed`, `listingChanged`). Nothing is re-read or
 * hashed to find out whether it changed: the language server hears of every change (document
 * edits, file watcher events) and the CLI sees one state of the files per run.
 */
import * as path from 'node:path';
import { keyOf, type FileHost } from '../host';

export class CachedHost implements FileHost {
  private readonly texts = new Map<string, string | undefined>();
  private readonly dirs = new Map<string, string[]>();
  private readonly subdirs = new Map<string, string[]>();
  /** Directory readings and detected conventions (see `memoized`); dropped when a listing changes. */
  readonly memo = new Map<string, unknown>();
  /** Texts given by the caller (the document being analysed), in front of the base host. */
  private readonly overrides = new Map<string, string>();
  /** How many times the base host was read (tests prove that a keystroke reads nothing). */
  readonly reads = { files: 0, dirs: 0 };

  constructor(readonly base: FileHost) {}

  readDir(dir: string): string[] {
    const key = keyOf(dir);
    let names = this.dirs.get(key);
    if (!names) {
      this.reads.dirs++;
      names = this.base.readDir(key);
      this.dirs.set(key, names);
    }
    return names;
  }

  listDirs(dir: string): string[] {
    const key = keyOf(dir);
    let names = this.subdirs.get(key);
    if (!names) {
      this.reads.dirs++;
      names = this.base.listDirs?.(key) ?? [];
      this.subdirs.set(key, names);
    }
    return names;
  }

  readFile(filePath: string): string | undefined {
    const key = keyOf(filePath);
    const given = this.overrides.get(key);
    if (given !== undefined) return given;
    if (this.texts.has(key)) return this.texts.get(key);
    this.reads.files++;
    const text = this.base.readFile(key);
    this.texts.set(key, text);
    return text;
  }

  exists(filePath: string): boolean {
    const key = keyOf(filePath);
    if (this.overrides.has(key)) return true;
    if (this.texts.has(key)) return this.texts.get(key) !== undefined;
    const dir = path.dirname(key);
    if (this.dirs.has(dir)) return this.dirs.get(dir)!.includes(path.basename(key)) || this.base.exists(key);
    return this.base.exists(key);
  }

  /** The text of a file as the caller has it (an editor's unsaved document, the file being checked). */
  setText(filePath: string, text: string): void {
    this.overrides.set(keyOf(filePath), text);
  }

  /** The file's text may have changed: read it again next time. */
  changed(filePath: string): void {
    const key = keyOf(filePath);
    this.overrides.delete(key);
    this.texts.delete(key);
  }

  /**
   * Files appeared or disappeared in a directory: its listing, its parent's list of sub-folders
   * (folder-per-migration) and every directory reading and detection are read again.
   */
  listingChanged(dir: string): void {
    const key = keyOf(dir);
    this.dirs.delete(key);
    this.subdirs.delete(key);
    this.subdirs.delete(path.dirname(key));
    this.dirs.delete(path.dirname(key));
    this.memo.clear();
  }

  /** Forgets everything (settings or configuration changed, or the caller cannot say what changed). */
  clear(): void {
    this.texts.clear();
    this.dirs.clear();
    this.subdirs.clear();
    this.memo.clear();
    this.overrides.clear();
  }
}
