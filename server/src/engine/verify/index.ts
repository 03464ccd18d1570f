/**
 * Verifies a migration for real, in an embedded PostgreSQL (PGlite):
 *   1. replay the up files of every earlier version (warm from the cache when possible);
 *   2. snapshot the schema, put one synthetic row into every empty table, count the data;
 *   3. apply up N, snapshot;
 *   4. apply down N, compare with 1's snapshot, count the data lost;
 *   5. apply up N again, compare with 3's snapshot.
 * Every file runs as one multi-statement query (golang-migrate's way). Results carry file paths,
 * UTF-16 spans and messages, so the CLI prints them and the language server turns them into
 * diagnostics. PGlite loads only when this runs.
 *
 * A version with several up files (some tools allow it; golang-migrate does not) runs them in
 * file-name order, and its down files in reverse order.
 */
import { NodeFileHost, type FileHost } from '../host';
import type { MigrationFile } from '../migrations/convention';
import { readMigrationDirectory } from '../migrations/directory';
import { loadParser, parseSql } from '../parsing/parser';
import type { Span } from '../text';
import { defaultCacheDir, prefixKeys, readEntry, writeEntry } from './cache';
import { extensionsIn, runMigrationFile, type ExecError } from './execute';
import { PGLITE_VERSION, openDatabase, type Database } from './pglite';
import { openScratchDatabase, redactUrl } from './pg-server';
import { seedEmptyTables, type SeedResult } from './seed';
import {
  collapseDifferences,
  compareData,
  compareSnapshots,
  countData,
  formatSnapshot,
  snapshotSchema,
  type DataLoss,
  type SchemaDifference,
  type SchemaSnapshot,
} from './snapshot';

export type { ExecError } from './execute';
export type { SeedResult } from './seed';

/** Compatible with the DOM/Node `AbortSignal` (and with an LSP cancellation token wrapped in one). */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

export type VerifyPhase = 'start' | 'replay' | 'seed' | 'up' | 'down' | 'reup' | 'compare' | 'done';

export interface VerifyProgress {
  phase: VerifyPhase;
  message: string;
  /** Rough share of the work done, 0..100. */
  percent: number;
}

export interface VerifyOptions {
  /** The migrations directory. */
  directory: string;
  /** The version to verify (`"3"`, `"000003"`, `3n`); default: the last version of the directory. */
  version?: string | bigint;
  /** Reads the files (the server passes its overlay of unsaved documents). Default: the disk. */
  host?: FileHost;
  /** Where warm states are kept; `false` disables the cache. Default: `defaultCacheDir()`. */
  cacheDir?: string | false;
  signal?: AbortSignalLike;
  onProgress?: (progress: VerifyProgress) => void;
  /**
   * SQL run once on the empty database before the first migration, for histories that expect
   * something the migration tool creates (e.g. another tool's version table). Part of the cache key.
   */
  prelude?: string;
  /**
   * Verify on this PostgreSQL server instead of PGlite: its database is used only as the maintenance
   * connection; the migrations run in a scratch database created for this verification and dropped
   * after it (see pg-server.ts). The cache is not used.
   */
  databaseUrl?: string;
}

/**
 * golang-migrate's own table, created before the first migration and set after each one, as the
 * tool does (some histories alter it). Left out of seeding and data counts.
 */
export const VERSION_TABLE = 'public.schema_migrations';
const CREATE_VERSION_TABLE = 'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)';

async function setVersion(db: Database, version: bigint | undefined): Promise<void> {
  // golang-migrate's column is a bigint: larger versions cannot be recorded (the tool fails there too).
  if (version !== undefined && version > 9223372036854775807n) version = undefined;
  await db.exec(`TRUNCATE ${VERSION_TABLE}${version === undefined ? '' : `; INSERT INTO ${VERSION_TABLE} (version, dirty) VALUES (${version.toString()}, false)`}`);
}

export type StepPhase = 'replay' | 'up' | 'down' | 'reup';

/** A migration file that PostgreSQL rejected. */
export interface FileFailure extends ExecError {
  phase: StepPhase;
  /** Absolute path of the file. */
  file: string;
  /** One line for people: `000002_x.up.sql: CREATE INDEX CONCURRENTLY cannot run inside a transaction block`. */
  text: string;
}

/** A schema object that the round trip does not bring back as it was. */
export interface VerifyDifference extends SchemaDifference {
  /** `down`: after the down, compared with before the up. `reup`: after the up again, compared with after the first up. */
  phase: 'down' | 'reup';
  /** The file to blame (the down for `down`, the up for `reup`). */
  file: string;
  /** Where in that file: the statement naming the object, else the first statement. */
  span: Span;
  message: string;
}

