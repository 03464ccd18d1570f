/**
 * Which convention a directory follows, from its file names and, for the single-file conventions,
 * the first annotation in its files. `.migration-guard.json` may name one instead (`conventionById`).
 */
import * as path from 'node:path';
import { memoized, type FileHost } from '../host';
import type { Convention, ConventionId } from './convention';
import { dbmate, dbmateAnnotation } from './dbmate';
import { flyway, FLYWAY_PATTERN, FLYWAY_REPEATABLE } from './flyway';
import { folderPerMigration, MIGRATION_FOLDER } from './folder-per-migration';
import { GOLANG_MIGRATE_PATTERN, golangMigrate } from './golang-migrate';
import { goose, gooseAnnotation } from './goose';
import { linesOf, type Annotation } from './single-file';
import { sqlMigrate, sqlMigrateAnnotation } from './sql-migrate';

export const CONVENTIONS: readonly Convention[] = [golangMigrate, goose, dbmate, sqlMigrate, flyway, folderPerMigration];
export const CONVENTION_IDS: readonly ConventionId[] = CONVENTIONS.map((c) => c.id);

/** The convention with this id (`golang-migrate`, `goose`, `dbmate`, `sql-migrate`, `flyway`, `folder-per-migration`). */
export function conventionById(id: string): Convention | undefined {
  return CONVENTIONS.find((c) => c.id === id);
}

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
 * the earlier convention of CONVENTIONS.
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
  for (const name of host.readDir(dir)) {
    if (!/\.sql$/i.test(name)) continue;
    if (GOLANG_MIGRATE_PATTERN.test(name)) add(golangMigrate, 1);
    else if (FLYWAY_PATTERN.test(name) || FLYWAY_REPEATABLE.test(name)) add(flyway, 1);
    else others.push(name);
  }
  if (host.listDirs) {
    add(folderPerMigration, host.listDirs(dir).filter((sub) => MIGRATION_FOLDER.test(sub) && isMigrationFolder(path.join(dir, sub), host)).length);
  }
  if (others.length > 0) {
    // The first and the last files: old and new habits of the directory.
    const sample = others.length <= SAMPLE ? others : [...others.slice(0, SAMPLE / 2), ...others.slice(-SAMPLE / 2)];
    const weight = others.length / sample.length;
    for (const name of sample) {
      const text = host.readFile(path.join(dir, name));
      const found = text === undefined ? undefined : annotationConvention(text);
      if (found) add(found, weight);
    }
  }
  let best: Convention | undefined;
  for (const c of CONVENTIONS) if ((scores.get(c) ?? 0) > (best ? scores.get(best)! : 0)) best = c;
  return best;
}

/** The convention of a file: the configured one, else its directory's, else golang-migrate. */
export function conventionFor(filePath: string, host: FileHost, convention?: Convention): Convention {
  return convention ?? detectConvention(path.dirname(filePath), host) ?? golangMigrate;
}
