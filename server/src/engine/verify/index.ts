/**
 * Verifies migrations for real, in an embedded PostgreSQL (PGlite) or a scratch database on a
 * server, for every convention the engine knows (see plan.ts):
 *   1. replay the up of every earlier migration (warm from the cache when possible);
 *   2. run the user's fixtures, then fill every empty table the migration can reach with distinctive
 *      rows (reach.ts, seed.ts);
 *   3. apply the up; snapshot the schema and read the rows;
 *   4. apply the down; compare the schema and the rows, row by row, with the state before the up;
 *   5. apply the up again; compare with the state after the first up.
 * Each step runs as its tool runs it: a transactional file or section as one query, a
 * non-transactional one statement by statement. Steps 2-5 run inside one transaction under
 * savepoints whenever the migration allows it, so restoring a state between legs costs nothing;
 * a migration with its own BEGIN/COMMIT or a non-transactional step restores from a copy of the data
 * directory instead (copyDataDir). `verifyAll` walks a whole directory once: the state after migration
 * N's up is where N+1 starts.
 *
 * Results carry file paths, UTF-16 spans and findings of registered rules (findings.ts), so the CLI
 * prints them and the language server turns them into diagnostics. PGlite loads only when this runs.
 */
import type { RuleSetting } from '../config';
import { NodeFileHost, type FileHost } from '../host';
import type { Convention, ConventionId } from '../migrations/convention';
import { loadParser } from '../parsing/parser';
import type { Span } from '../text';
import { defaultCacheDir, prefixKeys, readEntry, readSidecar, writeEntry, writeSidecar } from './cache';
import { compareData, formatTable, readData, sameData, showValue, type DataDifference, type DataState } from './data';
import { canEmulateAutocommit, canRunInBlock, extensionsIn, hasTransactionControl, likelyWritesNoCatalog, runStep, type ExecError } from './execute';
import { applyRuleSettings, type RawFinding, type VerifyFinding } from './findings';
import { fixtureTargets, loadFixtures, withRange, type Fixture, type FixtureFailure } from './fixtures';
import { reachableTables } from './reach';
import { locateColumn, locateRows, locateWords, namesTable, relationsNamed, type Located } from './locate';
import { collectGarbage, copyDataDir, PGLITE_VERSION, openDatabase, preloadDatabase, tarballState, type Database, type DataDirState } from './pglite';
import { openScratchDatabase, redactUrl } from './pg-server';
import { migrationOfFile, migrationsMatching, planDirectory, type PlannedMigration, type Step, type VerifyPlan } from './plan';
import { isDataNeutral } from './neutral';
import { SeedCache, seedTables, type SeedKnowledge, type SeedResult } from './seed';
export { describeSeed } from './seed';
import { boundary, countsAndBoundary, differingParts, fullSchema, refreshData, refreshSchema, tableMetas, toSnapshot, type SchemaState } from './tracker';
import {
  collapseDifferences,
  columnOrderChanges,
  compareSnapshots,
  formatSnapshot,
  withoutOrderOnly,
  type ColumnOrderChange,
  type SchemaDifference,
  executePrepared,
  type TrackedObject,
  type SchemaSnapshot,
} from './snapshot';

export type { ExecError } from './execute';
export type { SeedResult } from './seed';
export type { VerifyFinding } from './findings';
export type { FixtureFailure } from './fixtures';

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
  /** The version to verify (`"3"`, `"000003"`, `3n`, `"1.2"`); default: the last migration of the directory. */
  version?: string | bigint;
  /** Or: the migration this file (up or down, absolute path) belongs to. */
  file?: string;
  /** Reads the files (the server passes its overlay of unsaved documents). Default: the disk. */
  host?: FileHost;
  /** The directory's convention (from `.migration-guard.json`); detected when absent. */
  convention?: Convention;
  /** Where warm states are kept; `false` disables the cache. Default: `defaultCacheDir()`. */
  cacheDir?: string | false;
  signal?: AbortSignalLike;
  onProgress?: (progress: VerifyProgress) => void;
  /**
   * SQL run once on the empty database before the first migration, for histories that expect
   * something another tool creates. Part of the cache key.
   */
  prelude?: string;
  /**
   * Verify on this PostgreSQL server instead of PGlite: its database is used only as the maintenance
   * connection; the migrations run in a scratch database created for this verification and dropped
   * after it (see pg-server.ts). The cache is not used.
   */
  databaseUrl?: string;
  /** Fixture SQL files or folders (absolute paths), run before the up (fixtures.ts). */
  fixtures?: readonly string[];
  /** Severity per rule id (`off` drops a finding), as for every rule. */
  rules?: Readonly<Record<string, RuleSetting>>;
  /** Read the rows of the tables the migration touches, for "Show data change" (default true). */
  showData?: boolean;
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

/** Rows or values that the round trip does not bring back. */
export interface VerifyDataDifference extends DataDifference {
  phase: 'down' | 'reup';
  file: string;
  span: Span;
  message: string;
}

/** The rows of a table the migration touches, before the up, after it and after the down. */
export interface TableDataChange {
  table: string;
  before?: string;
  afterUp?: string;
  afterDown?: string;
}

export type VerifyStatus =
  /** up → down → up gives back the same schema and data (no finding of error severity). */
  | 'passed'
  /** A file of this migration failed, or the round trip differs or loses data. */
  | 'failed'
  /** An earlier migration failed to apply: nothing could be verified. */
  | 'replay-failed'
  /** A fixture failed: nothing was verified. */
  | 'fixture-failed'
  /** The migration has no down: only the up was checked. */
  | 'no-down'
  /** No such version, or the directory has no migrations. */
  | 'not-found'
  /** The verifier itself failed (PGlite could not start, a catalog query failed): `summary` says why. */
  | 'error';

export interface VerifyResult {
  directory: string;
  version: string;
  /** The migration as people name it (`000002_add_price`). */
  name: string;
  convention: ConventionId;
  status: VerifyStatus;
  /** True when `passed`. */
  ok: boolean;
  /** A one-line summary. */
  summary: string;
  upFiles: string[];
  downFiles: string[];
  /** Number of earlier migrations the base state consists of. */
  baseFiles: number;
  /** Where it ran: PGlite, or a scratch database on a real server (URL without its password). */
  backend: { kind: 'pglite' } | { kind: 'server'; url: string; database?: string; serverVersion?: string };
  cache: {
    enabled: boolean;
    /** True when the whole base state came from the cache. */
    hit: boolean;
    /** How many of the base migrations came from the cache (the rest were replayed). */
    fromCache: number;
    key?: string;
    dir?: string;
  };
  failures: FileFailure[];
  differences: VerifyDifference[];
  dataDifferences: VerifyDataDifference[];
  columnOrder: ColumnOrderChange[];
  /** Every result as a finding of a verify rule, after severities and suppressions. */
  findings: VerifyFinding[];
  /** Findings silenced by suppression comments. */
  suppressed: number;
  /** Things worth knowing that are not findings (rows the up rejected, tables left empty...). */
  notes: string[];
  seed: SeedResult;
  /** Fixture files run before the up. */
  fixtures: string[];
  fixtureFailure?: FixtureFailure;
  /** Normalized schema text at each step (for a diff view). */
  snapshots: { before?: string; afterUp?: string; afterDown?: string; afterReup?: string };
  /** Rows of the tables the migration touches (for "Show data change"). */
  data: TableDataChange[];
  /** Milliseconds per step. */
  timings: Record<string, number>;
}

export class VerifyCancelledError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('Migration Guard: verification cancelled');
  }
}

