/**
 * gobuffalo/pop (`soda migrate`) and ory/popx (pop's migrator as Ory's projects use it):
 * `{version}_{name}[.{dialect}][.autocommit].{up|down}.{sql|fizz}`.
 *
 * - The dialect part names the database a file is for: `postgres` (also `postgresql`, `pg`, `pgx`),
 *   `cockroach` (`cockroachdb`, `crdb`), `mysql` (`mariadb`), `sqlite3` (`sqlite`). Without one, the
 *   file is for every database; for a version and direction that also has a file of the running
 *   database's dialect, that file runs instead. Only PostgreSQL's files and those for every
 *   database are checked here as PostgreSQL; the others are left alone. An unknown dialect makes
 *   the tool skip the file.
 * - Versions are compared as text by the tools; popx projects use 20 digits (a 14-digit timestamp
 *   and a 6-digit sequence), more than golang-migrate's 64 bits hold.
 * - `.sql` files are Go templates, rendered before they run (see parsing/templates.ts); `.fizz`
 *   files are pop's own migration language and are not SQL.
 * - Each migration runs in a transaction; popx's `.autocommit.` files run outside one (the file is
 *   sent as one query). popx refuses to load a folder in which an up migration has no down.
 */
import * as path from 'node:path';
import { wholeFile, type Convention, type Direction, type InvalidName, type MigrationFile } from './convention';
import { slugifyTitle } from './golang-migrate';

/** `{version}_{name}[.{dialect}][.autocommit].{up|down}.{sql|fizz}` (names hold no dot). */
export const POP_PATTERN = /^([0-9]+)_([^.]+)(?:\.([a-z0-9]+))?(\.autocommit)?\.(up|down)\.(sql|fizz)$/;

const DIALECTS: Record<string, string> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  pg: 'postgres',
  pgx: 'postgres',
  cockroach: 'cockroach',
  cockroachdb: 'cockroach',
  crdb: 'cockroach',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite3: 'sqlite3',
  sqlite: 'sqlite3',
};

/** The canonical dialect of a dialect part, or undefined when the tools do not know it. */
export function canonicalDialect(part: string): string | undefined {
  return DIALECTS[part.toLowerCase()];
}

/** Whether a file name has a part that only pop and popx give names (a dialect, `.autocommit.`, `.fizz`). */
export function popDistinctive(fileName: string): boolean {
  const m = POP_PATTERN.exec(fileName);
  if (!m) return false;
  return m[6] === 'fizz' || m[4] !== undefined || (m[3] !== undefined && (m[3] === 'autocommit' || canonicalDialect(m[3]) !== undefined));
}

/** Whether a file name is popx's own (`.autocommit.`, or a version longer than pop's 14-digit timestamps). */
export function popxDistinctive(fileName: string): boolean {
  const m = POP_PATTERN.exec(fileName);
  return !!m && (m[4] !== undefined || m[3] === 'autocommit' || m[1]!.length > 14);
}

interface PopParse {
  version: string;
  name: string;
  dialect: string | undefined;
  /** The dialect part as written, unknown ones included. */
  dialectPart: string | undefined;
  autocommit: boolean;
  direction: Direction;
  ext: string;
}

function popParse(fileName: string, autocommitAllowed: boolean): PopParse | undefined {
  const m = POP_PATTERN.exec(fileName);
  if (!m) return undefined;
  let dialectPart = m[3];
  let autocommit = m[4] !== undefined;
  // `x.autocommit.up.sql`: the flag, not a dialect.
  if (dialectPart === 'autocommit' && !autocommit) {
    dialectPart = undefined;
    autocommit = true;
  }
  if (autocommit && !autocommitAllowed) return undefined;
  const dialect = dialectPart === undefined ? undefined : canonicalDialect(dialectPart);
  if (dialectPart !== undefined && dialect === undefined) return undefined;
  // A fizz migration is for every database.
  if (m[6] === 'fizz' && dialect !== undefined) return undefined;
  return { version: m[1]!, name: m[2]!, dialect, dialectPart, autocommit, direction: m[5] as Direction, ext: m[6]! };
}

