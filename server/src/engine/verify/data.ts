/**
 * Table contents, read and compared row by row. Verify reads the rows of every user table before
 * the up, after it, after the down (and after the up run again), and compares them: rows are
 * matched by primary key when the table has one in both states, else column by column as
 * multisets. Values are compared as PostgreSQL's text output of each value (so a bigint near its
 * bound stays exact, and a column whose type changed compares by what it shows).
 */
import type { Queryable } from './snapshot';

export const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'`;
const NOT_EXTENSION_MEMBER = `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype = 'e')`;

type Row = Record<string, unknown>;
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export interface TableRows {
  /** Column names as `format('%I')` writes them, in table order. */
  columns: string[];
  /** `typcategory` of each column (`N` numeric, `B` boolean, `S` string, ...), for display. */
  categories: string[];
  /** Primary key column names, when the table has one. */
  primaryKey?: string[];
  /** Columns whose values a sequence, an identity or a volatile default generates (`nextval`, `now()`, ...). */
  generated: string[];
  /** Each row's values as PostgreSQL's text output, `null` for NULL; in primary key order when there is one. */
  rows: (string | null)[][];
  /** More rows exist than were read. */
  truncated: boolean;
}

/** Table name (`public.users`) → its rows. */
export type DataState = Record<string, TableRows>;

/** Rows read per table at most. */
export const MAX_ROWS = 1000;
/** Tables per query (each is one output column). */
const CHUNK = 200;

/** Defaults whose value differs each time (sequences, clocks, random ids). */
export const VOLATILE_DEFAULT = /(nextval|now|random|clock_timestamp|timeofday|uuid|current_timestamp|localtimestamp|statement_timestamp|transaction_timestamp|txid|gen_)/i;

export interface TableMeta {
  name: string;
  relkind: string;
  columns: string[];
  categories: string[];
  primaryKey?: string[];
  generated: string[];
}

