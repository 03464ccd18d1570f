/**
 * Incremental snapshots. Reading the whole catalog and every table after each step of each
 * migration costs more than running the migrations, so verify reads only what changed:
 *
 * - Schema: every catalog row a statement writes gets the writing (sub)transaction's id as `xmin`,
 *   and ids only grow. All of one migration's steps run in one transaction, in which `age(xmin)`
 *   (the distance from the transaction's stable id) compares ids: a *mark* is an age such that
 *   every row written after it is younger. The first mark of a transaction comes from the first id
 *   not yet completed (`pg_snapshot_xmax`); each refresh returns the next one (the youngest row it
 *   saw). After a step, the catalog rows younger than the mark name the relations, types and
 *   functions the step created or altered; their dependents (pg_depend, two levels: a renamed table
 *   changes the text of the indexes, constraints and views on it) are added, objects whose oid is
 *   gone are dropped, and only those objects are read again (`readSchemaObjects` with a filter).
 *   Savepoints need no special care: a rolled-back write is invisible, and each refresh starts from
 *   the state the database was in at its mark. A mark also holds how many catalog rows the
 *   transaction had written then (`pg_stat_get_xact_tuples_*` of the catalogs read, which count every
 *   attempt, rolled back or not, and only grow): when that has not moved, no catalog row was written
 *   since, and the catalogs are not scanned at all.
 * - Rows: `pg_stat_xact_user_tables` counts the rows each table had inserted, updated or deleted in
 *   the current transaction (only ever growing); a table is read again when its count moved, when
 *   the schema refresh touched it (a rewrite, a column added with a default, TRUNCATE), or when it
 *   is new.
 *
 * `MIGRATION_GUARD_VERIFY_CHECK=1` compares every incremental result with a full read and throws on
 * a difference: the database tier's convention tests (test/unit/verify/conventions.db.test.ts) run
 * with it; set it by hand for a corpus run.
 */
import { readData, VOLATILE_DEFAULT, type DataState, type TableMeta } from './data';
import type { Database } from './pglite';
import { executePrepared, formatSnapshot, KIND_ORDER, oidArray, readSchemaObjects, type SchemaSnapshot, type TrackedObject } from './snapshot';

/** An immutable schema state: objects by key. */
export interface SchemaState {
  objects: ReadonlyMap<string, TrackedObject>;
}

type Row = Record<string, unknown>;
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** Objects with an oid below this belong to PostgreSQL itself. */
const FIRST_USER_OID = 16384;

const checking = (): boolean => process.env.MIGRATION_GUARD_VERIFY_CHECK === '1';

export function toSnapshot(state: SchemaState): SchemaSnapshot {
  const objects = [...state.objects.values()].map(({ key: _k, owner: _o, ids: _i, ...o }) => o);
  objects.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { objects };
}

function stateOf(objects: readonly TrackedObject[]): SchemaState {
  return { objects: new Map(objects.map((o) => [o.key, o] as const)) };
}

/**
 * The first mark of a transaction: every catalog row written from now on has an `age(xmin)` below
 * it (the first transaction id not yet completed, as an age, plus one).
 */
export async function boundary(db: Database): Promise<string> {
  return str((await db.query<Row>(`SELECT ${BOUNDARY} AS m`)).rows[0]?.m);
}

/** The catalogs detection reads (each one's position in this list is its index, from 1, in the counts below). */
const CATALOG_LIST = ['pg_class', 'pg_attribute', 'pg_attrdef', 'pg_constraint', 'pg_index', 'pg_trigger', 'pg_rewrite', 'pg_sequence', 'pg_inherits', 'pg_proc', 'pg_type', 'pg_enum', 'pg_namespace', 'pg_extension', 'pg_depend'] as const;
type Catalog = (typeof CATALOG_LIST)[number];
const CATALOGS = CATALOG_LIST.join(',');
const at = (catalog: Catalog): number => CATALOG_LIST.indexOf(catalog) + 1;