const fileNameOf = (p: string): string => p.replace(/^.*[\\/]/, '');
const display = (name: string): string => name.replace(/(^|\s|`)public\./g, '$1');

/** The engine's state between steps: one database (replaced when restored from a dump). */
interface Runner {
  db: Database;
  /** Seeding plans kept across the migrations of a chain. */
  seedCache?: SeedCache;
  server: boolean;
  extensions: string[];
  plan: VerifyPlan;
  exclude: Set<string>;
  signal?: AbortSignalLike;
  lap: (name: string) => void;
}

function checkCancelled(r: { signal?: AbortSignalLike }): void {
  if (r.signal?.aborted) throw new VerifyCancelledError();
}

function emptyResult(options: VerifyOptions, plan: VerifyPlan | undefined, serverUrl: string | undefined, cacheDir: string | undefined, timings: Record<string, number>): VerifyResult {
  return {
    directory: options.directory,
    version: options.version === undefined ? '' : String(options.version),
    name: '',
    convention: plan?.convention.id ?? 'golang-migrate',
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
    dataDifferences: [],
    columnOrder: [],
    findings: [],
    suppressed: 0,
    notes: [],
    seed: { seeded: [], skipped: [] },
    fixtures: [],
    snapshots: {},
    data: [],
    timings,
  };
}

function describeResult(result: VerifyResult, m: PlannedMigration, plan: VerifyPlan): void {
  result.version = m.version;
  result.name = m.name;
  result.convention = plan.convention.id;
  result.upFiles = [...new Set(m.up.map((s) => s.file.path))];
  result.downFiles = [...new Set(m.down.map((s) => s.file.path))];
}

/** The migrations of a directory, in order, as verify sees them (for front ends that list or pick). */
export function planVerification(directory: string, host: FileHost = new NodeFileHost(), convention?: Convention): VerifyPlan {
  return planDirectory(directory, host, convention);
}

async function setVersion(r: Runner, m: PlannedMigration | undefined): Promise<void> {
  // golang-migrate records the version after each migration (some histories alter its table).
  if (r.plan.convention.id !== 'golang-migrate') return;
  let version = m?.versionNumber;
  if (version !== undefined && version > 9223372036854775807n) version = undefined;
  await r.db.exec(`TRUNCATE ${r.plan.toolTable.name}${version === undefined ? '' : `; INSERT INTO ${r.plan.toolTable.name} (version, dirty) VALUES (${version.toString()}, false)`}`);
}

/** The SQL a step runs, for the cache key: its sections only (editing the other direction changes nothing). */
const sourceOf = (s: Step): string => s.sql.trim();

// ---------------------------------------------------------------------------------------------
// One migration: fixtures, rows, up, down, up again.

/** What verify knows of a database state: its schema objects and its rows. */
interface Tracked {
  schema: SchemaState;
  data: DataState;
}

interface CheckOptions {
  /** In a chain (`verifyAll`): leave the database in the state after the up, without rows or fixtures. */
  chain: boolean;
  fixtures: Fixture[];
  showData: boolean;
  /** Keep the schema at each step as text (for "Show schema change"). */
  snapshots: boolean;
  /** The state before the up (no fixtures, no synthetic rows). */
  before: Tracked;
  /** The data directory in the state `before` (PGlite), when the caller has it already (a cached entry). */
  clean?: Blob;
  /** The states each data difference compares (for the evidence lines). */
  states: Map<VerifyDataDifference, { expected: DataState; actual: DataState }>;
  progress?: (phase: VerifyPhase, message: string, percent: number) => void;
}

interface Check {
  failures: FileFailure[];
  differences: VerifyDifference[];
  dataDifferences: VerifyDataDifference[];
  columnOrder: ColumnOrderChange[];
  seed: SeedResult;
  notes: string[];
  fixtures: string[];
  fixtureFailure?: FixtureFailure;
  snapshots: VerifyResult['snapshots'];
  data: TableDataChange[];
  /** In a chain: the state after the up (where the next migration starts). */
  next?: Tracked;
  /** The up does not apply (without rows either): a chain stops here. */
  upFailed: boolean;
}

function failure(phase: StepPhase, step: Step, error: ExecError): FileFailure {
  return { phase, file: step.file.path, ...error, text: `${fileNameOf(step.file.path)}: ${error.message}` };
}

async function runSteps(r: Runner, steps: readonly Step[], phase: StepPhase, inBlock: boolean): Promise<FileFailure | undefined> {
  for (const step of steps) {
    checkCancelled(r);
    let restore: (() => Promise<Database>) | undefined;
    if (phase !== 'replay' && !inBlock && !r.server && step.transactional && hasTransactionControl(step)) {
      // A file with COMMITs keeps part of its work when it fails: locate the error on a copy. (Not
      // for the replay of earlier migrations, where the file that fails is what counts.)
      const copy = await copyDataDir(r.db);
      dumpsTaken++;
      restore = async () => openDatabase({ extensions: r.extensions, loadDataDir: await copy.tarball() });
    }
    const error = await runStep(r.db, step, { inBlock, pglite: !r.server, ...(restore ? { restore } : {}) });
    if (error) return failure(phase, step, error);
  }
  return undefined;
}

/**
 * The data directory of a PGlite database to go back to if need be (copyDataDir: the tarball is made
 * only when it is used), after a CHECKPOINT, as checkpointedDump.
 */
async function checkpointedCopy(db: Database): Promise<DataDirState> {
  await checkpoint(db);
  dumpsTaken++;
  return copyDataDir(db);
}

/**
 * The data directory of a PGlite database for the cache, after a CHECKPOINT: a database started from
 * it then has no write-ahead log to replay (measured: a 73 MB directory starts in 520 ms instead of
 * 710–780 ms). Only outside a transaction.
 */
async function checkpointedDump(db: Database): Promise<Blob> {
  await checkpoint(db);
  dumpsTaken++;
  return db.dumpDataDir('none');
}

/** Data-directory dumps taken so far in this process (`verifyAll` collects garbage after a migration that took one). */
let dumpsTaken = 0;

/**
 * A CHECKPOINT that also deletes the write-ahead log before it instead of keeping its files for reuse
 * (`wal_recycle` off for this statement only). PGlite's PostgreSQL runs as a single-user backend,
 * which never checkpoints by itself: its log otherwise stays in memory for the whole run (16 MB
 * files) and goes into every data-directory dump, and a database started from a dump replays it all.
 * Outside a transaction; PGlite only (a superuser).
 */
async function checkpoint(db: Database): Promise<void> {
  // A checkpoint that cannot run (a migration left its own transaction aborted) only leaves more log.
  await db.exec('SET wal_recycle = off; CHECKPOINT; RESET wal_recycle').catch(() => undefined);
}

/** How often `verifyAll` asks how much log was written (in migrations), and how much it keeps before a checkpoint (two 16 MB files). */
const TRIM_EVERY = 8;
const LOG_KEPT = 32 * 1024 * 1024;

/** In a long run (`verifyAll`), between migrations: a checkpoint when more log than LOG_KEPT was written since the last one. */
async function trimLog(r: Runner): Promise<void> {
  if (r.server) return;
  const rows = (await r.db.query<{ d: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn)::bigint::text AS d FROM pg_control_checkpoint()').catch(() => ({ rows: [] }))).rows;
  if (Number(rows[0]?.d ?? 0) > LOG_KEPT) await checkpoint(r.db);
}

/** The state of a database read whole (no earlier state to start from). */
async function readState(r: Runner): Promise<Tracked> {
  verifyTesting.wholeReads++;
  const schema = await fullSchema(r.db);
  return { schema, data: await readData(r.db, { exclude: r.exclude, metas: [...tableMetas(schema).values()].filter((m) => !r.exclude.has(m.name)) }) };
}

/**
 * Follows the database through the steps of one migration. Inside a block, each state is the
 * previous one refreshed with what changed (tracker.ts); outside, each is read whole (the
 * transaction counters and ids the tracker relies on do not carry across separate transactions
 * and restores).
 */
class StateReader {
  private counts: Map<string, number> | undefined;
  private threshold: string | undefined;
  /** The tables the last refresh read again (their definition changed). */
  lastTouched = new Set<string>();
  /** Whether the last refresh read the dependents of what changed (a name changed). */
  lastDependents = true;
  /** Outside a block: the state the last `after` read whole, rows included (even when it returned other rows). */
  lastFull: Tracked | undefined;
  constructor(
    private readonly r: Runner,
    private readonly incremental: boolean,
  ) {}

  /** The schema of the state a `reset` counts rows from, until `mark` reads the counts (with a new mark, in one statement). */
  private pending: SchemaState | undefined;

  /** Starts (or restarts, after a rollback to a savepoint) counting rows from the current state, whose schema is `state` (read at the next `mark`: nothing writes in between). */
  async reset(state: SchemaState): Promise<void> {
    if (this.incremental) this.pending = state;
  }

  /** Every catalog row written from now on is younger than this (tracker.ts). `before`: statements to run first (in the same round trip when a statement is sent). */
  async mark(before?: string): Promise<string> {
    if (!this.incremental || !this.pending) {
      if (before) await this.r.db.exec(before);
      if (!this.incremental) return '';
    }
    if (this.pending) {
      const { counts, mark } = await countsAndBoundary(this.r.db, tableMetas(this.pending), before);
      this.pending = undefined;
      this.counts = counts;
      this.threshold = mark;
    }
    this.threshold ??= await boundary(this.r.db);
    return this.threshold;
  }

  /** The state now, from `base` (the state at `mark`); `withData` false keeps base's rows; `steps`: what ran since (a hint). */
  async after(base: Tracked, mark: string, withData = true, linesFrom?: SchemaState, dependents?: boolean, steps?: readonly Step[]): Promise<Tracked> {
    if (!this.incremental || this.counts === undefined) {
      const state = await readState(this.r);
      this.lastFull = state;
      this.lastDependents = true;
      return withData ? state : { schema: state.schema, data: base.data };
    }
    const quiet = steps !== undefined && steps.length > 0 && steps.every(likelyWritesNoCatalog);
    const { state, touched, mark: next, dependents: read, counts } = await refreshSchema(this.r.db, base.schema, mark, linesFrom, dependents, withData ? tableMetas(base.schema) : undefined, quiet);
    this.threshold = next;
    this.lastTouched = touched;
    this.lastDependents = read;
    if (!withData) return { schema: state, data: base.data };
    return { schema: state, data: await this.refreshRows(base.data, state, touched, counts, base.schema) };
  }

  /** The rows now, from `data` (the rows when counting started), for the schema `state` (`known`: row counters read since, by table oid). */
  async refreshRows(data: DataState, state: SchemaState, touched: ReadonlySet<string>, known?: ReadonlyMap<number, number>, previous?: SchemaState): Promise<DataState> {
    if (!this.incremental || this.counts === undefined) return (await readState(this.r)).data;
    const refreshed = await refreshData(this.r.db, data, this.counts, { state, touched, exclude: this.r.exclude, ...(known ? { known } : {}), ...(previous ? { previous } : {}) });
    this.counts = refreshed.counts;
    return refreshed.data;
  }
}

const neutralCache = new WeakMap<PlannedMigration, boolean>();
const neutral = (m: PlannedMigration): boolean => {
  let hit = neutralCache.get(m);
  if (hit === undefined) neutralCache.set(m, (hit = isDataNeutral([...m.up, ...m.down].map((s) => s.sql))));
  return hit;
};

function trackedToJSON(t: Tracked): unknown {
  return { objects: [...t.schema.objects.values()], data: t.data };
}

function trackedFromJSON(value: unknown): Tracked {
  const v = value as { objects: TrackedObject[]; data: DataState };
  return { schema: { objects: new Map(v.objects.map((o) => [o.key, o] as const)) }, data: v.data };
}

/** What seeding can know of a state without asking the database (see SeedKnowledge). */
function seedKnowledge(state: Tracked, exclude: ReadonlySet<string>): SeedKnowledge {
  const metas = tableMetas(state.schema);
  for (const t of exclude) metas.delete(t);
  const empty = new Set<string>();
  for (const [t] of metas) {
    const rows = state.data[t];
    if (rows && rows.rows.length === 0 && !rows.truncated) empty.add(t);
  }
  const objects = [...state.schema.objects.values()];
  // A table's rows depend on the types of its columns (enum labels, domain checks): only those count.
  const typeLines = new Map<string, string>();
  for (const o of objects) {
    if (o.kind !== 'enum' && o.kind !== 'domain' && o.kind !== 'type') continue;
    const text = o.lines.join('|');
    typeLines.set(o.name, text);
    typeLines.set(o.name.replace(/^public\./, ''), text);
  }
  const typesOf = (lines: readonly string[]): string =>
    lines
      .map((l) => /^column (?:"(?:[^"]|"")*"|\S+) ([^\s(\[]+)/.exec(l)?.[1])
      .filter((t): t is string => t !== undefined && typeLines.has(t))
      .map((t) => `${t}:${typeLines.get(t)}`)
      .join('\n');
  const tables = new Map(objects.filter((o) => o.kind === 'table').map((o) => [o.name, o] as const));
  const constraints = new Map<string, string[]>();
  for (const o of objects) if (o.kind === 'constraint' && o.table) constraints.set(o.table, [...(constraints.get(o.table) ?? []), o.lines.join('|')]);
  const resolve = (name: string): string | undefined => tables.has(name) ? name : tables.has(`public.${name}`) ? `public.${name}` : [...tables.keys()].find((t) => t.endsWith(`.${name}`));
  const signature = (t: string): string => {
    const own = constraints.get(t) ?? [];
    const parents = own.flatMap((c) => [...c.matchAll(/REFERENCES ((?:"(?:[^"]|"")*"|[^\s(])+)\(/g)].map((m) => m[1]!));
    const parentSigs = parents.map((p) => {
      const name = resolve(p);
      if (!name) return p;
      return `${name}:${tables.get(name)!.lines.join('|')}:${empty.has(name) ? '' : JSON.stringify(state.data[name]?.rows ?? null)}`;
    });
    const lines = tables.get(t)?.lines ?? [];
    return [typesOf(lines), lines.join('|'), [...own].sort().join('\n'), parentSigs.sort().join('\n')].join('\u0000');
  };
  return { tables: metas, empty, signature };
}

/** Each sequence's state, as the `setval` call that puts it back (`before`: statements sent first, in the same round trip). */
async function sequenceValues(r: Runner, before?: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const row of await executePrepared(
    r.db,
    'mg_sequences',
    'int',
    () =>
      `SELECT format('%I.%I', schemaname, sequencename) AS name,
            CASE WHEN last_value IS NULL THEN start_value::text || ', false' ELSE last_value::text || ', true' END AS v
     FROM pg_sequences WHERE $1 = 0`,
    ['0'],
    before ? { before } : {},
  )) {
    out.set(String(row.name), String(row.v));
  }
  return out;
}

/** Sequence values read at a savepoint, for a rollback to it (one not read there is a bug, not a guess). */
function sequencesAt(values: Map<string, string> | undefined): Map<string, string> {
  if (!values) throw new Error('Migration Guard: internal error: the sequences at this savepoint were not read');
  return values;
}

/** As restoreSequences, except that with no sequence to put back `before` is not sent but returned, for the caller to send with its next statement ('' when it was sent). */
async function restoreSequencesLater(r: Runner, saved: Map<string, string>, before: string): Promise<string> {
  if (saved.size === 0) return before;
  await restoreSequences(r, saved, before);
  return '';
}

/** Runs `before` (a rollback to a savepoint), then puts back the sequences that moved since `saved` (and still exist). */
async function restoreSequences(r: Runner, saved: Map<string, string>, before: string): Promise<void> {
  if (saved.size === 0) {
    await r.db.exec(before);
    return;
  }
  const now = await sequenceValues(r, before);
  const calls = [...saved].filter(([name, v]) => now.has(name) && now.get(name) !== v).map(([name, v]) => `setval('${name.replace(/'/g, "''")}', ${v})`);
  if (calls.length > 0) await r.db.exec(`SELECT ${calls.join(', ')}`);
}

