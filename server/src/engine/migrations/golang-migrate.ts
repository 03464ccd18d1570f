/**
 * golang-migrate: `{version}_{title}.{up|down}.{ext}` (source/parse.go). Files whose names do not
 * match are skipped silently by the tool, so we say which name they should have.
 */
import * as path from 'node:path';
import type { Convention, InvalidName, MigrationFile } from './convention';

export const GOLANG_MIGRATE_PATTERN = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/;

export const golangMigrate: Convention = {
  id: 'golang-migrate',
  displayName: 'golang-migrate',

  parse(filePath: string): MigrationFile | undefined {
    const fileName = path.basename(filePath);
    const m = GOLANG_MIGRATE_PATTERN.exec(fileName);
    if (!m) return undefined;
    const [, version, title, direction, ext] = m as unknown as [string, string, string, 'up' | 'down', string];
    let versionNumber: bigint;
    try {
      versionNumber = BigInt(version);
    } catch {
      return undefined;
    }
    // golang-migrate parses the version as a uint64.
    if (versionNumber > 18446744073709551615n) return undefined;
    return { path: filePath, dir: path.dirname(filePath), fileName, version, versionNumber, title, direction, ext };
  },

  diagnoseName(fileName: string): InvalidName | undefined {
    if (!/\.sql$/i.test(fileName)) return undefined;
    if (GOLANG_MIGRATE_PATTERN.test(fileName)) return undefined;
    const stem = fileName.replace(/\.sql$/i, '');
    const ext = fileName.slice(stem.length + 1);
    // A leading version, then a separator, then the rest.
    const lead = /^([0-9]+)(?:[-_.\s]+(.*))?$/.exec(stem);
    if (!lead) {
      // Flyway-style V1__name, or no version at all.
      const flyway = /^[VvUu]([0-9]+)__(.+)$/.exec(stem);
      if (flyway) {
        const direction = /^[Uu]/.test(stem) ? 'down' : 'up';
        return {
          fileName,
          suggestion: `${flyway[1]}_${flyway[2]}.${direction}.${ext.toLowerCase()}`,
          reason: 'it has no numeric version at the start of its name',
        };
      }
      return { fileName, reason: 'it has no numeric version at the start of its name' };
    }
    const version = lead[1]!;
    let rest = lead[2] ?? '';
    // Find a direction word anywhere at the end of the name, in any case, with any separator.
    const dir = /(?:^|[-_.\s])(up|down)$/i.exec(rest) ?? /^(up|down)$/i.exec(rest);
    if (!dir) {
      return {
        fileName,
        reason: 'its name has no `.up.` or `.down.` before the extension',
      };
    }
    const direction = dir[1]!.toLowerCase();
    rest = rest.slice(0, rest.length - dir[0].length);
    const title = rest.replace(/^[-_.\s]+/, '').replace(/[-.\s]+/g, '_');
    const suggestion = `${version}_${title}.${direction}.${ext.toLowerCase()}`;
    let reason: string;
    if (/^[0-9]+-/.test(stem)) reason = 'the version must be followed by `_`';
    else if (dir[1] !== direction) reason = `the direction must be lower case \`.${direction}.\``;
    else if (title === '') reason = `its name has no \`_<title>\` part before \`.${direction}.\``;
    else reason = `the direction must be written \`.${direction}.\` before the extension`;
    return { fileName, suggestion, reason };
  },

  counterpartPath(file: MigrationFile): string {
    const other = file.direction === 'up' ? 'down' : 'up';
    return path.join(file.dir, `${file.version}_${file.title}.${other}.${file.ext}`);
  },

  pairFileNames(version: string, title: string): { up: string; down: string } {
    return { up: `${version}_${title}.up.sql`, down: `${version}_${title}.down.sql` };
  },
};

/** Turns a free-form title into a file-name-safe one: `Add users email!` → `add_users_email`. */
export function slugifyTitle(title: string): string {
  return title
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}
