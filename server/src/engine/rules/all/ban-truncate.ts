import { relationName } from '../../parsing/ast';
import { tableFlow } from '../flow';
import type { Rule } from '../types';
import { objectsCreatedByUp } from '../up-objects';

/** Reports `TRUNCATE`. The range is the statement. */
export const banTruncate: Rule = {
  meta: {
    id: 'ban-truncate',
    category: 'destructive',
    description: 'TRUNCATE deletes every row of a table (with CASCADE, of every table referencing it too) under an ACCESS EXCLUSIVE lock.',
    defaultSeverity: 'warning',
    messages: {
      truncate: 'TRUNCATE {{tables}} deletes every row; a down migration cannot bring them back.',
      truncateCascade:
        'TRUNCATE {{tables}} CASCADE deletes every row of these tables and of every table that references them by foreign key; a down migration cannot bring them back.',
    },
    help: [
      '**Impact:** `TRUNCATE` empties the table at once under an `ACCESS EXCLUSIVE` lock, fires no `ON DELETE` triggers, and',
      'its rows cannot be restored by a down migration. With `CASCADE` it also empties every table that has a foreign key to it,',
      'and the tables referencing those, without listing them.',
      '',
      '**Safe alternative:** if the data really must go, delete it explicitly (in batches, with a `WHERE` clause) and name every',
      'table; keep a copy first. Never use `CASCADE` in a migration.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      // In a down (file or section) that has an up, dropping what the up created is what the down is
      // for, and dropping anything else is down-drops-foreign-object's finding (an error): not this one.
      if (objectsCreatedByUp(ctx, stmt)) continue;
      const ast = stmt.ast;
      if (!ast || !('TruncateStmt' in ast)) continue;
      // Tables created here (temporary ones too), or dropped later in the section: no data of before, or ban-drop-table's.
      const relations = (ast.TruncateStmt.relations ?? []).filter((r) => !('RangeVar' in r) || !tableFlow(ctx, stmt, r.RangeVar, ['created', 'temporary', 'dropped']));
      if (relations.length === 0) continue;
      const tables = relations
        .map((r) => ('RangeVar' in r ? relationName(r.RangeVar) : ''))
        .filter((n) => n !== '')
        .join(', ');
      const cascade = ast.TruncateStmt.behavior === 'DROP_CASCADE';
      ctx.report({ messageId: cascade ? 'truncateCascade' : 'truncate', data: { tables }, span: stmt.span, statement: stmt });
    }
  },
};
