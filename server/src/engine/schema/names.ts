/**
 * The names PostgreSQL gives objects the migration did not name (src/backend/commands/indexcmds.c
 * ChooseIndexName, catalog/pg_constraint.c ChooseConstraintName, commands/indexcmds.c
 * makeObjectName): `<table>_pkey`, `<table>_<cols>_key`, `<table>_<cols>_fkey`,
 * `<table>_<col>_check`, `<table>_<cols>_idx`, `<table>_<col>_seq`, truncated to 63 bytes and made
 * unique with a number (`_key1`).
 */
import type { Node } from '@pgsql/types';

const NAMEDATALEN = 64;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The longest prefix of `s` of at most `bytes` UTF-8 bytes that does not split a character. */
function clipBytes(s: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = utf8(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** makeObjectName: `name1_name2_label`, truncating the longer of name1/name2 to fit 63 bytes. */
export function makeObjectName(name1: string, name2: string | undefined, label: string | undefined): string {
  let name1chars = utf8(name1);
  let name2chars = name2 !== undefined ? utf8(name2) : 0;
  let overhead = 0;
  if (name2 !== undefined) overhead++;
  if (label !== undefined) overhead += utf8(label) + 1;
  const avail = NAMEDATALEN - 1 - overhead;
  while (name1chars + name2chars > avail) {
    if (name1chars > name2chars) name1chars--;
    else name2chars--;
  }
  let result = clipBytes(name1, name1chars);
  if (name2 !== undefined) result += `_${clipBytes(name2, name2chars)}`;
  if (label !== undefined) result += `_${label}`;
  return result;
}

/** ChooseRelationName / ChooseConstraintName: the first of `label`, `label1`, `label2`... not taken. */
export function chooseName(name1: string, name2: string | undefined, label: string, taken: (name: string) => boolean): string {
  let pass = 0;
  for (;;) {
    const candidate = makeObjectName(name1, name2, pass === 0 ? label : `${label}${pass}`);
    if (!taken(candidate)) return candidate;
    pass++;
  }
}

/** ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: names joined by `_`, at most 63 bytes. */
export function nameAddition(names: readonly string[]): string {
  let buf = '';
  for (const n of names) {
    if (buf !== '') buf += '_';
    buf += n;
    if (utf8(buf) >= NAMEDATALEN) break;
  }
  return clipBytes(buf, NAMEDATALEN - 1);
}

/** ChooseIndexColumnNames: each index column's name, duplicates numbered (`a`, `a1`). */
export function indexColumnNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const orig of names) {
    let name = orig;
    for (let i = 1; out.includes(name); i++) {
      const suffix = String(i);
      name = clipBytes(orig, NAMEDATALEN - 1 - suffix.length) + suffix;
    }
    out.push(name);
  }
  return out;
}

/**
 * FigureColname for an index expression (parser/parse_target.c): the function's name for
 * `lower(email)`, the column for `email::text`, `expr` when PostgreSQL has no better name.
 */
export function figureColname(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  return figure(node)?.name;
}

function figure(node: Node): { name: string; strength: number } | undefined {
  if ('ColumnRef' in node) {
    const fields = node.ColumnRef.fields ?? [];
    const last = fields[fields.length - 1];
    if (last && 'String' in last) return { name: last.String.sval ?? '', strength: 2 };
    return undefined;
  }
  if ('A_Indirection' in node) {
    const ind = node.A_Indirection.indirection ?? [];
    for (let i = ind.length - 1; i >= 0; i--) {
      const n = ind[i]!;
      if ('String' in n) return { name: n.String.sval ?? '', strength: 2 };
    }
    return node.A_Indirection.arg ? figure(node.A_Indirection.arg) : undefined;
  }
  if ('FuncCall' in node) {
    const names = node.FuncCall.funcname ?? [];
    const last = names[names.length - 1];
    if (last && 'String' in last) return { name: last.String.sval ?? '', strength: 2 };
    return undefined;
  }
  if ('TypeCast' in node) {
    const inner = node.TypeCast.arg ? figure(node.TypeCast.arg) : undefined;
    if (inner && inner.strength > 1) return inner;
    const names = node.TypeCast.typeName?.names ?? [];
    const last = names[names.length - 1];
    if (last && 'String' in last) return { name: last.String.sval ?? '', strength: 1 };
    return inner;
  }
  if ('CollateClause' in node) return node.CollateClause.arg ? figure(node.CollateClause.arg) : undefined;
  if ('CaseExpr' in node) return { name: 'case', strength: 1 };
  if ('CoalesceExpr' in node) return { name: 'coalesce', strength: 2 };
  if ('MinMaxExpr' in node) return { name: node.MinMaxExpr.op === 'IS_GREATEST' ? 'greatest' : 'least', strength: 2 };
  if ('NullIfExpr' in node) return { name: 'nullif', strength: 2 };
  if ('A_ArrayExpr' in node) return { name: 'array', strength: 2 };
  if ('RowExpr' in node) return { name: 'row', strength: 2 };
  if ('SQLValueFunction' in node) {
    const op = node.SQLValueFunction.op ?? '';
    const m = /^SVFOP_(.*)$/.exec(op);
    if (m) return { name: m[1]!.replace(/_N$/, '').toLowerCase(), strength: 2 };
  }
  return undefined;
}
