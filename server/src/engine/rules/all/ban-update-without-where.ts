import type { Rule } from '../types';
import { reportUnbounded } from '../unbounded';

/**
 * Reports an UPDATE without WHERE, or with a WHERE made of literals that is always true
 * (`WHERE true`, `WHERE 1 = 1`). Also UPDATEs in WITH queries and under EXPLAIN ANALYZE, which run too.
 * Range: the statement for a missing WHERE; the `WHERE ...` clause for an always-true one; the
 * WITH query (`name AS (...)`) for a nested UPDATE.
 */
export const banUpdateWithoutWhere: Rule = {
  meta: {
    id: 'ban-update-without-where',
    category: 'destructive',
    description: 'UPDATE without a WHERE clause (or with an always-true one) overwrites every row of the table.',
    defaultSeverity: 'warning',
    messages: {
      noWhere: 'UPDATE {{table}} has no WHERE clause: it overwrites every row of the table.',
      alwaysTrue: 'The WHERE clause of UPDATE {{table}} is always true: it overwrites every row of the table.',
    },
    help: [
      '**Impact:** an `UPDATE` without a (real) `WHERE` clause rewrites every row of the table in one transaction: the old',
      'values are lost once it commits, every row stays locked until then (blocking concurrent writers), and the table',
      'doubles in size until vacuum catches up.',
      '',
      '**Safe alternative:** name the rows to change with a `WHERE` clause; backfill large tables in batches (for example by',
      'primary key ranges), outside the schema migration. If every row really must change, say so with a suppression comment.',
    ].join('\n'),
  },
  check(ctx) {
    reportUnbounded(ctx, 'UpdateStmt');
  },
};
