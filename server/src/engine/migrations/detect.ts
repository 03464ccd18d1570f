/**
 * Which convention a directory follows, from its file names and, for the single-file conventions,
 * the first annotation in its files. `.migration-guard.json` may name one instead (`conventionById`).
 */
import * as path from 'node:path';
import { memoized, type FileHost } from '../host';
import type { Convention, ConventionId, ConventionState } from './convention';
import { dbmate, dbmateAnnotation } from './dbmate';
import { flyway, FLYWAY_PATTERN, FLYWAY_REPEATABLE } from './flyway';
import { folderPerMigration, MIGRATION_FOLDER } from './folder-per-migration';
import { GOLANG_MIGRATE_PATTERN, golangMigrate, MAX_UINT64 } from './golang-migrate';
import { goose, gooseAnnotation } from './goose';
import { linesOf, type Annotation } from './single-file';
import { pop, popDistinctive, popx, popxDistinctive, POP_PATTERN } from './pop';
import { sqlMigrate, sqlMigrateAnnotation } from './sql-migrate';
import { titlelessVersions, TITLELESS_THRESHOLD, unrecognised } from './unrecognised';

/** The conventions a project can name (`migrations.convention`) and detection can find. */
export const CONVENTIONS: readonly Convention[] = [golangMigrate, goose, dbmate, sqlMigrate, flyway, folderPerMigration, pop, popx];
export const CONVENTION_IDS: readonly ConventionId[] = CONVENTIONS.map((c) => c.id);

/** The convention with this id (`golang-migrate`, `goose`, `dbmate`, `sql-migrate`, `flyway`, `folder-per-migration`, `pop`, `popx`). */
export function conventionById(id: string): Convention | undefined {
  return CONVENTIONS.find((c) => c.id === id) ?? (id === unrecognised.id ? unrecognised : undefined);
}

/**
 * golang-migrate refuses to load a directory with two migrations of one version. A folder with this
 * many versions held twice is run by a tool that keys migrations by name, not by golang-migrate (a
 * golang-migrate project has one such clash at a time, right after a merge, and fixes it).
 */
const NOT_GOLANG_MIGRATE_DUPLICATES = 3;

/** How many files of a directory are read for their annotations, at most. */
const SAMPLE = 12;

const ANNOTATIONS: [Convention, (line: string) => Annotation | undefined][] = [
  [goose, gooseAnnotation],
  [dbmate, dbmateAnnotation],
  [sqlMigrate, sqlMigrateAnnotation],
];

/** The single-file convention whose annotation comes first in a text, if any. */
export function annotationConvention(text: string): Convention | undefined {
  for (const line of linesOf(text)) {
    if (!line.text.startsWith('--')) continue;
    for (const [convention, read] of ANNOTATIONS) if (read(line.text)) return convention;
  }
  return undefined;
}

function isMigrationFolder(dir: string, host: FileHost): boolean {
  return host.readDir(dir).some((n) => n === 'up.sql' || n === 'down.sql');
}

/**
 * The convention of a directory (the folder of a migration file), or undefined when nothing in it
 * says (callers fall back to golang-migrate). Counts file names each convention recognises, reads
 * the first annotation of up to 12 other numbered `.sql` files, and takes the majority; ties go to
 * the earlier convention of CONVENTIONS. A folder of up/down files named the way no supported tool
 * accepts (`0157.up.sql` for three versions or more) has no convention: chooseConvention gives it
 * the unrecognised tool's stand-in (unrecognised.ts).
 */
export function detectConvention(dir: string, host: FileHost): Convention | undefined {
  return memoized(host, `convention\0${dir}`, () => detectNow(dir, host));
}

