/**
 * `migrationGuard/createPairedMigration`: the next version and the file names of a new migration
 * in the directory's convention, as a WorkspaceEdit that creates them (never overwriting). The
 * client applies it (with `preview`, it only shows the names while the title is typed).
 * golang-migrate and Flyway: two files; folder-per-migration: a folder with `up.sql` and `down.sql`;
 * goose, dbmate, sql-migrate: one file holding both sections. The version is never one any file of
 * the folder already starts with, nor below one (`0157.up.sql` counts, whatever tool named it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CreateFile, TextDocumentEdit } from 'vscode-languageserver';
import type { FileHost } from '../engine/host';
import { sameVersion, type Convention } from '../engine/migrations/convention';
import { chooseConvention } from '../engine/migrations/detect';
import { planNextVersion, readMigrationDirectory } from '../engine/migrations/directory';
import { slugifyTitle } from '../engine/migrations/golang-migrate';
import type { CreatePairedMigrationParams, CreatePairedMigrationResult } from '../../../shared/src/protocol';
import { pathToUri, uriOrPathToPath } from './uri';

/**
 * File names are limited to 255 bytes on common file systems: the title keeps to this many bytes
 * (UTF-8) so that the version and the suffix fit, and the client can create what it is offered.
 */
export const MAX_TITLE_BYTES = 100;

/** The title cut to MAX_TITLE_BYTES at a character boundary, without a trailing underscore. */
function capTitle(title: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of title) {
    bytes += Buffer.byteLength(ch, 'utf8');
    if (bytes > MAX_TITLE_BYTES) break;
    out += ch;
  }
  return out.replace(/_+$/, '');
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function createPairedMigration(
  params: Partial<CreatePairedMigrationParams> | null | undefined,
  host: FileHost,
  now: Date = new Date(),
  /** The configured convention (`.migration-guard.json`); detected from the directory when absent. */
  configured?: Convention,
): CreatePairedMigrationResult {
  const directory = typeof params?.directory === 'string' ? uriOrPathToPath(params.directory) : undefined;
  if (!directory) return { ok: false, message: 'Choose a folder on disk to create the migration in.' };
  if (!isDirectory(directory)) return { ok: false, message: `${directory} is not a folder.` };
  const rawTitle = typeof params?.title === 'string' ? params.title : '';
  const title = capTitle(slugifyTitle(rawTitle));
  if (title === '') {
    return {
      ok: false,
      message: rawTitle.trim() === '' ? 'The migration needs a title.' : `The title "${rawTitle}" has no letters or digits to name a file with.`,
    };
  }

  // The configured convention, else the folder's (an unrecognised tool's stand-in for names no supported
  // tool accepts), else golang-migrate for a folder without migrations yet.
  const convention = chooseConvention(path.join(directory, 'new.sql'), host, configured).convention;
  // From inside a migration's folder (folder-per-migration), the migrations directory is its parent.
  const root = convention.nested ? convention.directoryOf(path.join(directory, 'up.sql')) : directory;
  const dir = readMigrationDirectory(root, host, convention);
  const next = planNextVersion(dir, now);
  if (!next.ok) return { ok: false, message: `${next.message} Nothing was created.` };
  const version = next.version;
  const created = convention.newMigration(version, title);
  const paths = created.files.map((f) => path.join(root, f.fileName));
  for (const p of paths) {
    if (host.exists(p)) return { ok: false, message: `${path.relative(root, p)} already exists in ${root}; nothing was created.` };
  }
  const probe = convention.parse(path.join(root, created.up));
  const taken = convention.uniqueVersions && probe ? dir.migrations.find((m) => sameVersion(m, probe)) : undefined;
  if (taken) return { ok: false, message: `Version ${version} is already used by ${taken.fileName}; nothing was created.` };

  const upUri = pathToUri(path.join(root, created.up));
  const downUri = pathToUri(path.join(root, created.down));
  const changes: (CreateFile | TextDocumentEdit)[] = [];
  created.files.forEach((f, i) => {
    const uri = pathToUri(paths[i]!);
    changes.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
    if (f.text !== '') {
      changes.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: f.text }] });
    }
  });
  const names = created.files.map((f) => f.fileName);
  return { ok: true, upUri, downUri, edit: { documentChanges: changes }, names, version, convention: convention.displayName };
}
