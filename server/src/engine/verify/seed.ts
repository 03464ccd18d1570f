/**
 * Synthetic data: one row in every empty table, so that a round trip that loses rows or column
 * values shows it. Values respect NOT NULL, column types (through an explicit cast, so domains
 * check theirs), defaults (left to apply) and foreign keys (the referenced table is filled first
 * and its row is referenced). Tables that cannot be filled are skipped with PostgreSQL's reason.
 */
import type { Queryable } from './snapshot';

export interface SeedResult {
  /** Tables that received a row (`public.users`). */
  seeded: string[];
  /** Tables left empty, and why. */
  skipped: { table: string; reason: string }[];
}

interface Column {
  name: string;
  type: string;
  /** The type name after resolving domains (`int4`, `text`, ...). */
  base: string;
  category: string;
  notNull: boolean;
  hasDefault: boolean;
  identity: string;
  generated: string;
  firstLabel: string | null;
}

interface ForeignKey {
  columns: string[];
  refTable: string;
  refColumns: string[];
}

interface Table {
  oid: number;
  name: string;
  columns: Column[];
  fks: ForeignKey[];
}

type Row = Record<string, unknown>;
const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const quoteLiteral = (v: string): string => `'${v.replace(/'/g, "''")}'`;

const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'`;

/** A literal of a base type, or undefined when we do not know one. */
function literalFor(c: Column): string | undefined {
  if (c.firstLabel !== null) return quoteLiteral(c.firstLabel);
  if (c.category === 'A') return `'{}'`;
  switch (c.base) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
    case 'float4':
    case 'float8':
    case 'money':
    case 'oid':
      return `'1'`;
    case 'bool':
      return `'true'`;
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'citext':
    case 'char':
      return `'x'`;
    case 'uuid':
      return `'00000000-0000-4000-8000-000000000001'`;
    case 'date':
      return `'2000-01-01'`;
    case 'timestamp':
    case 'timestamptz':
      return `'2000-01-01 00:00:00'`;
    case 'time':
    case 'timetz':
      return `'00:00:00'`;
    case 'interval':
      return `'1 day'`;
    case 'json':
    case 'jsonb':
      return `'{}'`;
    case 'bytea':
      return `'\\x00'`;
    case 'inet':
      return `'127.0.0.1'`;
    case 'cidr':
      return `'10.0.0.0/8'`;
    case 'macaddr':
      return `'08:00:2b:01:02:03'`;
    case 'bit':
    case 'varbit':
      return `'1'`;
    case 'xml':
      return `'<x/>'`;
    case 'tsvector':
    case 'tsquery':
      return `'x'`;
    case 'point':
      return `'(0,0)'`;
    case 'hstore':
      return `'a=>b'`;
    case 'ltree':
      return `'a'`;
    default:
      return c.category === 'R' ? `'empty'` : undefined;
  }
}

async function readTables(db: Queryable): Promise<Table[]> {
  const tables = new Map<number, Table>();
  for (const r of (await db.query<Row>(`
    SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${USER_NS}
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY 2`)).rows) {
    tables.set(Number(r.oid), { oid: Number(r.oid), name: s(r.name), columns: [], fks: [] });
  }
  for (const r of (await db.query<Row>(`
    SELECT a.attrelid::int AS rel, format('%I', a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type,
           COALESCE(bt.typname, t.typname) AS base, COALESCE(bt.typcategory, t.typcategory) AS category,
           a.attnotnull OR t.typnotnull AS notnull, a.atthasdef OR t.typdefault IS NOT NULL AS hasdef,
           a.attidentity AS identity, a.attgenerated AS generated,
           (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = COALESCE(bt.oid, t.oid) ORDER BY e.enumsortorder LIMIT 1) AS label
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
    WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid = ANY($1::oid[])
    ORDER BY a.attrelid, a.attnum`, [[...tables.keys()]])).rows) {
    tables.get(Number(r.rel))?.columns.push({
      name: s(r.name),
      type: s(r.type),
      base: s(r.base),
      category: s(r.category),
      notNull: r.notnull === true,
      hasDefault: r.hasdef === true,
      identity: s(r.identity),
      generated: s(r.generated),
      firstLabel: r.label === null || r.label === undefined ? null : s(r.label),
    });
  }
  for (const r of (await db.query<Row>(`
    SELECT co.conrelid::int AS rel, format('%I.%I', rn.nspname, rc.relname) AS ref,
           ARRAY(SELECT format('%I', a.attname) FROM unnest(co.conkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
           ARRAY(SELECT format('%I', a.attname) FROM unnest(co.confkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n ORDER BY k.i) AS refcols
    FROM pg_constraint co JOIN pg_class rc ON rc.oid = co.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE co.contype = 'f' AND co.conrelid = ANY($1::oid[])
    ORDER BY co.conname`, [[...tables.keys()]])).rows) {
    tables.get(Number(r.rel))?.fks.push({ columns: r.cols as string[], refTable: s(r.ref), refColumns: r.refcols as string[] });
  }
  return [...tables.values()];
}

