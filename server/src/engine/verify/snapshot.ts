/**
 * A database schema as normalized, sorted text, and the comparison of two of them. Shared by
 * "verify a migration" and the reversibility round-trip suite: both take snapshots before and
 * after running SQL and compare them.
 *
 * A snapshot is a list of objects (kind + schema-qualified name) with detail lines read from
 * pg_catalog (`format_type`, `pg_get_indexdef`, `pg_get_constraintdef`, `pg_get_viewdef`, ...), so
 * two databases built by different SQL compare equal exactly when PostgreSQL sees the same schema.
 * OIDs, sequence values, owners and privileges never appear. Objects that belong to an extension
 * are represented by the extension alone.
 */

/** Anything that runs a query and returns rows (PGlite, or a client of a real server). */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export type ObjectKind =
  | 'extension'
  | 'schema'
  | 'table'
  | 'constraint'
  | 'index'
  | 'sequence'
  | 'enum'
  | 'domain'
  | 'type'
  | 'view'
  | 'materialized view'
  | 'function'
  | 'procedure'
  | 'aggregate'
  | 'trigger';

export interface SchemaObject {
  kind: ObjectKind;
  /** Schema-qualified, quoted only where PostgreSQL needs quotes: `public.users_email_idx`, `users_pkey on public.users`. */
  name: string;
  /** Normalized detail lines (definition, columns in order, ...). */
  lines: string[];
  /** For constraints, indexes and triggers: the table they belong to (`public.users`). */
  table?: string;
}

export interface SchemaSnapshot {
  /** Sorted by kind order, then name. */
  objects: SchemaObject[];
}

export type DifferenceChange = 'missing' | 'unexpected' | 'changed';

export interface SchemaDifference {
  kind: ObjectKind;
  name: string;
  /** `missing`: in the expected snapshot only; `unexpected`: in the actual one only; `changed`: in both, different. */
  change: DifferenceChange;
  /** The expected object's lines that the actual one lacks (all of them when missing). */
  expected: string[];
  /** The actual object's lines that the expected one lacks (all of them when unexpected). */
  actual: string[];
  /** For constraints, indexes and triggers: their table. */
  table?: string;
}

const KIND_ORDER: ObjectKind[] = [
  'extension',
  'schema',
  'enum',
  'domain',
  'type',
  'sequence',
  'table',
  'constraint',
  'index',
  'view',
  'materialized view',
  'function',
  'procedure',
  'aggregate',
  'trigger',
];