/** Catalog rows inserted, updated or deleted by the current transaction so far, per catalog (attempts count, rolled back or not): a bigint[]. */
const CATALOG_WRITES = `ARRAY(SELECT pg_stat_get_xact_tuples_inserted(x) + pg_stat_get_xact_tuples_updated(x) + pg_stat_get_xact_tuples_deleted(x) FROM unnest('{${CATALOGS}}'::regclass[]) WITH ORDINALITY u(x, i) ORDER BY i)`;

/** Catalog rows deleted by the current transaction so far, per catalog (attempts count): a bigint[]. An object can be gone only after one in its catalog. */
const CATALOG_DELETES = `ARRAY(SELECT pg_stat_get_xact_tuples_deleted(x) FROM unnest('{${CATALOGS}}'::regclass[]) WITH ORDINALITY u(x, i) ORDER BY i)`;

/** The text of a `boundary`, as an SQL expression. */
const BOUNDARY = `(age(pg_snapshot_xmax(pg_current_snapshot())::text::xid) + 1)::text || ':' || array_to_string(${CATALOG_WRITES}, ',') || ':' || array_to_string(${CATALOG_DELETES}, ',')`;

/** A mark: the age part (`$1` of detection), and the catalog writes and deletes counted then, per catalog, comma-separated (absent: unknown). */
function parseMark(mark: string): { age: string; writes?: string; deletes?: string } {
  const [age = '', writes, deletes] = mark.split(':');
  return { age, ...(writes !== undefined ? { writes } : {}), ...(deletes !== undefined ? { deletes } : {}) };
}

export async function fullSchema(db: Database): Promise<SchemaState> {
  return stateOf(await readSchemaObjects(db));
}

const DEPEND_TARGET = `
  CASE d.classid
    WHEN 'pg_class'::regclass THEN 'r'
    WHEN 'pg_type'::regclass THEN 't'
    WHEN 'pg_proc'::regclass THEN 'p'
    WHEN 'pg_constraint'::regclass THEN (SELECT CASE WHEN x.conrelid <> 0 THEN 'r' ELSE 't' END FROM pg_constraint x WHERE x.oid = d.objid)
    WHEN 'pg_trigger'::regclass THEN 'r'
    WHEN 'pg_attrdef'::regclass THEN 'r'
    WHEN 'pg_rewrite'::regclass THEN 'r'
  END AS k,
  CASE d.classid
    WHEN 'pg_constraint'::regclass THEN (SELECT CASE WHEN x.conrelid <> 0 THEN x.conrelid ELSE x.contypid END FROM pg_constraint x WHERE x.oid = d.objid)
    WHEN 'pg_trigger'::regclass THEN (SELECT x.tgrelid FROM pg_trigger x WHERE x.oid = d.objid)
    WHEN 'pg_attrdef'::regclass THEN (SELECT x.adrelid FROM pg_attrdef x WHERE x.oid = d.objid)
    WHEN 'pg_rewrite'::regclass THEN (SELECT x.ev_class FROM pg_rewrite x WHERE x.oid = d.objid)
    ELSE d.objid
  END AS o`;

/**
 * Which objects changed since the mark `$1` (an age), with their dependents, which of the known
 * oids (`$2` relations, `$3` constraints, `$4` triggers, `$5` types, `$6` functions) are gone, and
 * the next mark (`m`: the youngest age seen, or `$1` when nothing changed).
 */
