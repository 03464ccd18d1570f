/** `check` without any output: read each file, analyse it. The CLI and the corpus run share this. */
import * as fs from 'node:fs';
import { analyzeFile, type Analysis } from '../../server/src/engine/analyze';
import type { EngineOptions } from '../../server/src/engine/config';
import { NodeFileHost, type FileHost } from '../../server/src/engine/host';
import type { Convention } from '../../server/src/engine/migrations/convention';
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
  const text = fs.readFileSync(filePath, 'utf8');
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

/**
 * Analyses the files one at a time, each with `options` (or `options(path)`: the project config
 * that applies to it) (the caller keeps what it needs, so memory stays flat).
 * Throws a FileReadError when a file cannot be read; the parser must be loaded.
 */
export function* checkFiles(
  files: readonly InputFile[],
  options: EngineOptions | ((filePath: string) => EngineOptions & { convention?: Convention }),
  host: FileHost = new RunFileHost(),
): Generator<FileResult> {
  for (const file of files) {
    let text: string;
    try {
      text = readSqlFile(file.path);
    } catch (e) {
      throw new FileReadError(file, e);
    }
    const fileOptions = typeof options === 'function' ? options(file.path) : options;
    yield { file, analysis: analyzeFile({ ...fileOptions, filePath: file.path, text, host }) };
  }
}
