/**
 * Shared by ban-delete-without-where and ban-update-without-where: a DELETE or UPDATE (top level,
 * in a WITH query, or under EXPLAIN ANALYZE) whose WHERE is missing or always true.
 */
import { relationName } from '../parsing/ast';
import { constantCondition, cteSpan, dataModifications, whereClauseSpan } from '../parsing/clauses';
import type { RuleContext } from './types';

/** Reports `noWhere` (range: the statement, or the WITH query) or `alwaysTrue` (range: the WHERE clause). */
export function reportUnbounded(ctx: RuleContext, kind: 'DeleteStmt' | 'UpdateStmt'): void {
  for (const stmt of ctx.parsed.statements) {
    for (const m of dataModifications(stmt.ast)) {
      if (m.kind !== kind) continue;
      const where = m.node.whereClause;
      if (where && constantCondition(where) !== true) continue;
      const span = m.topLevel ? ((where ? whereClauseSpan(stmt) : undefined) ?? stmt.span) : (cteSpan(stmt, m.cteLocation) ?? stmt.span);
      ctx.report({ messageId: where ? 'alwaysTrue' : 'noWhere', data: { table: relationName(m.node.relation) }, span, statement: stmt });
    }
  }
}