/** The user tables (not partitions, not extension members), with their columns and primary keys. */
export async function readTableMeta(db: Queryable, exclude: ReadonlySet<string> = new Set(), only?: ReadonlySet<string>): Promise<TableMeta[]> {
  if (only && only.size === 0) return [];
  const names = only ? ` AND format('%I.%I', n.nspname, c.relname) = ANY(ARRAY[${[...only].map((t) => `'${t.replace(/'/g, "''")}'`).join(', ')}]::text[])` : '';
  const rows = (
    await db.query<Row>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind,
      ARRAY(SELECT format('%I', a.attname) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS cols,
      ARRAY(SELECT t.typcategory::text FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS cats,
      ARRAY(SELECT format('%I', a.attname) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              AND (a.attidentity <> '' OR a.attgenerated <> '' OR pg_get_expr(d.adbin, d.adrelid) ~* '(nextval|now|random|clock_timestamp|timeofday|uuid|current_timestamp|localtimestamp|statement_timestamp|transaction_timestamp|txid|gen_)')
            ORDER BY a.attnum) AS gen,
      (SELECT ARRAY(SELECT format('%I', a.attname) FROM unnest(co.conkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n ORDER BY k.i)
         FROM pg_constraint co WHERE co.conrelid = c.oid AND co.contype = 'p') AS pk
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${USER_NS} AND ${NOT_EXTENSION_MEMBER}${names}
    ORDER BY 1`)
  ).rows;
  const out: TableMeta[] = [];
  for (const r of rows) {
    const name = str(r.name);
    if (exclude.has(name)) continue;
    const meta: TableMeta = { name, relkind: str(r.kind), columns: r.cols as string[], categories: r.cats as string[], generated: r.gen as string[] };
    const pk = r.pk as string[] | null;
    if (pk && pk.length > 0) meta.primaryKey = pk;
    out.push(meta);
  }
  return out;
}

/** Reads the rows of every user table (at most MAX_ROWS each), in few queries. */
export async function readData(db: Queryable, options: { exclude?: ReadonlySet<string>; tables?: ReadonlySet<string>; metas?: readonly TableMeta[] } = {}): Promise<DataState> {
  const metas = options.metas ?? (await readTableMeta(db, options.exclude, options.tables));
  const state: DataState = {};
  for (let i = 0; i < metas.length; i += CHUNK) {
    const chunk = metas.slice(i, i + CHUNK);
    const selects = chunk.map((m, j) => {
      const values = m.columns.length === 0 ? `ARRAY[]::text[]` : `ARRAY[${m.columns.map((c) => `x.${c}::text`).join(', ')}]`;
      const order = m.primaryKey ? ` ORDER BY ${m.primaryKey.map((c) => `x.${c}`).join(', ')}` : '';
      const from = m.relkind === 'p' ? m.name : `ONLY ${m.name}`;
      return `(SELECT json_agg(${values}) FROM (SELECT * FROM ${from} x${order} LIMIT ${MAX_ROWS + 1}) x) AS t${j}`;
    });
    const r = (await db.query<Row>(`SELECT ${selects.join(', ')}`)).rows[0] ?? {};
    chunk.forEach((m, j) => {
      const raw = r[`t${j}`];
      const parsed = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? [])) as (string | null)[][];
      const rows = parsed.slice(0, MAX_ROWS);
      state[m.name] = {
        columns: m.columns,
        categories: m.categories,
        ...(m.primaryKey ? { primaryKey: m.primaryKey } : {}),
        generated: m.generated,
        rows,
        truncated: parsed.length > MAX_ROWS,
      };
    });
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// Comparison.

export type DataDifferenceKind =
  /** The table held rows before and is gone. */
  | 'table-missing'
  /** A column that held values is gone. */
  | 'column-missing'
  /** Rows (by primary key) that are gone. */
  | 'rows-missing'
  /** Rows that were not there before. */
  | 'rows-extra'
  /** A column's values differ in rows that are still there. */
  | 'values';

export interface RowExample {
  /** The row's primary key (`id=1`), when matched by key. */
  key?: string;
  before?: string | null;
  after?: string | null;
  /** Whole rows, for rows missing or extra: `column=value` pairs. */
  row?: string;
}

export interface DataDifference {
  table: string;
  kind: DataDifferenceKind;
  column?: string;
  /** How many rows (or values) differ. */
  count: number;
  /** Rows the table had in the expected state. */
  total: number;
  examples: RowExample[];
}

const MAX_EXAMPLES = 3;

/** A value as people read it: `NULL`, `42`, `'Ada'`. */
export function showValue(v: string | null | undefined, category = 'S'): string {
  if (v === null || v === undefined) return 'NULL';
  if (category === 'N' || category === 'B') return v;
  const cut = [...v].length > 60 ? `${[...v].slice(0, 57).join('')}...` : v;
  return `'${cut.replace(/'/g, "''")}'`;
}

function showRow(t: TableRows, row: (string | null)[], columns?: string[]): string {
  const cols = columns ?? t.columns;
  return cols
    .map((c) => {
      const i = t.columns.indexOf(c);
      return `${c}=${showValue(row[i], t.categories[i])}`;
    })
    .join(', ');
}

/**
 * What `actual` does not keep of `expected`: tables and columns gone, rows missing or extra,
 * values changed. `ignore` lists columns (per table) not to compare (values a sequence generates
 * differ each time the up runs).
 */
export function compareData(expected: DataState, actual: DataState, options: { ignore?: (table: string) => ReadonlySet<string> } = {}): DataDifference[] {
  const out: DataDifference[] = [];
  for (const [table, e] of Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const a = actual[table];
    if (!a) {
      if (e.rows.length > 0) out.push({ table, kind: 'table-missing', count: e.rows.length, total: e.rows.length, examples: e.rows.slice(0, MAX_EXAMPLES).map((r) => ({ row: showRow(e, r) })) });
      continue;
    }
    const ignored = options.ignore?.(table) ?? new Set<string>();
    const common = e.columns.filter((c) => a.columns.includes(c) && !ignored.has(c));
    for (const c of e.columns) {
      if (a.columns.includes(c)) continue;
      const i = e.columns.indexOf(c);
      const held = e.rows.filter((r) => r[i] !== null);
      if (held.length > 0) {
        out.push({
          table,
          kind: 'column-missing',
          column: c,
          count: held.length,
          total: e.rows.length,
          examples: held.slice(0, MAX_EXAMPLES).map((r) => ({ ...keyOf(e, r), before: r[i] })),
        });
      }
    }
    const key = e.primaryKey && a.primaryKey && e.primaryKey.every((k) => a.columns.includes(k)) ? e.primaryKey : undefined;
    if (key) out.push(...compareByKey(table, e, a, key, common, ignored));
    else out.push(...compareAsMultisets(table, e, a, common));
  }
  return out;
}

function keyOf(t: TableRows, row: (string | null)[]): { key?: string } {
  if (!t.primaryKey) return {};
  return { key: t.primaryKey.map((k) => `${k}=${showValue(row[t.columns.indexOf(k)], t.categories[t.columns.indexOf(k)])}`).join(', ') };
}

function compareByKey(table: string, e: TableRows, a: TableRows, key: string[], common: string[], ignored: ReadonlySet<string>): DataDifference[] {
  const out: DataDifference[] = [];
  const keyText = (t: TableRows, r: (string | null)[]): string => JSON.stringify(key.map((k) => r[t.columns.indexOf(k)] ?? null));
  const actualByKey = new Map<string, (string | null)[]>();
  for (const r of a.rows) actualByKey.set(keyText(a, r), r);
  const expectedKeys = new Set<string>();
  const missing: (string | null)[][] = [];
  const changed = new Map<string, { count: number; examples: RowExample[] }>();
  for (const r of e.rows) {
    const k = keyText(e, r);
    expectedKeys.add(k);
    const other = actualByKey.get(k);
    if (!other) {
      missing.push(r);
      continue;
    }
    for (const c of common) {
      const before = r[e.columns.indexOf(c)] ?? null;
      const after = other[a.columns.indexOf(c)] ?? null;
      if (before === after) continue;
      const entry = changed.get(c) ?? { count: 0, examples: [] };
      entry.count++;
      if (entry.examples.length < MAX_EXAMPLES) entry.examples.push({ ...keyOf(e, r), before, after });
      changed.set(c, entry);
    }
  }
  // A generated key (a sequence) differs each time the up inserts the same rows: match those rows
  // by their other values.
  let extra = e.truncated || a.truncated ? [] : a.rows.filter((r) => !expectedKeys.has(keyText(a, r)));
  if (key.some((k) => ignored.has(k)) && missing.length > 0 && missing.length === extra.length) {
    const rest = (t: TableRows, r: (string | null)[]): string => JSON.stringify(common.map((c) => r[t.columns.indexOf(c)] ?? null));
    const pool = multiset(extra.map((r) => rest(a, r)));
    if (missing.every((r) => take(pool, rest(e, r)))) {
      missing.length = 0;
      extra = [];
    }
  }
  if (missing.length > 0) {
    out.push({ table, kind: 'rows-missing', count: missing.length, total: e.rows.length, examples: missing.slice(0, MAX_EXAMPLES).map((r) => ({ ...keyOf(e, r), row: showRow(e, r) })) });
  }
  // (A table read partially cannot tell extra rows from rows beyond the limit: `extra` is empty then.)
  if (extra.length > 0) {
    out.push({ table, kind: 'rows-extra', count: extra.length, total: e.rows.length, examples: extra.slice(0, MAX_EXAMPLES).map((r) => ({ ...keyOf(a, r), row: showRow(a, r) })) });
  }
  for (const c of common) {
    const entry = changed.get(c);
    if (entry) out.push({ table, kind: 'values', column: c, count: entry.count, total: e.rows.length - missing.length, examples: entry.examples });
  }
  return out;
}

/** Without a key: each column's values compared as multisets; rows compared by count. */
function compareAsMultisets(table: string, e: TableRows, a: TableRows, common: string[]): DataDifference[] {
  const out: DataDifference[] = [];
  if (e.truncated || a.truncated) return out;
  if (a.rows.length < e.rows.length) {
    const remaining = multiset(a.rows.map((r) => JSON.stringify(common.map((c) => r[a.columns.indexOf(c)] ?? null))));
    const gone = e.rows.filter((r) => !take(remaining, JSON.stringify(common.map((c) => r[e.columns.indexOf(c)] ?? null))));
    out.push({ table, kind: 'rows-missing', count: e.rows.length - a.rows.length, total: e.rows.length, examples: gone.slice(0, MAX_EXAMPLES).map((r) => ({ row: showRow(e, r) })) });
    return out;
  }
  if (a.rows.length > e.rows.length) {
    const remaining = multiset(e.rows.map((r) => JSON.stringify(common.map((c) => r[e.columns.indexOf(c)] ?? null))));
    const extra = a.rows.filter((r) => !take(remaining, JSON.stringify(common.map((c) => r[a.columns.indexOf(c)] ?? null))));
    out.push({ table, kind: 'rows-extra', count: a.rows.length - e.rows.length, total: e.rows.length, examples: extra.slice(0, MAX_EXAMPLES).map((r) => ({ row: showRow(a, r) })) });
    return out;
  }
  for (const c of common) {
    const i = e.columns.indexOf(c);
    const j = a.columns.indexOf(c);
    const remaining = multiset(a.rows.map((r) => JSON.stringify(r[j] ?? null)));
    const lost = e.rows.filter((r) => !take(remaining, JSON.stringify(r[i] ?? null)));
    if (lost.length === 0) continue;
    const found = [...remaining].flatMap(([v, n]) => Array<string>(n).fill(v)).map((v) => JSON.parse(v) as string | null);
    out.push({
      table,
      kind: 'values',
      column: c,
      count: lost.length,
      total: e.rows.length,
      examples: lost.slice(0, MAX_EXAMPLES).map((r, k) => ({ before: r[i] ?? null, after: found[k] ?? null })),
    });
  }
  return out;
}

function multiset(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

function take(m: Map<string, number>, v: string): boolean {
  const n = m.get(v);
  if (!n) return false;
  if (n === 1) m.delete(v);
  else m.set(v, n - 1);
  return true;
}

/** Whether two states hold exactly the same tables, columns (in the same order) and rows. */
export function sameData(a: DataState, b: DataState): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => JSON.stringify(a[k]!.columns) === JSON.stringify(b[k]!.columns) && JSON.stringify(a[k]!.rows) === JSON.stringify(b[k]!.rows));
}

