/**
 * The stand-in for a folder whose tool Migration Guard does not recognise: it holds `.sql` files,
 * and no supported convention would run them as they are named: title-less names (`0157.up.sql`:
 * golang-migrate needs `<version>_<title>`), several migrations of one number, numbered files that
 * golang-migrate would skip, a runner of the project's own. Such a folder evidently has a tool that
 * accepts these names, so nothing is judged by another tool's rules: the rules that belong to a tool
 * (file names, versions held twice, orphan downs, the tool's transaction) say nothing, messages do
 * not name a tool, and the editor and the CLI say that the tool is not recognised.
 *
 * What almost every runner does is still assumed, so that the schema model and the direction of a
 * file are known: files run in name order (a leading number compared as a number, then the rest of
 * the name), a name ending in `up`/`down` after `.`, `_` or `-` is that direction of the migration
 * named by the rest (up and down pair by that name), any other `.sql` file is an up migration.
 */
import * as path from 'node:path';
import { wholeFile, type Convention, type Direction, type MigrationFile } from './convention';

const DIRECTION = /^(.*?)([._-])(up|down)$/i;
/** A name golang-migrate would skip for want of a title: `0157.up.sql`. */
export const TITLELESS = /^([0-9]+)\.(up|down)\.sql$/;

export const unrecognised: Convention = {
  id: 'unrecognised',
  displayName: 'an unrecognised tool',
  nameTemplate: '{version}_{title}.up.sql / .down.sql',
  layout: 'pair',
  uniqueVersions: false,
  rollbackWithoutDown: 'unknown',
  unknownTool: true,
  defaultScheme: { kind: 'sequence', width: 4 },
  directoryOf: (filePath) => path.dirname(filePath),

  parse(filePath: string): MigrationFile | undefined {
    const fileName = path.basename(filePath);
    if (!/\.sql$/i.test(fileName)) return undefined;
    const stem = fileName.slice(0, -4);
    // `up.sql` / `down.sql` alone belong to a migration folder (folder-per-migration).
    if (/^(up|down)$/i.test(stem) || stem === '') return undefined;
    const d = DIRECTION.exec(stem);
    const key = d && d[1] !== '' ? d[1]! : stem;
    const direction: Direction = d && d[1] !== '' ? (d[3]!.toLowerCase() as Direction) : 'up';
    const lead = /^([0-9]+)/.exec(key);
    return {
      path: filePath,
      dir: path.dirname(filePath),
      fileName,
      version: lead ? lead[1]! : key,
      versionNumber: lead ? BigInt(lead[1]!) : 0n,
      versionKey: key,
      title: key.replace(/^[0-9]+[-_.\s]*/, ''),
      direction,
      ext: 'sql',
    };
  },

  // Which names the tool skips is unknown: none is reported.
  diagnoseName: () => undefined,

  counterpartPath(file: MigrationFile): string {
    const stem = file.fileName.slice(0, -4);
    const d = DIRECTION.exec(stem);
    if (d && d[1] !== '') {
      const other = d[3] === d[3]!.toUpperCase() ? (file.direction === 'up' ? 'DOWN' : 'UP') : file.direction === 'up' ? 'down' : 'up';
      return path.join(file.dir, `${d[1]}${d[2]}${other}${file.fileName.slice(-4)}`);
    }
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

  // Whether the tool wraps a file in a transaction is unknown; the transaction rules stay silent
  // (unknownTool), and generated SQL assumes the safer case, a transaction.
  sections: (file, text) => wholeFile(file, text, true),
};

/**
 * How many versions of a folder have title-less up/down names (`0157.up.sql`), which no supported
 * tool loads. From TITLELESS_THRESHOLD on they are the folder's habit, not a slip: the folder is an
 * unrecognised tool's. (One or two such files in a golang-migrate folder are misnamed, and reported.)
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
