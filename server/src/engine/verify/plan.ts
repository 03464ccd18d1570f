/**
 * What a verification runs, for every convention the engine knows: a directory's migrations in
 * version order, each with the steps of its up and of its down. A step is one file (golang-migrate,
 * Flyway, folder-per-migration) or the sections of one direction in a single file (goose, dbmate,
 * sql-migrate), with whether the tool runs it in a transaction. Names, pairing and sections come
 * from the directory's `Convention` (the one `.migration-guard.json` names, else the detected one),
 * never from a file-name pattern of our own.
 *
 * The SQL of a step is the file's text with everything outside its sections blanked (same length,
 * same line breaks), so PostgreSQL's error positions and our statement spans are offsets in the file.
 */
import * as path from 'node:path';
import type { FileHost } from '../host';
import { compareVersions, parseVersion, versionPartsOf, type Convention, type ConventionId, type Direction, type MigrationFile } from '../migrations/convention';
import { chooseConvention } from '../migrations/detect';
import { readMigrationDirectory, type MigrationDirectory } from '../migrations/directory';
import type { Span } from '../text';

export interface Step {
  file: MigrationFile;
  direction: Direction;
  /** The whole file. */
  text: string;
  /** The text PostgreSQL receives: the file with everything but this direction's sections blanked. */
  sql: string;
  /** From the start of the first section of this direction to the end of the last one. */
  span: Span;
  /**
   * Whether the tool runs the step in a transaction: a transactional step is sent as one query
   * (one implicit transaction); a non-transactional one (goose `NO TRANSACTION`, dbmate
   * `transaction:false`, sql-migrate `notransaction`) runs statement by statement.
   */
  transactional: boolean;
}

export interface PlannedMigration {
  /** The version as written (`000002`, `2019-02-26-002946`, `1.2`). */
  version: string;
  /** The first part of the version (golang-migrate records it in its table); compare with `versionParts`. */
  versionNumber: bigint;
  /** Every part of the version, as the convention orders it (`1.2.3` → [1, 2, 3]; `000002` → [2]). */
  versionParts: readonly bigint[];
  /** The convention's `versionKey` (tools that compare versions as text: pop's `01` is not `1`). */
  versionKey?: string;
  /** How people name it: the up file's name without the direction (`000002_add_price`, `20240101_x.sql`). */
  name: string;
  up: Step[];
  /** Empty when the migration has no down. */
  down: Step[];
  /** Every file of the migration (a single-file migration has one). */
  files: string[];
}

/** The table the tool keeps its versions in, created before the first migration as the tool does. */
export interface ToolTable {
  /** `public.schema_migrations` (as `format('%I.%I')` writes it). */
  name: string;
  ddl: string;
}

export interface VerifyPlan {
  directory: string;
  convention: Convention;
  migrations: PlannedMigration[];
  toolTable: ToolTable;
}

const TOOL_TABLES: Record<ConventionId, ToolTable> = {
  'golang-migrate': {
    name: 'public.schema_migrations',
    ddl: 'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)',
  },
  goose: {
    name: 'public.goose_db_version',
    ddl: 'CREATE TABLE IF NOT EXISTS goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now())',
  },
  dbmate: {
    name: 'public.schema_migrations',
    ddl: 'CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) PRIMARY KEY)',
  },
  'sql-migrate': {
    name: 'public.gorp_migrations',
    ddl: 'CREATE TABLE IF NOT EXISTS gorp_migrations (id text NOT NULL PRIMARY KEY, applied_at timestamptz NULL)',
  },
  flyway: {
    name: 'public.flyway_schema_history',
    ddl:
      'CREATE TABLE IF NOT EXISTS flyway_schema_history (installed_rank int NOT NULL PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, ' +
      'type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL, ' +
      'installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL)',
  },
  // gobuffalo/pop and ory/popx keep the versions they ran in `schema_migration`.
  pop: {
    name: 'public.schema_migration',
    ddl: 'CREATE TABLE IF NOT EXISTS schema_migration (version varchar(14) NOT NULL PRIMARY KEY)',
  },
  popx: {
    name: 'public.schema_migration',
    ddl: 'CREATE TABLE IF NOT EXISTS schema_migration (version varchar(48) NOT NULL PRIMARY KEY, version_self int NOT NULL DEFAULT 0)',
  },
  // A tool Migration Guard does not know: its own table is unknown, so a neutral one stands in.
  unrecognised: {
    name: 'public.__migration_guard_versions',
    ddl: 'CREATE TABLE IF NOT EXISTS __migration_guard_versions (version text PRIMARY KEY)',
  },
  'folder-per-migration': {
    name: 'public.__diesel_schema_migrations',
    ddl: 'CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version varchar(50) PRIMARY KEY NOT NULL, run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)',
  },
};

export function toolTableOf(convention: Convention): ToolTable {
  return TOOL_TABLES[convention.id];
}

/** Spaces for every UTF-16 unit except line breaks: offsets and lines stay where they were. */
function blank(s: string): string {
  return s.replace(/[^\r\n]/g, ' ');
}

/** The steps of one direction of a file: none when the file has no such section. */
export function stepsOf(convention: Convention, file: MigrationFile, text: string, direction: Direction): Step[] {
  const sections = convention.sections(file, text).filter((s) => s.direction === direction);
  if (sections.length === 0) return [];
  let sql = '';
  let at = 0;
  for (const s of sections) {
    sql += blank(text.slice(at, s.span.start)) + text.slice(s.span.start, s.span.end);
    at = s.span.end;
  }
  sql += blank(text.slice(at));
  return [
    {
      file,
      direction,
      text,
      sql,
      span: { start: sections[0]!.span.start, end: sections[sections.length - 1]!.span.end },
      transactional: sections.every((s) => s.transactional),
    },
  ];
}