function makePop(id: 'pop' | 'popx'): Convention {
  const popx = id === 'popx';
  const self: Convention = {
    id,
    displayName: popx ? 'popx' : 'pop',
    nameTemplate: popx
      ? '{version}_{name}[.postgres][.autocommit].up.sql / {version}_{name}[.postgres][.autocommit].down.sql'
      : '{version}_{name}[.postgres].up.sql / {version}_{name}[.postgres].down.sql',
    layout: 'pair',
    uniqueVersions: true,
    duplicateVersions: 'fail',
    rollbackWithoutDown: 'error',
    ...(popx ? { requiresDown: true } : {}),
    defaultScheme: { kind: 'timestamp' },
    directoryOf: (filePath) => path.dirname(filePath),

    parse(filePath: string): MigrationFile | undefined {
      const fileName = path.basename(filePath);
      const p = popParse(fileName, popx);
      if (!p) return undefined;
      const file: MigrationFile = {
        path: filePath,
        dir: path.dirname(filePath),
        fileName,
        version: p.version,
        versionNumber: BigInt(p.version),
        // The tools compare versions as text: `01` and `1` are two versions.
        versionKey: p.version,
        title: p.name,
        direction: p.direction,
        ext: p.ext,
      };
      if (p.dialect !== undefined) file.dialect = p.dialect;
      if (p.autocommit) file.autocommit = true;
      return file;
    },

    diagnoseName(fileName: string): InvalidName | undefined {
      if (!/\.sql$/i.test(fileName) || fileName.includes('/')) return undefined;
      const m = POP_PATTERN.exec(fileName);
      if (m) {
        if (m[4] !== undefined || m[3] === 'autocommit') {
          if (!popx) return { fileName, reason: 'pop has no `.autocommit.` files (popx has)' };
          return undefined;
        }
        if (m[3] !== undefined && canonicalDialect(m[3]) === undefined) return { fileName, reason: `\`${m[3]}\` is not a dialect ${self.displayName} knows` };
        return undefined;
      }
      const stem = fileName.slice(0, -4);
      const lead = /^([0-9]+)[-_.\s]*(.*?)(?:[-_.\s](up|down))?$/i.exec(stem);
      if (!lead) return { fileName, reason: 'its name does not start with a numeric version' };
      const direction = lead[3]?.toLowerCase();
      // Keep a dialect part the name already has (`1_a.postgres_up.sql`).
      const body = lead[2]!;
      const dot = /^(.*?)\.([a-z0-9]+)$/i.exec(body);
      const dialectPart = dot && canonicalDialect(dot[2]!) ? `.${dot[2]!.toLowerCase()}` : '';
      const title = slugifyTitle(dialectPart ? dot![1]! : body) || 'migration';
      const out: InvalidName = {
        fileName,
        suggestion: `${lead[1]}_${title}${dialectPart}.${direction ?? 'up'}.sql`,
        reason: direction ? 'the direction must be written `.up.` or `.down.`, in lower case, between dots' : 'its name has no `.up.` or `.down.` before the extension',
      };
      if (!direction) out.directionGuessed = true;
      return out;
    },

    counterpartPath(file: MigrationFile): string {
      const other = file.direction === 'up' ? 'down' : 'up';
      return path.join(file.dir, file.fileName.replace(/\.(up|down)\.(sql|fizz)$/, `.${other}.$2`));
    },

    counterpartIn(file, directory) {
      const same = file.direction === 'up' ? directory.downs(file) : directory.ups(file);
      return same[0]?.path;
    },

    describeCounterpart(file: MigrationFile): string {
      return `\`${path.basename(self.counterpartPath(file))}\``;
    },

    pairFileNames(version: string, title: string) {
      return { up: `${version}_${title}.up.sql`, down: `${version}_${title}.down.sql` };
    },

    newMigration(version: string, title: string) {
      const names = self.pairFileNames(version, title);
      return { files: [{ fileName: names.up, text: '' }, { fileName: names.down, text: '' }], ...names };
    },

    sections: (file, text) => wholeFile(file, text, file.autocommit !== true),
  };
  return self;
}

export const pop: Convention = makePop('pop');
export const popx: Convention = makePop('popx');

/** Whether a file of this dialect runs on PostgreSQL (its own files and those for every database). */
export function forPostgres(dialect: string | undefined): boolean {
  return dialect === undefined || dialect === 'postgres';
}