export interface VerifyDataLoss extends DataLoss {
  file: string;
  span: Span;
  message: string;
}

export type VerifyStatus =
  /** up → down → up gives back the same schema and data. */
  | 'passed'
  /** A file of this version failed, or the round trip differs or loses data. */
  | 'failed'
  /** An earlier migration failed to apply: nothing could be verified. */
  | 'replay-failed'
  /** The version has no down file: only the up was checked. */
  | 'no-down'
  /** No such version, or the directory has no migrations. */
  | 'not-found'
  /** The verifier itself failed (PGlite could not start, a catalog query failed): `summary` says why. */
  | 'error';

export interface VerifyResult {
  directory: string;
  version: string;
  status: VerifyStatus;
  /** True when `passed`. */
  ok: boolean;
  /** A one-line summary. */
  summary: string;
  upFiles: string[];
  downFiles: string[];
  /** Number of earlier up files the base state consists of. */
  baseFiles: number;
  /** Where it ran: PGlite, or a scratch database on a real server (URL without its password). */
  backend: { kind: 'pglite' } | { kind: 'server'; url: string; database?: string; serverVersion?: string };
  cache: {
    enabled: boolean;
    /** True when the whole base state came from the cache. */
    hit: boolean;
    /** How many of the base files came from the cache (the rest were replayed). */
    fromCache: number;
    key?: string;
    dir?: string;
  };
  failures: FileFailure[];
  differences: VerifyDifference[];
  dataLoss: VerifyDataLoss[];
  seed: SeedResult;
  /** Normalized schema text at each step (for a diff view). */
  snapshots: { before?: string; afterUp?: string; afterDown?: string; afterReup?: string };
  /** Milliseconds per step. */
  timings: Record<string, number>;
}

export class VerifyCancelledError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('Migration Guard: verification cancelled');
  }
}

interface LoadedFile {
  file: MigrationFile;
  text: string;
}

/** Parses a version argument; undefined when it is not a version. */
export function parseVersion(v: string | bigint): bigint | undefined {
  if (typeof v === 'bigint') return v >= 0n ? v : undefined;
  if (!/^[0-9]+$/.test(v.trim())) return undefined;
  return BigInt(v.trim());
}

/** Versions of a directory in order, with whether each has a down file. */
export function listVersions(directory: string, host: FileHost = new NodeFileHost()): { version: string; versionNumber: bigint; hasDown: boolean }[] {
  const dir = readMigrationDirectory(directory, host);
  const out = new Map<bigint, { version: string; versionNumber: bigint; hasDown: boolean }>();
  for (const m of dir.migrations) {
    const e = out.get(m.versionNumber) ?? { version: m.version, versionNumber: m.versionNumber, hasDown: false };
    if (m.direction === 'down') e.hasDown = true;
    else e.version = m.version;
    out.set(m.versionNumber, e);
  }
  return [...out.values()].sort((a, b) => (a.versionNumber < b.versionNumber ? -1 : a.versionNumber > b.versionNumber ? 1 : 0));
}

const fileNameOf = (p: string): string => p.replace(/^.*[\\/]/, '');
const display = (name: string): string => name.replace(/(^|\s)public\./g, '$1');