function detectionSql(depth: number): string {
  // Only user objects matter (their oids are FIRST_USER_OID and up): each catalog is read through its
  // oid (or owning relation's oid) index from there, not scanned whole with PostgreSQL's own rows.
  // A catalog is not read at all when none of its rows was written since the mark (`$9`: the counts
  // then, per catalog). Objects of the base state are looked for only when a row of their catalog was
  // deleted since (`$11`): the callers' base states are the states their marks were taken in or rolled back to.
  const moved = (catalog: Catalog): string => `(SELECT w[${at(catalog)}] IS DISTINCT FROM $9[${at(catalog)}] FROM gate)`;
  const changed = (catalog: Catalog, t: string, oid: string): string => `${moved(catalog)} AND ${t}.${oid} >= ${FIRST_USER_OID} AND age(${t}.xmin) < $1`;
  const aged = (t: string): string => `, age(${t}.xmin)`;
  const gone = (k: string, catalog: Catalog, param: string): string =>
    `UNION ALL SELECT 'gone-${k}', g.x::int, 0 FROM unnest(${param}) g(x) WHERE (SELECT d[${at(catalog)}] IS DISTINCT FROM $11[${at(catalog)}] FROM gate) AND NOT EXISTS (SELECT 1 FROM ${catalog} WHERE oid = g.x)`;
  return `
    WITH RECURSIVE gate(w, d) AS (
      SELECT ${CATALOG_WRITES}, ${CATALOG_DELETES}
    ), changed(k, o, a) AS (
      SELECT 'r', c.oid${aged('c')} FROM pg_class c WHERE ${changed('pg_class', 'c', 'oid')}
      UNION ALL SELECT 'r', a.attrelid${aged('a')} FROM pg_attribute a WHERE ${changed('pg_attribute', 'a', 'attrelid')}
      UNION ALL SELECT 'r', a.adrelid${aged('a')} FROM pg_attrdef a WHERE ${changed('pg_attrdef', 'a', 'adrelid')}
      UNION ALL SELECT CASE WHEN c.conrelid <> 0 THEN 'r' ELSE 't' END, CASE WHEN c.conrelid <> 0 THEN c.conrelid ELSE c.contypid END${aged('c')} FROM pg_constraint c WHERE ${changed('pg_constraint', 'c', 'oid')}
      UNION ALL SELECT 'r', i.indrelid${aged('i')} FROM pg_index i WHERE ${changed('pg_index', 'i', 'indexrelid')}
      UNION ALL SELECT 'r', i.indexrelid${aged('i')} FROM pg_index i WHERE ${changed('pg_index', 'i', 'indexrelid')}
      UNION ALL SELECT 'r', t.tgrelid${aged('t')} FROM pg_trigger t WHERE ${changed('pg_trigger', 't', 'oid')}
      UNION ALL SELECT 'r', w.ev_class${aged('w')} FROM pg_rewrite w WHERE ${changed('pg_rewrite', 'w', 'oid')}
      UNION ALL SELECT 'r', s.seqrelid${aged('s')} FROM pg_sequence s WHERE ${changed('pg_sequence', 's', 'seqrelid')}
      UNION ALL SELECT 'r', h.inhrelid${aged('h')} FROM pg_inherits h WHERE ${changed('pg_inherits', 'h', 'inhrelid')}
      UNION ALL SELECT 'p', p.oid${aged('p')} FROM pg_proc p WHERE ${changed('pg_proc', 'p', 'oid')}
      UNION ALL SELECT 't', t.oid${aged('t')} FROM pg_type t WHERE ${changed('pg_type', 't', 'oid')}
      UNION ALL SELECT 't', e.enumtypid${aged('e')} FROM pg_enum e WHERE ${changed('pg_enum', 'e', 'oid')}
      UNION ALL SELECT 'x', n.oid${aged('n')} FROM pg_namespace n WHERE ${moved('pg_namespace')} AND age(n.xmin) < $1
      UNION ALL SELECT 'x', e.oid${aged('e')} FROM pg_extension e WHERE ${moved('pg_extension')} AND age(e.xmin) < $1
      UNION ALL SELECT ${DEPEND_TARGET}${aged('d')} FROM pg_depend d
        WHERE d.classid = ANY ('{pg_class,pg_type,pg_proc,pg_constraint,pg_trigger,pg_attrdef,pg_rewrite}'::regclass[]) AND ${changed('pg_depend', 'd', 'objid')}
    ), touched(k, o) AS (
      SELECT DISTINCT k, o FROM changed WHERE k <> 'x'
    ), closure(k, o, depth) AS (
      SELECT k, o, 0 FROM touched WHERE o >= ${FIRST_USER_OID}
      UNION
      SELECT dep.k, dep.o, c.depth + 1 FROM closure c
      JOIN LATERAL (
        SELECT ${DEPEND_TARGET} FROM pg_depend d
        WHERE d.refobjid = c.o AND d.refclassid = CASE c.k WHEN 'r' THEN 'pg_class'::regclass WHEN 't' THEN 'pg_type'::regclass ELSE 'pg_proc'::regclass END
      ) dep ON true
      WHERE c.depth < ${depth} AND dep.k IS NOT NULL AND dep.o >= ${FIRST_USER_OID}
    )
    SELECT k, o::int AS o, 1 + min(depth) AS x FROM closure GROUP BY k, o
    UNION ALL SELECT 'm', COALESCE((SELECT min(a) FROM changed), $1), 0
    UNION ALL SELECT 'n:' || (SELECT array_to_string(w, ',') FROM gate), 0, 0
    UNION ALL SELECT 'nd:' || (SELECT array_to_string(d, ',') FROM gate), 0, 0
    UNION ALL SELECT 'x', 0, 0 WHERE EXISTS (SELECT 1 FROM changed WHERE k = 'x')
    ${gone('r', 'pg_class', '$2')}
    ${gone('c', 'pg_constraint', '$3')}
    ${gone('g', 'pg_trigger', '$4')}
    ${gone('t', 'pg_type', '$5')}
    ${gone('p', 'pg_proc', '$6')}
    ${gone('n', 'pg_namespace', '$7')}
    ${gone('e', 'pg_extension', '$8')}
    UNION ALL SELECT 'cnt', x::int, (pg_stat_get_xact_tuples_inserted(x) + pg_stat_get_xact_tuples_updated(x) + pg_stat_get_xact_tuples_deleted(x))::bigint FROM unnest($10) x`;
}

