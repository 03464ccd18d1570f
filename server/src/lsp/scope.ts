/** Which documents Migration Guard checks: those matching `migrationGlobs`, or in a migrations directory. */
import * as path from 'node:path';
import type { FileHost } from '../engine/host';
import { detectConvention } from '../engine/migrations/detect';
import { readMigrationDirectory } from '../engine/migrations/directory';
import { golangMigrate } from '../engine/migrations/golang-migrate';
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
  const convention = detectConvention(path.dirname(filePath), host) ?? golangMigrate;
  return readMigrationDirectory(convention.directoryOf(filePath), host, convention).isMigrationDirectory;
}
