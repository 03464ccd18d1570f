/**
 * Shared by ban-delete-without-where and ban-update-without-where: a DELETE or UPDATE (top level,
 * in a WITH query, or under EXPLAIN ANALYZE) whose WHERE is missing or always true.
 */
import type { UpdateStmt } from '@pgsql/types';
import { relationName } from '../parsing/ast';
import { constantCondition, cteSpan, dataModifications, whereClauseSpan } from '../parsing/clauses';
import { objectsBefore } from './file-objects';
import { DATA_FLOWS, tableFlow } from './flow';
import type { RuleContext } from './types';
import { tableKey } from './up-objects';

/**
 * Reports `noWhere` (range: the statement, or the WITH query) or `alwaysTrue` (range: the WHERE clause).
 * Not reported: a table that holds no rows from before at that point, or is dropped later in the
 * section (rules/flow.ts), and an UPDATE that only sets columns added earlier in the section (the
 * backfill of a new column: it overwrites nothing that was there).
 */
export function reportUnbounded(ctx: RuleContext, kind: 'DeleteStmt' | 'UpdateStmt'): void {
  for (const stmt of ctx.parsed.statements) {
    for (const m of dataModifications(stmt.ast)) {
      if (m.kind !== kind) continue;
      const where = m.node.whereClause;
      if (where && constantCondition(where) !== true) continue;
      if (tableFlow(ctx, stmt, m.node.relation, DATA_FLOWS)) continue;
      if (kind === 'UpdateStmt' && setsOnlyNewColumns(ctx, stmt.index, stmt.span.start, m.node as UpdateStmt)) continue;
      const span = m.topLevel ? ((where ? whereClauseSpan(stmt) : undefined) ?? stmt.span) : (cteSpan(stmt, m.cteLocation) ?? stmt.span);
      ctx.report({ messageId: where ? 'alwaysTrue' : 'noWhere', data: { table: relationName(m.node.relation) }, span, statement: stmt });
    }
  }
}

/** Whether every column an UPDATE sets was added (ADD COLUMN, CREATE TABLE) earlier in its section. */
function setsOnlyNewColumns(ctx: RuleContext, index: number, offset: number, u: UpdateStmt): boolean {
  const targets = (u.targetList ?? []).flatMap((t) => ('ResTarget' in t && t.ResTarget.name ? [t.ResTarget.name] : []));
  if (targets.length === 0) return false;
  const section = ctx.sections.find((s) => s.span.start <= offset && offset <= s.span.end);
  const before = objectsBefore(ctx.parsed, index, section?.span.start ?? 0);
  const table = tableKey(u.relation);
  return targets.every((c) => before.columns.has(`${table}.${c}`));
}
