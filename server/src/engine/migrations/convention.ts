/**
 * A migration *convention* says how a tool names and pairs its files. Rules and inverses only
 * see `MigrationFile`s and `MigrationSection`s, so a new convention (goose, dbmate, sql-migrate,
 * Flyway, folder-per-migration) is a new `Convention`, not a change to any rule.
 *
 * Two layouts exist:
 * - `pair`: one file per direction (golang-migrate `.up.sql`/`.down.sql`, Flyway `V`/`U`,
 *   folder-per-migration `up.sql`/`down.sql`); a file is one whole-file section.
 * - `single`: one file holds an up section and (optionally) a down section, separated by
 *   annotation comments (goose, dbmate, sql-migrate). Such a file's `direction` is `up`.
 */
import type { Span } from '../text';

export type Direction = 'up' | 'down';

export interface MigrationFile {
  /** Absolute path. */
  path: string;
  /** The directory the convention groups migrations by. */
  dir: string;
  /**
   * The file's path relative to `dir`: its name, or `<folder>/up.sql` for folder-per-migration.
   */
  fileName: string;
  /** The version exactly as written (keeps zero padding). */
  version: string;
  /**
   * The version as a number, for ordering. For Flyway's dotted versions (`1.2.3`) it is the first
   * part; `versionParts` holds them all.
   */
  versionNumber: bigint;
  /** Every part of a dotted version (Flyway); absent means `[versionNumber]`. */
  versionParts?: bigint[];
  /**
   * What identifies the version beyond its number, when two files of one number are two different
   * migrations: the whole version string for tools that compare versions as text (pop, popx), the
   * name without its direction for an unrecognised tool. Files pair and compare equal only when
   * their keys are equal too.
   */
  versionKey?: string;
  /**
   * The database the file is written for, when the name says (pop/popx `.postgres.`, `.mysql.`,
   * `.sqlite3.`, `.cockroach.`: canonical names); absent means every database. Only PostgreSQL's
   * files and the files for every database are checked as PostgreSQL.
   */
  dialect?: string;
  /** popx `.autocommit.`: the tool runs the file outside a transaction. */
  autocommit?: boolean;
  title: string;
  /** `up` for a single-file migration (it holds the up section, maybe a down section too). */
  direction: Direction;
  /** Extension after the direction, e.g. `sql`. */
  ext: string;
}

/** One direction's SQL inside a migration file. */
export interface MigrationSection {
  direction: Direction;
  /** UTF-16 offsets of the section's SQL (after its annotation line, up to the next section). */
  span: Span;
  /**
   * Whether the tool runs this section inside a transaction: false for goose `NO TRANSACTION`,
   * dbmate `transaction:false`, sql-migrate `notransaction`; true for golang-migrate (one
   * multi-statement query = one implicit transaction).
   */
  transactional: boolean;
}

export interface InvalidName {
  fileName: string;
  /** The name the convention expects, when one can be derived. */
  suggestion?: string;
  /** Why the tool would skip this file. */
  reason: string;
  /**
   * True when the name says nothing about the direction and `suggestion` guessed one (up); the
   * directory may know better from the file's siblings.
   */
  directionGuessed?: boolean;
}

/**
 * How a directory numbers its migrations: a zero-padded sequence or a timestamp
 * (`YYYYMMDDhhmmss`, or diesel's `YYYY-MM-DD-HHMMSS` when `dashed`).
 */
export type VersionScheme = { kind: 'sequence'; width: number } | { kind: 'timestamp'; dashed?: boolean };

/** A file to create for a new migration: its path relative to the migrations directory, and its text. */
export interface NewFile {
  fileName: string;
  text: string;
}

export interface NewMigration {
  files: NewFile[];
  /** Relative paths of the file holding the up and the down (the same file for single-file conventions). */
  up: string;
  down: string;
}

export type ConventionId = 'golang-migrate' | 'goose' | 'dbmate' | 'sql-migrate' | 'flyway' | 'folder-per-migration' | 'pop' | 'popx' | 'unrecognised';