/** Terminal columns a text takes (wide East Asian characters and emoji take two). */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd) ? 2 : 1;
  }
  return w;
}

/** Rows of a table as an aligned text table (for "Show data change" and `verify --show-data`). */
export function formatTable(name: string, t: TableRows | undefined, maxRows = 50): string {
  if (!t) return `${name}: (the table does not exist)\n`;
  const header = t.columns;
  const body = t.rows.slice(0, maxRows).map((r) => r.map((v, i) => showValue(v, t.categories[i])));
  const widths = header.map((h, i) => Math.min(40, Math.max(width(h), ...body.map((r) => width(r[i] ?? '')))));
  const cell = (s: string, i: number): string => {
    const w = widths[i]!;
    if (width(s) <= w) return s + ' '.repeat(w - width(s));
    let out = '';
    for (const ch of s) {
      if (width(out + ch) > w - 1) break;
      out += ch;
    }
    return `${out}…${' '.repeat(Math.max(0, w - 1 - width(out)))}`;
  };
  const line = (cells: string[]): string => `  ${cells.map(cell).join(' | ')}`.replace(/\s+$/, '');
  const count = `${t.rows.length}${t.truncated ? '+' : ''} row${t.rows.length === 1 ? '' : 's'}`;
  let out = `${name} (${count})\n`;
  if (header.length > 0) {
    out += `${line(header)}\n`;
    out += `  ${widths.map((w) => '-'.repeat(w)).join('-+-')}\n`;
  }
  for (const r of body) out += `${line(r)}\n`;
  if (t.rows.length > maxRows) out += `  ... ${t.rows.length - maxRows} more\n`;
  return out;
}
