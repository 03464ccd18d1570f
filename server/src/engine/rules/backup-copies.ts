/**
 * Backup copies a migration takes before it drops data: `CREATE TABLE b AS SELECT id, fax FROM t`,
 * `CREATE TABLE b AS TABLE t`, `SELECT ... INTO b FROM t` (every row: no WHERE, no LIMIT), earlier in
 * the same section of the file. "Keep a backup copy" writes the first two; `ban-drop-column` and
 * `ban-drop-table` do not report a drop whose data such a copy keeps.
 */
import type { Node, SelectStmt } from '@pgsql/types';
import { stringList } from '../parsing/ast';
import type { Statement } from '../parsing/parser';
import type { RuleContext } from './types';

/** `schema.name`, unqualified names in `public` (as the ban-drop rules key tables). */
export const relationKey = (schema: string | undefined, name: string | undefined): string => `${schema ?? 'public'}.${name ?? ''}`;

/** What one SELECT copies: the source table and its columns (`*` for all), or undefined. */
function copied(select: SelectStmt | undefined): { table: string; columns: Set<string> } | undefined {
  if (!select || select.whereClause || select.limitCount || (select.op !== undefined && select.op !== 'SETOP_NONE') || select.groupClause || select.distinctClause) return undefined;
  const from = select.fromClause ?? [];
  const only = from.length === 1 ? from[0] : undefined;
  if (!only || !('RangeVar' in only)) return undefined;
  const table = relationKey(only.RangeVar.schemaname, only.RangeVar.relname);
  const columns = new Set<string>();
  for (const t of select.targetList ?? []) {
    const val = 'ResTarget' in t ? t.ResTarget.val : undefined;
    if (!val || !('ColumnRef' in val)) continue;
    const fields = val.ColumnRef.fields ?? [];
    const last = fields[fields.length - 1];
    if (last && 'A_Star' in last) columns.add('*');
    else columns.add(stringList(fields).pop() ?? '');
  }
  return { table, columns };
}

const perStatement = new WeakMap<RuleContext, Map<number, Map<string, Set<string>>>>();

/**
 * The tables copied by statements before `stmt` in its section, each with the columns copied
 * (`*`: every column).
 */
export function backupsBefore(ctx: RuleContext, stmt: Statement): Map<string, Set<string>> {
  let byStatement = perStatement.get(ctx);
  if (!byStatement) perStatement.set(ctx, (byStatement = new Map()));
  const hit = byStatement.get(stmt.index);
  if (hit) return hit;
  const section = ctx.sections.find((s) => s.span.start <= stmt.span.start && stmt.span.start <= s.span.end);
  const from = section?.span.start ?? 0;
  const out = new Map<string, Set<string>>();
  for (const s of ctx.parsed.statements) {
    if (s.index >= stmt.index) break;
    const ast: Node | undefined = s.ast;
    if (!ast || s.span.start < from) continue;
    let copy: ReturnType<typeof copied>;
    if ('CreateTableAsStmt' in ast && ast.CreateTableAsStmt.objtype === 'OBJECT_TABLE' && !ast.CreateTableAsStmt.into?.skipData) {
      const q = ast.CreateTableAsStmt.query;
      copy = q && 'SelectStmt' in q ? copied(q.SelectStmt) : undefined;
    } else if ('SelectStmt' in ast && ast.SelectStmt.intoClause?.rel) {
      copy = copied(ast.SelectStmt);
    }
    if (!copy) continue;
    const cols = out.get(copy.table) ?? new Set<string>();
    for (const c of copy.columns) cols.add(c);
    out.set(copy.table, cols);
  }
  byStatement.set(stmt.index, out);
  return out;
}

/** Whether a copy taken earlier keeps a column's values (or, without a column, the whole table's rows). */
export function isBackedUp(ctx: RuleContext, stmt: Statement, table: string, column?: string): boolean {
  const cols = backupsBefore(ctx, stmt).get(table);
  if (!cols) return false;
  return cols.has('*') || (column !== undefined && cols.has(column));
}