export async function verifyMigration(options: VerifyOptions): Promise<VerifyResult> {
  const host = options.host ?? new NodeFileHost();
  const started = Date.now();
  const timings: Record<string, number> = {};
  let mark = started;
  const lap = (name: string): void => {
    const now = Date.now();
    timings[name] = (timings[name] ?? 0) + (now - mark);
    mark = now;
  };
  const progress = (phase: VerifyPhase, message: string, percent: number): void => {
    try {
      options.onProgress?.({ phase, message, percent });
    } catch {
      // A failing progress reporter never stops a verification.
    }
  };
  const checkCancelled = (): void => {
    if (options.signal?.aborted) throw new VerifyCancelledError();
  };

  const serverUrl = options.databaseUrl?.trim() ? options.databaseUrl.trim() : undefined;
  const cacheDir = options.cacheDir === false || serverUrl ? undefined : (options.cacheDir ?? defaultCacheDir());
  const result: VerifyResult = {
    directory: options.directory,
    version: options.version === undefined ? '' : String(options.version),
    status: 'not-found',
    ok: false,
    summary: '',
    upFiles: [],
    downFiles: [],
    baseFiles: 0,
    backend: serverUrl ? { kind: 'server', url: redactUrl(serverUrl) } : { kind: 'pglite' },
    cache: { enabled: cacheDir !== undefined, hit: false, fromCache: 0, ...(cacheDir ? { dir: cacheDir } : {}) },
    failures: [],
    differences: [],
    dataLoss: [],
    seed: { seeded: [], skipped: [] },
    snapshots: {},
    timings,
  };

  await loadParser();
  const dir = readMigrationDirectory(options.directory, host);
  const versions = listVersions(options.directory, host);
  let target: bigint | undefined;
  if (options.version === undefined) target = versions[versions.length - 1]?.versionNumber;
  else target = parseVersion(options.version);
  const entry = versions.find((v) => v.versionNumber === target);
  if (target === undefined || !entry) {
    result.summary =
      versions.length === 0
        ? `${options.directory} has no migrations`
        : `${options.directory} has no migration with version ${result.version || '(none)'}`;
    return result;
  }
  result.version = entry.version;

  const read = (files: MigrationFile[]): LoadedFile[] => files.map((file) => ({ file, text: host.readFile(file.path) ?? '' }));
  const ups = read(dir.ups(target));
  const downs = read(dir.downs(target)).reverse();
  const base = read(dir.migrations.filter((m) => m.direction === 'up' && m.versionNumber < target!));
  result.upFiles = ups.map((u) => u.file.path);
  result.downFiles = downs.map((d) => d.file.path);
  result.baseFiles = base.length;
  if (ups.length === 0) {
    result.summary = `version ${entry.version} has a down file but no up file`;
    return result;
  }

  const extensions = [...new Set([...base, ...ups, ...downs].flatMap((f) => extensionsIn(f.text)))].sort();
  const keys = prefixKeys(
    base.map((b) => ({ fileName: b.file.fileName, text: b.text })),
    `${PGLITE_VERSION}\u0000${options.prelude ?? ''}`,
  );
  const previous = versions.filter((v) => v.versionNumber < target!).pop()?.versionNumber;
  result.cache.key = keys[keys.length - 1];

  progress('start', serverUrl ? `Creating a scratch database on ${redactUrl(serverUrl)}` : 'Starting the embedded PostgreSQL', 0);
  let db: Database | undefined;
  try {
    // 1. The base state: the longest cached prefix, then the remaining earlier up files.
    let from = 0;
    let loaded: Blob | undefined;
    if (cacheDir) {
      for (let k = base.length; k >= 0; k--) {
        loaded = await readEntry(cacheDir, keys[k]!);
        if (loaded) {
          from = k;
          break;
        }
      }
    }
    checkCancelled();
    if (serverUrl) {
      const scratch = await openScratchDatabase(serverUrl);
      db = scratch;
      result.backend = { kind: 'server', url: redactUrl(serverUrl), database: scratch.name, serverVersion: scratch.serverVersion };
    } else db = await openDatabase({ extensions, ...(loaded ? { loadDataDir: loaded } : {}) });
    result.cache.fromCache = loaded ? from : 0;
    result.cache.hit = loaded !== undefined && from === base.length;
    if (!loaded) {
      await db.exec(CREATE_VERSION_TABLE);
      if (options.prelude) {
        const error = await runMigrationFile(db, options.prelude);
        if (error) {
          result.status = 'replay-failed';
          result.summary = `the prelude fails: ${error.message}`;
          return result;
        }
      }
    }
    lap('start');
    if (cacheDir && !loaded) {
      // Save the empty database too: initdb is most of a cold start.
      await writeEntry(cacheDir, keys[0]!, await db.dumpDataDir('gzip'));
      lap('cache');
    }
    const baseBlob = loaded;
    for (let i = from; i < base.length; i++) {
      checkCancelled();
      const f = base[i]!;
      progress('replay', `Replaying ${f.file.fileName} (${i + 1}/${base.length})`, 5 + Math.round((45 * (i + 1 - from)) / Math.max(1, base.length - from)));
      const restore = async (): Promise<Database> => {
        const d = await openDatabase({ extensions, ...(baseBlob ? { loadDataDir: baseBlob } : {}) });
        if (!baseBlob) await d.exec(CREATE_VERSION_TABLE + ';' + (options.prelude ?? ''));
        for (let j = from; j < i; j++) await d.exec(base[j]!.text);
        return d;
      };
      const error = await runMigrationFile(db, f.text, serverUrl ? undefined : restore);
      if (error) {
        result.failures.push(failure('replay', f, error));
        result.status = 'replay-failed';
        result.summary = `an earlier migration does not apply: ${fileNameOf(f.file.path)}: ${error.message}`;
        lap('replay');
        return result;
      }
      const next = base[i + 1];
      if (!next || next.file.versionNumber !== f.file.versionNumber) await setVersion(db, f.file.versionNumber);
    }
    lap('replay');
    if (cacheDir && from < base.length) {
      await writeEntry(cacheDir, keys[base.length]!, await db.dumpDataDir('gzip'));
      lap('cache');
    }
    checkCancelled();

    // 2. Before the up: schema, synthetic rows, data.
    progress('seed', 'Adding a synthetic row to every empty table', 55);
    const before = await snapshotSchema(db);
    result.snapshots.before = formatSnapshot(before);
    result.seed = await seedEmptyTables(db, { exclude: [VERSION_TABLE] });
    const dataBefore = await countData(db, { exclude: [VERSION_TABLE] });
    lap('seed');

    // 3. Up.
    const stepDb = db;
    const runStep = async (phase: StepPhase, files: LoadedFile[]): Promise<boolean> => {
      for (const f of files) {
        checkCancelled();
        // A server database cannot be cloned this way: failures in files with COMMITs are then located less exactly.
        const dump = !serverUrl && hasTransactionControl(f.text) ? await stepDb.dumpDataDir('none') : undefined;
        const restore = dump ? () => openDatabase({ extensions, loadDataDir: dump }) : undefined;
        const error = await runMigrationFile(stepDb, f.text, restore);
        if (error) {
          result.failures.push(failure(phase, f, error));
          return false;
        }
      }
      return true;
    };
    progress('up', `Applying ${ups.map((u) => u.file.fileName).join(', ')}`, 65);
    const upOk = await runStep('up', ups);
    lap('up');
    if (!upOk) return finish(result, 'the up fails');
    await setVersion(db, target);
    const afterUp = await snapshotSchema(db);
    result.snapshots.afterUp = formatSnapshot(afterUp);
    lap('snapshot');
    if (downs.length === 0) {
      result.status = 'no-down';
      result.summary = `the up applies; version ${entry.version} has no down migration to verify`;
      return result;
    }

    // 4. Down: back to the state before the up?
    progress('down', `Applying ${downs.map((d) => d.file.fileName).join(', ')}`, 75);
    const downOk = await runStep('down', downs);
    lap('down');
    if (!downOk) return finish(result, 'the down fails');
    await setVersion(db, previous);
    const afterDown = await snapshotSchema(db);
    result.snapshots.afterDown = formatSnapshot(afterDown);
    const downFile = downs[0]!;
    for (const d of collapseDifferences(compareSnapshots(before, afterDown))) result.differences.push(difference('down', d, downFile));
    const dataAfter = await countData(db, { exclude: [VERSION_TABLE] });
    for (const loss of compareData(dataBefore, dataAfter)) result.dataLoss.push(dataLoss(loss, downFile));
    lap('compare');

    // 5. Up again: the same state as after the first up?
    progress('reup', 'Applying the up again', 88);
    const reupOk = await runStep('reup', ups);
    lap('reup');
    if (reupOk) {
      await setVersion(db, target);
      const afterReup = await snapshotSchema(db);
      result.snapshots.afterReup = formatSnapshot(afterReup);
      for (const d of collapseDifferences(compareSnapshots(afterUp, afterReup))) result.differences.push(difference('reup', d, ups[0]!));
      lap('compare');
    }
    progress('done', 'Done', 100);
    return finish(result, reupOk ? undefined : 'the up fails after the down');
  } catch (e) {
    if (e instanceof VerifyCancelledError) throw e;
    result.status = 'error';
    result.ok = false;
    result.summary = `verification stopped: ${e instanceof Error ? e.message : String(e)}`;
    return result;
  } finally {
    if (db) await db.close().catch(() => undefined);
    timings.total = Date.now() - started;
  }
}

