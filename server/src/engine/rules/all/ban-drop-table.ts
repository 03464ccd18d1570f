import type { Node } from '@pgsql/types';
import { qualifiedName, stringList } from '../../parsing/ast';
import type { Statement } from '../../parsing/parser';
import { opaqueUnknown } from '../../inverse/lookup';
import { copiedBeforeDrop, tableFlow } from '../flow';
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

/** Whether a statement after `stmt` in its section creates a temporary table of this name. */
function createsTempLater(ctx: RuleContext, stmt: Statement, name: string): boolean {
  const section = ctx.sections.find((s) => s.span.start <= stmt.span.start && stmt.span.start <= s.span.end);
  const end = section?.span.end ?? ctx.parsed.text.length;
  return ctx.parsed.statements.some((s) => {
    if (s.index <= stmt.index || s.span.start > end || !s.ast) return false;
    const rel = 'CreateStmt' in s.ast ? s.ast.CreateStmt.relation : 'CreateTableAsStmt' in s.ast ? s.ast.CreateTableAsStmt.into?.rel : undefined;
    return rel?.relpersistence === 't' && rel.relname === name;
  });
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
      const missingOk = ast.DropStmt.missing_ok === true;
      const objects = (ast.DropStmt.objects ?? []).filter((o) => {
        if ((scratch ??= createdEarlier(ctx, stmt)).has(droppedKey(o))) return false;
        // A copy of every row taken earlier (`CREATE TABLE b AS TABLE t`) keeps the data.
        if (isBackedUp(ctx, stmt, droppedKey(o))) return false;
        const parts = 'List' in o ? stringList(o.List.items) : [];
        const name = { schema: parts.length > 1 ? parts[parts.length - 2] : undefined, name: parts[parts.length - 1] ?? '' };
        // A temporary table of this session (an unqualified name finds it first).
        if (tableFlow(ctx, stmt, name, ['temporary'])) return false;
        // Its rows were copied into the table that takes its name (copy and swap, rename and recreate).
        if (copiedBeforeDrop(ctx, stmt, name)) return false;
        // `DROP TABLE IF EXISTS tmp` before `CREATE TEMP TABLE tmp` (a leftover of a failed run), of
        // a table the schema never had: the defensive drop of a temporary table, nothing is lost.
        if (missingOk && name.schema === undefined && createsTempLater(ctx, stmt, name.name)) {
          const schema = ctx.facts.schemaAt(stmt.index);
          if (schema && !opaqueUnknown(schema) && !schema.table(name) && !schema.view(name)) return false;
        }
        return true;
      });
      if (objects.length === 0) continue;
      const names = objects.map((o) => qualifiedName(o)).join(', ');
      ctx.report({ messageId: 'dropTable', data: { name: names }, span: stmt.span, statement: stmt });
    }
  },
};
