/**
 * Synthetic rows that show loss. Before the up, every empty user table gets three rows in which
 * every column (generated columns aside) holds a value of its own:
 *   row 1: an ordinary value, different in each column (`first_name-1`, 1001, 2001-02-03, ...);
 *   row 2: a value near the type's bounds, with non-ASCII text (`first_name-2-é中😀…` up to the
 *          varchar length, 2147483646 for an integer, 9999-12-31, ...);
 *   row 3: NULL in every nullable column, ordinary values in the others.
 * Values respect the type (through an explicit cast, so domains check theirs), its length or
 * precision, enum labels, the literals a CHECK constraint names, and foreign keys (row i of a
 * table references row i of the referenced table, or its own row for a self reference). Columns
 * with a default get a value too: a value lost into the default would be invisible otherwise.
 *
 * The rows are inserted with `session_replication_role = replica` (SET LOCAL, for the seeding only):
 * user triggers and rules do not fire, so seeding does not run application logic (an insert trigger
 * that creates partitions, one that refuses direct inserts); foreign keys are not checked either,
 * which is why the values satisfy them by construction. When nothing the setting switches could fire
 * (no rule, no trigger on INSERT but foreign-key checks the rows pass) and the role is a superuser
 * (so "triggers off" stays true of the result), the rows go in without it: they are the same, and
 * setting it would empty the plan cache (see nothingFires). A server role
 * that may not set it seeds with the triggers on, and the result says so (`triggersOff`). A row PostgreSQL
 * rejects (a CHECK we could not satisfy, a partition bound) is retried with plainer values, then
 * left out; a table with no row is reported with PostgreSQL's reason.
 */
import type { Database } from './pglite';
import { USER_NS, type TableRows } from './data';
import { executePrepared, executePreparedBatch, oidArray } from './snapshot';

const CATALOG_PLAN = { generic: true, indexed: true };

export interface SeedResult {
  /** Tables that received rows (`public.users`). */
  seeded: string[];
  /** Tables left empty, and why. */
  skipped: { table: string; reason: string }[];
  /** Rows inserted in all. */
  rows?: number;
  /**
   * Whether the schema's triggers and rules were off while the rows went in (`session_replication_role
   * = replica`); false when the database role may not set it (a server user without superuser): they fired.
   */
  triggersOff?: boolean;
  /**
   * With `triggersOff`: true when no trigger or rule of the schema could act on the seeded tables, so
   * the rows went in without setting session_replication_role (see nothingFires).
   */
  quiet?: boolean;
}

/**
 * How the synthetic rows went in, in one line (CLI, output channel); undefined when none did.
 * `9 synthetic rows in 3 tables, inserted with the schema's triggers and rules off (session_replication_role = replica)`,
 * or `... inserted as they are (no trigger or rule of the schema acts on these tables)` when it was not set.
 */
export function describeSeed(seed: SeedResult): string | undefined {
  const rows = seed.rows ?? 0;
  if (rows === 0) return undefined;
  const tables = seed.seeded.length;
  const what = `${rows} synthetic row${rows === 1 ? '' : 's'} in ${tables} table${tables === 1 ? '' : 's'}`;
  if (seed.triggersOff === false) return `${what}, inserted with the schema's triggers and rules firing (the database role may not set session_replication_role)`;
  if (seed.quiet) return `${what}, inserted as they are (no trigger or rule of the schema acts on these tables)`;
  return `${what}, inserted with the schema's triggers and rules off (session_replication_role = replica)`;
}

export const SEED_ROWS = 3;

interface Column {
  /** As `format('%I')` writes it. */
  name: string;
  /** The name unquoted, for values that mention it. */
  raw: string;
  type: string;
  base: string;
  category: string;
  notNull: boolean;
  hasDefault: boolean;
  generated: string;
  labels: string[];
  /** varchar/char/bit length, numeric precision and scale (-1 when unconstrained). */
  length: number;
  precision: number;
  scale: number;
  elemBase: string;
  elemCategory: string;
  elemLabels: string[];
  rangeSub: string;
  /** Literals of the CHECK constraints naming this column (`'active'`, `0`). */
  checkLiterals: string[];
}

interface ForeignKey {
  columns: string[];
  refTable: string;
  refColumns: string[];
}

interface Table {
  name: string;
  columns: Column[];
  fks: ForeignKey[];
  /** Column sets that must be unique (primary key, unique constraints and plain unique indexes). */
  uniques: string[][];
  empty: boolean;
  partitioned: boolean;
}

type Row = Record<string, unknown>;
const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const quote = (v: string): string => `'${v.replace(/'/g, "''")}'`;
const unquoteIdent = (n: string): string => (n.startsWith('"') ? n.slice(1, -1).replace(/""/g, '"') : n);

