/** `file:` URIs ⇄ file system paths, in one place. Other schemes (untitled:, git:) have no path. */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function uriToPath(uri: string): string | undefined {
  if (typeof uri !== 'string' || !/^file:/i.test(uri)) return undefined;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(filePath: string): string {
  return pathToFileURL(filePath).href;
}

/** A folder given as a `file:` URI or as a plain path (commands accept both). */
export function uriOrPathToPath(value: string): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^file:/i.test(value)) return uriToPath(value);
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(value)) return undefined; // another scheme
  return path.resolve(value);
}