/** The convention of a directory: the given one, else the detected one, else golang-migrate. */
export function conventionOf(directory: string, host: FileHost, convention?: Convention): Convention {
  // As `check` chooses: a folder of .sql files no supported tool runs is an unrecognised tool's.
  return chooseConvention(path.join(directory, 'x.sql'), host, convention).convention;
}

/**
 * The migrations directory a file belongs to and its convention, decided as `analyzeFile` decides:
 * the given convention (from `.migration-guard.json`), else the one detected in the file's folder,
 * else golang-migrate for a folder without `.sql` files, else the unrecognised tool's stand-in. Undefined when the convention does not recognise the file as a migration.
 */
export function migrationDirectoryOf(filePath: string, host: FileHost, convention?: Convention): { directory: string; convention: Convention } | undefined {
  const conv = chooseConvention(filePath, host, convention).convention;
  return conv.parse(filePath) ? { directory: conv.directoryOf(filePath), convention: conv } : undefined;
}

/**
 * The migrations of a directory in version order, with their steps. `read` gives a file's text
 * (undefined: unreadable, the file is left out). A version's several up files (some tools allow
 * it) run in file-name order, its down files in reverse order.
 */
export function planDirectory(directory: string, host: FileHost, convention?: Convention): VerifyPlan {
  const conv = conventionOf(directory, host, convention);
  const dir: MigrationDirectory = readMigrationDirectory(directory, host, conv);
  const groups: MigrationFile[][] = [];
  for (const m of dir.migrations) {
    const last = groups[groups.length - 1];
    // sql-migrate keys migrations by file name: each file is a migration of its own.
    const together = last && (conv.uniqueVersions || conv.layout === 'pair') && compareVersions(last[0]!, m) === 0;
    if (together) last.push(m);
    else groups.push([m]);
  }
  const migrations: PlannedMigration[] = [];
  for (const files of groups) {
    const texts = new Map<string, string>();
    for (const f of files) {
      const t = host.readFile(f.path);
      if (t !== undefined) texts.set(f.path, t);
    }
    const up: Step[] = [];
    const down: Step[] = [];
    for (const f of files) {
      const text = texts.get(f.path);
      if (text === undefined) continue;
      if (conv.layout === 'single') {
        up.push(...stepsOf(conv, f, text, 'up'));
        down.push(...stepsOf(conv, f, text, 'down'));
      } else if (f.direction === 'up') up.push(...stepsOf(conv, f, text, 'up'));
      else down.push(...stepsOf(conv, f, text, 'down'));
    }
    down.reverse();
    const first = files.find((f) => f.direction === 'up') ?? files[0]!;
    migrations.push({
      version: first.version,
      versionNumber: first.versionNumber,
      versionParts: Object.freeze(versionPartsOf(first)),
      ...(first.versionKey !== undefined ? { versionKey: first.versionKey } : {}),
      name: displayName(conv, first),
      up,
      down,
      files: files.map((f) => f.path),
    });
  }
  return { directory, convention: conv, migrations, toolTable: toolTableOf(conv) };
}

/** `000002_add_price` for `000002_add_price.up.sql`, `2019-02-26-002946_create_user` for diesel's `up.sql`. */
function displayName(convention: Convention, file: MigrationFile): string {
  if (convention.nested) return path.posix.dirname(file.fileName);
  if (convention.layout === 'single') return file.fileName.replace(/\.sql$/i, '');
  return file.fileName.replace(/\.(up|down)\.[^.]+$/i, '').replace(/\.sql$/i, '');
}

/**
 * Whether a version argument (`3`, `000003`, `1.2`, `1_2_0`, `2019-02-26-002946`) names this migration:
 * the version as written, or the same version by the convention's order (every part of a dotted
 * version, trailing zero parts aside as Flyway compares them: `1.2` = `1.2.0`, `1` ≠ `1.2`).
 */
export function matchesVersion(m: PlannedMigration, version: string | bigint): boolean {
  const wanted = typeof version === 'bigint' ? [version] : version.trim() === m.version ? undefined : parseVersion(version);
  if (typeof version === 'string' && wanted === undefined) return version.trim() === m.version;
  const trim = (parts: readonly bigint[]): string => {
    const p = [...parts];
    while (p.length > 1 && p[p.length - 1] === 0n) p.pop();
    return p.join('.');
  };
  return trim(wanted!) === trim(m.versionParts);
}

/**
 * The migrations a version argument names: those written exactly so when there are (pop's `01` and
 * `1` are two versions), else those of the same version by the convention's order.
 */
export function migrationsMatching(migrations: readonly PlannedMigration[], version: string | bigint): PlannedMigration[] {
  if (typeof version === 'string') {
    const exact = migrations.filter((m) => m.version === version.trim());
    if (exact.length > 0) return exact;
  }
  return migrations.filter((m) => matchesVersion(m, version));
}

/** The migration a file belongs to (either direction), if any. */
export function migrationOfFile(plan: VerifyPlan, filePath: string): PlannedMigration | undefined {
  const p = path.resolve(filePath);
  return plan.migrations.find((m) => m.files.some((f) => path.resolve(f) === p));
}
