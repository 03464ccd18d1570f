/**
 * Folder per migration (diesel, sourcegraph): `<version>_<name>/up.sql` and `down.sql` in a
 * migrations directory. diesel versions are `YYYY-MM-DD-HHMMSS` (or `00000000000000` for its
 * setup migration); the version is compared as its digits. diesel runs each migration in a
 * transaction, and cannot revert a migration without `down.sql`.
 */
import * as path from 'node:path';
import { wholeFile, type Convention, type Direction, type InvalidName, type MigrationFile } from './convention';
import { slugifyTitle } from './golang-migrate';

/** A migration folder's name: a version of digits (maybe dash-separated), `_`, a title. */
export const MIGRATION_FOLDER = /^([0-9]+(?:-[0-9]+)*)_(.+)$/;
const FILE = /^(up|down)\.sql$/;

function folderOf(filePath: string): string {
  return path.basename(path.dirname(filePath));
}

export const folderPerMigration: Convention = {
  id: 'folder-per-migration',
  displayName: 'folder-per-migration (diesel)',
  nameTemplate: '{version}_{title}/up.sql / {version}_{title}/down.sql',
  layout: 'pair',
  nested: true,
  uniqueVersions: true,
  rollbackWithoutDown: 'error',
  defaultScheme: { kind: 'timestamp', dashed: true },

  parse(filePath: string): MigrationFile | undefined {
    const base = path.basename(filePath);
    const f = FILE.exec(base);
    if (!f) return undefined;
    const folder = folderOf(filePath);
    const m = MIGRATION_FOLDER.exec(folder);
    if (!m) return undefined;
    const version = m[1]!;
    const dir = path.dirname(path.dirname(filePath));
    return {
      path: filePath,
      dir,
      fileName: `${folder}/${base}`,
      version,
      versionNumber: BigInt(version.replace(/-/g, '')),
      title: m[2]!,
      direction: f[1] as Direction,
      ext: 'sql',
    };
  },

  directoryOf(filePath: string): string {
    const parent = path.dirname(filePath);
    return MIGRATION_FOLDER.test(path.basename(parent)) ? path.dirname(parent) : parent;
  },

  diagnoseName(fileName: string): InvalidName | undefined {
    if (!/\.sql$/i.test(fileName)) return undefined;
    const slash = fileName.lastIndexOf('/');
    if (slash < 0) {
      const pair = /^([0-9]+)[-_.\s]*(.*?)[-_.](up|down)\.sql$/i.exec(fileName);
      if (pair) {
        return {
          fileName,
          suggestion: `${pair[1]}_${slugifyTitle(pair[2]!) || 'migration'}/${pair[3]!.toLowerCase()}.sql`,
          reason: 'each migration is a folder holding `up.sql` and `down.sql`',
        };
      }
      return { fileName, reason: 'each migration is a folder holding `up.sql` and `down.sql`' };
    }
    const folder = fileName.slice(0, slash);
    const base = fileName.slice(slash + 1);
    if (!MIGRATION_FOLDER.test(folder)) return { fileName, reason: 'its folder name does not start with a version followed by `_`' };
    if (FILE.test(base)) return undefined;
    const dir = /^(up|down)\.sql$/i.exec(base);
    if (dir) return { fileName, suggestion: `${folder}/${dir[1]!.toLowerCase()}.sql`, reason: 'the file must be named `up.sql` or `down.sql`, in lower case' };
    return { fileName, reason: 'only `up.sql` and `down.sql` of a migration folder are run' };
  },

  counterpartPath(file: MigrationFile): string {
    const folder = path.dirname(file.path);
    return path.join(folder, file.direction === 'up' ? 'down.sql' : 'up.sql');
  },

  describeCounterpart(file: MigrationFile): string {
    const folder = path.basename(path.dirname(file.path));
    return `\`${folder}/${file.direction === 'up' ? 'down' : 'up'}.sql\``;
  },

  pairFileNames(version: string, title: string) {
    return { up: `${version}_${title}/up.sql`, down: `${version}_${title}/down.sql` };
  },

  newMigration(version: string, title: string) {
    const names = folderPerMigration.pairFileNames(version, title);
    return { files: [{ fileName: names.up, text: '' }, { fileName: names.down, text: '' }], ...names };
  },

  sections: (file, text) => wholeFile(file, text, true),
};