/**
 * For tests only: `seedEveryTable` fills every empty table, as verify did before reach.ts;
 * `noAutocommitInBlock` runs non-transactional steps of a chain outside verify's block, as verify did
 * before canEmulateAutocommit (the findings must not change with either); `wholeReads` counts the
 * states read whole (schema and rows).
 */
export const verifyTesting = { seedEveryTable: false, noAutocommitInBlock: false, wholeReads: 0 };

/** The tables a migration's rows can matter in (reach.ts); undefined: every table (rules or event triggers exist, or SQL is built at run time). `before`: statements sent first, in the same round trip. */
async function reachable(r: Runner, schema: SchemaState, steps: readonly Step[], before?: string): Promise<Set<string> | undefined> {
  if (verifyTesting.seedEveryTable) {
    if (before) await r.db.exec(before);
    return undefined;
  }
  const hidden = (await executePrepared<{ x: boolean }>(r.db, 'mg_hidden', 'int', () =>
    `SELECT EXISTS (SELECT 1 FROM pg_rewrite WHERE rulename <> '_RETURN' AND ev_class >= 16384) OR EXISTS (SELECT 1 FROM pg_event_trigger) AS x WHERE $1 = 0`, ['0'],
    before ? { before } : {},
  ))[0]?.x;
  if (hidden !== false) return undefined;
  return reachableTables(schema, steps.map((s) => s.sql));
}

