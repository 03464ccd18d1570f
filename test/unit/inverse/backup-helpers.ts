/** Shared by the backup unit tests and the round-trip suite. */
import * as path from 'node:path';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { planBackupCopy, type FileEdit } from '../../../server/src/engine/actions/backup';

const DIR = path.resolve('/virtual/migrations');
const p = (name: string): string => path.join(DIR, name);
export const BACKUP_INIT = `CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id), title text);
CREATE TABLE logs (message text);
`;

export function planFor(files: Record<string, string>, file: string, offset: number) {
  const host = new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [p(n), t])));
  return planBackupCopy({ filePath: p(file), text: files[file]!, host, offset });
}

/** Each file's text after the plan's edits. */
export function applied(files: Record<string, string>, edits: FileEdit[]): Record<string, string> {
  const out = { ...files };
  for (const [name, text] of Object.entries(files)) {
    const mine = edits.filter((e) => e.path === p(name)).sort((a, b) => b.span.start - a.span.start);
    out[name] = mine.reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
  }
  return out;
}