async function isEmpty(db: Queryable, table: string): Promise<boolean> {
  const r = await db.query<Row>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS e`);
  return r.rows[0]?.e !== true;
}

/** Builds `INSERT ... SELECT` for a table, or a reason why it cannot be filled. */
function insertFor(t: Table, requiredOnly: boolean): { sql: string } | { reason: string } {
  const names: string[] = [];
  const values: string[] = [];
  const from: string[] = [];
  const fkColumn = new Map<string, string>();
  for (const [i, fk] of t.fks.entries()) {
    if (fk.refTable === t.name) continue; // self reference: left NULL (or the table is skipped below)
    const alias = `f${i}`;
    from.push(`(SELECT ${fk.refColumns.join(', ')} FROM ${fk.refTable} LIMIT 1) AS ${alias}(${fk.refColumns.map((_, k) => `c${k}`).join(', ')})`);
    fk.columns.forEach((c, k) => {
      if (!fkColumn.has(c)) fkColumn.set(c, `${alias}.c${k}`);
    });
  }
  for (const c of t.columns) {
    if (c.generated || c.identity === 'a') continue;
    const fk = fkColumn.get(c.name);
    if (fk) {
      names.push(c.name);
      values.push(fk);
      continue;
    }
    if (c.hasDefault || c.identity) continue;
    if (requiredOnly && !c.notNull) continue;
    const selfRef = t.fks.some((f) => f.refTable === t.name && f.columns.includes(c.name));
    const lit = selfRef ? undefined : literalFor(c);
    if (lit === undefined) {
      if (c.notNull) return { reason: selfRef ? `column ${c.name} must reference the table itself` : `no sample value for column ${c.name} of type ${c.type}` };
      continue;
    }
    names.push(c.name);
    values.push(`${lit}::${c.type}`);
  }
  const sql =
    names.length === 0
      ? `INSERT INTO ${t.name} DEFAULT VALUES`
      : `INSERT INTO ${t.name} (${names.join(', ')}) SELECT ${values.join(', ')}${from.length > 0 ? ` FROM ${from.join(', ')}` : ''}`;
  return { sql };
}

/** Puts one row into every empty table of the database. Never throws on a table it cannot fill. */
export async function seedEmptyTables(db: Queryable, options: { exclude?: readonly string[] } = {}): Promise<SeedResult> {
  const exclude = new Set(options.exclude ?? []);
  const tables = (await readTables(db)).filter((t) => !exclude.has(t.name));
  const result: SeedResult = { seeded: [], skipped: [] };
  const filled = new Set<string>();
  const pending: Table[] = [];
  for (const t of tables) {
    if (await isEmpty(db, t.name)) pending.push(t);
    else filled.add(t.name);
  }
  const known = new Set(tables.map((t) => t.name));
  let progress = true;
  while (pending.length > 0 && progress) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      const t = pending[i]!;
      const waiting = t.fks.filter((f) => f.refTable !== t.name && !filled.has(f.refTable) && known.has(f.refTable));
      if (waiting.length > 0) continue;
      pending.splice(i--, 1);
      progress = true;
      let reason = '';
      for (const requiredOnly of [false, true]) {
        const ins = insertFor(t, requiredOnly);
        if ('reason' in ins) {
          reason = ins.reason;
          break;
        }
        try {
          await db.query(ins.sql);
          reason = '';
          break;
        } catch (e) {
          reason = e instanceof Error ? e.message : String(e);
        }
      }
      if (reason === '' && !(await isEmpty(db, t.name))) {
        filled.add(t.name);
        result.seeded.push(t.name);
      } else {
        result.skipped.push({ table: t.name, reason: reason || 'the row was not kept' });
      }
    }
  }
  for (const t of pending) {
    const refs = t.fks.filter((f) => f.refTable !== t.name && !filled.has(f.refTable)).map((f) => f.refTable);
    result.skipped.push({ table: t.name, reason: `it references ${[...new Set(refs)].join(', ')}, which could not be filled` });
  }
  result.seeded.sort();
  result.skipped.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  return result;
}