/**
 * The state after whatever ran since `since` (a `boundary` taken when the database was in `base`).
 * Returns the new state and the tables it read again (their rows may have changed too).
 */
export async function refreshSchema(
  db: Database,
  base: SchemaState,
  since: string,
  /** A state that ran the same statements from the same schema: definitions are taken from it, by kind and name. */
  linesFrom?: SchemaState,
  /** With `linesFrom`: whether the refresh that made it read dependents (false: no name changed there, none here either). */
  dependents?: boolean,
  /** Tables whose row counters to read in the same statement (for refreshData). */
  countTables?: ReadonlyMap<string, { oid: number }>,
  /** Whether what ran since is likely to have written no catalog row (plain DML): the catalogs' counters are asked first, in a small statement, and nothing else when none moved. */
  likelyQuiet?: boolean,
): Promise<{ state: SchemaState; touched: Set<string>; mark: string; dependents: boolean; counts: Map<number, number> }> {
  const at = parseMark(since);
  const counting = countTables ? [...countTables.values()].map((t) => t.oid) : [];
  const counts = new Map<number, number>();
  if (likelyQuiet && at.writes !== undefined && at.deletes !== undefined) {
    const rows = await executePrepared(db, 'mg_quiet', 'oid[]', () =>
      `SELECT x::int AS o, (pg_stat_get_xact_tuples_inserted(x) + pg_stat_get_xact_tuples_updated(x) + pg_stat_get_xact_tuples_deleted(x))::text AS n FROM unnest($1) x
       UNION ALL SELECT 0, array_to_string(${CATALOG_WRITES}, ',') || ':' || array_to_string(${CATALOG_DELETES}, ',')`,
      [oidArray(counting)],
    );
    let gate = '';
    for (const r of rows) {
      if (Number(r.o) === 0) gate = str(r.n);
      else counts.set(Number(r.o), Number(r.n));
    }
    // No catalog row written since the mark: the schema is the base one (what the full detection would find, without it).
    if (gate === `${at.writes}:${at.deletes}`) {
      if (checking()) {
        const full = formatSnapshot(toSnapshot(await fullSchema(db)));
        const incremental = formatSnapshot(toSnapshot(base));
        if (full !== incremental) throw new Error(`incremental schema snapshot differs from a full one:\n${firstDifference(full, incremental)}`);
      }
      return { state: base, touched: new Set(), mark: since, dependents: linesFrom !== undefined && dependents !== false, counts };
    }
    counts.clear();
  }
  const known = { r: [] as number[], c: [] as number[], g: [] as number[], t: [] as number[], p: [] as number[], n: [] as number[], e: [] as number[] };
  for (const key of base.objects.keys()) {
    const kind = key[0] as keyof typeof known;
    if (kind in known) known[kind].push(Number(key.slice(2)));
  }
  const literal = (n: string | undefined): string => (n !== undefined && /^\d+(,\d+)*$/.test(n) ? `'{${n}}'` : 'NULL');
  const detect = (depth: number, gated = true): Promise<Row[]> => executePrepared(db, `mg_detect${depth}`, 'int, oid[], oid[], oid[], oid[], oid[], oid[], oid[], bigint[], oid[], bigint[]', () => detectionSql(depth), [
    String(Math.trunc(Number(at.age))),
    oidArray(known.r),
    oidArray(known.c),
    oidArray(known.g),
    oidArray(known.t),
    oidArray(known.p),
    oidArray(known.n),
    oidArray(known.e),
    gated ? literal(at.writes) : 'NULL',
    oidArray(counting),
    gated ? literal(at.deletes) : 'NULL',
  ], { generic: true, indexed: true });
  const rows = await detect(linesFrom !== undefined && dependents !== false ? 2 : 0);
  // Changed objects (depth 0), and their dependents (depth 1 and 2: found and read only when a name changed).
  const own = { rels: new Set<number>(), types: new Set<number>(), procs: new Set<number>() };
  const deps = { rels: new Set<number>(), types: new Set<number>(), procs: new Set<number>() };
  const goneKeys = new Set<string>();
  let age = at.age;
  let writes: string | undefined;
  let deletes: string | undefined;
  let globals = false;
  const collect = (found: Row[], dependentsOnly: boolean): void => {
    for (const r of found) {
      const k = str(r.k);
      const o = Number(r.o);
      if (k === 'cnt') {
        counts.set(o, Number(r.x));
        continue;
      }
      const into = Number(r.x) > 1 ? deps : own;
      if (dependentsOnly && into === own) continue;
      if (k === 'm') age = String(o);
      else if (k.startsWith('n:')) writes = k.slice(2);
      else if (k.startsWith('nd:')) deletes = k.slice(3);
      else if (k === 'x') globals = true;
      else if (k === 'r') into.rels.add(o);
      else if (k === 't') into.types.add(o);
      else if (k === 'p') into.procs.add(o);
      else if (k.startsWith('gone-')) goneKeys.add(`${k.slice(5)}:${o}`);
    }
    for (const kind of ['rels', 'types', 'procs'] as const) for (const o of own[kind]) deps[kind].delete(o);
  };
  collect(rows, false);
  const next = new Map(base.objects);
  const read = async (sets: typeof own, withGlobals: boolean, first: boolean): Promise<TrackedObject[]> => {
    const refreshed = new Set<string>([...[...sets.rels].map((o) => `r:${o}`), ...[...sets.types].map((o) => `t:${o}`), ...[...sets.procs].map((o) => `p:${o}`)]);
    for (const [key, o] of base.objects) {
      if ((first && goneKeys.has(key)) || (withGlobals && (key.startsWith('e:') || key.startsWith('n:'))) || o.ids.some((id) => refreshed.has(id)) || (o.owner !== undefined && (refreshed.has(o.owner) || (first && goneKeys.has(o.owner))))) {
        next.delete(key);
      }
    }
    const filter = { rels: [...sets.rels], types: [...sets.types], procs: [...sets.procs], globals: withGlobals };
    return sets.rels.size + sets.types.size + sets.procs.size > 0 || withGlobals ? readSchemaObjects(db, filter, { cheap: linesFrom !== undefined }) : [];
  };
  let fresh = await read(own, globals, true);
  // The definitions of dependents name what they depend on: they change only when a name does (a
  // relation, column, type, function or schema renamed; an enum's labels). Otherwise they are not read.
  // (From the same mark, every catalog row since: the first detection's count would skip it.)
  if (linesFrom === undefined && own.rels.size + own.types.size + own.procs.size > 0 && (globals || renamed(base, fresh))) collect(await detect(2, false), true);
  const readDependents = deps.rels.size + deps.types.size + deps.procs.size > 0;
  if (readDependents) fresh = [...fresh, ...(await read(deps, false, false))];
  const filter = { rels: [...own.rels, ...deps.rels], types: [...own.types, ...deps.types], procs: [...own.procs, ...deps.procs], globals };
  if (linesFrom) {
    const known = new Map<string, TrackedObject>();
    for (const o of linesFrom.objects.values()) known.set(`${o.kind}\u0000${o.name}`, o);
    const missing: TrackedObject[] = [];
    fresh = fresh.map((o) => {
      if (!o.unread) return o;
      const same = known.get(`${o.kind}\u0000${o.name}`);
      if (!same) {
        missing.push(o);
        return o;
      }
      const { unread: _u, ...rest } = o;
      return { ...rest, lines: same.lines };
    });
    if (missing.length > 0) {
      // Not in the other state: read them whole.
      const again = await readSchemaObjects(db, filter);
      const byKey = new Map(again.map((o) => [o.key, o] as const));
      fresh = fresh.map((o) => (o.unread ? (byKey.get(o.key) ?? o) : o)).filter((o) => !o.unread);
    }
  }
  for (const o of fresh) next.set(o.key, o);
  const state: SchemaState = { objects: next };
  if (checking()) {
    const full = formatSnapshot(toSnapshot(await fullSchema(db)));
    const incremental = formatSnapshot(toSnapshot(state));
    if (full !== incremental) throw new Error(`incremental schema snapshot differs from a full one:\n${firstDifference(full, incremental)}`);
  }
  const touched = new Set<string>();
  for (const o of fresh) if (o.kind === 'table') touched.add(o.name);
  const mark = writes === undefined || deletes === undefined ? age : `${age}:${writes}:${deletes}`;
  return { state, touched, mark, dependents: readDependents || (linesFrom !== undefined && dependents !== false), counts };
}