function finish(result: VerifyResult, failed: string | undefined): VerifyResult {
  const problems: string[] = [];
  if (failed) problems.push(`${failed}: ${result.failures.map((f) => f.text).join('; ')}`);
  if (result.differences.length > 0) {
    const names = [...new Set(result.differences.map((d) => `${d.kind} ${display(d.name)}`))];
    problems.push(`${result.differences.length} difference${result.differences.length === 1 ? '' : 's'} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''})`);
  }
  if (result.dataLoss.length > 0) problems.push(`data lost in ${[...new Set(result.dataLoss.map((l) => display(l.table)))].join(', ')}`);
  result.status = problems.length > 0 ? 'failed' : 'passed';
  result.ok = result.status === 'passed';
  result.summary = result.ok ? 'up → down → up round-trips' : problems.join('; ');
  return result;
}

function failure(phase: StepPhase, f: LoadedFile, error: ExecError): FileFailure {
  return { phase, file: f.file.path, ...error, text: `${f.file.fileName}: ${error.message}` };
}

function hasTransactionControl(text: string): boolean {
  return parseSql(text).statements.some((s) => /^(begin|start\s+transaction|commit|end|rollback|abort)\b/i.test(s.text));
}

/** The span of the first statement of `text` that names `word`, else of the first statement. */
function spanNaming(text: string, words: string[]): Span {
  const statements = parseSql(text).statements;
  for (const word of words) {
    if (!word) continue;
    const re = new RegExp(`(^|[^\\p{L}\\p{N}_$])"?${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^\\p{L}\\p{N}_$])`, 'iu');
    const s = statements.find((st) => re.test(st.text));
    if (s) return s.span;
  }
  return statements[0]?.span ?? { start: 0, end: 0 };
}

