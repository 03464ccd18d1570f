/**
 * A migration *convention* says how a tool names and pairs its files. Rules and inverses only
 * see `MigrationFile`s, so a new convention (goose, dbmate, sql-migrate, Flyway,
 * folder-per-migration) is a new `Convention`, not a change to any rule.
 */

export type Direction = 'up' | 'down';

export interface MigrationFile {
  /** Absolute path. */
  path: string;
  /** The directory the convention groups migrations by. */
  dir: string;
  /** The file name (last path segment). */
  fileName: string;
  /** The version exactly as written (keeps zero padding). */
  version: string;
  /** The version as a number, for ordering. */
  versionNumber: bigint;
  title: string;
  direction: Direction;
  /** Extension after the direction, e.g. `sql`. */
  ext: string;
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

/** How a directory numbers its migrations: a zero-padded sequence or a timestamp. */
export type VersionScheme = { kind: 'sequence'; width: number } | { kind: 'timestamp' };

export interface Convention {
  id: string;
  /** The tool's name as users know it; rules put it in their messages. */
  displayName: string;
  /** How the tool names a migration pair, for messages: `{version}_{title}.up.sql` / `.down.sql`. */
  nameTemplate: string;
  /** Parses a file name; undefined when the convention does not recognise it as a migration. */
  parse(path: string): MigrationFile | undefined;
  /**
   * For a `.sql` file that `parse` rejected in a migrations directory: why the tool would skip it and
   * the name it should have. Undefined when the file is plainly not a migration (e.g. `schema.sql`
   * is still reported, with no suggestion).
   */
  diagnoseName(fileName: string): InvalidName | undefined;
  /** The path of the counterpart (up ⇄ down) of a migration file. */
  counterpartPath(file: MigrationFile): string;
  /** File names for a new migration pair. */
  pairFileNames(version: string, title: string): { up: string; down: string };
}
