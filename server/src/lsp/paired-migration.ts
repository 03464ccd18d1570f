/**
 * `migrationGuard/createPairedMigration`: the next version and the file names of a new up/down
 * pair, as a WorkspaceEdit that creates both (never overwriting). The client applies it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CreateFile } from 'vscode-languageserver';
import type { FileHost } from '../engine/host';
import { nextVersion, readMigrationDirectory } from '../engine/migrations/directory';
import { golangMigrate, slugifyTitle } from '../engine/migrations/golang-migrate';
import type { CreatePairedMigrationParams, CreatePairedMigrationResult } from '../../../shared/src/protocol';
import { pathToUri, uriOrPathToPath } from './uri';

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
): CreatePairedMigrationResult {
  const directory = typeof params?.directory === 'string' ? uriOrPathToPath(params.directory) : undefined;
  if (!directory) return { ok: false, message: 'Choose a folder on disk to create the migration in.' };
  if (!isDirectory(directory)) return { ok: false, message: `${directory} is not a folder.` };
  const rawTitle = typeof params?.title === 'string' ? params.title : '';
  const title = slugifyTitle(rawTitle);
  if (title === '') {
    return {
      ok: false,
      message: rawTitle.trim() === '' ? 'The migration needs a title.' : `The title "${rawTitle}" has no letters or digits to name a file with.`,
    };
  }

  const dir = readMigrationDirectory(directory, host, golangMigrate);
  const version = nextVersion(dir, now);
  const names = golangMigrate.pairFileNames(version, title);
  const upPath = path.join(directory, names.up);
  const downPath = path.join(directory, names.down);
  for (const p of [upPath, downPath]) {
    if (host.exists(p)) return { ok: false, message: `${path.basename(p)} already exists in ${directory}; nothing was created.` };
  }
  const versionNumber = BigInt(version);
  const taken = dir.migrations.find((m) => m.versionNumber === versionNumber);
  if (taken) return { ok: false, message: `Version ${version} is already used by ${taken.fileName}; nothing was created.` };

  const upUri = pathToUri(upPath);
  const downUri = pathToUri(downPath);
  const create = (uri: string): CreateFile => ({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
  return { ok: true, upUri, downUri, edit: { documentChanges: [create(upUri), create(downUri)] } };
}