/** Applies a migration's up without verifying it (in a chain); undefined when it fails. */
async function advance(r: Runner, m: PlannedMigration, before: Tracked): Promise<{ next: Tracked } | { error: FileFailure }> {
  const block = m.up.every(canRunInBlock);
  if (!block) {
    const error = await runSteps(r, m.up, 'replay', false);
    if (error) return { error };
    await setVersion(r, m);
    return { next: await readState(r) };
  }
  const reader = new StateReader(r, true);
  await r.db.exec('BEGIN');
  let ok = false;
  try {
    await reader.reset(before.schema);
    const mark = await reader.mark();
    const error = await runSteps(r, m.up, 'replay', true);
    if (error) return { error };
    await setVersion(r, m);
    const next = await reader.after(before, mark, true, undefined, undefined, m.up);
    ok = true;
    return { next };
  } finally {
    await r.db.exec(ok ? 'COMMIT' : 'ROLLBACK');
  }
}

/**
 * Verifies one migration from the database's current state (`options.before`). In a chain, the
 * database is left in the state after the up (committed) and `next` describes it; when the up does
 * not apply, the database is left as it was.
 */
async function checkMigration(r: Runner, m: PlannedMigration, options: CheckOptions): Promise<Check> {
  const check: Check = {
    failures: [],
    differences: [],
    dataDifferences: [],
    columnOrder: [],
    seed: { seeded: [], skipped: [] },
    notes: [],
    fixtures: options.fixtures.map((f) => f.path),
    snapshots: options.snapshots ? { before: formatSnapshot(toSnapshot(options.before.schema)) } : {},
    data: [],
    upFailed: false,
  };
  const progress = options.progress ?? ((): void => undefined);
  const steps = [...m.up, ...m.down];
  /** Whether every step runs in a transaction block as its tool runs it. */
  const ownBlock = steps.every(canRunInBlock);
  // On PGlite, steps the tool runs outside a transaction, statement by statement, run in our block too
  // when that changes nothing (execute.ts, canEmulateAutocommit; a concurrent index statement runs
  // without CONCURRENTLY): restoring is a rollback to a savepoint instead of a new database from a
  // dump, and each leg reads what changed instead of everything. Which migrations get rows stays as it was.
  const block = ownBlock || (!r.server && !verifyTesting.noAutocommitInBlock && steps.every((s) => canRunInBlock(s) || canEmulateAutocommit(s)));
  const P = options.before;
  // Outside a block, states are restored from a copy of the data directory (PGlite only).
  let dump: DataDirState | undefined;
  const restorable = block || !r.server;
  // A migration whose statements cannot change rows needs no rows to be verified (neutral.ts):
  // in a chain, where time counts, it runs without them. Its result is the same.
  // In a chain, a migration that runs outside our transaction goes without rows too: with none, the
  // up run again leaves the state the next migration starts from, and no restore (a new database
  // from a dump, hundreds of MB) is needed unless something fails.
  const withRows = restorable && !(options.chain && options.fixtures.length === 0 && !options.showData && (neutral(m) || !ownBlock));
  if (options.chain && !ownBlock && restorable && !withRows && !neutral(m)) check.notes.push('no synthetic rows in verify --all for a migration that runs outside a transaction (verify it alone to check its data)');
  const reader = new StateReader(r, block);
  /** Where the database is when the legs end: a chain must continue from the state after the up. */
  let where: 'clean' | 'after-up' | 'other' = 'clean';
  let afterUp: Tracked | undefined;
  /** Whether the first up changed a name (its refresh read dependents): the up run again does too. */
  let upDependents = true;
  /** Outside a block, in the state after the up (`where`): that state as read whole after it ran, rows included (nothing ran since). */
  let latest: Tracked | undefined;

  const restoreClean = async (): Promise<void> => {
    if (block) {
      await restoreSequences(r, sequencesAt(atClean), 'ROLLBACK TO SAVEPOINT mg_clean');
    }
    else if (dump) {
      const tarball = await dump.tarball();
      await r.db.close().catch(() => undefined);
      r.db = await openDatabase({ extensions: r.extensions, loadDataDir: tarball });
    }
    where = 'clean';
  };

  /** Runs `body` in a transaction of its own outside a block (inside the block it already is in one). */
  const transaction = async <T>(body: () => Promise<T>, keep: (t: T) => boolean): Promise<T> => {
    if (block) return body();
    await r.db.exec('BEGIN');
    let value: T | undefined;
    try {
      value = await body();
      return value;
    } finally {
      await r.db.exec(value !== undefined && keep(value) ? 'COMMIT' : 'ROLLBACK');
    }
  };

  const runFixtures = (): Promise<boolean> =>
    transaction(async () => {
      for (const f of options.fixtures) {
        const error = await runStep(r.db, { sql: f.text, transactional: true }, { inBlock: true });
        if (error) {
          check.fixtureFailure = withRange({ file: f.path, ...error }, f.text);
          return false;
        }
      }
      return true;
    }, (ok) => ok);

  if (!block && !r.server) dump = options.clean ? tarballState(options.clean) : await checkpointedCopy(r.db);
  // Sequences do not roll back with a savepoint: their values are put back by hand.
  // In a chain, a migration without rows ends back at mg_up (below) and never at mg_clean: its sequences
  // are read there only; any other one may go back to mg_clean (and never to mg_up).
  const endsAtUp = options.chain && block && !withRows && options.fixtures.length === 0 && m.down.length > 0;
  let atClean: Map<string, string> | undefined;
  /** Statements to send with the next statement of the legs (one round trip fewer): `take` hands them over. */
  let deferred = '';
  const take = (): string | undefined => {
    const d = deferred;
    deferred = '';
    return d || undefined;
  };
  if (!block) atClean = new Map<string, string>();
  else if (endsAtUp) deferred = 'BEGIN; SAVEPOINT mg_clean';
  else atClean = await sequenceValues(r, 'BEGIN; SAVEPOINT mg_clean');
  let atUp: Map<string, string> | undefined;
  await reader.reset(P.schema);
  let committed = false;
  try {
    let start: Tracked = P;
    if (!restorable && options.fixtures.length > 0) check.notes.push('the fixtures were not run: this migration runs outside a transaction, and a server database cannot be restored afterwards');
    else if (options.fixtures.length > 0) {
      const mark = await reader.mark(take());
      if (!(await runFixtures())) return check;
      start = await reader.after(P, mark);
    }
    // The savepoint goes with the next statement (the seeding's first, or the mark before the up).
    if (block) deferred = deferred ? `${deferred}; SAVEPOINT mg_rows` : 'SAVEPOINT mg_rows';
    let before0 = start;
    if (withRows) {
      progress('seed', 'Filling every empty table with distinctive rows', 55);
      const knowledge = seedKnowledge(start, r.exclude);
      // Only the tables the migration can reach: the rows of the others cannot show anything (reach.ts).
      const only = await reachable(r, start.schema, steps, take());
      const seeded = await transaction(() => seedTables(r.db, { exclude: r.exclude, knowledge, ...(r.seedCache ? { cache: r.seedCache } : {}), ...(only ? { only } : {}) }), () => true);
      check.seed = { seeded: seeded.seeded, skipped: seeded.skipped, ...(seeded.rows !== undefined ? { rows: seeded.rows } : {}), ...(seeded.triggersOff !== undefined ? { triggersOff: seeded.triggersOff } : {}), ...(seeded.quiet ? { quiet: true } : {}) };
      if (block) {
        // The rows of the seeded tables: known from an earlier seeding, or read now.
        const unknown = seeded.seeded.filter((t) => !seeded.known[t]);
        const metas = tableMetas(start.schema);
        const read = unknown.length > 0 ? await readData(r.db, { exclude: r.exclude, metas: unknown.map((t) => metas.get(t)!).filter((m) => m !== undefined) }) : {};
        for (const [t, rows] of Object.entries(read)) seeded.remember(t, rows);
        before0 = { schema: start.schema, data: { ...start.data, ...seeded.known, ...read } };
        await reader.reset(start.schema);
      } else if (seeded.triggersOff) {
        // Rows went in with triggers and rules off: the schema is the one before them, only rows are read.
        before0 = { schema: start.schema, data: await readData(r.db, { exclude: r.exclude, metas: [...tableMetas(start.schema).values()].filter((m) => !r.exclude.has(m.name)) }) };
      } else before0 = await readState(r);
    } else if (!restorable) check.notes.push('no synthetic rows: this migration runs outside a transaction, and a server database cannot be restored afterwards');
    r.lap('seed');

    progress('up', `Applying the up of ${m.name}`, 65);
    let mark = await reader.mark(take());
    let upError = await runSteps(r, m.up, 'up', block);
    where = 'other';
    if (upError && (check.seed.rows ?? 0) > 0) {
      // The synthetic rows may break an up that works on real data (a CHECK they violate...): again without them.
      if (block) {
        await restoreSequences(r, sequencesAt(atClean), 'ROLLBACK TO SAVEPOINT mg_rows');
        await reader.reset(start.schema);
      } else {
        await restoreClean();
        if (!(await runFixtures())) return check;
      }
      before0 = block ? start : await readState(r);
      const withSeeds = upError;
      mark = await reader.mark();
      upError = await runSteps(r, m.up, 'up', block);
      if (!upError) {
        check.notes.push(`the up rejects the synthetic rows (${withSeeds.text}), so the round trip ran without them`);
        check.seed = { seeded: [], skipped: check.seed.skipped, rows: 0 };
      }
    }
    r.lap('up');
    if (upError) {
      check.failures.push(upError);
      check.upFailed = true;
      return check;
    }
    where = 'after-up';
    await setVersion(r, m);
    // With data even without rows: a chain continues from this state (a column added changes every row).
    afterUp = await reader.after(before0, mark, true, undefined, undefined, m.up);
    if (!block) latest = reader.lastFull;
    upDependents = reader.lastDependents;
    if (options.snapshots) check.snapshots.afterUp = formatSnapshot(toSnapshot(afterUp.schema));
    r.lap('snapshot');

    const touched = new Set<string>();
    if (options.showData) {
      const named = relationsNamed(steps);
      for (const t of new Set([...Object.keys(before0.data), ...Object.keys(afterUp.data)])) {
        const b = before0.data[t];
        const a = afterUp.data[t];
        const changed = !b || !a || JSON.stringify(b.rows) !== JSON.stringify(a.rows) || JSON.stringify(b.columns) !== JSON.stringify(a.columns);
        if (namesTable(named, t) || changed) touched.add(t);
      }
    }
    let afterDownData: DataState | undefined;
    const collectData = (): void => {
      if (!options.showData || !afterUp) return;
      for (const t of [...touched].sort()) {
        const entry: TableDataChange = { table: t };
        if (before0.data[t]) entry.before = formatTable(display(t), before0.data[t]);
        if (afterUp.data[t]) entry.afterUp = formatTable(display(t), afterUp.data[t]);
        if (afterDownData?.[t]) entry.afterDown = formatTable(display(t), afterDownData[t]);
        check.data.push(entry);
      }
    };
    if (m.down.length === 0) {
      collectData();
      return check;
    }

    if (block) {
      if (endsAtUp) atUp = await sequenceValues(r, 'SAVEPOINT mg_up');
      else await r.db.exec('SAVEPOINT mg_up');
    }
    progress('down', `Applying the down of ${m.name}`, 75);
    mark = await reader.mark();
    latest = undefined;
    const downError = await runSteps(r, m.down, 'down', block);
    where = 'other';
    r.lap('down');
    let exact = false;
    if (downError) check.failures.push(downError);
    else {
      await setVersion(r, undefined);
      const afterDown = await reader.after(afterUp, mark, withRows, undefined, undefined, m.down);
      if (options.snapshots) check.snapshots.afterDown = formatSnapshot(toSnapshot(afterDown.schema));
      const parts = differingParts(P.schema, afterDown.schema);
      const diffs = collapseDifferences(compareSnapshots(parts.a, parts.b));
      check.columnOrder.push(...columnOrderChanges(parts.a, parts.b));
      for (const d of withoutOrderOnly(diffs)) check.differences.push(difference('down', d, m.down));
      afterDownData = afterDown.data;
      if (withRows) {
        for (const d of compareData(before0.data, afterDown.data)) {
          const dd = dataDifference('down', d, m.down, before0.data, afterDown.data);
          check.dataDifferences.push(dd);
          options.states.set(dd, { expected: before0.data, actual: afterDown.data });
        }
      }
      exact = diffs.length === 0 && (!withRows || sameData(before0.data, afterDown.data));
      r.lap('compare');

      // Up again. A down that restores everything exactly makes the up run from the very same
      // state, so in a chain that leg can only repeat the first up: it is skipped there.
      if (!(options.chain && exact && block)) {
        progress('reup', 'Applying the up again', 88);
        mark = await reader.mark();
        const reupError = await runSteps(r, m.up, 'reup', block);
        r.lap('reup');
        if (reupError) check.failures.push(reupError);
        else {
          where = 'after-up';
          await setVersion(r, m);
          const afterReup = await reader.after(afterDown, mark, withRows, undefined, undefined, m.up);
          if (!block) latest = reader.lastFull;
          if (options.snapshots) check.snapshots.afterReup = formatSnapshot(toSnapshot(afterReup.schema));
          const parts = differingParts(afterUp.schema, afterReup.schema);
          for (const d of withoutOrderOnly(collapseDifferences(compareSnapshots(parts.a, parts.b)))) check.differences.push(difference('reup', d, m.up));
          if (check.columnOrder.length === 0) check.columnOrder.push(...columnOrderChanges(parts.a, parts.b));
          if (withRows) {
            const first = afterUp.data;
            const volatile = (t: string): ReadonlySet<string> => new Set(first[t]?.generated ?? []);
            // A table whose rows the down already fails to restore differs after the up again for the
            // same reason: one finding per cause.
            const lossy = new Set(check.dataDifferences.filter((d) => d.phase === 'down').map((d) => d.table));
            for (const d of compareData(first, afterReup.data, { ignore: volatile }).filter((x) => !lossy.has(x.table))) {
              const dd = dataDifference('reup', d, m.up, first, afterReup.data);
              check.dataDifferences.push(dd);
              options.states.set(dd, { expected: first, actual: afterReup.data });
            }
          }
          r.lap('compare');
        }
      }
    }
    collectData();
    return check;
  } finally {
    r.lap('legs');
    /** A rollback to a savepoint still to send, with the COMMIT. */
    let closing = '';
    if (options.chain && !check.upFailed) {
      // Where the next migration starts: the state after the up alone, without fixtures or rows.
      if (block && !withRows && options.fixtures.length === 0 && afterUp && m.down.length > 0) {
        // Nothing but the up and the legs ran since mg_up: back there, and nothing to run again.
        closing = await restoreSequencesLater(r, sequencesAt(atUp), 'ROLLBACK TO SAVEPOINT mg_up');
        where = 'after-up';
        check.next = { schema: afterUp.schema, data: afterUp.data };
      } else if (!block && !withRows && options.fixtures.length === 0 && where === 'after-up') {
        // The up ran again and nothing else was added: this is where the next migration starts,
        // as read whole after that up (nothing ran since), else read now.
        check.next = latest ?? (await readState(r));
      } else {
        let rollback = '';
        if (block) {
          rollback = await restoreSequencesLater(r, sequencesAt(atClean), 'ROLLBACK TO SAVEPOINT mg_clean');
          where = 'clean';
        } else if (restorable) await restoreClean();
        await reader.reset(P.schema);
        if (where === 'clean') {
          const mark = await reader.mark(rollback || undefined);
          const error = await runSteps(r, m.up, 'up', block);
          if (error) {
            check.failures.push(error);
            check.upFailed = true;
          } else {
            await setVersion(r, m);
            // The same statements on the same schema make the same definitions as the first up:
            // only which objects (their oids are new) is read again, the definitions are reused.
            check.next = await reader.after(P, mark, true, afterUp?.schema, afterUp ? upDependents : undefined, m.up);
          }
        } else if (where === 'after-up') check.next = await readState(r);
        else {
          check.upFailed = true;
          check.notes.push('the state after the up could not be restored on the server: the later migrations are not verified');
        }
      }
      if (block) await r.db.exec(`${closing ? `${closing}; ` : ''}${check.upFailed ? 'ROLLBACK' : 'COMMIT'}`);
      committed = true;
      r.lap('chain');
    }
    if (block && !committed) await r.db.exec('ROLLBACK').catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Messages.

/** The unqualified name of an object: `users_pkey on public.users` → `users_pkey`, `public.f(integer)` → `f`. */
function bareName(name: string): string {
  const first = name.split(' on ')[0]!.replace(/\(.*$/, '');
  const last = first.split('.').pop() ?? first;
  return last.replace(/^"|"$/g, '');
}

function difference(phase: 'down' | 'reup', d: SchemaDifference, steps: readonly Step[]): VerifyDifference {
  const what = `${d.kind} ${display(d.name)}`;
  let message: string;
  if (phase === 'down') {
    if (d.change === 'missing') message = `The down does not restore ${what}, which existed before the up`;
    else if (d.change === 'unexpected') message = `The down does not drop ${what}, which did not exist before the up`;
    else message = `The down does not restore ${what} as it was before the up`;
  } else {
    if (d.change === 'missing') message = `Running the up again after the down does not create ${what}`;
    else if (d.change === 'unexpected') message = `Running the up again after the down leaves an extra ${what}`;
    else message = `Running the up again after the down gives a different ${what}`;
  }
  const words = [bareName(d.name)];
  if (d.change === 'changed') {
    const parts = changedParts(d);
    message += `: ${parts.text.join('; ')}`;
    words.unshift(...parts.columns);
  }
  const at = locateWords(steps, words);
  return { ...d, phase, file: at.file, span: at.span, message };
}

/** Says what changed inside an object, column by column for tables. */
function changedParts(d: SchemaDifference): { text: string[]; columns: string[] } {
  const col = (line: string): string | undefined => /^column ("(?:[^"]|"")*"|\S+)/.exec(line)?.[1];
  const text: string[] = [];
  const columns: string[] = [];
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

function dataDifference(phase: 'down' | 'reup', d: DataDifference, steps: readonly Step[], expected: DataState, actual: DataState): VerifyDataDifference {
  const table = display(d.table);
  const col = d.column ? `\`${table}.${d.column}\`` : '';
  const category = (state: DataState): string => (d.column ? (state[d.table]?.categories[state[d.table]!.columns.indexOf(d.column)] ?? 'S') : 'S');
  const example = d.examples[0];
  const rows = (n: number): string => `${n} row${n === 1 ? '' : 's'}`;
  const down = phase === 'down';
  let message: string;
  let at: Located;
  switch (d.kind) {
    case 'values': {
      const change = example ? `: ${showValue(example.before, category(expected))} → ${showValue(example.after, category(actual))}` : '';
      message = down
        ? `The down does not restore the values of ${col} (${d.count} of ${rows(d.total)} differ${change})`
        : `Running the up again after the down gives other values of ${col} than the first up (${d.count} of ${rows(d.total)} differ${change})`;
      at = locateColumn(steps, d.table, d.column!);
      break;
    }
    case 'column-missing':
      message = down
        ? `The down does not bring back the values of ${col}: the column is missing after the down (${rows(d.count)} held values)`
        : `Running the up again after the down loses the values of ${col}: the column is missing (${rows(d.count)} held values)`;
      at = locateColumn(steps, d.table, d.column!);
      break;
    case 'table-missing':
      message = down
        ? `The down does not restore the ${rows(d.count)} of \`${table}\`: the table is missing after the down`
        : `Running the up again after the down loses the ${rows(d.count)} of \`${table}\`: the table is missing`;
      at = locateRows(steps, d.table);
      break;
    case 'rows-missing':
      message = down
        ? `The down does not restore ${d.count} of ${rows(d.total)} of \`${table}\``
        : `Running the up again after the down loses ${d.count} of ${rows(d.total)} of \`${table}\``;
      at = locateRows(steps, d.table);
      break;
    case 'rows-extra':
      message = down
        ? `The down leaves ${rows(d.count)} in \`${table}\` that did not exist before the up`
        : `Running the up again after the down leaves ${rows(d.count)} more in \`${table}\` than the first up`;
      at = locateRows(steps, d.table);
      break;
  }
  return { ...d, phase, file: at.file, span: at.span, message };
}

function exampleLines(d: DataDifference, state: { expected: DataState; actual: DataState }): string[] {
  const catE = d.column ? (state.expected[d.table]?.categories[state.expected[d.table]!.columns.indexOf(d.column)] ?? 'S') : 'S';
  const catA = d.column ? (state.actual[d.table]?.categories[state.actual[d.table]?.columns.indexOf(d.column) ?? -1] ?? catE) : 'S';
  return d.examples.map((e) => {
    if (e.row !== undefined) return `row ${e.row}`;
    const key = e.key ? `row ${e.key}: ` : '';
    if (d.kind === 'column-missing') return `${key}${showValue(e.before, catE)}`;
    return `${key}${showValue(e.before, catE)} → ${showValue(e.after, catA)}`;
  });
}

/** The raw findings of a result (before severities and suppressions). */
function rawFindings(result: VerifyResult, m: PlannedMigration | undefined, states: Map<VerifyDataDifference, { expected: DataState; actual: DataState }>): RawFinding[] {
  const out: RawFinding[] = [];
  for (const f of result.failures) {
    const what =
      f.phase === 'up'
        ? 'The up fails'
        : f.phase === 'down'
          ? 'The down fails'
          : f.phase === 'reup'
            ? 'The up fails when run again after the down'
            : `This earlier migration fails, so ${result.name || result.version} cannot be verified`;
    const details: string[] = [];
    if (f.detail) details.push(`detail: ${f.detail}`);
    if (f.hint) details.push(`hint: ${f.hint}`);
    out.push({ ruleId: 'verify-statement-failed', file: f.file, span: f.span, message: `${what}: ${f.message}${f.code ? ` (SQLSTATE ${f.code})` : ''}`, details, phase: f.phase });
  }
  for (const d of result.differences) {
    out.push({ ruleId: 'verify-schema-difference', file: d.file, span: d.span, message: d.message, details: d.change === 'changed' ? [] : [...d.expected, ...d.actual], phase: d.phase });
  }
  for (const d of result.dataDifferences) {
    const s = states.get(d);
    out.push({
      ruleId: d.kind === 'rows-extra' ? 'verify-data-leftover' : 'verify-data-loss',
      file: d.file,
      span: d.span,
      message: d.message,
      details: s ? exampleLines(d, s) : [],
      phase: d.phase,
    });
  }
  if (result.columnOrder.length > 0 && m) {
    // Once per verification: on the down statement that re-adds the first such column.
    const c = result.columnOrder[0]!;
    const moved = c.actual.find((col, i) => col !== c.expected[i]) ?? c.actual[c.actual.length - 1]!;
    const at = m.down.length > 0 ? locateColumn(m.down, c.table, c.actual[c.actual.length - 1] ?? moved) : locateWords(m.up, [bareName(c.table)]);
    const tables = result.columnOrder.map((x) => `\`${display(x.table)}\``).join(', ');
    out.push({
      ruleId: 'verify-column-order',
      file: at.file,
      span: at.span,
      message:
        `The round trip restores the columns of ${tables} in another order (PostgreSQL adds a column at the end and cannot move it). ` +
        'This is harmless unless code uses SELECT * or INSERT without a column list.',
      details: result.columnOrder.map((x) => `${display(x.table)}: (${x.expected.join(', ')}) before, (${x.actual.join(', ')}) after`),
      phase: 'down',
    });
  }
  return out;
}

function finish(result: VerifyResult, m: PlannedMigration | undefined, options: VerifyOptions, host: FileHost, states: Map<VerifyDataDifference, { expected: DataState; actual: DataState }>, texts: Map<string, string>): VerifyResult {
  const applied = applyRuleSettings(rawFindings(result, m, states), options.rules, (file) => texts.get(file) ?? host.readFile(file));
  result.findings = applied.findings;
  result.suppressed = applied.suppressed;
  if (result.status === 'replay-failed' || result.status === 'fixture-failed' || result.status === 'error' || result.status === 'not-found') {
    result.ok = false;
    return result;
  }
  const errors = result.findings.filter((f) => f.severity === 'error');
  if (result.status === 'no-down' && errors.length === 0) {
    result.ok = false;
    if (!result.summary) result.summary = `the up applies; ${result.name || result.version} has no down migration to verify`;
    return result;
  }
  result.status = errors.length > 0 ? 'failed' : 'passed';
  result.ok = result.status === 'passed';
  if (result.ok) {
    const others = result.findings.length;
    result.summary = `up → down → up round-trips${others > 0 ? ` (${others} note${others === 1 ? '' : 's'})` : ''}`;
  } else {
    const first = errors[0]!.message.replace(/\.$/, '');
    const cut = first.length > 200 ? `${first.slice(0, 197)}...` : first;
    result.summary = errors.length === 1 ? cut : `${errors.length} problems: ${cut}; and ${errors.length - 1} more`;
  }
  return result;
}

function applyCheck(result: VerifyResult, check: Check): void {
  result.failures.push(...check.failures);
  result.differences.push(...check.differences);
  result.dataDifferences.push(...check.dataDifferences);
  result.columnOrder.push(...check.columnOrder);
  result.seed = check.seed;
  result.notes.push(...check.notes);
  result.fixtures = check.fixtures;
  if (check.fixtureFailure) result.fixtureFailure = check.fixtureFailure;
  result.snapshots = check.snapshots;
  result.data = check.data;
}

// ---------------------------------------------------------------------------------------------
// Entry points.

async function openRunner(
  options: VerifyOptions,
  plan: VerifyPlan,
  texts: string[],
  loaded: Blob | undefined,
  serverUrl: string | undefined,
  lap: (name: string) => void,
): Promise<{ runner: Runner; backend: VerifyResult['backend'] }> {
  const extensions = [...new Set(texts.flatMap((t) => extensionsIn(t)))].sort();
  let db: Database;
  let backend: VerifyResult['backend'] = { kind: 'pglite' };
  if (serverUrl) {
    const scratch = await openScratchDatabase(serverUrl);
    db = scratch;
    backend = { kind: 'server', url: redactUrl(serverUrl), database: scratch.name, serverVersion: scratch.serverVersion };
  } else db = await openDatabase({ extensions, ...(loaded ? { loadDataDir: loaded } : {}) });
  const runner: Runner = {
    db,
    server: serverUrl !== undefined,
    extensions,
    plan,
    exclude: new Set([plan.toolTable.name]),
    ...(options.signal ? { signal: options.signal } : {}),
    lap,
  };
  return { runner, backend };
}

/** Creates the tool's table and runs the prelude on an empty database; the error message of a failing prelude. */
async function initialize(r: Runner, prelude: string | undefined): Promise<string | undefined> {
  await r.db.exec(r.plan.toolTable.ddl);
  if (prelude) {
    const error = await runStep(r.db, { sql: prelude, transactional: true }, { inBlock: false });
    if (error) return error.message;
  }
  return undefined;
}

function makeTimer(): { timings: Record<string, number>; lap: (name: string) => void; started: number } {
  const started = Date.now();
  const timings: Record<string, number> = {};
  let mark = started;
  return {
    timings,
    started,
    lap: (name: string): void => {
      const now = Date.now();
      timings[name] = (timings[name] ?? 0) + (now - mark);
      mark = now;
    },
  };
}

/** Verifies one migration (default: the newest) of a directory. */
export async function verifyMigration(options: VerifyOptions): Promise<VerifyResult> {
  const host = options.host ?? new NodeFileHost();
  const { timings, lap, started } = makeTimer();
  const progress = (phase: VerifyPhase, message: string, percent: number): void => {
    try {
      options.onProgress?.({ phase, message, percent });
    } catch {
      // A failing progress reporter never stops a verification.
    }
  };
  const serverUrl = options.databaseUrl?.trim() ? options.databaseUrl.trim() : undefined;
  const cacheDir = options.cacheDir === false || serverUrl ? undefined : (options.cacheDir ?? defaultCacheDir());

  await loadParser();
  const plan = planDirectory(options.directory, host, options.convention);
  const result = emptyResult(options, plan, serverUrl, cacheDir, timings);
  const states = new Map<VerifyDataDifference, { expected: DataState; actual: DataState }>();
  const texts = new Map<string, string>();
  const index =
    options.file !== undefined
      ? plan.migrations.findIndex((m) => m === migrationOfFile(plan, options.file!))
      : options.version === undefined
        ? plan.migrations.length - 1
        : plan.migrations.indexOf(migrationsMatching(plan.migrations, options.version)[0]!);
  const m = plan.migrations[index];
  if (!m) {
    result.summary =
      plan.migrations.length === 0
        ? `${options.directory} has no migrations (${plan.convention.displayName}: ${plan.convention.nameTemplate})`
        : options.file !== undefined
          ? `${fileNameOf(options.file)} is not a migration of ${options.directory}`
          : `${options.directory} has no migration with version ${result.version || '(none)'}`;
    return result;
  }
  describeResult(result, m, plan);
  for (const s of [...m.up, ...m.down]) texts.set(s.file.path, s.text);
  if (m.up.length === 0) {
    result.summary = `${m.name} has a down but no up`;
    return result;
  }
  const fixtures = loadFixtures(options.fixtures ?? [], host);
  if ('error' in fixtures) {
    result.status = 'fixture-failed';
    result.fixtureFailure = fixtures.error;
    result.summary = `fixture ${fileNameOf(fixtures.error.file)}: ${fixtures.error.message}`;
    return result;
  }

  const base = plan.migrations.slice(0, index);
  const baseSteps = base.flatMap((b) => b.up);
  result.baseFiles = base.length;
  const keys = prefixKeys(
    base.map((b) => ({ fileName: b.name, text: b.up.map(sourceOf).join('\n') })),
    `${PGLITE_VERSION}\u0000${plan.convention.id}\u0000${options.prelude ?? ''}`,
  );
  result.cache.key = keys[keys.length - 1];

  progress('start', serverUrl ? `Creating a scratch database on ${redactUrl(serverUrl)}` : 'Starting the embedded PostgreSQL', 0);
  let runner: Runner | undefined;
  const writes: Promise<unknown>[] = [];
  try {
    let from = 0;
    let loaded: Blob | undefined;
    if (!serverUrl) preloadDatabase();
    if (cacheDir) {
      for (let k = base.length; k >= 0; k--) {
        loaded = await readEntry(cacheDir, keys[k]!);
        if (loaded) {
          from = k;
          break;
        }
      }
    }
    checkCancelled(options);
    // What verify saved beside the entry, read while PGlite starts (a file read after its start waits behind it).
    const key = keys[base.length]!;
    const savedRead = cacheDir && loaded !== undefined && from === base.length ? readSidecar(cacheDir, key, 'state') : Promise.resolve(undefined);
    const seedsRead = cacheDir ? readSidecar(cacheDir, key, 'seed') : Promise.resolve(undefined);
    const opened = await openRunner(options, plan, [...baseSteps, ...m.up, ...m.down].map((s) => s.sql), loaded, serverUrl, lap);
    runner = opened.runner;
    result.backend = opened.backend;
    result.cache.fromCache = loaded ? from : 0;
    result.cache.hit = loaded !== undefined && from === base.length;
    if (!loaded) {
      const error = await initialize(runner, options.prelude);
      if (error) {
        result.status = 'replay-failed';
        result.summary = `the prelude fails: ${error}`;
        return result;
      }
    }
    lap('start');
    /** The data directory in the state after the replay, when we have it anyway (the cached entries). */
    let clean = loaded !== undefined && from === base.length ? loaded : undefined;
    if (cacheDir && !loaded) {
      // Save the empty database too: initdb is most of a cold start.
      // Written while the replay goes on (compressed in Node's thread pool); awaited before returning.
      const empty = await checkpointedDump(runner.db);
      if (base.length === 0) clean = empty;
      writes.push(writeEntry(cacheDir, keys[0]!, empty));
      lap('cache');
    }
    for (let i = from; i < base.length; i++) {
      checkCancelled(options);
      const b = base[i]!;
      progress('replay', `Replaying ${b.name} (${i + 1}/${base.length})`, 5 + Math.round((45 * (i + 1 - from)) / Math.max(1, base.length - from)));
      const error = await runSteps(runner, b.up, 'replay', false);
      if (error) {
        result.failures.push(error);
        texts.set(error.file, b.up.find((s) => s.file.path === error.file)?.text ?? '');
        result.status = 'replay-failed';
        result.summary = `an earlier migration does not apply: ${error.text}`;
        lap('replay');
        return finish(result, m, options, host, states, texts);
      }
      await setVersion(runner, b);
    }
    lap('replay');
    if (cacheDir && from < base.length) {
      clean = await checkpointedDump(runner.db);
      writes.push(writeEntry(cacheDir, keys[base.length]!, clean));
      lap('cache');
    }
    checkCancelled(options);

    // The state after the replay: saved beside the cached entry, so that a warm start reads nothing.
    const saved = await savedRead;
    const before = saved ? trackedFromJSON(saved) : await readState(runner);
    if (cacheDir && !saved) writes.push(writeSidecar(cacheDir, key, 'state', trackedToJSON(before)));
    if (cacheDir) {
      const seeds = await seedsRead;
      runner.seedCache = seeds ? SeedCache.fromJSON(seeds) : new SeedCache();
    }
    lap('snapshot');
    const check = await checkMigration(runner, m, { chain: false, fixtures: fixtures.fixtures, showData: options.showData !== false, snapshots: true, before, ...(clean ? { clean } : {}), progress, states });
    applyCheck(result, check);
    if (cacheDir && runner.seedCache) writes.push(writeSidecar(cacheDir, key, 'seed', runner.seedCache.toJSON()));
    result.status = 'failed';
    if (check.fixtureFailure) {
      result.status = 'fixture-failed';
      result.summary = `fixture ${fileNameOf(check.fixtureFailure.file)} fails: ${check.fixtureFailure.message}; nothing was verified`;
      return result;
    }
    if (m.down.length === 0 && !check.upFailed) result.status = 'no-down';
    progress('done', 'Done', 100);
    return finish(result, m, options, host, states, texts);
  } catch (e) {
    if (e instanceof VerifyCancelledError) throw e;
    result.status = 'error';
    result.ok = false;
    result.summary = `verification stopped: ${e instanceof Error ? e.message : String(e)}`;
    return result;
  } finally {
    if (runner) await runner.db.close().catch(() => undefined);
    await Promise.all(writes);
    timings.total = Date.now() - started;
  }
}

export interface VerifyAllOptions extends Omit<VerifyOptions, 'version' | 'file'> {
  /** The plan to walk (from `planVerification` with the same host); planned again when absent. */
  plan?: VerifyPlan;
  /** Which migrations to verify (the others are only applied). Default: those with a down. */
  select?: (m: PlannedMigration, index: number) => boolean;
  /** Each result as soon as it is known. */
  onResult?: (result: VerifyResult, index: number, of: number) => void;
}

/**
 * Verifies the migrations of a directory in one pass: each migration runs up once on the way
 * (the state after migration N's up is where N+1 starts) and the selected ones are verified there.
 * Stops at a migration whose up does not apply; the later ones are not verified.
 */
export async function verifyAll(options: VerifyAllOptions): Promise<{ plan: VerifyPlan; results: VerifyResult[]; stoppedAt?: number; error?: string }> {
  const host = options.host ?? new NodeFileHost();
  const serverUrl = options.databaseUrl?.trim() ? options.databaseUrl.trim() : undefined;
  const cacheDir = options.cacheDir === false || serverUrl ? undefined : (options.cacheDir ?? defaultCacheDir());
  await loadParser();
  const plan = options.plan ?? planDirectory(options.directory, host, options.convention);
  const select = options.select ?? ((m: PlannedMigration) => m.down.length > 0);
  const selected = plan.migrations.map((m, i) => select(m, i));
  const total = selected.filter(Boolean).length;
  const results: VerifyResult[] = [];
  const fixtures = loadFixtures(options.fixtures ?? [], host);
  if ('error' in fixtures) return { plan, results, error: `fixture ${fixtures.error.file}: ${fixtures.error.message}` };
  const whole = makeTimer();
  const keys = prefixKeys([], `${PGLITE_VERSION}\u0000${plan.convention.id}\u0000${options.prelude ?? ''}`);
  let runner: Runner | undefined;
  let done = 0;
  const progress = (message: string): void => {
    try {
      options.onProgress?.({ phase: 'up', message, percent: Math.round((100 * done) / Math.max(1, total)) });
    } catch {
      // never stops the run
    }
  };
  try {
    if (!serverUrl) preloadDatabase();
    const loaded = cacheDir ? await readEntry(cacheDir, keys[0]!) : undefined;
    const all = plan.migrations.flatMap((m) => [...m.up, ...m.down]).map((s) => s.sql);
    const opened = await openRunner(options, plan, all, loaded, serverUrl, whole.lap);
    runner = opened.runner;
    if (!loaded) {
      const error = await initialize(runner, options.prelude);
      if (error) return { plan, results, error: `the prelude fails: ${error}` };
      if (cacheDir) await writeEntry(cacheDir, keys[0]!, await checkpointedDump(runner.db));
    }
    runner.seedCache = new SeedCache();
    let before = await readState(runner);
    for (const [i, m] of plan.migrations.entries()) {
      checkCancelled(options);
      // Every few migrations (outside any transaction): the log written since the last checkpoint is let go of when it is large.
      if (i % TRIM_EVERY === TRIM_EVERY - 1) await trimLog(runner);
      if (!selected[i]) {
        const step = await advance(runner, m, before);
        if ('error' in step) {
          const error = step.error;
          // Nothing after this migration can be verified.
          const r = emptyResult({ ...options, version: m.version }, plan, serverUrl, cacheDir, {});
          describeResult(r, m, plan);
          r.status = 'replay-failed';
          r.failures.push(error);
          r.summary = `${m.name} does not apply: ${error.text}`;
          const texts = new Map(m.up.map((s) => [s.file.path, s.text] as const));
          results.push(finish(r, m, options, host, new Map(), texts));
          options.onResult?.(results[results.length - 1]!, done, total);
          return { plan, results, stoppedAt: i };
        }
        before = step.next;
        continue;
      }
      const t = makeTimer();
      const r = emptyResult({ ...options, version: m.version }, plan, serverUrl, cacheDir, t.timings);
      describeResult(r, m, plan);
      r.baseFiles = i;
      r.backend = opened.backend;
      done++;
      progress(`[${done}/${total}] ${m.name}`);
      const states = new Map<VerifyDataDifference, { expected: DataState; actual: DataState }>();
      const texts = new Map<string, string>();
      for (const s of [...m.up, ...m.down]) texts.set(s.file.path, s.text);
      const local: Runner = { ...runner, lap: t.lap };
      const dumps = dumpsTaken;
      const check = await checkMigration(local, m, { chain: true, fixtures: applicableFixtures(fixtures.fixtures, toSnapshot(before.schema)), showData: options.showData === true, snapshots: options.showData === true, before, states });
      runner.db = local.db;
      // The dumps it took (and a database it replaced) are garbage now: freed at once, not piled up.
      if (dumpsTaken !== dumps && !runner.server) collectGarbage();
      applyCheck(r, check);
      r.status = 'failed';
      if (check.fixtureFailure) {
        r.status = 'fixture-failed';
        r.summary = `fixture ${fileNameOf(check.fixtureFailure.file)} fails: ${check.fixtureFailure.message}; nothing was verified`;
      } else if (m.down.length === 0 && !check.upFailed) r.status = 'no-down';
      t.timings.total = Date.now() - t.started;
      results.push(r.status === 'fixture-failed' ? r : finish(r, m, options, host, states, texts));
      options.onResult?.(results[results.length - 1]!, done, total);
      if (check.upFailed) return { plan, results, stoppedAt: i };
      before = check.next ?? (await readState(runner));
    }
    return { plan, results };
  } catch (e) {
    if (e instanceof VerifyCancelledError) throw e;
    return { plan, results, error: `verification stopped: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    if (runner) await runner.db.close().catch(() => undefined);
  }
}

/** In a chain, a fixture runs before a migration only when every table and column it writes exists by then. */
function applicableFixtures(fixtures: Fixture[], before: SchemaSnapshot): Fixture[] {
  if (fixtures.length === 0) return fixtures;
  const tables = new Map(before.objects.filter((o) => o.kind === 'table').map((o) => [o.name, o.lines] as const));
  return fixtures.filter((f) =>
    fixtureTargets(f.text).every((t) => {
      const entry = [...tables].find(([name]) => namesTable([t.relation], name));
      if (!entry) return false;
      return t.columns.every((c) => entry[1].some((l) => l.startsWith(`column ${c} `) || l.startsWith(`column "${c}" `)));
    }),
  );
}

export { collapseDifferences, compareSnapshots, formatSnapshot, snapshotSchema } from './snapshot';
export type { SchemaSnapshot, ColumnOrderChange };
export type { PlannedMigration, VerifyPlan } from './plan';
