/** Helpers to read libpg-query ASTs and to write identifiers and type names back as SQL. */
import type { Node, RangeVar, TypeName } from '@pgsql/types';
import { keywordKind } from './parser';

/** Quotes an identifier only when PostgreSQL needs it (as `quote_ident` does). */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name)) {
    const kind = keywordKind(name);
    if (kind === 'NO_KEYWORD' || kind === 'UNRESERVED_KEYWORD') return name;
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` from a RangeVar, each part quoted only when needed. */
export function relationName(rel: RangeVar | undefined): string {
  if (!rel?.relname) return '';
  return [rel.catalogname, rel.schemaname, rel.relname].filter((p): p is string => !!p).map(quoteIdent).join('.');
}

/** The string values of a list of `{ String: { sval } }` nodes. */
export function stringList(nodes: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) {
    if ('String' in n) out.push(n.String.sval ?? '');
    else if ('A_Star' in n) out.push('*');
  }
  return out;
}

/** A dotted, quoted name from a list of String nodes (`{List:{items}}` or a bare array). */
export function qualifiedName(node: Node | Node[] | undefined): string {
  if (!node) return '';
  const items = Array.isArray(node) ? node : 'List' in node ? node.List.items ?? [] : [node];
  return stringList(items).map(quoteIdent).join('.');
}

const TYPE_ALIASES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'character',
  varchar: 'character varying',
  timestamptz: 'timestamp with time zone',
  timetz: 'time with time zone',
};

/** Writes a TypeName back as SQL: `character varying(255)`, `numeric(10,2)`, `text[]`, `myschema.mood`. */
export function renderTypeName(t: TypeName | undefined): string {
  if (!t) return '';
  const names = stringList(t.names);
  let base: string;
  if (names.length === 2 && names[0] === 'pg_catalog') {
    base = TYPE_ALIASES[names[1]!] ?? names[1]!;
    if (names[1] === 'interval' || names[1] === 'timestamp' || names[1] === 'time') base = names[1]!;
  } else {
    base = names.map(quoteIdent).join('.');
  }
  const mods = (t.typmods ?? []).map(renderConst).filter((m) => m !== '');
  // Typmods of interval are field bitmasks, not printable lengths; keep only the precision.
  let typed = mods.length > 0 && !(names[1] === 'interval') ? `${base}(${mods.join(',')})` : base;
  if (t.setof) typed = `SETOF ${typed}`;
  for (const b of t.arrayBounds ?? []) {
    const n = 'Integer' in b ? b.Integer.ival : undefined;
    typed += n !== undefined && n >= 0 ? `[${n}]` : '[]';
  }
  if (t.pct_type) typed += '%TYPE';
  return typed;
}

function renderConst(n: Node): string {
  if ('A_Const' in n) {
    const c = n.A_Const;
    if (c.ival) return String(c.ival.ival ?? 0);
    if (c.sval) return c.sval.sval ?? '';
    if (c.fval) return c.fval.fval ?? '';
    if (c.isnull) return 'NULL';
    return '0';
  }
  if ('ColumnRef' in n) return stringList(n.ColumnRef.fields).join('.');
  return '';
}
