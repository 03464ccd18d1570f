/**
 * A migrations directory as the convention sees it: its migrations, pairing up ⇄ down by version,
 * the files the tool would skip, and how it numbers versions.
 */
import * as path from 'node:path';
import { keyOf, memoized, type FileHost } from '../host';
import { compareVersions, sameVersion, versionIdentity, type Convention, type InvalidName, type MigrationFile, type VersionScheme } from './convention';
import { golangMigrate } from './golang-migrate';
import { forPostgres } from './pop';

export interface MigrationDirectory {
  dir: string;
  convention: Convention;
  /** Every file the convention recognises, in version order (up before down). */
  migrations: MigrationFile[];
  /** `.sql` files the tool would skip. */
  invalid: InvalidName[];
  /**
   * Migrations the tool never runs on PostgreSQL, by absolute path, with the reason: files of
   * another database (pop `.mysql.`), and files for every database where PostgreSQL has its own for
   * that version. They are not in `migrations` and are not checked as PostgreSQL.
   */
  notPostgres: ReadonlyMap<string, string>;
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
  /**
   * The highest number any `.sql` file (or migration folder) of the directory starts with, whether
   * the convention accepts its name or not, and that name: a new migration never reuses or undercuts
   * it. 0 and undefined when no name starts with digits.
   */
  highestPrefix: { number: bigint; name: string | undefined };
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
  const parsed: MigrationFile[] = [];
  const highestPrefix: MigrationDirectory['highestPrefix'] = { number: 0n, name: undefined };
  for (const name of names) {
    const file = convention.parse(path.join(dir, name));
    if (file) parsed.push(file);
    const lead = /^([0-9]+(?:-[0-9]+)*)/.exec(name);
    if (lead && (/\.sql$/i.test(name) || name.includes('/'))) {
      const n = BigInt(lead[1]!.replace(/-/g, ''));
      if (n > highestPrefix.number) {
        highestPrefix.number = n;
        highestPrefix.name = name.includes('/') ? name.slice(0, name.indexOf('/')) : name;
      }
    }
  }
  // Files of another database, and files for every database that PostgreSQL's own file replaces.
  const notPostgres = new Map<string, string>();
  const own = new Set(parsed.filter((m) => m.dialect === 'postgres').map((m) => `${m.direction}\0${versionIdentity(m)}`));
  const migrations = parsed.filter((m) => {
    if (!forPostgres(m.dialect)) {
      notPostgres.set(keyOf(m.path), `it is ${convention.displayName}'s migration for ${m.dialect}, not PostgreSQL`);
      return false;
    }
    if (m.dialect === undefined && own.has(`${m.direction}\0${versionIdentity(m)}`)) {
      notPostgres.set(keyOf(m.path), `on PostgreSQL, ${convention.displayName} runs the version's \`.postgres.\` file instead`);
      return false;
    }
    return true;
  });
  migrations.sort(compareMigrations);
  const isMigrationDirectory = migrations.length > 0 || notPostgres.size > 0 || MIGRATION_DIR_NAME.test(path.basename(dir));
  // Migrations by version (every part, and the key) and direction, found by lookup: rules ask for
  // every file. By number too, for callers that only have one (verify).
  const index = new Map<string, MigrationFile[]>();
  const byNumber = new Map<string, MigrationFile[]>();
  const push = (map: Map<string, MigrationFile[]>, key: string, m: MigrationFile): void => {
    const list = map.get(key);
    if (list) list.push(m);
    else map.set(key, [m]);
  };
  for (const m of migrations) {
    push(index, `${m.direction}\0${versionIdentity(m)}`, m);
    push(byNumber, `${m.direction}\0${m.versionNumber}`, m);
  }
  const byVersion = (v: bigint | MigrationFile, d: 'up' | 'down'): MigrationFile[] => {
    if (typeof v === 'bigint') return byNumber.get(`${d}\0${v}`) ?? [];
    return (index.get(`${d}\0${versionIdentity(v)}`) ?? []).filter((m) => sameVersion(m, v));
  };
  const directory: MigrationDirectory = {
    dir,
    convention,
    migrations,
    invalid: [],
    notPostgres,
    isMigrationDirectory,
    ups: (v) => byVersion(v, 'up'),
    downs: (v) => byVersion(v, 'down'),
    scheme: detectScheme(migrations, convention),
    highestPrefix,
  };
  if (isMigrationDirectory) {
    const known = new Set(parsed.map((m) => m.fileName));
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
 * and is never at or before the last version (then it is the last one plus a second). The last
 * version is the highest number any file name of the directory starts with, accepted by the
 * convention or not (`0157.up.sql` counts in a golang-migrate folder): a new migration never
 * reuses or undercuts a version.
 */
export function nextVersion(directory: MigrationDirectory, now: Date = new Date()): string {
  const planned = planNextVersion(directory, now);
  return planned.ok ? planned.version : planned.fallback;
}

/**
 * The next version, or why there is none to give: a timestamp folder whose highest name starts
 * with a number above any timestamp (`20150101000001000000_x.sql`, 20 digits) has no next
 * timestamp that sorts after it.
 */
export function planNextVersion(directory: MigrationDirectory, now: Date = new Date()): { ok: true; version: string } | { ok: false; message: string; fallback: string } {
  const version = nextVersionNow(directory, now);
  const digits = BigInt(version.replace(/[^0-9]/g, '') || '0');
  const prefix = directory.highestPrefix ?? { number: 0n, name: undefined };
  if (directory.scheme.kind === 'timestamp' && !/[._]/.test(version) && digits <= prefix.number) {
    return {
      ok: false,
      fallback: version,
      message: `${prefix.name ?? 'a file'} starts with ${prefix.number}, above any ${directory.scheme.dashed ? 'YYYY-MM-DD-HHMMSS' : 'YYYYMMDDhhmmss'} timestamp: a new migration's version would sort before it. Name the migration by hand.`,
    };
  }
  return { ok: true, version };
}

function nextVersionNow(directory: MigrationDirectory, now: Date): string {
  const parsed = directory.migrations.reduce<bigint>((max, m) => (m.versionNumber > max ? m.versionNumber : max), 0n);
  const prefix = directory.highestPrefix?.number ?? 0n;
  // A timestamp folder ignores prefixes no timestamp could follow (reported by planNextVersion).
  const last = directory.scheme.kind === 'timestamp' && prefix > 99991231235959n ? parsed : parsed > prefix ? parsed : prefix;
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
  if (highest?.versionParts && highest.versionParts.length > 1 && highest.versionNumber >= last) {
    return highest.version.replace(/([0-9]+)$/, (n) => (BigInt(n) + 1n).toString().padStart(n.length, '0'));
  }
  return (last + 1n).toString().padStart(scheme.width, '0');
}
