/**
 * A folder whose migrations are named `<name>.up.sql` / `<name>.down.sql` in a way no supported tool
 * accepts: `0157.up.sql` (no title: golang-migrate needs `<version>_<title>`), several migrations of
 * one number (`0001_create_users.up.sql` beside `0001_create_teams.up.sql`, which golang-migrate
 * refuses to load). Such a folder belongs to a tool of its own (a project's migrator), which
 * evidently accepts these names: judging them by golang-migrate's rules would report every file.
 *
 * So: the up/down pairs are paired by name, ordered by their leading number and then by title,
 * replayed into the schema model like any other folder; the rules that know a tool's naming and
 * version rules (`invalid-migration-filename`, `duplicate-migration-version`) and its transaction
 * (the tool's is unknown) say nothing, and messages do not name a tool.
 */
import * as path from 'node:path';
import { wholeFile, type Convention, type MigrationFile } from './convention';

/** `<number>[<separator><title>].<up|down>.sql`; the number leads, the rest is free. */
const NAME = /^([0-9]+)(?:[-_.]?(.*?))?\.(up|down)\.sql$/;
/** A name golang-migrate would skip for want of a title: `0157.up.sql`. */
export const TITLELESS = /^([0-9]+)\.(up|down)\.sql$/;

/** How many characters of a title decide the order of migrations of one number. */
const RANKED = 48;

/** The title's place in name order, as a number (so that versions compare as numbers). */
function titleRank(title: string): bigint {
  let rank = 0n;
  for (let i = 0; i < RANKED; i++) rank = rank * 65536n + BigInt(i < title.length ? title.charCodeAt(i) : 0);
  return rank;
}

export const unrecognised: Convention = {
  id: 'unrecognised',
  displayName: 'an unrecognised tool',
  nameTemplate: '{version}.up.sql / {version}.down.sql',
  layout: 'pair',
  uniqueVersions: false,
  rollbackWithoutDown: 'unknown',
  recognised: false,
  defaultScheme: { kind: 'sequence', width: 4 },
  directoryOf: (filePath) => path.dirname(filePath),

  parse(filePath: string): MigrationFile | undefined {
    const fileName = path.basename(filePath);
    const m = NAME.exec(fileName);
    if (!m) return undefined;
    const version = m[1]!;
    const title = m[2] ?? '';
    return {
      path: filePath,
      dir: path.dirname(filePath),
      fileName,
      version,
      versionNumber: BigInt(version),
      versionTitleRank: titleRank(title),
      title,
      direction: m[3] as 'up' | 'down',
      ext: 'sql',
    };
  },

  // Which names the tool skips is unknown: none is reported.
  diagnoseName: () => undefined,

  counterpartPath(file: MigrationFile): string {
    const stem = file.fileName.slice(0, file.fileName.length - `.${file.direction}.sql`.length);
    return path.join(file.dir, `${stem}.${file.direction === 'up' ? 'down' : 'up'}.sql`);
  },

  describeCounterpart(file: MigrationFile): string {
    return `\`${path.basename(unrecognised.counterpartPath(file))}\``;
  },

  pairFileNames(version: string, title: string) {
    const stem = title === '' ? version : `${version}_${title}`;
    return { up: `${stem}.up.sql`, down: `${stem}.down.sql` };
  },

  newMigration(version: string, title: string) {
    const names = unrecognised.pairFileNames(version, title);
    return { files: [{ fileName: names.up, text: '' }, { fileName: names.down, text: '' }], ...names };
  },

  // Whether the tool wraps a file in a transaction is unknown: no transaction rule claims either.
  sections: (file, text) => wholeFile(file, text, false),
};

/**
 * Whether a folder's names are an unrecognised tool's: title-less up/down names (`0157.up.sql`) for
 * at least three versions, which no supported tool loads, so they are not a slip but the folder's
 * habit. (One or two such files in a golang-migrate folder are misnamed files, and reported.)
 */
export function titlelessVersions(names: readonly string[]): number {
  const versions = new Set<string>();
  for (const n of names) {
    const m = TITLELESS.exec(n);
    if (m) versions.add(BigInt(m[1]!).toString());
  }
  return versions.size;
}

export const TITLELESS_THRESHOLD = 3;
