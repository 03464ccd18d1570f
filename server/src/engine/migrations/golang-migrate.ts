/**
 * golang-migrate: `{version}_{title}.{up|down}.{ext}` (source/parse.go). The version is parsed as a
 * uint64, so `1` and `001` are the same version. Files whose names do not match are skipped
 * silently by the tool, so we say which name they should have.
 */
import * as path from 'node:path';
import { wholeFile, type Convention, type InvalidName, type MigrationFile } from './convention';
import { GOLANG_MIGRATE_PATTERN, slugifyTitle } from '../../../../shared/src/naming';

export { GOLANG_MIGRATE_PATTERN, slugifyTitle };


export const MAX_UINT64 = 18446744073709551615n;

/** Separators people put where golang-migrate wants `_` or `.`. */
const SEPARATORS = /^[-_.\s]+/;
/** A direction word at the end of a name, after a separator or alone. */
const TRAILING_DIRECTION = /(?:^|[-_.\s]+)(up|down)$/i;
/** Flyway: `V1__init.sql` (versioned), `U1__init.sql` (undo). */
const FLYWAY = /^([VU])([0-9]+)__(.+)$/i;

export const golangMigrate: Convention = {
  id: 'golang-migrate',
  displayName: 'golang-migrate',
  nameTemplate: '{version}_{title}.up.sql / {version}_{title}.down.sql',
  layout: 'pair',
  uniqueVersions: true,
  rollbackWithoutDown: 'no-op',
  defaultScheme: { kind: 'sequence', width: 6 },
  directoryOf: (filePath) => path.dirname(filePath),

  parse(filePath: string): MigrationFile | undefined {
    const fileName = path.basename(filePath);
    const m = GOLANG_MIGRATE_PATTERN.exec(fileName);
    if (!m) return undefined;
    const [, version, title, direction, ext] = m as unknown as [string, string, string, 'up' | 'down', string];
    const versionNumber = BigInt(version);
    // golang-migrate parses the version as a uint64 and skips the file when that fails.
    if (versionNumber > MAX_UINT64) return undefined;
    return { path: filePath, dir: path.dirname(filePath), fileName, version, versionNumber, title, direction, ext };
  },

  diagnoseName(fileName: string): InvalidName | undefined {
    if (!/\.sql$/i.test(fileName)) return undefined;
    const valid = GOLANG_MIGRATE_PATTERN.exec(fileName);
    if (valid) {
      if (BigInt(valid[1]!) > MAX_UINT64) return { fileName, reason: `its version ${valid[1]} does not fit in 64 bits` };
      return undefined;
    }
    const ext = fileName.slice(fileName.length - 3);
    const stem = fileName.slice(0, fileName.length - 4);

    const lead = /^([0-9]+)(.*)$/s.exec(stem);
    if (!lead) {
      const flyway = FLYWAY.exec(stem);
      if (flyway) {
        const direction = flyway[1]!.toUpperCase() === 'U' ? 'down' : 'up';
        return {
          fileName,
          suggestion: `${flyway[2]}_${flyway[3]}.${direction}.${ext}`,
          reason: 'it is named the Flyway way; golang-migrate needs the version first',
        };
      }
      return { fileName, reason: 'its name does not start with a numeric version' };
    }

    const version = lead[1]!;
    const rest = lead[2]!;
    const body = rest.replace(SEPARATORS, '');
    const dir = TRAILING_DIRECTION.exec(body);
    const title = dir ? body.slice(0, dir.index) : body;
    const direction = dir ? (dir[1]!.toLowerCase() as 'up' | 'down') : 'up';
    const suggestion = `${version}_${title}.${direction}.${ext}`;

    let reason: string;
    if (!rest.startsWith('_')) reason = 'the version must be followed by `_`';
    else if (!dir) reason = 'its name has no `.up.` or `.down.` before the extension';
    else if (dir[1] !== direction) reason = `the direction must be lower case: \`.${direction}.\``;
    else reason = `the direction must be written \`.${direction}.\`, between dots`;
    const out: InvalidName = { fileName, suggestion, reason };
    if (!dir) out.directionGuessed = true;
    return out;
  },

  counterpartPath(file: MigrationFile): string {
    const other = file.direction === 'up' ? 'down' : 'up';
    return path.join(file.dir, `${file.version}_${file.title}.${other}.${file.ext}`);
  },

  describeCounterpart(file: MigrationFile): string {
    return `\`${path.basename(golangMigrate.counterpartPath(file))}\``;
  },

  pairFileNames(version: string, title: string): { up: string; down: string } {
    return { up: `${version}_${title}.up.sql`, down: `${version}_${title}.down.sql` };
  },

  newMigration(version: string, title: string) {
    const names = golangMigrate.pairFileNames(version, title);
    return { files: [{ fileName: names.up, text: '' }, { fileName: names.down, text: '' }], ...names };
  },

  // The PostgreSQL driver sends the whole file as one query: one implicit transaction.
  sections: (file, text) => wholeFile(file, text, true),
};