/**
 * How a folder's convention was chosen: named in `.migration-guard.json` (`configured`), recognised
 * from its files (`detected`), golang-migrate for a folder without any `.sql` file yet (`assumed`),
 * or none: the folder holds `.sql` files that no supported tool would run as they are named
 * (`unknown`). In an `unknown` folder the file rules that belong to a tool (pairing, versions, file
 * names, the tool's transaction) stay silent.
 */
export type ConventionState = 'configured' | 'detected' | 'assumed' | 'unknown';

export interface Convention {
  id: ConventionId;
  /** The tool's name as users know it; rules put it in their messages. */
  displayName: string;
  /** How the tool names a migration, for messages: `{version}_{title}.up.sql / {version}_{title}.down.sql`. */
  nameTemplate: string;
  layout: 'pair' | 'single';
  /** Migrations live one folder down (`<version>_<name>/up.sql`): the directory lists its sub-folders. */
  nested?: boolean;
  /** Whether two migrations may not share a version (sql-migrate keys migrations by file name). */
  uniqueVersions: boolean;
  /**
   * What rolling back a migration without a down does: nothing but record the version, or fail;
   * `unknown` when the tool is not one Migration Guard knows (messages then claim nothing about it).
   */
  rollbackWithoutDown: 'no-op' | 'error' | 'unknown';
  /** popx refuses to load a folder in which an up migration has no down. */
  requiresDown?: boolean;
  /**
   * What two migrations of one version do: the tool refuses to load the directory (`refuse`, the
   * default), or applies one and fails on the other, whose version is already recorded (`fail`).
   */
  duplicateVersions?: 'refuse' | 'fail';
  /**
   * True for the stand-in of a folder whose tool is not recognised (see ConventionState): rules
   * that judge names, pairs, versions or the tool's transaction say nothing there.
   */
  unknownTool?: boolean;
  /** Parses a file path; undefined when the convention does not recognise it as a migration. */
  parse(path: string): MigrationFile | undefined;
  /** The migrations directory a file path belongs to (the folder's parent for folder-per-migration). */
  directoryOf(filePath: string): string;
  /**
   * For a `.sql` file that `parse` rejected in a migrations directory (path relative to it): why
   * the tool would skip it and the name it should have. Undefined when the file is not a migration
   * the tool would load and is fine as it is.
   */
  diagnoseName(fileName: string): InvalidName | undefined;
  /**
   * The path of the counterpart (up ⇄ down) of a migration file; the file itself for single-file
   * conventions (the down is a section of the same file).
   */
  counterpartPath(file: MigrationFile): string;
  /**
   * The counterpart a directory really holds, when it can be another name than `counterpartPath`
   * (pop: a `.postgres.up.sql` whose down is for every database, `.down.sql`).
   */
  counterpartIn?(file: MigrationFile, directory: { downs(m: MigrationFile): MigrationFile[]; ups(m: MigrationFile): MigrationFile[] }): string | undefined;
  /** The counterpart as messages name it: a file name in backticks, or "a `-- +goose Down` section". */
  describeCounterpart(file: MigrationFile, direction: Direction): string;
  /** File names (relative to the directory) for a new migration pair; `up === down` for single-file. */
  pairFileNames(version: string, title: string): { up: string; down: string };
  /** The files (with their text) of a new, empty migration. */
  newMigration(version: string, title: string, eol?: string): NewMigration;
  /** The sections of a migration file's text. */
  sections(file: MigrationFile, text: string): MigrationSection[];
  /** The scheme for a new directory, and whether the tool always writes timestamps. */
  defaultScheme: VersionScheme;
  /** dbmate always names new migrations with a timestamp, whatever the directory holds. */
  alwaysTimestamp?: boolean;
  /**
   * Single-file conventions: the text that adds a down section holding `downSql` to a file whose
   * text is `text` (appended after the up section), and where it goes.
   */
  downSectionEdit?(text: string, downSql: string, eol: string): { offset: number; newText: string };
  /** Single-file conventions: SQL as a section needs it (StatementBegin/End around `$$` bodies). */
  formatSectionSql?(sql: string, eol: string): string;
}