/** Whether an object read again has another name than before (for a table: a column name gone while another came), or is a type or view whose definition changed (a view's columns may be renamed). */
function renamed(base: SchemaState, fresh: readonly TrackedObject[]): boolean {
  const columns = (o: TrackedObject): string[] => o.lines.filter((l) => l.startsWith('column ')).map((l) => /^column ("(?:[^"]|"")*"|\S+)/.exec(l)![1]!);
  for (const o of fresh) {
    const was = base.objects.get(o.key);
    if (!was) continue;
    if (was.name !== o.name || was.kind !== o.kind) return true;
    if (o.kind === 'enum' || o.kind === 'domain' || o.kind === 'type' || o.kind === 'schema' || o.kind === 'extension' || o.kind === 'view' || o.kind === 'materialized view') {
      if (was.lines.join('\n') !== o.lines.join('\n')) return true;
    } else if (o.kind === 'table') {
      const before = new Set(columns(was));
      const after = new Set(columns(o));
      if ([...after].some((c) => !before.has(c)) && [...before].some((c) => !after.has(c))) return true;
    }
  }
  return false;
}

function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) if (al[i] !== bl[i]) return `line ${i + 1}: full ${JSON.stringify(al[i])}, incremental ${JSON.stringify(bl[i])}`;
  return '(none)';
}

