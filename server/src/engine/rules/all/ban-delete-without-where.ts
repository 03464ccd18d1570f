import type { Rule } from '../types';
import { reportUnbounded } from '../unbounded';

/**
 * Reports a DELETE without WHERE, or with a WHERE made of literals that is always true
 * (`WHERE true`, `WHERE 1 = 1`). Also DELETEs in WITH queries and under EXPLAIN ANALYZE, which run too.
 * Range: the statement for a missing WHERE; the `WHERE ...` clause for an always-true one; the
 * WITH query (`name AS (...)`) for a nested DELETE.
 */
export const banDeleteWithoutWhere: Rule = {
  meta: {
    id: 'ban-delete-without-where',
    category: 'destructive',
    description: 'DELETE without a WHERE clause (or with an always-true one) deletes every row of the table.',
    defaultSeverity: 'warning',
    messages: {
      noWhere: 'DELETE FROM {{table}} has no WHERE clause: it deletes every row of the table.',
      alwaysTrue: 'The WHERE clause of DELETE FROM {{table}} is always true: it deletes every row of the table.',
    },
    help: [
      '**Impact:** a `DELETE` without a (real) `WHERE` clause deletes every row of the table in one transaction: the rows are',
      'gone for good once it commits, every row stays locked until then, and the table is left full of dead tuples for vacuum.',
      '',
      '**Safe alternative:** name the rows to delete with a `WHERE` clause, and delete large sets in batches outside the',
      'schema migration. If emptying the table is really intended, say so with a suppression comment and a reason.',
    ].join('\n'),
  },
  check(ctx) {
    reportUnbounded(ctx, 'DeleteStmt');
  },
};
