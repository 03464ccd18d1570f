/**
 * A migrations directory as the convention sees it: its migrations, pairing up ⇄ down by version,
 * the files the tool would skip, and how it numbers versions.
 */
import * as path from 'node:path';
import { memoized, type FileHost } from '../host';
import { compareVersions, sameVersion, type Convention, type InvalidName, type MigrationFile, type VersionScheme } from './convention';
import { golangMigrate } from './golang-migrate';

export interface MigrationDirectory {
  dir: string;
  convention: Convention;
  /** Every file the convention recognises, in version order (up before down). */
  migrations: MigrationFile[];
  /** `.sql` files the tool would skip. */
  invalid: InvalidName[];
  /** Whether this looks like a migrations directory at all. */
  isMigrationDirectory: boolean;
  /**
   * The up (down) files of a version: of a migration's version when given the migration (exact for
   * Flyway's dotted versions), or of a numeric version. Single-file migrations are up files; their
   * down is a section of the same file (see `Convention.sections`).
   */
  ups(version: bigint | MigrationFile): MigrationFile[];
  downs(version: bigint | MigrationFile): MigrationFile[];
  scheme: VersionScheme;
}

/**
 * Directory names that hold migrations even before the first valid migration exists: `migrations`,
 * `migrate`, `db_migrations`, `sql-migrations`... The whole name must say so: a folder-per-migration
 * folder such as `2020-09-07-231141_add_migration_utils` is not a migrations directory.
 */
export const MIGRATION_DIR_NAME = /^(?:[a-z]+[-_])?migrat(?:e|es|ion|ions)$/i;

export function readMigrationDirectory(dir: string, host: FileHost, convention: Convention = golangMigrate): MigrationDirectory {
  return memoized(host, `directory\0${convention.id}\0${dir}`, () => readDirectoryNow(dir, host, convention));
}

function readDirectoryNow(dir: string, host: FileHost, convention: Convention): MigrationDirectory {
  const names = [...host.readDir(dir)];
  // Folder per migration: `<version>_<name>/up.sql`, listed as `<folder>/up.sql`.
  if (convention.nested && host.listDirs) {
    for (const sub of host.listDirs(dir)) for (const name of host.readDir(path.join(dir, sub))) names.push(`${sub}/${name}`);
  }
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const file = convention.parse(path.join(dir, name));
    if (file) migrations.push(file);
  }
  migrations.sort(compareMigrations);
  const isMigrationDirectory = migrations.length > 0 || MIGRATION_DIR_NAME.test(path.basename(dir));
  // Migrations by version number (and direction), found by lookup: rules ask for every file.
  const index = new Map<string, MigrationFile[]>();
  for (const m of migrations) {
    const key = `${m.direction}\0${m.versionNumber}`;
    const list = index.get(key);
    if (list) list.push(m);
    else index.set(key, [m]);
  }
  const byVersion = (v: bigint | MigrationFile, d: 'up' | 'down'): MigrationFile[] => {
    const candidates = index.get(`${d}\0${typeof v === 'bigint' ? v : v.versionNumber}`) ?? [];
    return typeof v === 'bigint' ? candidates : candidates.filter((m) => sameVersion(m, v));
  };
  const directory: MigrationDirectory = {
    dir,
    convention,
    migrations,
    invalid: [],
    isMigrationDirectory,
    ups: (v) => byVersion(v, 'up'),
    downs: (v) => byVersion(v, 'down'),
    scheme: detectScheme(migrations, convention),
  };
  if (isMigrationDirectory) {
    const known = new Set(migrations.map((m) => m.fileName));
    for (const name of names) {
      if (known.has(name)) continue;
      const bad = diagnoseFileName(directory, name);
      if (bad) directory.invalid.push(bad);
    }
  }
  return directory;
}

/** Version order (as numbers: `1` = `001`), up before down, then by file name. */
export function compareMigrations(a: MigrationFile, b: MigrationFile): number {
  const byVersion = compareVersions(a, b);
  if (byVersion !== 0) return byVersion;
  if (a.direction !== b.direction) return a.direction === 'up' ? -1 : 1;
  return a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0;
}

/**
 * Why the tool would skip a file of this directory, and the name it should have. The convention
 * reads the name alone; the directory then prefers the counterpart's name when the file's version
 * already has a file of the other direction (`000001_down.sql` beside `000001_init.up.sql` →
 * `000001_init.down.sql`), and the missing direction when the name gave none.
 */