/** Schemas that belong to PostgreSQL itself. */
const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'`;
const notExtensionMember = (catalog: string, oid: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '${catalog}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`;

type Row = Record<string, unknown>;
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** Reads the schema of the current database. */
export async function snapshotSchema(db: Queryable): Promise<SchemaSnapshot> {
  const objects: SchemaObject[] = [];
  const add = (kind: ObjectKind, name: string, lines: string[], table?: string): void => {
    objects.push(table === undefined ? { kind, name, lines } : { kind, name, lines, table });
  };

  for (const r of await rows(db, `
    SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname <> 'plpgsql'`)) {
    add('extension', str(r.name), [`schema ${str(r.schema)}`, `version ${str(r.version)}`]);
  }

  for (const r of await rows(db, `
    SELECT format('%I', n.nspname) AS name FROM pg_namespace n
    WHERE ${USER_NS} AND ${notExtensionMember('pg_namespace', 'n.oid')}`)) {
    add('schema', str(r.name), []);
  }

  // Tables and their columns.
  const columns = new Map<string, string[]>();
  for (const r of await rows(db, `
    SELECT a.attrelid::int AS rel, format('%I', a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity AS identity,
           a.attgenerated AS generated,
           CASE WHEN a.attcollation <> t.typcollation THEN (SELECT format('%I', collname) FROM pg_collation WHERE oid = a.attcollation) END AS coll
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND ${USER_NS}
    ORDER BY a.attrelid, a.attnum`)) {
    let line = `column ${str(r.name)} ${str(r.type)}`;
    if (r.coll) line += ` collate ${str(r.coll)}`;
    if (r.notnull) line += ' not null';
    const generated = str(r.generated);
    const identity = str(r.identity);
    if (generated) line += ` generated always as (${str(r.def)}) ${generated === 's' ? 'stored' : 'virtual'}`;
    else if (r.def !== null && r.def !== undefined) line += ` default ${str(r.def)}`;
    if (identity) line += ` generated ${identity === 'a' ? 'always' : 'by default'} as identity`;
    const key = str(r.rel);
    const list = columns.get(key) ?? [];
    list.push(line);
    columns.set(key, list);
  }
  for (const r of await rows(db, `
    SELECT c.oid::int AS rel, format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind, c.relpersistence AS persistence,
           c.relrowsecurity AS rls, c.relforcerowsecurity AS forcerls,
           pg_get_partkeydef(c.oid) AS partkey, pg_get_expr(c.relpartbound, c.oid) AS bound,
           (SELECT string_agg(format('%I.%I', pn.nspname, p.relname), ', ' ORDER BY i.inhseqno)
              FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
             WHERE i.inhrelid = c.oid) AS parents
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'f') AND ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')}`)) {
    const lines: string[] = [];
    if (r.kind === 'p') lines.push(`partitioned by ${str(r.partkey)}`);
    if (r.kind === 'f') lines.push('foreign table');
    if (r.persistence === 'u') lines.push('unlogged');
    if (r.parents) lines.push(r.bound ? `partition of ${str(r.parents)} ${str(r.bound)}` : `inherits ${str(r.parents)}`);
    if (r.rls) lines.push(r.forcerls ? 'row level security forced' : 'row level security');
    lines.push(...(columns.get(str(r.rel)) ?? []));
    add('table', str(r.name), lines);
  }

  // Table constraints (NOT NULL ones are the columns' `not null`).
  for (const r of await rows(db, `
    SELECT format('%I on %I.%I', co.conname, n.nspname, c.relname) AS name, pg_get_constraintdef(co.oid) AS def,
           format('%I.%I', n.nspname, c.relname) AS tbl
    FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE co.contype <> 'n' AND ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')}`)) {
    add('constraint', str(r.name), [str(r.def)], str(r.tbl));
  }

  // Indexes, except those a constraint owns (the constraint stands for them).
  for (const r of await rows(db, `
    SELECT format('%I.%I', n.nspname, ic.relname) AS name, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid AS valid,
           format('%I.%I', tn.nspname, tc.relname) AS tbl
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
    JOIN pg_class tc ON tc.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
    WHERE ${USER_NS} AND ${notExtensionMember('pg_class', 'i.indrelid')}
      AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x'))`)) {
    add('index', str(r.name), r.valid ? [str(r.def)] : [str(r.def), 'invalid'], str(r.tbl));
  }

  for (const r of await rows(db, `
    SELECT format('%I.%I', n.nspname, c.relname) AS name, format_type(s.seqtypid, NULL) AS type,
           s.seqstart::text AS start, s.seqincrement::text AS inc, s.seqmin::text AS min, s.seqmax::text AS max,
           s.seqcache::text AS cache, s.seqcycle AS cycle,
           (SELECT format('%I.%I.%I', tn.nspname, t.relname, a.attname)
              FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
              JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
               AND d.deptype IN ('a', 'i') LIMIT 1) AS owned
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')}`)) {
    const lines = [
      `as ${str(r.type)} start ${str(r.start)} increment ${str(r.inc)} min ${str(r.min)} max ${str(r.max)} cache ${str(r.cache)}${r.cycle ? ' cycle' : ''}`,
    ];
    if (r.owned) lines.push(`owned by ${str(r.owned)}`);
    add('sequence', str(r.name), lines);
  }

  for (const r of await rows(db, `
    SELECT format('%I.%I', n.nspname, t.typname) AS name, t.typtype AS kind,
           format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull AS notnull, t.typdefault AS def,
           (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels,
           (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
              FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attrs,
           (SELECT format_type(rngsubtype, NULL) FROM pg_range WHERE rngtypid = t.oid) AS subtype,
           (SELECT string_agg(format('%I %s', co.conname, pg_get_constraintdef(co.oid)), ', ' ORDER BY co.conname)
              FROM pg_constraint co WHERE co.contypid = t.oid) AS checks
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE ${USER_NS} AND ${notExtensionMember('pg_type', 't.oid')}
      AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))`)) {
    if (r.kind === 'e') add('enum', str(r.name), [`labels ${str(r.labels)}`]);
    else if (r.kind === 'd') {
      const lines = [`as ${str(r.base)}${r.notnull ? ' not null' : ''}${r.def !== null && r.def !== undefined ? ` default ${str(r.def)}` : ''}`];
      if (r.checks) lines.push(`constraints ${str(r.checks)}`);
      add('domain', str(r.name), lines);
    } else if (r.kind === 'r') add('type', str(r.name), [`range of ${str(r.subtype)}`]);
    else add('type', str(r.name), [`composite (${str(r.attrs)})`]);
  }

  for (const r of await rows(db, `
    SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind, pg_get_viewdef(c.oid, true) AS def
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')}`)) {
    add(r.kind === 'm' ? 'materialized view' : 'view', str(r.name), splitLines(str(r.def)));
  }

  for (const r of await rows(db, `
    SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS name, p.prokind AS kind,
           CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid)
                ELSE format('returns %s', format_type(p.prorettype, NULL)) END AS def
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE ${USER_NS} AND ${notExtensionMember('pg_proc', 'p.oid')}`)) {
    const kind: ObjectKind = r.kind === 'p' ? 'procedure' : r.kind === 'a' ? 'aggregate' : 'function';
    add(kind, str(r.name), splitLines(str(r.def)));
  }

  for (const r of await rows(db, `
    SELECT format('%I on %I.%I', t.tgname, n.nspname, c.relname) AS name, pg_get_triggerdef(t.oid) AS def,
           format('%I.%I', n.nspname, c.relname) AS tbl
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')}`)) {
    add('trigger', str(r.name), [str(r.def)], str(r.tbl));
  }

  objects.sort(compareObjects);
  return { objects };
}

function compareObjects(a: { kind: ObjectKind; name: string }, b: { kind: ObjectKind; name: string }): number {
  const k = KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
  if (k !== 0) return k;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function splitLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.length > 0);
}

