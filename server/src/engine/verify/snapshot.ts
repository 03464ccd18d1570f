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

/** The order snapshots list objects in (by kind, then by name). */
export const KIND_ORDER: ObjectKind[] = [
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

/** Reads the schema of the current database (one query). */
export async function snapshotSchema(db: Queryable): Promise<SchemaSnapshot> {
  const objects = (await readSchemaObjects(db)).map(({ key: _key, owner: _owner, ids: _ids, ...o }) => o as SchemaObject);
  objects.sort(compareObjects);
  return { objects };
}

/** A schema object as the tracker keeps it: how to find it again in the catalog. */
export interface TrackedObject extends SchemaObject {
  /** `r:<pg_class oid>` (tables, views, sequences, indexes), `c:` constraints, `g:` triggers, `t:` types, `p:` functions, `n:` schemas, `e:` extensions. */
  key: string;
  /** The relation whose refresh re-reads this object too (`r:<table oid>` of an index, constraint or trigger). */
  owner?: string;
  /** Every key this object answers to (a composite type is also its relation). */
  ids: string[];
  /** Read without its definition (`lines` is empty): the caller takes them from elsewhere. */
  unread?: boolean;
}

/** Which objects to read: `undefined` reads everything; empty arrays read nothing of that kind. */
export interface SchemaFilter {
  /** pg_class oids: the relations and what belongs to them (columns, constraints, indexes, triggers). */
  rels: number[];
  /** pg_type oids (enums, domains, ranges, composites). */
  types: number[];
  /** pg_proc oids. */
  procs: number[];
  /** Read the extensions and schemas too. */
  globals?: boolean;
}

/** An `oid[]` literal: `'{1,2}'`. */
export const oidArray = (list: readonly number[]): string => `'{${list.map((n) => String(Math.trunc(n))).join(',')}}'`;

/** Statements prepared once per database session (their plans are reused: planning this SQL costs more than running it). */
const prepared = new WeakMap<object, Set<string>>();

/**
 * Runs a prepared statement, preparing it on first use in this session (`args` are SQL literals).
 * `generic`: with its generic plan. `indexed`: planned to reach the catalogs through their indexes
 * (for statements that read a few objects named by oid, where a hash join over a whole catalog costs
 * more than the lookups).
 */
export async function executePrepared<T = Row>(
  db: Queryable & { exec?(sql: string): Promise<unknown> },
  name: string,
  params: string,
  sql: () => string,
  args: string[],
  /** `before`: statements sent in the same round trip, before (a database that takes several statements at once). */
  options: { generic?: boolean; indexed?: boolean; before?: string } = {},
): Promise<T[]> {
  let names = prepared.get(db);
  if (!names) prepared.set(db, (names = new Set()));
  const knobs: [string, string][] = [['plan_cache_mode', 'force_generic_plan'], ...(options.indexed ? PLAN_INDEXED : [])];
  // Where the database takes several statements at once, a generic statement puts the settings back
  // itself when it starts running (they count when it is planned and chosen, before): one statement
  // fewer per call. Prepared under a name of its own (the statement differs).
  const restoring = options.generic === true && db.exec !== undefined;
  const statement = restoring ? `${name}_r` : name;
  if (!names.has(statement)) {
    await db.query(
      restoring
        ? `PREPARE ${statement}(${params}) AS SELECT q.* FROM (${sql()}) q WHERE (SELECT ${knobs.map(([k]) => `set_config('${k}', current_setting('migration_guard.${k}'), false)`).join(' || ')}) IS NOT NULL`
        : `PREPARE ${statement}(${params}) AS ${sql()}`,
    );
    names.add(statement);
  }
  const before = options.before ? `${options.before};\n` : '';
  if (before && !db.exec) throw new Error(`${name}: statements before it need a database that takes several at once`);
  if (!options.generic) {
    if (!before) return (await db.query<T>(`EXECUTE ${name}(${args.join(', ')})`)).rows;
    const results = await db.exec!(`${before}EXECUTE ${name}(${args.join(', ')})`);
    const last = Array.isArray(results) ? (results[results.length - 1] as { rows?: T[] } | undefined) : undefined;
    if (last?.rows) return last.rows;
    throw new Error(`${name}: the database did not return the statement's rows`);
  }
  // With its own plan for each call's arguments (PostgreSQL's default here), planning the large
  // catalog queries costs ten times running them: the generic plan, for our statement only (the
  // settings the migrations run with are put back). One round trip where the database takes several
  // statements at once: the settings are kept in placeholders of ours meanwhile.
  if (restoring) {
    const results = await db.exec!(
      `${before}SELECT ${knobs.map(([k, v]) => `set_config('migration_guard.${k}', current_setting('${k}'), false), set_config('${k}', '${v}', false)`).join(', ')};
EXECUTE ${statement}(${args.join(', ')})`,
    );
    const last = Array.isArray(results) ? (results[results.length - 1] as { rows?: T[] } | undefined) : undefined;
    if (last?.rows) return last.rows;
    throw new Error(`${name}: the database did not return the statement's rows`);
  }
  const was = String((await db.query<Row>("SELECT current_setting('plan_cache_mode') AS p, set_config('plan_cache_mode', 'force_generic_plan', false)")).rows[0]?.p ?? 'auto');
  try {
    return (await db.query<T>(`EXECUTE ${name}(${args.join(', ')})`)).rows;
  } finally {
    if (was !== 'force_generic_plan') await db.query(`SELECT set_config('plan_cache_mode', '${was.replace(/'/g, "''")}', false)`).catch(() => undefined);
  }
}

/**
 * Several prepared statements run as `executePrepared` with `generic` and `indexed` would run each,
 * in one round trip (the planner settings set once around them): the rows of each, in order.
 */
export async function executePreparedBatch<T = Row>(
  db: Queryable & { exec(sql: string): Promise<unknown> },
  statements: readonly { name: string; params: string; sql: () => string; args: string[] }[],
): Promise<T[][]> {
  let names = prepared.get(db);
  if (!names) prepared.set(db, (names = new Set()));
  for (const st of statements) {
    if (names.has(st.name)) continue;
    await db.query(`PREPARE ${st.name}(${st.params}) AS ${st.sql()}`);
    names.add(st.name);
  }
  const knobs: [string, string][] = [['plan_cache_mode', 'force_generic_plan'], ...PLAN_INDEXED];
  const results = await db.exec(
    `SELECT ${knobs.map(([k, v]) => `set_config('migration_guard.${k}', current_setting('${k}'), false), set_config('${k}', '${v}', false)`).join(', ')};
${statements.map((st) => `EXECUTE ${st.name}(${st.args.join(', ')});`).join('\n')}
SELECT ${knobs.map(([k]) => `set_config('${k}', current_setting('migration_guard.${k}'), false)`).join(', ')}`,
  );
  if (!Array.isArray(results) || results.length !== statements.length + 2) throw new Error(`${statements.map((st) => st.name).join(', ')}: the database did not return the statements' rows`);
  return statements.map((st, i) => {
    const rows = (results[i + 1] as { rows?: T[] } | undefined)?.rows;
    if (!rows) throw new Error(`${st.name}: the database did not return the statement's rows`);
    return rows;
  });
}

/** Planner settings under which a statement reading a few catalog rows by oid is planned (`indexed`). */
const PLAN_INDEXED: [string, string][] = [
  ['enable_seqscan', 'off'],
  ['enable_hashjoin', 'off'],
  ['enable_mergejoin', 'off'],
];

/**
 * The schema's objects in one query, all of them or those a filter names (the tracker re-reads
 * only what changed). Each row: key, owner, kind, name, table, lines or a body split into lines.
 */
export async function readSchemaObjects(db: Queryable, filter?: SchemaFilter, options: { cheap?: boolean } = {}): Promise<TrackedObject[]> {
  const cheap = options.cheap === true && filter !== undefined;
  // Relations only (the usual refresh): a smaller statement without the parts that could only return
  // nothing (extensions, schemas, functions, non-composite types), which costs less to start.
  const relsOnly = filter !== undefined && filter.types.length === 0 && filter.procs.length === 0 && filter.globals !== true;
  const rows = filter
    ? await executePrepared(
        db,
        `mg_schema_${cheap ? 'names' : 'some'}${relsOnly ? '_rels' : ''}`,
        'oid[], oid[], oid[], boolean',
        () => schemaObjectsSql(true, cheap, relsOnly),
        [oidArray(filter.rels), oidArray(filter.types), oidArray(filter.procs), filter.globals ? 'true' : 'false'],
        { generic: true, indexed: true },
      )
    : await executePrepared(db, 'mg_schema_all', 'int', () => schemaObjectsSql(false), ['0'], { generic: true });
  const result: TrackedObject[] = [];
  for (const r of rows) {
    const lines = r.body !== null && r.body !== undefined ? splitLines(str(r.body)) : ((r.lines as string[] | null) ?? []);

    const key = str(r.key);
    const o: TrackedObject = { kind: str(r.kind) as ObjectKind, name: str(r.name), lines, key, ids: r.also ? [key, str(r.also)] : [key] };
    if (r.tbl) o.table = str(r.tbl);
    if (r.owner) o.owner = str(r.owner);
    if (cheap && (r.lines === null || r.lines === undefined) && (r.body === null || r.body === undefined)) o.unread = true;
    result.push(o);
  }
  return result;
}

/** The SQL of `readSchemaObjects`: filtered by `$1` (relations), `$2` (types), `$3` (functions), or everything. */
function schemaObjectsSql(filtered: boolean, cheap = false, relsOnly = false): string {
  // Without the definitions (the costly part): the tracker takes them from an earlier read.
  const L = (expr: string): string => (cheap ? 'NULL::text[]' : expr);
  const B = (expr: string): string => (cheap ? 'NULL::text' : expr);
  const inRels = (col: string): string => (filtered ? `${col} = ANY($1)` : 'true');
  const inTypes = (col: string): string => (filtered ? `${col} = ANY($2)` : 'true');
  const inProcs = (col: string): string => (filtered ? `${col} = ANY($3)` : 'true');
  const parts: string[] = [];
  // `relsOnly` (with `filtered`): only `$1` names objects (no types, functions or globals): the parts
  // that could only return nothing are left out, and composite types are found from their relations.
  // (Without them, a first part that names the columns and is planned away.)
  if (relsOnly) parts.push(`
    SELECT NULL::text AS key, NULL::text AS owner, NULL::text AS also, NULL::text AS kind, NULL::text AS name, NULL::text AS tbl, NULL::text[] AS lines, NULL::text AS body WHERE false`);
  else {
    parts.push(`
    SELECT 'e:' || e.oid AS key, NULL AS owner, NULL AS also, 'extension' AS kind, e.extname::text AS name, NULL AS tbl,
           ARRAY['schema ' || n.nspname, 'version ' || e.extversion] AS lines, NULL AS body
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname <> 'plpgsql'${filtered ? ' AND $4' : ''}`);
    parts.push(`
    SELECT 'n:' || n.oid, NULL, NULL, 'schema', format('%I', n.nspname), NULL, ARRAY[]::text[], NULL
    FROM pg_namespace n WHERE ${USER_NS} AND ${notExtensionMember('pg_namespace', 'n.oid')}${filtered ? ' AND $4' : ''}`);
  }
  // Tables: header lines, then one line per column.
  parts.push(`
    SELECT 'r:' || c.oid, 'r:' || c.oid, NULL, 'table', format('%I.%I', n.nspname, c.relname), NULL,
      ${L(`      array_remove(ARRAY[
        CASE WHEN c.relkind = 'p' THEN 'partitioned by ' || pg_get_partkeydef(c.oid) END,
        CASE WHEN c.relkind = 'f' THEN 'foreign table' END,
        CASE WHEN c.relpersistence = 'u' THEN 'unlogged' END,
        (SELECT CASE WHEN c.relpartbound IS NOT NULL THEN 'partition of ' ELSE 'inherits ' END
                || string_agg(format('%I.%I', pn.nspname, p.relname), ', ' ORDER BY i.inhseqno)
                || CASE WHEN c.relpartbound IS NOT NULL THEN ' ' || pg_get_expr(c.relpartbound, c.oid) ELSE '' END
           FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
          WHERE i.inhrelid = c.oid),
        CASE WHEN c.relrowsecurity THEN CASE WHEN c.relforcerowsecurity THEN 'row level security forced' ELSE 'row level security' END END
      ]::text[], NULL) || ARRAY(
        SELECT 'column ' || format('%I', a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
          || COALESCE(CASE WHEN a.attcollation <> (SELECT t.typcollation FROM pg_type t WHERE t.oid = a.atttypid) THEN ' collate ' || (SELECT format('%I', collname) FROM pg_collation WHERE oid = a.attcollation) END, '')
          || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
          || CASE WHEN a.attgenerated <> '' THEN ' generated always as (' || COALESCE(pg_get_expr(d.adbin, d.adrelid), '') || ') ' || CASE WHEN a.attgenerated = 's' THEN 'stored' ELSE 'virtual' END
                  WHEN d.adbin IS NOT NULL THEN ' default ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END
          || CASE WHEN a.attidentity <> '' THEN ' generated ' || CASE WHEN a.attidentity = 'a' THEN 'always' ELSE 'by default' END || ' as identity' ELSE '' END
        FROM pg_attribute a
        LEFT JOIN LATERAL (SELECT x.adbin, x.adrelid FROM pg_attrdef x WHERE x.adrelid = a.attrelid AND x.adnum = a.attnum OFFSET 0) d ON true
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)`)}, NULL
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'f') AND ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')} AND ${inRels('c.oid')}`);
  // Table constraints (NOT NULL ones are the columns' `not null`).
  parts.push(`
    SELECT 'c:' || co.oid, 'r:' || co.conrelid, NULL, 'constraint', format('%I on %I.%I', co.conname, n.nspname, c.relname), format('%I.%I', n.nspname, c.relname),
           ${L('ARRAY[pg_get_constraintdef(co.oid)]')}, NULL
    FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE co.contype <> 'n' AND ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')} AND ${inRels('co.conrelid')}`);
  // Indexes, except those a constraint owns (the constraint stands for them).
  parts.push(`
    SELECT 'r:' || i.indexrelid, 'r:' || i.indrelid, NULL, 'index', format('%I.%I', n.nspname, ic.relname), format('%I.%I', tn.nspname, tc.relname),
           ${L("CASE WHEN i.indisvalid THEN ARRAY[pg_get_indexdef(i.indexrelid)] ELSE ARRAY[pg_get_indexdef(i.indexrelid), 'invalid'] END")}, NULL
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
    JOIN pg_class tc ON tc.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
    WHERE ${USER_NS} AND ${notExtensionMember('pg_class', 'i.indrelid')} AND (${inRels('i.indrelid')} OR ${inRels('i.indexrelid')})
      AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x'))`);
  parts.push(`
    SELECT 'r:' || c.oid, 'r:' || c.oid, NULL, 'sequence', format('%I.%I', n.nspname, c.relname), NULL,
      ${L(`      array_remove(ARRAY[
        'as ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement || ' min ' || s.seqmin
          || ' max ' || s.seqmax || ' cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END,
        (SELECT 'owned by ' || format('%I.%I.%I', tn.nspname, t.relname, a.attname)
           FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
           JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
            AND d.deptype IN ('a', 'i') LIMIT 1)
      ]::text[], NULL)`)}, NULL
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')} AND ${inRels('c.oid')}`);
  parts.push(`
    SELECT 't:' || t.oid, NULL, CASE WHEN t.typtype = 'c' THEN 'r:' || t.typrelid END, CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' ELSE 'type' END,
      format('%I.%I', n.nspname, t.typname), NULL,
      ${L(`      CASE t.typtype
        WHEN 'e' THEN ARRAY['labels ' || COALESCE((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '')]
        WHEN 'd' THEN array_remove(ARRAY[
            'as ' || format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END || COALESCE(' default ' || t.typdefault, ''),
            (SELECT 'constraints ' || string_agg(format('%I %s', co.conname, pg_get_constraintdef(co.oid)), ', ' ORDER BY co.conname) FROM pg_constraint co WHERE co.contypid = t.oid)
          ]::text[], NULL)
        WHEN 'r' THEN ARRAY['range of ' || (SELECT format_type(rngsubtype, NULL) FROM pg_range WHERE rngtypid = t.oid)]
        ELSE ARRAY['composite (' || COALESCE((SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
              FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')']
      END`)}, NULL
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE ${USER_NS} AND ${notExtensionMember('pg_type', 't.oid')}
      AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
      AND ${relsOnly ? `t.typtype = 'c' AND t.oid IN (SELECT c.reltype FROM pg_class c WHERE ${inRels('c.oid')} AND c.relkind = 'c')` : `(${inTypes('t.oid')} OR (t.typtype = 'c' AND ${inRels('t.typrelid')}))`}`);
  parts.push(`
    SELECT 'r:' || c.oid, 'r:' || c.oid, NULL, CASE WHEN c.relkind = 'm' THEN 'materialized view' ELSE 'view' END, format('%I.%I', n.nspname, c.relname), NULL,
           NULL, ${B('pg_get_viewdef(c.oid, true)')}
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')} AND ${inRels('c.oid')}`);
  if (!relsOnly) parts.push(`
    SELECT 'p:' || p.oid, NULL, NULL, CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
           format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)), NULL,
           NULL, ${B("CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) ELSE format('returns %s', format_type(p.prorettype, NULL)) END")}
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE ${USER_NS} AND ${notExtensionMember('pg_proc', 'p.oid')} AND ${inProcs('p.oid')}`);
  parts.push(`
    SELECT 'g:' || t.oid, 'r:' || t.tgrelid, NULL, 'trigger', format('%I on %I.%I', t.tgname, n.nspname, c.relname), format('%I.%I', n.nspname, c.relname),
           ${L('ARRAY[pg_get_triggerdef(t.oid)]')}, NULL
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND ${USER_NS} AND ${notExtensionMember('pg_class', 'c.oid')} AND ${inRels('t.tgrelid')}`);
  return parts.join('\n    UNION ALL');
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

const NOW_LITERAL = /'(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}(?::\d{2})?)?)'(?=::(?:timestamp|date))/g;

/** What differs between an expected and an actual snapshot, in snapshot order. Empty when equal. */
export function compareSnapshots(expected: SchemaSnapshot, actual: SchemaSnapshot): SchemaDifference[] {
  const key = (o: SchemaObject): string => `${o.kind}\u0000${o.name}`;
  // `'now'::timestamp` in a view is folded into the time the view was created: a view created again
  // by the down has another one. Such literals (within a day of now) compare equal.
  const soon = Date.now();
  const normalize = (lines: string[]): string[] => lines.map((l) => l.replace(NOW_LITERAL, (m, v: string) => (Math.abs(Date.parse(v.replace(' ', 'T') + (/[+-]\d\d(:\d\d)?$/.test(v) ? '' : 'Z')) - soon) < 86_400_000 ? "'now'" : m)));
  expected = { objects: expected.objects.map((o) => ({ ...o, lines: normalize(o.lines) })) };
  actual = { objects: actual.objects.map((o) => ({ ...o, lines: normalize(o.lines) })) };
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