// ---------------------------------------------------------------------------------------------
// Rows.

const metasCache = new WeakMap<SchemaState, Map<string, TableMeta & { oid: number }>>();
/** A table object's part of its meta (no primary key: that is another object), or null for a table whose rows are not read. States share objects: read once per object. */
const tableMetaCache = new WeakMap<TrackedObject, (TableMeta & { oid: number }) | null>();

function ownMeta(o: TrackedObject): (TableMeta & { oid: number }) | null {
  let hit = tableMetaCache.get(o);
  if (hit !== undefined) return hit;
  if (o.lines.some((l) => l.startsWith('partition of ') || l === 'foreign table')) hit = null;
  else {
    const meta: TableMeta & { oid: number } = {
      oid: Number(o.key.slice(2)),
      name: o.name,
      relkind: o.lines.some((l) => l.startsWith('partitioned by ')) ? 'p' : 'r',
      columns: [],
      categories: [],
      generated: [],
    };
    for (const line of o.lines) {
      const m = /^column ("(?:[^"]|"")*"|\S+) (.*)$/.exec(line);
      if (!m) continue;
      const [, name, rest] = m as unknown as [string, string, string];
      meta.columns.push(name);
      meta.categories.push(/^(smallint|integer|bigint|real|double precision|money|oid|numeric(\(\d+(,\d+)?\))?)( |$)/.test(rest) ? 'N' : /^boolean( |$)/.test(rest) ? 'B' : 'S');
      if (/ generated (always|by default) as identity$| generated always as \(/.test(rest) || (/ default /.test(rest) && VOLATILE_DEFAULT.test(rest.slice(rest.indexOf(' default '))))) meta.generated.push(name);
    }
    hit = meta;
  }
  tableMetaCache.set(o, hit);
  return hit;
}

