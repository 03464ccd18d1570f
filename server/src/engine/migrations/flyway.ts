/**
 * Flyway: versioned `V<version>__<description>.sql`, undo `U<version>__<description>.sql`,
 * repeatable `R__<description>.sql` (no version, no undo; rerun when changed). Versions are parts
 * separated by `.` or `_` (`1`, `1.2.3`, `1_2`), compared part by part. Flyway runs each migration in
 * a transaction on PostgreSQL, and ignores files named otherwise (unless `validateMigrationNaming`).
 * Without an undo migration, `flyway undo` fails.
 */
import * as path from 'node:path';
import { wholeFile, type Convention, type InvalidName, type MigrationFile } from './convention';
import { slugifyTitle } from './golang-migrate';

export const FLYWAY_PATTERN = /^([VU])([0-9]+(?:[._][0-9]+)*)__(.+)\.sql$/;
export const FLYWAY_REPEATABLE = /^R__(.+)\.sql$/;

export const flyway: Convention = {
  id: 'flyway',
  displayName: 'Flyway',
  nameTemplate: 'V{version}__{description}.sql / U{version}__{description}.sql',
  layout: 'pair',
  uniqueVersions: true,
  rollbackWithoutDown: 'error',
  defaultScheme: { kind: 'sequence', width: 1 },
  directoryOf: (filePath) => path.dirname(filePath),

  parse(filePath: string): MigrationFile | undefined {
    const fileName = path.basename(filePath);
    const m = FLYWAY_PATTERN.exec(fileName);
    if (!m) return undefined;
    const version = m[2]!;
    const versionParts = version.split(/[._]/).map((p) => BigInt(p));
    const file: MigrationFile = {
      path: filePath,
      dir: path.dirname(filePath),
      fileName,
      version,
      versionNumber: versionParts[0]!,
      title: m[3]!,
      direction: m[1] === 'U' ? 'down' : 'up',
      ext: 'sql',
    };
    if (versionParts.length > 1) file.versionParts = versionParts;
    return file;
  },

  diagnoseName(fileName: string): InvalidName | undefined {
    if (!/\.sql$/i.test(fileName) || fileName.includes('/')) return undefined;
    if (FLYWAY_PATTERN.test(fileName) || FLYWAY_REPEATABLE.test(fileName)) return undefined;
    const stem = fileName.slice(0, -4);
    const ext = fileName.slice(-3);
    // `v1__x.sql`, `V1_x.sql`, `V1-x.sql`: prefix case or separator.
    const near = /^([VvUu])([0-9]+(?:[._][0-9]+)*?)(?:__|[-_.\s]+)(.+)$/.exec(stem);
    if (near) {
      const prefix = near[1]!.toUpperCase();
      const suggestion = `${prefix}${near[2]}__${near[3]}.sql`;
      const reason = near[1] !== prefix ? `the prefix must be an upper-case \`${prefix}\`` : 'the version must be followed by two underscores `__`';
      return FLYWAY_PATTERN.test(suggestion) ? { fileName, suggestion, reason } : { fileName, reason };
    }
    if (/^[Rr](?:_|-|$)/.test(stem) && ext === 'sql') {
      const desc = stem.replace(/^[Rr][-_]*/, '');
      if (desc !== '') return { fileName, suggestion: `R__${desc}.sql`, reason: 'a repeatable migration is named `R__{description}.sql`' };
    }
    // golang-migrate style: `1_init.up.sql` → `V1__init.sql` / `U1__init.sql`.
    const lead = /^([0-9]+)[-_.\s]*(.*?)(?:[-_.](up|down))?$/i.exec(stem);
    if (lead) {
      const direction = lead[3]?.toLowerCase();
      const title = slugifyTitle(lead[2]!) || 'migration';
      const out: InvalidName = {
        fileName,
        suggestion: `${direction === 'down' ? 'U' : 'V'}${lead[1]}__${title}.sql`,
        reason: 'Flyway needs a `V` (or `U` for undo) before the version and `__` after it',
      };
      if (!direction) out.directionGuessed = true;
      return out;
    }
    return { fileName, reason: 'its name does not start with `V{version}__`, `U{version}__` or `R__`' };
  },

  counterpartPath(file: MigrationFile): string {
    return path.join(file.dir, `${file.direction === 'up' ? 'U' : 'V'}${file.version}__${file.title}.sql`);
  },

  describeCounterpart(file: MigrationFile): string {
    return `\`${path.basename(flyway.counterpartPath(file))}\``;
  },

  pairFileNames(version: string, title: string) {
    return { up: `V${version}__${title}.sql`, down: `U${version}__${title}.sql` };
  },

  newMigration(version: string, title: string) {
    const names = flyway.pairFileNames(version, title);
    return { files: [{ fileName: names.up, text: '' }, { fileName: names.down, text: '' }], ...names };
  },

  sections: (file, text) => wholeFile(file, text, true),
};
