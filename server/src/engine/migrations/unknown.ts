/**
 * The stand-in for a folder whose tool is not recognised: it holds `.sql` files, and no supported
 * convention would run them as they are named (a runner of the project's own, a tool we do not
 * know). Nothing is judged by another tool's rules there: the convention is `unknownTool`, and the
 * rules that belong to a tool (file names, pairs, versions, the tool's transaction) say nothing.
 *
 * What almost every runner does is still assumed, so that the schema model and the direction of a
 * file are known: files run in name order (a leading number compared as a number), a name ending in
 * `up`/`down` after `.`, `_` or `-` is that direction of the migration named by the rest, any other
 * `.sql` file is an up migration.
 */
import * as path from 'node:path';
import { wholeFile, type Convention, type Direction, type MigrationFile } from './convention';
import { golangMigrate } from './golang-migrate';

const DIRECTION = /^(.*?)([._-])(up|down)$/i;

export const unknownTool: Convention = {
  id: 'unknown',
  displayName: 'an unrecognised tool',
  nameTemplate: '(unknown)',
  layout: 'pair',
  uniqueVersions: false,
  rollbackWithoutDown: 'no-op',
  unknownTool: true,
  defaultScheme: { kind: 'sequence', width: 6 },
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
    const versionNumber = lead ? BigInt(lead[1]!) : 0n;
    return {
      path: filePath,
      dir: path.dirname(filePath),
      fileName,
      version: key,
      versionNumber,
      versionKey: key,
      title: key.replace(/^[0-9]+[-_.\s]*/, ''),
      direction,
      ext: 'sql',
    };
  },

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
    return `\`${path.basename(unknownTool.counterpartPath(file))}\``;
  },

  pairFileNames: (version, title) => golangMigrate.pairFileNames(version, title),
  newMigration: (version, title) => golangMigrate.newMigration(version, title),
  sections: (file, text) => wholeFile(file, text, true),
};