const NOT_EXTENSION_MEMBER = `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

/** Columns of the tables `$1` (seeding). */
const COLUMNS_SQL = (): string => `
    SELECT a.attrelid::int AS rel, format('%I', a.attname) AS name, a.attname AS raw, format_type(a.atttypid, a.atttypmod) AS type,
           COALESCE(bt.typname, t.typname) AS base, COALESCE(bt.typcategory, t.typcategory) AS category,
           a.attnotnull OR t.typnotnull AS notnull, a.atthasdef OR t.typdefault IS NOT NULL AS hasdef, a.attgenerated AS generated,
           CASE WHEN a.atttypmod >= 0 THEN a.atttypmod ELSE t.typtypmod END AS typmod,
           ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = COALESCE(bt.oid, t.oid) ORDER BY e.enumsortorder) AS labels,
           et.typname AS elembase, et.typcategory AS elemcat,
           ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = et.oid ORDER BY e.enumsortorder) AS elemlabels,
           (SELECT st.typname FROM pg_range rg JOIN pg_type st ON st.oid = rg.rngsubtype WHERE rg.rngtypid = COALESCE(bt.oid, t.oid)) AS rangesub,
           ARRAY(SELECT pg_get_constraintdef(co.oid) FROM pg_constraint co
                  WHERE (co.conrelid = a.attrelid AND co.contype = 'c' AND a.attnum = ANY(co.conkey))
                     OR (co.contypid = t.oid AND co.contype = 'c')) AS checks
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
    LEFT JOIN pg_type et ON et.oid = COALESCE(bt.typelem, t.typelem) AND COALESCE(bt.typcategory, t.typcategory) = 'A'
    WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid = ANY($1)
    ORDER BY a.attrelid, a.attnum`;

/** Foreign keys of the tables `$1` (seeding). */
const FKS_SQL = (): string => `
    SELECT co.conrelid::int AS rel, format('%I.%I', rn.nspname, rc.relname) AS ref,
           ARRAY(SELECT format('%I', a.attname) FROM unnest(co.conkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
           ARRAY(SELECT format('%I', a.attname) FROM unnest(co.confkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n ORDER BY k.i) AS refcols
    FROM pg_constraint co JOIN pg_class rc ON rc.oid = co.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE co.contype = 'f' AND co.conrelid = ANY($1)
    ORDER BY co.conname`;

/** Unique column sets of the tables `$1` (seeding). */
const UNIQUES_SQL = (): string => `
    SELECT i.indrelid::int AS rel,
           ARRAY(SELECT format('%I', a.attname) FROM unnest(i.indkey::int2[]) k(n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n) AS cols
    FROM pg_index i WHERE i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL AND i.indrelid = ANY($1)`;

async function readTables(db: Database, exclude: ReadonlySet<string>, only?: { oids: number[]; empty: ReadonlySet<string> }): Promise<Table[]> {
  const tables = new Map<number, Table>();
  const tablesSql = (filtered: boolean): string => `
    SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS name, c.relkind = 'p' AS partitioned
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${USER_NS} AND ${NOT_EXTENSION_MEMBER}${filtered ? ' AND c.oid = ANY($1)' : ''}
    ORDER BY 2`;
  // The catalog statements run prepared, with generic plans reaching the catalogs through their indexes
  // (planning them for each call costs more than running them).
  // With the tables named, the four catalog statements in one round trip (rows of tables left out
  // below, by kind or name, are not used).
  const batch = only
    ? await executePreparedBatch<Row>(
        db,
        [
          { name: 'mg_seed_tables', sql: () => tablesSql(true) },
          { name: 'mg_seed_columns', sql: COLUMNS_SQL },
          { name: 'mg_seed_fks', sql: FKS_SQL },
          { name: 'mg_seed_uniques', sql: UNIQUES_SQL },
        ].map((st) => ({ ...st, params: 'oid[]', args: [oidArray(only.oids)] })),
      )
    : undefined;
  const r = batch ? batch[0]! : (await db.query<Row>(tablesSql(false))).rows;
  for (const row of r) {
    const name = s(row.name);
    if (exclude.has(name)) continue;
    tables.set(Number(row.oid), { name, columns: [], fks: [], uniques: [], empty: only ? only.empty.has(name) : true, partitioned: row.partitioned === true });
  }
  if (tables.size === 0) return [];
  const oids = [...tables.keys()];
  if (!only) {
    // Which tables hold rows: one query for all.
    const exists = oids.map((oid, i) => `EXISTS (SELECT 1 FROM ${tables.get(oid)!.name}) AS e${i}`);
    for (let i = 0; i < exists.length; i += 200) {
      const row = (await db.query<Row>(`SELECT ${exists.slice(i, i + 200).join(', ')}`)).rows[0] ?? {};
      oids.slice(i, i + 200).forEach((oid, j) => {
        tables.get(oid)!.empty = row[`e${i + j}`] !== true;
      });
    }
  }
  for (const row of (
    (batch?.[1] ?? (await executePrepared<Row>(db, 'mg_seed_columns', 'oid[]', COLUMNS_SQL, [oidArray(oids)], CATALOG_PLAN)))
  )) {
    const base = s(row.base);
    const typmod = Number(row.typmod ?? -1);
    let length = -1;
    let precision = -1;
    let scale = -1;
    if (typmod >= 0) {
      if (base === 'varchar' || base === 'bpchar') length = typmod - 4;
      else if (base === 'bit' || base === 'varbit') length = typmod;
      else if (base === 'numeric') {
        precision = ((typmod - 4) >> 16) & 0xffff;
        scale = (typmod - 4) & 0xffff;
      }
    }
    const checks = (row.checks as string[] | null) ?? [];
    tables.get(Number(row.rel))?.columns.push({
      name: s(row.name),
      raw: s(row.raw),
      type: s(row.type),
      base,
      category: s(row.category),
      notNull: row.notnull === true,
      hasDefault: row.hasdef === true,
      generated: s(row.generated),
      labels: (row.labels as string[] | null) ?? [],
      length,
      precision,
      scale,
      elemBase: s(row.elembase),
      elemCategory: s(row.elemcat),
      elemLabels: (row.elemlabels as string[] | null) ?? [],
      rangeSub: s(row.rangesub),
      checkLiterals: checks.flatMap(literalsOf),
    });
  }
  for (const row of (
    (batch?.[2] ?? (await executePrepared<Row>(db, 'mg_seed_fks', 'oid[]', FKS_SQL, [oidArray(oids)], CATALOG_PLAN)))
  )) {
    tables.get(Number(row.rel))?.fks.push({ columns: row.cols as string[], refTable: s(row.ref), refColumns: row.refcols as string[] });
  }
  for (const row of (
    (batch?.[3] ?? (await executePrepared<Row>(db, 'mg_seed_uniques', 'oid[]', UNIQUES_SQL, [oidArray(oids)], CATALOG_PLAN)))
  )) {
    tables.get(Number(row.rel))?.uniques.push(row.cols as string[]);
  }
  return [...tables.values()];
}

/** String and number literals of a CHECK definition: `CHECK (status = ANY (ARRAY['a'::text, 'b'::text]))` → `'a'`, `'b'`. */
export function literalsOf(def: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'')*)'|(?<![\w.$])(-?\d+(?:\.\d+)?)(?![\w.])/g;
  for (let m = re.exec(def); m; m = re.exec(def)) {
    if (m[1] !== undefined) out.push(m[1].replace(/''/g, "'"));
    else if (m[2] !== undefined) out.push(m[2]);
  }
  return [...new Set(out)];
}

// ---------------------------------------------------------------------------------------------
// Values.

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const NON_ASCII = 'é中😀';

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const chars = (v: string): string[] => [...v];

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A text of at most `max` characters (code points), distinct for (k, r). */
function fit(value: string, max: number, k: number, r: number): string {
  if (max < 0 || chars(value).length <= max) return value;
  const compact = `${ALPHABET[k % ALPHABET.length]}${r + 1}`;
  if (compact.length <= max) return compact;
  return ALPHABET[(k * SEED_ROWS + r) % ALPHABET.length]!;
}

/** An element of a text array literal: `"..."` with `"` and `\` escaped. */
const arrayElement = (v: string): string => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The text of a value of a base type for column index `k`, row `r` (0 ordinary, 1 near the bounds),
 * or undefined when we know no value for the type. `plain` asks for the simplest value (a retry
 * after PostgreSQL rejected the first choice).
 */
export function valueText(c: Pick<Column, 'raw' | 'base' | 'category' | 'labels' | 'length' | 'precision' | 'scale' | 'rangeSub'>, k: number, r: number, plain = false): string | undefined {
  const near = r === 1 && !plain;
  if (c.labels.length > 0) return c.labels[(k + r) % c.labels.length];
  const n = k * 10 + r + 1;
  switch (c.base) {
    case 'int2':
      return plain ? String(r + 1) : near ? String(32767 - k) : String(100 + n);
    case 'int4':
    case 'oid':
      return plain ? String(r + 1) : near ? String(2147483647 - k) : String(1000 * (k + 1) + r + 1);
    case 'int8':
      return plain ? String(r + 1) : near ? (9223372036854775807n - BigInt(k)).toString() : String(1000 * (k + 1) + r + 1);
    case 'numeric': {
      if (plain) return String(r + 1);
      if (c.precision > 0) {
        const intDigits = c.precision - Math.max(0, c.scale);
        const frac = c.scale > 0 ? `.${near ? '9'.repeat(c.scale - 1) + String(9 - (k % 10)) : pad((k % 9) + 1, c.scale)}` : '';
        if (intDigits <= 0) return `0${frac || '.1'}`;
        const int = near ? '9'.repeat(intDigits - 1) + String(9 - (k % 9)) : String(((k + 1) * 10 + r) % 10 ** Math.min(intDigits, 15));
        return `${int}${frac}`;
      }
      return near ? `123456789012345678901234567890.${pad(k, 3)}` : `${k + 1}.${r + 1}5`;
    }
    case 'float4':
      return plain ? String(r + 1) : near ? `3.4e${38 - (k % 5)}` : `${k + 1}.25`;
    case 'float8':
      return plain ? String(r + 1) : near ? `1.5e${300 - (k % 50)}` : `${k + 1}.125`;
    case 'money':
      return plain ? String(r + 1) : near ? `90000000000000${pad(k % 1000, 3)}.99` : `${k + 1}.${pad(r + 1, 2)}`;
    case 'bool':
      return r % 2 === 0 ? 'true' : 'false';
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'citext': {
      const max = c.base === 'name' ? 63 : c.length;
      if (plain) return fit(`${ALPHABET[k % 26]}${r + 1}`, max, k, r);
      let v = `${c.raw}-${r + 1}`;
      if (near) {
        v += `-${NON_ASCII}`;
        if (max > 0 && max <= 256) for (let n = chars(v).length; n < max; n++) v += 'ż';
      }
      return fit(v, max, k, r);
    }
    case 'char':
      return ALPHABET[(k * SEED_ROWS + r) % ALPHABET.length];
    case 'uuid':
      return near ? `ffffffff-ffff-4fff-bfff-${pad(n, 12)}` : `00000000-0000-4000-8000-${pad(n, 12)}`;
    case 'date':
      return near ? addDays('9999-12-31', -k) : addDays('2001-02-03', k * 3 + r);
    case 'timestamp':
    case 'timestamptz': {
      const tz = c.base === 'timestamptz' ? '+00' : '';
      return near ? `${addDays('9999-12-31', -k)} 23:59:59.999999${tz}` : `${addDays('2001-02-03', k)} ${pad((r * 5 + 4) % 24, 2)}:05:06.789${tz}`;
    }
    case 'time':
    case 'timetz': {
      const tz = c.base === 'timetz' ? '+00' : '';
      return near ? `23:59:${pad(59 - (k % 60), 2)}.999999${tz}` : `${pad((k + 4) % 24, 2)}:${pad(r * 10 + 5, 2)}:06${tz}`;
    }
    case 'interval':
      return near ? `${1000 + k} years 11 mons` : `${k + 1} days ${pad(r + 2, 2)}:03:04`;
    case 'json':
    case 'jsonb':
      return plain ? '{}' : near ? `{"${c.raw.replace(/["\\]/g, '')}": "${NON_ASCII}", "n": ${k}, "a": [1.5e300, null, true]}` : `{"${c.raw.replace(/["\\]/g, '')}": ${n}}`;
    case 'bytea':
      return near ? `\\x${pad(k % 100, 2)}ff00ff` : `\\x${pad(k % 100, 2)}${pad(r + 1, 2)}`;
    case 'inet':
      return near ? `2001:db8::${(k + 1).toString(16)}:ffff` : `10.${k % 256}.${r}.1`;
    case 'cidr':
      return near ? `2001:db8:${(k + 1).toString(16)}::/48` : `10.${k % 256}.${r}.0/24`;
    case 'macaddr':
      return `08:00:2b:${pad(k % 100, 2)}:${pad(r, 2)}:01`;
    case 'macaddr8':
      return `08:00:2b:ff:fe:${pad(k % 100, 2)}:${pad(r, 2)}:01`;
    case 'bit':
    case 'varbit': {
      const len = c.length > 0 ? c.length : 8;
      const bits = ((k * SEED_ROWS + r + 1) >>> 0).toString(2);
      return c.base === 'bit' ? bits.padStart(len, '0').slice(-len) : bits.slice(-len);
    }
    case 'xml':
      return near ? `<c k="${k}">${NON_ASCII}</c>` : `<c k="${k}" r="${r}"/>`;
    case 'tsvector':
      return `c${k}r${r}`;
    case 'tsquery':
      return `c${k}r${r}`;
    case 'point':
      return `(${k},${r})`;
    case 'circle':
      return `<(${k},${r}),${k + 1}>`;
    case 'box':
      return `(${k + 1},${r + 1}),(0,0)`;
    case 'hstore':
      return `"k${k}"=>"v${r}"`;
    case 'ltree':
      return `c${k}.r${r}`;
    default:
      if (c.category === 'R') return rangeText(c.rangeSub, k, r);
      return undefined;
  }
}

function rangeText(sub: string, k: number, r: number): string | undefined {
  switch (sub) {
    case 'int4':
    case 'int8':
    case 'numeric':
      return `[${k * 10 + r},${k * 10 + r + 5})`;
    case 'date':
      return `[${addDays('2001-01-01', k + r)},${addDays('2002-01-01', k + r)})`;
    case 'timestamp':
    case 'timestamptz':
      return `[${addDays('2001-01-01', k + r)} 00:00,${addDays('2002-01-01', k + r)} 00:00)`;
    default:
      return 'empty';
  }
}

/** The SQL for one column of one row: a cast literal, NULL, DEFAULT, or undefined (no value known). */
function columnSql(c: Column, k: number, r: number, plain: boolean): string | undefined {
  if (r === 2 && !c.notNull) return 'NULL';
  // Values a CHECK names first (an IN list), when the column has some.
  const literals = c.checkLiterals.filter((l) => l !== '');
  let text: string | undefined;
  if (literals.length > 0 && c.category !== 'A' && !plain) text = literals[(k + r) % literals.length];
  else if (c.category === 'A') {
    const elem = valueText({ raw: c.raw, base: c.elemBase, category: c.elemCategory, labels: c.elemLabels, length: -1, precision: -1, scale: -1, rangeSub: '' }, k, r, plain);
    text = elem === undefined ? (plain ? '{}' : undefined) : `{${arrayElement(elem)}}`;
  } else text = valueText(c, k, r, plain);
  if (text === undefined) return c.hasDefault ? 'DEFAULT' : c.notNull ? undefined : 'NULL';
  return `${quote(text)}::${c.type}`;
}

interface PlannedRow {
  /** Column name → SQL. */
  values: Map<string, string>;
}

/**
 * Plans of earlier seedings, kept across the migrations of one `verifyAll`: a table whose
 * definition (and whatever its values depend on) did not change gets the same rows again without
 * reading the catalog, and the rows it held afterwards are known without reading them.
 */
export class SeedCache {
  readonly entries = new Map<string, { signature: string; table: Table; rows?: PlannedRow[]; reason?: string; data?: TableRows }>();
  /** Rows of a table (by index) that PostgreSQL refused with the first values: planned plainer from the start next time. */
  readonly plainRows = new Map<string, Set<number>>();

  /** As JSON (saved beside a cached state). */
  toJSON(): unknown {
    return {
      entries: [...this.entries].map(([name, e]) => [name, { ...e, ...(e.rows ? { rows: e.rows.map((r) => [...r.values]) } : {}) }]),
      plainRows: [...this.plainRows].map(([name, rows]) => [name, [...rows]]),
    };
  }

  static fromJSON(value: unknown): SeedCache {
    const cache = new SeedCache();
    const v = value as { entries?: [string, { signature: string; table: Table; rows?: [string, string][][]; reason?: string; data?: TableRows }][]; plainRows?: [string, number[]][] } | undefined;
    for (const [name, e] of v?.entries ?? []) {
      const { rows, ...rest } = e;
      cache.entries.set(name, { ...rest, ...(rows ? { rows: rows.map((r) => ({ values: new Map(r) })) } : {}) });
    }
    for (const [name, rows] of v?.plainRows ?? []) cache.plainRows.set(name, new Set(rows));
    return cache;
  }
}

/** What seeding needs to know of the database without asking it (verify tracks it anyway). */
export interface SeedKnowledge {
  /** Table name → its oid, for every user table (partitions and foreign tables left out). */
  tables: ReadonlyMap<string, { oid: number }>;
  /** Table name → whether it holds no row. */
  empty: ReadonlySet<string>;
  /** Table name → a text that changes whenever its seeded rows would (its definition, its parents'...). */
  signature(table: string): string;
}

export interface SeedOutcome extends SeedResult {
  /** The rows of seeded tables known from an earlier seeding (no need to read them). */
  known: Record<string, TableRows>;
  /** Tells the cache what a seeded table held afterwards. */
  remember(table: string, rows: TableRows): void;
}

/** Inserts rows into every empty user table (except `exclude`). Never throws for a table it cannot fill. */
export async function seedTables(
  db: Database,
  options: {
    exclude?: ReadonlySet<string>;
    knowledge?: SeedKnowledge;
    cache?: SeedCache;
    /** Fill only these tables (those the migration can reach, reach.ts); default: every empty table. */
    only?: ReadonlySet<string>;
  } = {},
): Promise<SeedOutcome> {
  const exclude = options.exclude ?? new Set<string>();
  const only = options.only;
  const cache = options.cache;
  const knowledge = options.knowledge;
  const result: SeedOutcome = { seeded: [], skipped: [], rows: 0, known: {}, remember: () => undefined };
  // The tables to fill, and what we know of them already.
  const reuse = new Map<string, { table: Table; rows?: PlannedRow[]; reason?: string; data?: TableRows }>();
  let tables: Table[];
  if (knowledge) {
    const emptyNames = [...knowledge.empty].filter((t) => knowledge.tables.has(t) && !exclude.has(t) && (!only || only.has(t)));
    const toRead: number[] = [];
    for (const name of emptyNames) {
      const hit = cache?.entries.get(name);
      if (hit && hit.signature === knowledge.signature(name)) reuse.set(name, hit);
      else toRead.push(knowledge.tables.get(name)!.oid);
    }
    const fresh = toRead.length > 0 ? await readTables(db, exclude, { oids: toRead, empty: knowledge.empty }) : [];
    tables = [...fresh, ...[...reuse.values()].map((h) => h.table)];
  } else tables = (await readTables(db, exclude)).filter((t) => t.empty && (!only || only.has(t.name)));
  if (tables.length === 0) return result;
  const pending = tables.filter((t) => t.empty);
  const byName = new Map(tables.map((t) => [t.name, t] as const));
  const planned = new Map<string, PlannedRow[]>();
  const existing = new Map<string, Map<string, string[]>>();
  const isEmpty = (table: string): boolean => (knowledge ? knowledge.empty.has(table) : (byName.get(table)?.empty ?? false));

  /** Key values of rows already in a table we do not seed (referenced by a foreign key). */
  const existingValues = async (table: string, columns: string[]): Promise<string[][]> => {
    const cacheKey = columns.join(',');
    let perTable = existing.get(table);
    if (!perTable) existing.set(table, (perTable = new Map()));
    if (!perTable.has(cacheKey)) {
      const rows = (await db.query<Row>(`SELECT ${columns.map((c, i) => `${c}::text AS c${i}`).join(', ')} FROM ${table} LIMIT ${SEED_ROWS}`)).rows;
      perTable.set(cacheKey, rows.map((r) => columns.map((_, i) => s(r[`c${i}`]))).flat());
    }
    const flat = perTable.get(cacheKey)!;
    const out: string[][] = [];
    for (let i = 0; i + columns.length <= flat.length; i += columns.length) out.push(flat.slice(i, i + columns.length));
    return out;
  };

  const planRows = async (t: Table, plainAll: boolean, nullFks: boolean): Promise<PlannedRow[] | { reason: string }> => {
    const rows: PlannedRow[] = [];
    const learned = cache?.plainRows.get(t.name);
    for (let r = 0; r < SEED_ROWS; r++) {
      const values = new Map<string, string>();
      const plain = plainAll || learned?.has(r) === true;
      // Plainer values keep the keys: rows of other tables reference them.
      const keyColumns = new Set(t.uniques.flat());
      for (const [k, c] of t.columns.entries()) {
        if (c.generated) continue;
        const sql = columnSql(c, k, r, plain && !keyColumns.has(c.name));
        if (sql === undefined) return { reason: `no sample value for column ${c.name} of type ${c.type}` };
        values.set(c.name, sql);
      }
      rows.push({ values });
    }
    // Foreign keys: row r references row r (mod n) of the referenced table.
    for (const fk of t.fks) {
      const nullable = fk.columns.every((c) => !t.columns.find((x) => x.name === c)?.notNull);
      let keys: string[][] | undefined;
      if (fk.refTable === t.name) {
        keys = rows.map((row) => fk.refColumns.map((rc) => row.values.get(rc) ?? 'NULL'));
      } else if (planned.has(fk.refTable)) {
        keys = planned.get(fk.refTable)!.map((row) => fk.refColumns.map((rc) => row.values.get(rc) ?? 'NULL'));
      } else if (!isEmpty(fk.refTable)) {
        const vals = await existingValues(fk.refTable, fk.refColumns);
        keys = vals.map((v) => v.map((x) => quote(x)));
      }
      const usable = (keys ?? []).filter((k) => !k.some((v) => v === 'NULL'));
      for (const [r, row] of rows.entries()) {
        const key = usable.length > 0 && !(nullFks && nullable) ? usable[r % usable.length] : undefined;
        if (!key) {
          if (!nullable) return { reason: `it references ${fk.refTable}, which has no row` };
          for (const c of fk.columns) row.values.set(c, 'NULL');
          continue;
        }
        fk.columns.forEach((c, i) => {
          const col = t.columns.find((x) => x.name === c);
          row.values.set(c, col ? `(${key[i]})::${col.type}` : key[i]!);
        });
      }
    }
    // Rows that would repeat a unique key (a referenced table with fewer rows) are left out.
    return rows.filter((row, i) =>
      t.uniques.every((u) => {
        const key = u.map((c) => row.values.get(c) ?? 'NULL');
        if (key.some((v) => v === 'NULL' || v === 'DEFAULT')) return true;
        return !rows.slice(0, i).some((other) => u.every((c, j) => (other.values.get(c) ?? 'NULL') === key[j]));
      }),
    );
  };

  const insertSql = (t: Table, rows: PlannedRow[]): string => {
    const cols = t.columns.filter((c) => !c.generated).map((c) => c.name);
    if (cols.length === 0) return rows.map(() => `INSERT INTO ${t.name} DEFAULT VALUES`).join(';\n');
    return `INSERT INTO ${t.name} (${cols.join(', ')}) OVERRIDING SYSTEM VALUE VALUES ${rows.map((row) => `(${cols.map((c) => row.values.get(c) ?? 'DEFAULT').join(', ')})`).join(', ')}`;
  };

  // Parents first (a foreign key's values come from the rows planned for the referenced table).
  const order = topological(pending, byName);
  const plans: { table: Table; rows: PlannedRow[] }[] = [];
  for (const t of order) {
    const hit = reuse.get(t.name);
    if (hit?.reason !== undefined) {
      result.skipped.push({ table: t.name, reason: hit.reason });
      continue;
    }
    const rows = hit?.rows ?? (await planRows(t, false, false));
    if ('reason' in rows) {
      result.skipped.push({ table: t.name, reason: rows.reason });
      continue;
    }
    planned.set(t.name, rows);
    plans.push({ table: t, rows });
  }

  const store = (t: Table, rows: PlannedRow[] | undefined, reason?: string): void => {
    if (!cache || !knowledge) return;
    const hit = reuse.get(t.name);
    const same = hit && hit.rows === rows && hit.reason === reason;
    cache.entries.set(t.name, { signature: knowledge.signature(t.name), table: t, ...(rows ? { rows } : {}), ...(reason !== undefined ? { reason } : {}), ...(same && hit.data ? { data: hit.data } : {}) });
  };

  /**
   * Every table of `some` at once, in one block that catches each table's failure: the tables that
   * failed. With `deferring`, a table whose referenced tables (earlier in the block) failed or were
   * deferred is not tried: it is deferred (its foreign keys would be checked against rows not there).
   */
  const insertAll = async (some: readonly { table: Table; rows: PlannedRow[] }[], deferring = false): Promise<{ failed: Set<string>; deferred: Set<string> }> => {
    const failed = new Set<string>();
    const deferred = new Set<string>();
    if (some.length === 0) return { failed, deferred };
    const index = new Map(some.map((p, i) => [p.table.name, i] as const));
    const body = some
      .map((p, i) => {
        const insert = `BEGIN ${insertSql(p.table, p.rows)}; EXCEPTION WHEN OTHERS THEN failed := failed || ${i}; END;`;
        const parents = [...new Set(p.table.fks.map((fk) => index.get(fk.refTable)).filter((j): j is number => j !== undefined && j < i))];
        return deferring && parents.length > 0 ? `  IF (failed || deferred) && '{${parents.join(',')}}'::int[] THEN deferred := deferred || ${i}; ELSE ${insert} END IF;` : `  ${insert}`;
      })
      .join('\n');
    const results = await db.exec(
      `DO $mg_seed$ DECLARE failed int[] := '{}'; deferred int[] := '{}'; BEGIN\n${body}\n  PERFORM set_config('migration_guard.seed_failed', array_to_string(failed, ',') || '/' || array_to_string(deferred, ','), true);\nEND $mg_seed$;\nSELECT current_setting('migration_guard.seed_failed', true) AS f`,
    );
    const r = Array.isArray(results) ? (results[results.length - 1] as { rows?: Row[] } | undefined)?.rows?.[0] : undefined;
    if (!r) throw new Error('seeding: the database did not say which tables failed');
    const [f = '', d = ''] = s(r?.f).split('/');
    for (const i of f.split(',').filter((x) => x !== '')) failed.add(some[Number(i)]!.table.name);
    for (const i of d.split(',').filter((x) => x !== '')) deferred.add(some[Number(i)]!.table.name);
    return { failed, deferred };
  };

  /** Whether session_replication_role was set here (and is put back at the end). */
  let replica = false;
  const triggersOff = async (): Promise<void> => {
    try {
      await db.exec('SAVEPOINT mg_seed_role; SET LOCAL session_replication_role = replica; RELEASE SAVEPOINT mg_seed_role');
      result.triggersOff = true;
      replica = true;
    } catch {
      // Only a superuser (or a role granted SET on it) may: the rows go in with the triggers on, and the result says so.
      await db.exec('ROLLBACK TO SAVEPOINT mg_seed_role; RELEASE SAVEPOINT mg_seed_role');
      result.triggersOff = false;
    }
  };

  // Without switching session_replication_role when nothing it switches can fire (see nothingFires):
  // a table refused then is refused with it too (its rows break a constraint), and the rest goes in as
  // before, with it set (the tables deferred, then row by row).
  // Only for a role that could set it (a superuser: PGlite's always is), so that "triggers and rules off"
  // stays true of the result; a role that may not set it seeds as before and the result says so.
  // The savepoint goes with nothingFires's statement (one round trip), or alone when that asks nothing.
  const asked = seedTesting.neverQuiet ? { ok: false, sent: false } : await nothingFires(db, plans, 'SAVEPOINT mg_seed');
  if (!asked.sent) await db.exec('SAVEPOINT mg_seed');
  const quiet = asked.ok;
  if (!quiet) await triggersOff();
  try {
    // Fast path: every table at once, in one block that catches each table's failure.
    let failed: Set<string>;
    if (quiet) {
      const first = await insertAll(plans, true);
      failed = first.failed;
      if (first.failed.size + first.deferred.size === 0) {
        result.triggersOff = true;
        result.quiet = true;
        seedTesting.quiet++;
      }
      else {
        await triggersOff();
        for (const t of (await insertAll(plans.filter((p) => first.deferred.has(p.table.name)))).failed) failed.add(t);
      }
    } else failed = (await insertAll(plans)).failed;
    for (const p of plans) {
      if (failed.has(p.table.name)) continue;
      result.seeded.push(p.table.name);
      result.rows! += p.rows.length;
      store(p.table, p.rows);
    }
    // Table by table, row by row, with plainer values when PostgreSQL refuses the first ones.
    for (const t of order) {
      if (!failed.has(t.name)) continue;
      const kept: PlannedRow[] = [];
      let reason = '';
      for (const [plain, nullFks] of [
        [false, false],
        [true, false],
        [true, true],
      ] as const) {
        const rows = await planRows(t, plain, nullFks);
        if ('reason' in rows) {
          reason = rows.reason;
          continue;
        }
        for (const [r, row] of rows.entries()) {
          if (kept.length > r) continue;
          try {
            await db.exec(`SAVEPOINT mg_seed_row; ${insertSql(t, [row])}; RELEASE SAVEPOINT mg_seed_row`);
            kept.push(row);
          } catch (e) {
            await db.exec('ROLLBACK TO SAVEPOINT mg_seed_row; RELEASE SAVEPOINT mg_seed_row');
            reason = e instanceof Error ? e.message : String(e);
            if (cache && !plain) {
              const set = cache.plainRows.get(t.name) ?? new Set<number>();
              set.add(r);
              cache.plainRows.set(t.name, set);
            }
            break;
          }
        }
        if (kept.length === rows.length) break;
      }
      if (kept.length > 0) {
        planned.set(t.name, kept);
        result.seeded.push(t.name);
        result.rows! += kept.length;
        store(t, kept);
      } else {
        const why = reason || 'the rows were not kept';
        result.skipped.push({ table: t.name, reason: why });
        store(t, undefined, why);
      }
    }
  } finally {
    await db.exec('RELEASE SAVEPOINT mg_seed');
    // SET LOCAL ends with the transaction; the seeding ends here.
    if (replica) await db.exec('SET LOCAL session_replication_role = DEFAULT');
  }
  for (const t of result.skipped) {
    const table = byName.get(t.table);
    if (table && !reuse.has(t.table)) store(table, undefined, t.reason);
  }
  result.seeded.sort();
  result.skipped.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  if (cache) {
    for (const name of result.seeded) {
      const data = cache.entries.get(name)?.data;
      if (data) result.known[name] = data;
    }
    result.remember = (table, rows) => {
      const entry = cache.entries.get(table);
      if (entry) entry.data = rows;
    };
  }
  return result;
}

/**
 * For tests only: `neverQuiet` sets session_replication_role for every seeding (as before nothingFires);
 * `quiet` counts the seedings whose rows all went in without it.
 */
export const seedTesting = { neverQuiet: false, quiet: 0 };

/**
 * Whether rows can go into these tables with `session_replication_role` left as it is and come out
 * exactly as with it set to `replica`: no rule on them, and no trigger on INSERT on them or their
 * partitions (inheritance children) that the setting would switch, except the non-deferrable checks
 * of foreign keys, whose rows are all there before they are checked (the caller defers a table whose
 * referenced table was refused, and sets session_replication_role for what is left when any table
 * is refused). Every value is given (no DEFAULT): a refused attempt draws no sequence value.
 *
 * Setting session_replication_role empties PostgreSQL's plan cache (rules depend on it), so every
 * statement verify prepared is planned again afterwards: in `verify --all` that costs more than the
 * rest of a migration's checks (planning the catalog statements is about ten times running them).
 */
async function nothingFires(
  db: Database,
  plans: readonly { table: Table; rows: PlannedRow[] }[],
  /** Statements to send first, in the same round trip (`sent`: they were). */
  before: string,
): Promise<{ ok: boolean; sent: boolean }> {
  const no = { ok: false, sent: false };
  if (plans.length === 0) return no;
  // A foreign key's rows come from a table filled earlier in the block (or the table itself, or rows
  // already there): checked, they pass. A table filled later (a cycle) would fail the check.
  const position = new Map(plans.map((p, i) => [p.table.name, i] as const));
  if (plans.some((p, i) => p.table.fks.some((fk) => fk.refTable !== p.table.name && (position.get(fk.refTable) ?? -1) > i))) return no;
  for (const p of plans) {
    const cols = p.table.columns.filter((c) => !c.generated);
    if (cols.length === 0 || p.rows.some((row) => cols.some((c) => !row.values.has(c.name) || row.values.get(c.name) === 'DEFAULT'))) return no;
  }
  // A text[] literal of the table names (as format('%I.%I') writes them).
  const names = quote(`{${plans.map((p) => `"${p.table.name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`);
  const rows = await executePrepared<Row>(
    db,
    'mg_seed_quiet',
    'text[]',
    () => `
    WITH RECURSIVE rels(oid) AS (
      SELECT x::regclass::oid FROM unnest($1) x
      UNION SELECT i.inhrelid FROM pg_inherits i JOIN rels r ON i.inhparent = r.oid
    )
    SELECT current_setting('is_superuser') = 'on' AND NOT EXISTS (
      SELECT 1 FROM pg_trigger t JOIN rels r ON t.tgrelid = r.oid
      WHERE t.tgenabled <> 'D' AND (t.tgtype & 4) <> 0
        AND NOT (t.tgisinternal AND t.tgenabled = 'O' AND NOT t.tgdeferrable AND t.tgfoid = 'pg_catalog."RI_FKey_check_ins"'::regproc)
    ) AND NOT EXISTS (SELECT 1 FROM pg_rewrite w JOIN rels r ON w.ev_class = r.oid WHERE w.rulename <> '_RETURN') AS ok`,
    [names],
    { before },
  );
  return { ok: rows[0]?.ok === true, sent: true };
}

/** Tables in an order where referenced tables come first (cycles broken in name order). */
function topological(tables: Table[], byName: Map<string, Table>): Table[] {
  const out: Table[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: Table): void => {
    if (state.get(t.name)) return;
    state.set(t.name, 'visiting');
    for (const fk of t.fks) {
      const ref = byName.get(fk.refTable);
      if (ref && ref !== t && tables.includes(ref) && !state.get(ref.name)) visit(ref);
    }
    state.set(t.name, 'done');
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

export const unquote = unquoteIdent;
