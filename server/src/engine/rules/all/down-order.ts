import type { Rule } from '../types';
import { eolOf } from '../../text';
import { statementEndWithSemicolon, statementRemovalSpan } from '../statement-edits';
import { consistencyFor, ownStatement } from '../up-down-pair';

/**
 * A down statement that drops an object before a later statement of the same down drops what
 * depends on it (a table before the table whose foreign key references it, a table before a view
 * that reads it, a type before the table using it). PostgreSQL refuses the first drop, so the down
 * fails; the inverse order is the right one.
 */
export const downOrder: Rule = {
  meta: {
    id: 'down-order',
    category: 'correctness',
    description: 'The down drops an object before the objects that depend on it, which PostgreSQL refuses.',
    defaultSeverity: 'error',
    messages: {
      wrongOrder:
        'This drops {{object}} while {{dependent}} still depends on it (it is dropped later, on line {{line}}); PostgreSQL refuses this, so the down fails: move this statement after that one.',
    },
    help: [
      'A down migration undoes its up in reverse order: what was created last is dropped first. Dropping a table while a foreign key',
      'of another table (or a view, or a column of the type) still depends on it fails with "cannot drop ... because other objects',
      'depend on it". Drop the dependent objects first.',
    ].join('\n'),
  },
  check(ctx) {
    const c = consistencyFor(ctx);
    if (!c?.isDown) return;
    // Each statement moves after the last statement that drops something depending on it.
    const last = new Map<number, number>();
    for (const o of c.result.order) last.set(o.statement.span.start, Math.max(last.get(o.statement.span.start) ?? -1, o.later.span.start));
    const text = ctx.parsed.text;
    for (const o of c.result.order) {
      const stmt = ownStatement(ctx, o.statement);
      if (!stmt) continue;
      const line = ctx.parsed.lines.positionAt(o.later.span.start).line + 1;
      const after = ctx.parsed.statements.find((s) => s.span.start === last.get(o.statement.span.start));
      const fix = after && after.index > stmt.index
        ? {
            title: `Reorder the down: drop ${o.object} after ${o.dependent}`,
            edits: [
              { span: statementRemovalSpan(ctx.parsed, stmt), newText: '' },
              {
                span: { start: statementEndWithSemicolon(ctx.parsed, after), end: statementEndWithSemicolon(ctx.parsed, after) },
                newText: `${eolOf(text)}${text.slice(stmt.span.start, statementEndWithSemicolon(ctx.parsed, stmt))}${text.slice(stmt.span.start, statementEndWithSemicolon(ctx.parsed, stmt)).trimEnd().endsWith(';') ? '' : ';'}`,
              },
            ],
          }
        : undefined;
      ctx.report({ messageId: 'wrongOrder', data: { object: o.object, dependent: o.dependent, line: String(line) }, span: stmt.span, statement: stmt, ...(fix ? { fix } : {}) });
    }
  },
};
