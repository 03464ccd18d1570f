/** `file:` URIs ⇄ file system paths, in one place. Other schemes (untitled:, git:) have no path. */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Recent conversions: every keystroke converts its document's URI several times (URL parsing is not cheap). */
const recent = new Map<string, string | undefined>();
const RECENT_LIMIT = 256;

export function uriToPath(uri: string): string | undefined {
  if (typeof uri !== 'string' || !/^file:/i.test(uri)) return undefined;
  if (recent.has(uri)) return recent.get(uri);
  let result: string | undefined;
  try {
    result = path.resolve(fileURLToPath(uri));
  } catch {
    result = undefined;
  }
  if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  recent.set(uri, result);
  return result;
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
