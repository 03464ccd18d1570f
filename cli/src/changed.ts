/**
 * Which checked files `--changed-since` reports: a file that changed, and every file of a migration
 * (same directory, same version) of which one file changed, so a changed down still reports what
 * the consistency rules say on its up. Everything is analysed first; this only filters the report.
 */
import type { Analysis } from '../../server/src/engine/analyze';
import type { ChangedSet } from './git';

/** `directory\0version` for a migration file; undefined for a file that is not one. */
export function migrationKey(analysis: Pick<Analysis, 'migration' | 'directory'>): string | undefined {
  const m = analysis.migration;
  return m ? `${analysis.directory.dir}\0${(m.versionParts ?? [m.versionNumber]).join('.')}` : undefined;
}

/** The files to report, given each checked file's migration key. */
export function filesToReport(keys: ReadonlyMap<string, string | undefined>, changed: ChangedSet): Set<string> {
  const changedKeys = new Set<string>();
  for (const [file, key] of keys) if (key !== undefined && changed.has(file)) changedKeys.add(key);
  const out = new Set<string>();
  for (const [file, key] of keys) if (changed.has(file) || (key !== undefined && changedKeys.has(key))) out.add(file);
  return out;
}
