/**
 * Round trips in PostgreSQL (PGlite, or any Queryable database): the state before an up, the up,
 * then a down, and whether the schema (and row counts) come back. Built on the verify engine's
 * snapshot (verify/snapshot.ts) and file runner (verify/execute.ts); used by the round-trip test
 * suite and `npm run test:roundtrip-corpus`. Nothing here loads PGlite: the caller opens the database.
 */
import { nodeKind, parseSql } from '../parsing/parser';
import { tokenize } from '../parsing/lexer';
import type { Database } from './pglite';
import { compareSnapshots, countData, snapshotSchema, type DataCounts, type SchemaDifference, type SchemaSnapshot } from './snapshot';

/** Drops every user schema (and so everything in it) and recreates an empty `public`. */
export async function resetDatabase(db: Database): Promise<void> {
  // A file that failed inside its own BEGIN leaves the session in an aborted transaction.
  await db.exec('ROLLBACK').catch(() => undefined);
  await db.exec(`DO $$ DECLARE s text; BEGIN
    FOR s IN SELECT nspname FROM pg_namespace
      WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname !~ '^pg_(toast_)?temp_'
    LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP;
    FOR s IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', s); END LOOP;
  END $$;
  CREATE SCHEMA public;
  RESET search_path;`);
}

export type RunResult = { ok: true } | { ok: false; message: string; statement: string };

/**
 * Runs the statements of `sql` one by one (so that CREATE INDEX CONCURRENTLY runs), stopping at the
 * first that fails. With `transactional`, CONCURRENTLY is left out (the effect on the schema is the
 * same), so that the statements can run inside the caller's transaction.
 */
export async function runStatements(db: Database, sql: string, options: { transactional?: boolean } = {}): Promise<RunResult> {
  for (const s of parseSql(sql).statements) {
    const kind = nodeKind(s.ast);
    if (kind === 'TransactionStmt') continue;
    if (options.transactional && (kind === 'VacuumStmt' || kind === 'CheckPointStmt')) continue;
    let text = s.text;
    if (options.transactional && /CONCURRENTLY/i.test(text)) {
      const token = tokenize(text).find((t) => t.kind === 'word' && t.value === 'CONCURRENTLY');
      if (token) text = text.slice(0, token.start) + text.slice(token.end);
    }
    try {
      await db.exec(text);
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e), statement: s.text };
    }
  }
  return { ok: true };
}

export interface State {
  schema: SchemaSnapshot;
  data: DataCounts;
}

export async function captureState(db: Database): Promise<State> {
  return { schema: await snapshotSchema(db), data: await countData(db) };
}

/**
 * Runs `sql` inside a transaction, captures the state it leaves, and rolls it back: the database
 * is as before, whatever `sql` did or wherever it failed.
 */
export async function stateAfter(db: Database, sql: string): Promise<{ ok: true; state: State } | { ok: false; message: string; statement: string }> {
  await db.exec('BEGIN');
  try {
    const run = await runStatements(db, sql, { transactional: true });
    if (!run.ok) return run;
    return { ok: true, state: await captureState(db) };
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined);
  }
}

/** The snapshot with each table's columns sorted by name (ADD COLUMN cannot restore a column's position). */
export function withoutColumnOrder(s: SchemaSnapshot): SchemaSnapshot {
  return {
    objects: s.objects.map((o) => {
      if (o.kind !== 'table') return o;
      const columns = o.lines.filter((l) => l.startsWith('column ')).sort();
      return { ...o, lines: [...o.lines.filter((l) => !l.startsWith('column ')), ...columns] };
    }),
  };
}

export interface RoundTripComparison {
  /** Schema differences from `expected` to `actual`, with column order taken into account. */
  exact: SchemaDifference[];
  /** The same, ignoring the order of columns. */
  ignoringColumnOrder: SchemaDifference[];
  /** Tables whose row count differs. */
  rows: { table: string; expected: number; actual: number }[];
}

export function compareStates(expected: State, actual: State): RoundTripComparison {
  const rows: RoundTripComparison['rows'] = [];
  for (const [table, e] of Object.entries(expected.data)) {
    const a = actual.data[table];
    if (a && a.rows !== e.rows) rows.push({ table, expected: e.rows, actual: a.rows });
  }
  return {
    exact: compareSnapshots(expected.schema, actual.schema),
    ignoringColumnOrder: compareSnapshots(withoutColumnOrder(expected.schema), withoutColumnOrder(actual.schema)),
    rows,
  };
}