/** What reading a table's rows needs, from a schema state (no catalog query). */
export function tableMetas(state: SchemaState): Map<string, TableMeta & { oid: number }> {
  const hit = metasCache.get(state);
  if (hit) return new Map(hit);
  const out = new Map<string, TableMeta & { oid: number }>();
  metasCache.set(state, out);
  const keys = new Map<string, string[]>();
  for (const o of state.objects.values()) {
    if (o.kind === 'constraint' && o.table && o.lines[0]?.startsWith('PRIMARY KEY (')) keys.set(o.table, identifierList(o.lines[0].slice('PRIMARY KEY ('.length)));
  }
  for (const o of state.objects.values()) {
    if (o.kind !== 'table') continue;
    const own = ownMeta(o);
    if (!own) continue;
    const pk = keys.get(o.name);
    out.set(o.name, pk ? { ...own, primaryKey: pk } : { ...own });
  }
  return new Map(out);
}

/** `a, "B, c")...` → `['a', '"B, c"']`: the identifiers of a parenthesized list, as `format('%I')` writes them. */
function identifierList(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length && text[i] !== ')') {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && !(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === '"' ? 2 : 1;
      out.push(text.slice(i, j + 1));
      i = j + 1;
    } else {
      const m = /^[^,)]+/.exec(text.slice(i));
      out.push((m?.[0] ?? '').trim());
      i += m?.[0].length ?? 1;
    }
    while (text[i] === ',' || text[i] === ' ') i++;
  }
  return out;
}

/** Rows inserted, updated or deleted per table in the current transaction. */
export async function tupleCounts(db: Database, tables: ReadonlyMap<string, { oid: number }>, known?: ReadonlyMap<number, number>): Promise<Map<string, number>> {
  const byOid = new Map<number, string>();
  const out = new Map<string, number>();
  for (const [name, t] of tables) {
    const n = known?.get(t.oid);
    if (n !== undefined) out.set(name, n);
    else byOid.set(t.oid, name);
  }
  if (byOid.size === 0 && known !== undefined) return out;
  const rows = await executePrepared(db, 'mg_counts', 'oid[]', () =>
    'SELECT x::int AS o, (pg_stat_get_xact_tuples_inserted(x) + pg_stat_get_xact_tuples_updated(x) + pg_stat_get_xact_tuples_deleted(x))::text AS n FROM unnest($1) x',
    [oidArray([...byOid.keys()])],
  );
  for (const r of rows) out.set(byOid.get(Number(r.o)) ?? '', Number(r.n));
  return out;
}

/** `tupleCounts` of `tables` and a `boundary`, in one statement (the counts and the mark of the same moment); `before`: statements sent first, in the same round trip. */
export async function countsAndBoundary(db: Database, tables: ReadonlyMap<string, { oid: number }>, before?: string): Promise<{ counts: Map<string, number>; mark: string }> {
  const byOid = new Map<number, string>();
  for (const [name, t] of tables) byOid.set(t.oid, name);
  const rows = await executePrepared(db, 'mg_counts_mark', 'oid[]', () =>
    `SELECT x::int AS o, (pg_stat_get_xact_tuples_inserted(x) + pg_stat_get_xact_tuples_updated(x) + pg_stat_get_xact_tuples_deleted(x))::text AS n FROM unnest($1) x
     UNION ALL SELECT 0, ${BOUNDARY}`,
    [oidArray([...byOid.keys()])],
    before ? { before } : {},
  );
  const counts = new Map<string, number>();
  let mark = '';
  for (const r of rows) {
    if (Number(r.o) === 0) mark = str(r.n);
    else counts.set(byOid.get(Number(r.o)) ?? '', Number(r.n));
  }
  return { counts, mark };
}

