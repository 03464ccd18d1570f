/**
 * A migrations directory as the convention sees it: its migrations, pairing up ⇄ down by version,
 * the files the tool would skip, and how it numbers versions.
 */
import * as path from 'node:path';
import type { FileHost } from '../host';
import type { Convention, InvalidName, MigrationFile, VersionScheme } from './convention';
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
  ups(version: bigint): MigrationFile[];
  downs(version: bigint): MigrationFile[];
  scheme: VersionScheme;
}

/** Directory names that hold migrations even before the first valid migration exists. */
const MIGRATION_DIR_NAME = /migrat/i;

export function readMigrationDirectory(dir: string, host: FileHost, convention: Convention = golangMigrate): MigrationDirectory {
  const names = host.readDir(dir);
  const migrations: MigrationFile[] = [];
  const invalid: InvalidName[] = [];
  for (const name of names) {
    const file = convention.parse(path.join(dir, name));
    if (file) migrations.push(file);
  }
  const isMigrationDirectory = migrations.length > 0 || MIGRATION_DIR_NAME.test(path.basename(dir));
  if (isMigrationDirectory) {
    for (const name of names) {
      if (migrations.some((m) => m.fileName === name)) continue;
      const bad = convention.diagnoseName(name);
      if (bad) invalid.push(bad);
    }
  }
  migrations.sort((a, b) =>
    a.versionNumber < b.versionNumber ? -1 : a.versionNumber > b.versionNumber ? 1 : a.direction === b.direction ? a.fileName.localeCompare(b.fileName) : a.direction === 'up' ? -1 : 1,
  );
  const byVersion = (v: bigint, d: 'up' | 'down'): MigrationFile[] => migrations.filter((m) => m.versionNumber === v && m.direction === d);
  return {
    dir,
    convention,
    migrations,
    invalid,
    isMigrationDirectory,
    ups: (v) => byVersion(v, 'up'),
    downs: (v) => byVersion(v, 'down'),
    scheme: detectScheme(migrations),
  };
}

/** 14-digit versions starting 19xx/20xx are `YYYYMMDDhhmmss` timestamps; anything else is a sequence. */
export function detectScheme(migrations: MigrationFile[]): VersionScheme {
  if (migrations.length === 0) return { kind: 'sequence', width: 6 };
  const last = migrations[migrations.length - 1]!;
  if (/^(19|20)\d{12}$/.test(last.version)) return { kind: 'timestamp' };
  const padded = migrations.filter((m) => m.version.startsWith('0') && m.version.length > 1);
  const width = padded.length > 0 ? Math.max(...padded.map((m) => m.version.length)) : 1;
  return { kind: 'sequence', width };
}

/** The next version in a directory's scheme. Timestamps come from `now` (UTC), never before the last one. */
export function nextVersion(directory: MigrationDirectory, now: Date = new Date()): string {
  const last = directory.migrations.reduce<bigint>((max, m) => (m.versionNumber > max ? m.versionNumber : max), 0n);
  const scheme = directory.scheme;
  if (scheme.kind === 'timestamp') {
    const p = (n: number, w = 2): string => String(n).padStart(w, '0');
    const stamp = `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
    const n = BigInt(stamp);
    return (n > last ? n : last + 1n).toString();
  }
  return (last + 1n).toString().padStart(scheme.width, '0');
}
