/** Which documents Migration Guard checks: those matching `migrationGlobs`, or in a migrations directory. */
import * as path from 'node:path';
import type { FileHost } from '../engine/host';
import { readMigrationDirectory } from '../engine/migrations/directory';
import type { MigrationGuardSettings } from '../../../shared/src/settings';
import { matchesGlob } from './glob';

export function isMigrationDocument(
  filePath: string,
  settings: MigrationGuardSettings,
  workspaceRoots: readonly string[],
  host: FileHost,
): boolean {
  if (!/\.sql$/i.test(filePath)) return false;
  if (settings.migrationGlobs.some((g) => matchesGlob(filePath, g, workspaceRoots))) return true;
  return readMigrationDirectory(path.dirname(filePath), host).isMigrationDirectory;
}
