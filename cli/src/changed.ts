/**
 * Which checked files `--changed-since` reports: a file that changed, and every file of a migration
 * (same directory, same version) of which one file changed, so a changed down still reports what
 * the consistency rules say on its up. Only those files are analysed (`migrationKeys` in check.ts
 * keys every file from its name and folder); the others still feed the schema model.
 */
import type { Analysis } from '../../server/src/engine/analyze';
import { versionIdentity } from '../../server/src/engine/migrations/convention';
import type { ChangedSet } from './git';

/**
 * `directory\0version` for a migration file; undefined for a file that is not one. The version is
 * the convention's whole identity (every part of Flyway's `1.2.3`, `1.2` = `1.2.0`; pop's `01` ≠ `1`).
 */
export function migrationKey(analysis: Pick<Analysis, 'migration' | 'directory'>): string | undefined {
  const m = analysis.migration;
  return m ? `${analysis.directory.dir}\0${versionIdentity(m)}` : undefined;
}

/** The files to report, given each checked file's migration key. */
export function filesToReport(keys: ReadonlyMap<string, string | undefined>, changed: ChangedSet): Set<string> {
  const changedKeys = new Set<string>();
  for (const [file, key] of keys) if (key !== undefined && changed.has(file)) changedKeys.add(key);
  const out = new Set<string>();
  for (const [file, key] of keys) if (changed.has(file) || (key !== undefined && changedKeys.has(key))) out.add(file);
  return out;
}