/**
 * The rows now, from the rows at the previous read (`base`, taken when the counts were `counts`):
 * tables whose counts moved, that `touched` names, that are new, or partitioned (their partitions
 * count the rows) are read again; tables no longer in `state` are dropped.
 */
export async function refreshData(
  db: Database,
  base: DataState,
  counts: Map<string, number>,
  options: {
    state: SchemaState;
    touched: ReadonlySet<string>;
    exclude: ReadonlySet<string>;
    known?: ReadonlyMap<number, number>;
    /** The schema of `base` (by which a table still empty is known without reading it). */
    previous?: SchemaState;
  },
): Promise<{ data: DataState; counts: Map<string, number> }> {
  const metas = tableMetas(options.state);
  for (const t of options.exclude) metas.delete(t);
  const before = options.previous ? tableMetas(options.previous) : undefined;
  // Counters read with the schema refresh (no row was written since) are not read again.
  const now = await tupleCounts(db, metas, options.known);
  /** The tables to read again, in order; `empty`: known to hold no row without reading it. */
  const again = new Map<string, { meta: TableMeta; empty: boolean }>();
  for (const [t, meta] of metas) {
    const moved = (now.get(t) ?? 0) !== (counts.get(t) ?? 0);
    if (!(t in base) || options.touched.has(t) || meta.relkind === 'p' || moved) {
      // A table that held no row, is the same relation and had no row inserted since holds none now
      // (only its definition changed): its rows are not read.
      const was = base[t];
      const empty = was !== undefined && was.rows.length === 0 && !was.truncated && !moved && meta.relkind !== 'p' && before?.get(t)?.oid === meta.oid;
      again.set(t, { meta, empty });
    }
  }
  const data: DataState = {};
  for (const [t, rows] of Object.entries(base)) if (metas.has(t) && !again.has(t)) data[t] = rows;
  const read = new Map([...again].filter(([, a]) => !a.empty).map(([t, a]) => [t, a.meta] as const));
  const fresh = read.size > 0 ? await readData(db, { exclude: options.exclude, metas: [...read.values()] }) : {};
  for (const [t, { meta, empty }] of again) {
    if (!empty) {
      if (fresh[t]) data[t] = fresh[t];
      continue;
    }
    data[t] = { columns: meta.columns, categories: meta.categories, ...(meta.primaryKey ? { primaryKey: meta.primaryKey } : {}), generated: meta.generated, rows: [], truncated: false };
  }
  if (checking()) {
    const full = await readData(db, { exclude: options.exclude });
    const shape = (d: DataState): string => JSON.stringify(Object.keys(d).sort().map((k) => [k, d[k]!.columns, d[k]!.primaryKey ?? null, d[k]!.rows, d[k]!.truncated]));
    const a = shape(full);
    const b = shape(data);
    if (a !== b) throw new Error(`incremental rows differ from a full read (tables read: ${[...read.keys()].join(', ')})`);
  }
  return { data, counts: now };
}

/** Table names of a schema state. */
export function tablesOf(state: SchemaState): Set<string> {
  const out = new Set<string>();
  for (const o of state.objects.values()) if (o.kind === 'table') out.add(o.name);
  return out;
}

/**
 * The objects two states do not share (by identity: an object a refresh did not read again is the
 * same object in both), as two snapshots: comparing those is comparing the states.
 */
export function differingParts(a: SchemaState, b: SchemaState): { a: SchemaSnapshot; b: SchemaSnapshot } {
  const names = new Set<string>();
  const kn = (o: TrackedObject): string => `${o.kind}\u0000${o.name}`;
  for (const [k, o] of a.objects) if (b.objects.get(k) !== o) names.add(kn(o));
  for (const [k, o] of b.objects) if (a.objects.get(k) !== o) names.add(kn(o));
  const pick = (s: SchemaState): SchemaState => ({ objects: new Map([...s.objects].filter(([, o]) => names.has(kn(o)))) });
  return { a: toSnapshot(pick(a)), b: toSnapshot(pick(b)) };
}