/** The section holding an offset (its start for a statement), or undefined outside every section. */
export function sectionAt(sections: readonly MigrationSection[], offset: number): MigrationSection | undefined {
  return sections.find((s) => offset >= s.span.start && offset <= s.span.end);
}

/** The direction of the section holding an offset, or undefined outside every section. */
export function directionAt(sections: readonly MigrationSection[], offset: number): Direction | undefined {
  return sectionAt(sections, offset)?.direction;
}

/** The whole file as one section (pair layouts). */
export function wholeFile(file: MigrationFile, text: string, transactional = true): MigrationSection[] {
  return [{ direction: file.direction, span: { start: 0, end: text.length }, transactional }];
}

/** Version parts of a migration, for comparisons (`[versionNumber]` unless dotted). */
export function versionPartsOf(m: MigrationFile): bigint[] {
  return m.versionParts ?? [m.versionNumber];
}

/**
 * Compares two versions part by part; missing trailing parts count as 0 (`1` = `1.0`); equal
 * numbers with different `versionKey`s compare as their keys.
 */
export function compareVersions(a: MigrationFile, b: MigrationFile): number {
  // Most conventions have one number per version: compared without building part lists.
  if (a.versionParts === undefined && b.versionParts === undefined) {
    if (a.versionNumber !== b.versionNumber) return a.versionNumber < b.versionNumber ? -1 : 1;
  } else {
    const c = compareParts(versionPartsOf(a), versionPartsOf(b));
    if (c !== 0) return c;
  }
  const ka = a.versionKey;
  const kb = b.versionKey;
  if (ka !== kb && ka !== undefined && kb !== undefined) return ka < kb ? -1 : 1;
  return 0;
}

function compareParts(pa: readonly bigint[], pb: readonly bigint[]): number {
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0n;
    const y = pb[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * A string that is equal for two files exactly when `sameVersion` says so: every part of the
 * version without trailing zeros (`1.2` for Flyway's `1.2.0`), and the version key when there is one.
 */
export function versionIdentity(m: MigrationFile): string {
  const parts = [...versionPartsOf(m)];
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  return m.versionKey !== undefined ? `${parts.join('.')}\0${m.versionKey}` : parts.join('.');
}

export function sameVersion(a: MigrationFile, b: MigrationFile): boolean {
  return compareVersions(a, b) === 0;
}

/**
 * A version as written in `.migration-guard.json` (`"baseline"`) or on the command line, as the
 * parts `compareVersions` compares: `000042` → [42], `20240101120000` → [20240101120000], diesel's
 * `2024-01-01-120000` → its digits, Flyway's `1.2.3` (or `1_2_3`) → [1, 2, 3]. Undefined when it is
 * not a version.
 */
export function parseVersion(text: string): bigint[] | undefined {
  const v = text.trim();
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}$/.test(v)) return [BigInt(v.replace(/-/g, ''))];
  if (/^[0-9]+(?:[._][0-9]+)*$/.test(v)) return v.split(/[._]/).map((p) => BigInt(p));
  return undefined;
}

/**
 * Whether a migration is at or below a baseline version: history already applied everywhere, which
 * feeds the schema model but is not judged statement by statement. Only the version's numeric parts
 * count (migrations of one number told apart by their key are all at a baseline of that number).
 */
export function atOrBelowBaseline(m: MigrationFile, baseline: readonly bigint[] | undefined): boolean {
  if (!baseline) return false;
  const parts = versionPartsOf(m);
  for (let i = 0; i < Math.max(parts.length, baseline.length); i++) {
    const x = parts[i] ?? 0n;
    const y = baseline[i] ?? 0n;
    if (x !== y) return x < y;
  }
  return true;
}