async function rows(db: Queryable, sql: string): Promise<Row[]> {
  return (await db.query<Row>(sql)).rows;
}

/** The snapshot as text: one header line per object (`kind name`), its lines indented by two spaces. */
export function formatSnapshot(snapshot: SchemaSnapshot): string {
  const out: string[] = [];
  for (const o of snapshot.objects) {
    out.push(`${o.kind} ${o.name}`);
    for (const l of o.lines) out.push(`  ${l}`);
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** What differs between an expected and an actual snapshot, in snapshot order. Empty when equal. */
export function compareSnapshots(expected: SchemaSnapshot, actual: SchemaSnapshot): SchemaDifference[] {
  const key = (o: SchemaObject): string => `${o.kind}\u0000${o.name}`;
  const exp = new Map(expected.objects.map((o) => [key(o), o]));
  const act = new Map(actual.objects.map((o) => [key(o), o]));
  const diffs: SchemaDifference[] = [];
  for (const [k, e] of exp) {
    const a = act.get(k);
    if (!a) {
      diffs.push(withTable({ kind: e.kind, name: e.name, change: 'missing', expected: [...e.lines], actual: [] }, e));
      continue;
    }
    if (e.lines.length === a.lines.length && e.lines.every((l, i) => l === a.lines[i])) continue;
    const onlyExpected = e.lines.filter((l) => !a.lines.includes(l));
    const onlyActual = a.lines.filter((l) => !e.lines.includes(l));
    // Same lines in another order (e.g. column order): show both lists whole.
    diffs.push(
      withTable(
        onlyExpected.length === 0 && onlyActual.length === 0
          ? { kind: e.kind, name: e.name, change: 'changed', expected: [...e.lines], actual: [...a.lines] }
          : { kind: e.kind, name: e.name, change: 'changed', expected: onlyExpected, actual: onlyActual },
        e,
      ),
    );
  }
  for (const [k, a] of act) {
    if (!exp.has(k)) diffs.push(withTable({ kind: a.kind, name: a.name, change: 'unexpected', expected: [], actual: [...a.lines] }, a));
  }
  return diffs.sort(compareObjects);
}

function withTable(d: SchemaDifference, o: SchemaObject): SchemaDifference {
  return o.table === undefined ? d : { ...d, table: o.table };
}

/**
 * Leaves out the constraints, indexes and triggers of a table that is itself missing or
 * unexpected (one "table users is missing" says it all).
 */
export function collapseDifferences(diffs: readonly SchemaDifference[]): SchemaDifference[] {
  const whole = new Set(diffs.filter((d) => d.kind === 'table' && d.change !== 'changed').map((d) => `${d.change}\u0000${d.name}`));
  return diffs.filter((d) => d.table === undefined || !whole.has(`${d.change}\u0000${d.table}`));
}

// ---------------------------------------------------------------------------------------------
// Data: how many rows each table holds and how many non-null values each column holds.

export interface TableData {
  rows: number;
  /** Column name (as `format('%I')` writes it) → number of non-null values. */
  columns: Record<string, number>;
}

/** Table name (`public.users`) → its counts. Plain object so that it serializes to JSON. */
export type DataCounts = Record<string, TableData>;

export interface DataLoss {
  table: string;
  /** Set when values of one column were lost (the column was dropped or set to NULL). */
  column?: string;
  before: number;
  after: number;
}

/**
 * Counts rows and non-null values of every ordinary table (partitioned parents are counted
 * through their partitions), except the `exclude`d ones (`public.schema_migrations`).
 */
export async function countData(db: Queryable, options: { exclude?: readonly string[] } = {}): Promise<DataCounts> {
  const exclude = new Set(options.exclude ?? []);
  const cols = await rows(db, `
    SELECT format('%I.%I', n.nspname, c.relname) AS tbl, format('%I', a.attname) AS col
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relkind = 'r' AND ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')}
    ORDER BY 1, a.attnum`);
  const byTable = new Map<string, string[]>();
  for (const r of cols) {
    if (exclude.has(str(r.tbl))) continue;
    const list = byTable.get(str(r.tbl)) ?? [];
    list.push(str(r.col));
    byTable.set(str(r.tbl), list);
  }
  const result: DataCounts = {};
  for (const [table, columns] of [...byTable].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const select = ['count(*)::int AS "*"', ...columns.map((c, i) => `count(${c})::int AS c${i}`)].join(', ');
    const r = (await rows(db, `SELECT ${select} FROM ${table}`))[0] ?? {};
    const data: TableData = { rows: Number(r['*'] ?? 0), columns: {} };
    columns.forEach((c, i) => {
      data.columns[c] = Number(r[`c${i}`] ?? 0);
    });
    result[table] = data;
  }
  return result;
}

/** Rows and non-null values present `before` that are gone `after` (tables or columns dropped, rows deleted). */
export function compareData(before: DataCounts, after: DataCounts): DataLoss[] {
  const losses: DataLoss[] = [];
  for (const [table, b] of Object.entries(before)) {
    const a = after[table];
    if (b.rows > 0 && (!a || a.rows < b.rows)) {
      losses.push({ table, before: b.rows, after: a?.rows ?? 0 });
      continue;
    }
    if (!a) continue;
    for (const [column, n] of Object.entries(b.columns)) {
      const m = a.columns[column] ?? 0;
      if (n > 0 && m < n) losses.push({ table, column, before: n, after: m });
    }
  }
  return losses;
}

// ---------------------------------------------------------------------------------------------
// Column order: PostgreSQL adds a column at the end of its table and cannot move it, so a down that
// re-adds a dropped column restores it in another position. That is reported apart (as information).

export interface ColumnOrderChange {
  table: string;
  /** Column names in the expected order (those both snapshots have). */
  expected: string[];
  actual: string[];
}

const columnName = (line: string): string | undefined => /^column ("(?:[^"]|"")*"|\S+)/.exec(line)?.[1];

/** Tables whose common columns come in another order in `actual` than in `expected`. */
export function columnOrderChanges(expected: SchemaSnapshot, actual: SchemaSnapshot): ColumnOrderChange[] {
  const tables = new Map(actual.objects.filter((o) => o.kind === 'table').map((o) => [o.name, o] as const));
  const out: ColumnOrderChange[] = [];
  for (const e of expected.objects) {
    if (e.kind !== 'table') continue;
    const a = tables.get(e.name);
    if (!a) continue;
    const ea = e.lines.map(columnName).filter((c): c is string => c !== undefined);
    const aa = a.lines.map(columnName).filter((c): c is string => c !== undefined);
    const common = new Set(ea.filter((c) => aa.includes(c)));
    const eo = ea.filter((c) => common.has(c));
    const ao = aa.filter((c) => common.has(c));
    if (eo.some((c, i) => c !== ao[i])) out.push({ table: e.name, expected: eo, actual: ao });
  }
  return out;
}

/** Leaves out the table differences that are only column order (the same lines, in another order). */
export function withoutOrderOnly(diffs: readonly SchemaDifference[]): SchemaDifference[] {
  return diffs.filter((d) => {
    if (d.kind !== 'table' || d.change !== 'changed') return true;
    if (d.expected.length !== d.actual.length) return true;
    const a = [...d.expected].sort();
    const b = [...d.actual].sort();
    return a.some((l, i) => l !== b[i]);
  });
}