function detectNow(dir: string, host: FileHost): Convention | undefined {
  // A folder of folder-per-migration itself (`2019-02-26-002946_create_user/up.sql`).
  if (MIGRATION_FOLDER.test(path.basename(dir)) && isMigrationFolder(dir, host)) return folderPerMigration;
  const scores = new Map<Convention, number>();
  const add = (c: Convention, n: number): void => {
    if (n > 0) scores.set(c, (scores.get(c) ?? 0) + n);
  };
  const others: string[] = [];
  const names = host.readDir(dir);
  // Title-less names for three versions or more: a tool that no supported convention is.
  if (titlelessVersions(names) >= TITLELESS_THRESHOLD) return undefined;
  // pop and popx: names with a dialect part, `.autocommit.` or `.fizz` (the rest of their names
  // golang-migrate accepts too).
  let popNames = 0;
  let popDistinct = 0;
  let popxDistinct = 0;
  // golang-migrate: versions held by two files of one direction.
  const golangVersions = new Map<string, number>();
  for (const name of names) {
    if (!POP_PATTERN.test(name)) continue;
    popNames++;
    if (popDistinctive(name)) popDistinct++;
    if (popxDistinctive(name)) popxDistinct++;
  }
  for (const name of names) {
    if (!/\.sql$/i.test(name)) continue;
    const golang = GOLANG_MIGRATE_PATTERN.exec(name);
    if (golang && BigInt(golang[1]!) <= MAX_UINT64) {
      add(golangMigrate, 1);
      const key = `${golang[3]}\0${BigInt(golang[1]!)}`;
      golangVersions.set(key, (golangVersions.get(key) ?? 0) + 1);
    } else if (FLYWAY_PATTERN.test(name) || FLYWAY_REPEATABLE.test(name)) add(flyway, 1);
    else if (!(popDistinct > 0 && POP_PATTERN.test(name))) others.push(name);
  }
  if (popDistinct > 0) add(popxDistinct > 0 ? popx : pop, popNames);
  const twice = new Set([...golangVersions].filter(([, n]) => n > 1).map(([k]) => k.slice(k.indexOf('\0') + 1)));
  if (twice.size >= NOT_GOLANG_MIGRATE_DUPLICATES) scores.delete(golangMigrate);
  if (host.listDirs) {
    add(folderPerMigration, host.listDirs(dir).filter((sub) => MIGRATION_FOLDER.test(sub) && isMigrationFolder(path.join(dir, sub), host)).length);
  }
  const annotated = new Set<string>();
  if (others.length > 0) {
    // The first and the last files: old and new habits of the directory.
    const sample = others.length <= SAMPLE ? others : [...others.slice(0, SAMPLE / 2), ...others.slice(-SAMPLE / 2)];
    const weight = others.length / sample.length;
    for (const name of sample) {
      const text = host.readFile(path.join(dir, name));
      const found = text === undefined ? undefined : annotationConvention(text);
      if (found) {
        add(found, weight);
        annotated.add(name);
      }
    }
  }
  let best: Convention | undefined;
  for (const c of CONVENTIONS) if ((scores.get(c) ?? 0) > (best ? scores.get(best)! : 0)) best = c;
  // pop's names are golang-migrate's too: with a name only pop gives, pop wins a tie.
  if (best === golangMigrate && popDistinct > 0 && (scores.get(popxDistinct > 0 ? popx : pop) ?? 0) >= scores.get(golangMigrate)!) best = popxDistinct > 0 ? popx : pop;
  if (!best) return undefined;
  // More numbered files that the best convention would not run than files it would: the folder is
  // some other tool's (a runner that reads every numbered `.sql` file, for instance).
  if (best.layout === 'pair' && !best.nested) {
    const numbered = others.filter((n) => /^[0-9]/.test(n) && !annotated.has(n)).length;
    if (numbered > scores.get(best)!) return undefined;
  }
  return best;
}

/** Whether a directory holds migrations of some kind: a `.sql` file, or a folder of one. */
function holdsSql(dir: string, host: FileHost): boolean {
  if (host.readDir(dir).some((n) => /\.sql$/i.test(n))) return true;
  return host.listDirs ? host.listDirs(dir).some((sub) => host.readDir(path.join(dir, sub)).some((n) => /\.sql$/i.test(n))) : false;
}

/** A folder's convention and how it was chosen (see ConventionState). */
export interface ConventionChoice {
  convention: Convention;
  state: ConventionState;
}

/**
 * The convention of the folder of a file: the configured one, else the one its files follow, else
 * golang-migrate for a folder without `.sql` files yet, else the unrecognised tool's stand-in (`unrecognised`).
 */
export function chooseConvention(filePath: string, host: FileHost, configured?: Convention): ConventionChoice {
  if (configured) return { convention: configured, state: 'configured' };
  const dir = path.dirname(path.resolve(filePath));
  return memoized(host, `choice\0${dir}`, (): ConventionChoice => {
    const found = detectConvention(dir, host);
    if (found) return { convention: found, state: 'detected' };
    return holdsSql(dir, host) ? { convention: unrecognised, state: 'unknown' } : { convention: golangMigrate, state: 'assumed' };
  });
}

/** The convention of a file: the configured one, else its directory's, else golang-migrate or the unknown tool (see chooseConvention). */
export function conventionFor(filePath: string, host: FileHost, convention?: Convention): Convention {
  return chooseConvention(filePath, host, convention).convention;
}