/** The unqualified name of an object: `users_pkey on public.users` → `users_pkey`, `public.f(integer)` → `f`. */
function bareName(name: string): string {
  const first = name.split(' on ')[0]!.replace(/\(.*$/, '');
  const last = first.split('.').pop() ?? first;
  return last.replace(/^"|"$/g, '');
}

function difference(phase: 'down' | 'reup', d: SchemaDifference, f: LoadedFile): VerifyDifference {
  const what = `${d.kind} ${display(d.name)}`;
  let message: string;
  if (phase === 'down') {
    if (d.change === 'missing') message = `the down does not restore ${what}, which existed before the up`;
    else if (d.change === 'unexpected') message = `the down does not drop ${what}, which did not exist before the up`;
    else message = `the down does not restore ${what} as it was before the up`;
  } else {
    if (d.change === 'missing') message = `running the up again after the down does not create ${what}`;
    else if (d.change === 'unexpected') message = `running the up again after the down leaves an extra ${what}`;
    else message = `running the up again after the down gives a different ${what}`;
  }
  const words = [bareName(d.name)];
  if (d.change === 'changed') {
    const parts = changedParts(d);
    message += `: ${parts.text.join('; ')}`;
    words.unshift(...parts.columns);
  }
  return { ...d, phase, file: f.file.path, span: spanNaming(f.text, words), message };
}

/** Says what changed inside an object, column by column for tables. */
function changedParts(d: SchemaDifference): { text: string[]; columns: string[] } {
  const col = (line: string): string | undefined => /^column ("(?:[^"]|"")*"|\S+)/.exec(line)?.[1];
  const text: string[] = [];
  const columns: string[] = [];
  if (d.expected.length === d.actual.length && d.expected.every((l) => d.actual.includes(l))) {
    return { text: ['the same definitions in another order (e.g. column order)'], columns };
  }
  const actualByColumn = new Map(d.actual.map((l) => [col(l), l] as const).filter(([c]) => c !== undefined));
  const expectedColumns = new Set(d.expected.map(col).filter((c) => c !== undefined));
  for (const line of d.expected) {
    const c = col(line);
    if (c === undefined) text.push(`expected \`${line}\``);
    else if (actualByColumn.has(c)) text.push(`column ${c} is \`${actualByColumn.get(c)!.slice(7)}\` instead of \`${line.slice(7)}\``);
    else text.push(`column ${c} is missing (\`${line.slice(7)}\`)`);
    if (c !== undefined) columns.push(c);
  }
  for (const line of d.actual) {
    const c = col(line);
    if (c === undefined) text.push(`found \`${line}\``);
    else if (!expectedColumns.has(c)) {
      text.push(`extra column ${c} (\`${line.slice(7)}\`)`);
      columns.push(c);
    }
  }
  return { text, columns: columns.map(bareName) };
}

function dataLoss(loss: DataLoss, f: LoadedFile): VerifyDataLoss {
  const table = display(loss.table);
  const n = loss.before - loss.after;
  const message = loss.column
    ? `up → down loses ${n} of ${loss.before} value${loss.before === 1 ? '' : 's'} of column ${table}.${loss.column}`
    : `up → down loses ${n} of ${loss.before} row${loss.before === 1 ? '' : 's'} of table ${table}`;
  const words = loss.column ? [bareName(loss.column), bareName(loss.table)] : [bareName(loss.table)];
  return { ...loss, file: f.file.path, span: spanNaming(f.text, words), message };
}

export { collapseDifferences, compareSnapshots, formatSnapshot, snapshotSchema } from './snapshot';
export type { SchemaSnapshot };
