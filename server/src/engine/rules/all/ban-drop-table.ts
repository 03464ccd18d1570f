import type { Node } from '@pgsql/types';
import { qualifiedName, stringList } from '../../parsing/ast';
import type { Statement } from '../../parsing/parser';
import { objectsCreatedByUp } from '../up-objects';
import type { Rule, RuleContext } from '../types';
import { isBackedUp } from '../backup-copies';

/** `schema.name` of a relation, unqualified names in `public`. */
const key = (schema: string | undefined, name: string | undefined): string => `${schema ?? 'public'}.${name ?? ''}`;

function droppedKey(o: Node): string {
  const parts = 'List' in o ? stringList(o.List.items) : 'String' in o ? [o.String.sval ?? ''] : [];
  return key(parts.length >= 2 ? parts[parts.length - 2] : undefined, parts[parts.length - 1]);
}

/**
 * Tables created by the statements before `stmt` in its section of the file (CREATE TABLE without
 * IF NOT EXISTS, CREATE TABLE AS, SELECT INTO): scratch tables of this migration, which hold no data
 * from before it. `IF NOT EXISTS` proves nothing: the table may have existed, with rows.
 */
function createdEarlier(ctx: RuleContext, stmt: Statement): Set<string> {
  const section = ctx.sections.find((s) => s.span.start <= stmt.span.start && stmt.span.start <= s.span.end);
  const from = section?.span.start ?? 0;
  const out = new Set<string>();
  for (const s of ctx.parsed.statements) {
    if (s.index >= stmt.index) break;
    const ast = s.ast;
    if (!ast || s.span.start < from) continue;
    if ('CreateStmt' in ast && !ast.CreateStmt.if_not_exists) out.add(key(ast.CreateStmt.relation?.schemaname, ast.CreateStmt.relation?.relname));
    else if ('CreateTableAsStmt' in ast && !ast.CreateTableAsStmt.if_not_exists) {
      out.add(key(ast.CreateTableAsStmt.into?.rel?.schemaname, ast.CreateTableAsStmt.into?.rel?.relname));
    } else if ('SelectStmt' in ast && ast.SelectStmt.intoClause?.rel) {
      out.add(key(ast.SelectStmt.intoClause.rel.schemaname, ast.SelectStmt.intoClause.rel.relname));
    }
  }
  return out;
}

export const banDropTable: Rule = {
  meta: {
    id: 'ban-drop-table',
    category: 'destructive',
    description: 'DROP TABLE deletes the table and all its rows; it cannot be undone by a down migration.',
    defaultSeverity: 'warning',
    messages: {
      dropTable: 'DROP TABLE {{name}} deletes the table and every row in it; a down migration cannot bring the data back.',
    },
    help: 'Stop reading and writing the table in the application first, keep a backup copy, and drop it in a later release.',
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      // In a down (file or section) that has an up, dropping what the up created is what the down is
      // for, and dropping anything else is down-drops-foreign-object's finding (an error): not this one.
      if (objectsCreatedByUp(ctx, stmt)) continue;
      const ast = stmt.ast;
      if (!ast || !('DropStmt' in ast) || ast.DropStmt.removeType !== 'OBJECT_TABLE') continue;
      // A table this file created earlier (a scratch copy, a temporary table) holds no data from before it.
      let scratch: Set<string> | undefined;
      // A copy of every row taken earlier (`CREATE TABLE b AS TABLE t`) keeps the data.
      const objects = (ast.DropStmt.objects ?? []).filter((o) => !(scratch ??= createdEarlier(ctx, stmt)).has(droppedKey(o)) && !isBackedUp(ctx, stmt, droppedKey(o)));
      if (objects.length === 0) continue;
      const names = objects.map((o) => qualifiedName(o)).join(', ');
      ctx.report({ messageId: 'dropTable', data: { name: names }, span: stmt.span, statement: stmt });
    }
  },
};