export function diagnoseFileName(directory: MigrationDirectory, fileName: string): InvalidName | undefined {
  const convention = directory.convention;
  const bad = convention.diagnoseName(fileName);
  if (!bad?.suggestion) return bad;
  let suggested = convention.parse(path.join(directory.dir, bad.suggestion));
  if (!suggested) return bad;
  // Same version, and same folder (folder-per-migration pairs only within a migration's folder).
  const folder = path.posix.dirname(fileName);
  const siblings = directory.migrations.filter((m) => sameVersion(m, suggested!) && m.fileName !== fileName && path.posix.dirname(m.fileName) === folder);
  if (bad.directionGuessed) {
    const hasUp = siblings.some((m) => m.direction === 'up');
    const hasDown = siblings.some((m) => m.direction === 'down');
    if (hasUp && !hasDown) {
      const other = siblings.find((m) => m.direction === 'up')!;
      return { fileName, reason: bad.reason, suggestion: path.basename(convention.counterpartPath(other)) };
    }
    return bad;
  }
  const counterpart = siblings.find((m) => m.direction !== suggested!.direction);
  if (!counterpart) return bad;
  suggested = convention.parse(convention.counterpartPath(counterpart));
  return { fileName, reason: bad.reason, suggestion: suggested ? suggested.fileName : bad.suggestion };
}

/**
 * 14-digit versions starting 19xx/20xx are `YYYYMMDDhhmmss` timestamps (diesel writes them
 * `YYYY-MM-DD-HHMMSS`); anything else is a sequence. An empty directory gets the convention's default.
 */
export function detectScheme(migrations: MigrationFile[], convention?: Convention): VersionScheme {
  if (convention?.alwaysTimestamp) return { kind: 'timestamp' };
  if (migrations.length === 0) return convention?.defaultScheme ?? { kind: 'sequence', width: 6 };
  const last = migrations.reduce((max, m) => (compareVersions(m, max) > 0 ? m : max));
  if (TIMESTAMP.test(last.version)) return { kind: 'timestamp' };
  if (DASHED_TIMESTAMP.test(last.version)) return { kind: 'timestamp', dashed: true };
  const padded = migrations.filter((m) => m.version.startsWith('0') && m.version.length > 1 && /^[0-9]+$/.test(m.version));
  const width = padded.length > 0 ? Math.max(...padded.map((m) => m.version.length)) : 1;
  return { kind: 'sequence', width };
}

const DASHED_TIMESTAMP = /^(19|20)\d{2}-\d{2}-\d{2}-\d{6}$/;
const TIMESTAMP = /^(19|20)\d{12}$/;

function formatTimestamp(d: Date, dashed = false): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
  const time = `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  return dashed ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}-${time}` : `${date}${time}`;
}

/** A `YYYYMMDDhhmmss` version as a UTC date, or undefined when it is not a real date. */
function parseTimestamp(version: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return formatTimestamp(date) === version ? date : undefined;
}

/**
 * The next version in a directory's scheme. A sequence keeps the directory's zero-padded width;
 * a timestamp comes from `now` (UTC, as golang-migrate's `create -format 20060102150405` writes it)
 * and is never at or before the last version (then it is the last one plus a second).
 */
export function nextVersion(directory: MigrationDirectory, now: Date = new Date()): string {
  const last = directory.migrations.reduce<bigint>((max, m) => (m.versionNumber > max ? m.versionNumber : max), 0n);
  const scheme = directory.scheme;
  if (scheme.kind === 'timestamp') {
    const dashed = scheme.dashed === true;
    const stamp = formatTimestamp(now, dashed);
    if (BigInt(stamp.replace(/-/g, '')) > last) return stamp;
    const lastDate = parseTimestamp(last.toString());
    return lastDate ? formatTimestamp(new Date(lastDate.getTime() + 1000), dashed) : (last + 1n).toString();
  }
  // Dotted versions (Flyway `1.2.3`, `1_2`): the last part of the highest version goes up by one.
  const highest = directory.migrations.reduce<MigrationFile | undefined>((max, m) => (!max || compareVersions(m, max) > 0 ? m : max), undefined);
  if (highest?.versionParts && highest.versionParts.length > 1) {
    return highest.version.replace(/([0-9]+)$/, (n) => (BigInt(n) + 1n).toString().padStart(n.length, '0'));
  }
  return (last + 1n).toString().padStart(scheme.width, '0');
}
