import type { Rule } from '../types';

/**
 * Reported by "Verify migration" (`verify`), once per verification: the down re-creates columns at
 * the end of their table, so the column order differs from before the up. PostgreSQL cannot move a
 * column; this is harmless unless code relies on the order (`SELECT *`, `INSERT` without a column list).
 */
export const verifyColumnOrder: Rule = {
  meta: {
    id: 'verify-column-order',
    category: 'correctness',
    description: 'Verify: the down restores columns in another order (harmless unless code uses SELECT * or INSERT without a column list).',
    defaultSeverity: 'info',
    messages: { order: '{{message}}' },
    help: 'PostgreSQL adds a column at the end of its table and cannot move it, so a down that re-adds a dropped column changes the column order. Code that names its columns does not notice.',
  },
  check() {
    // Findings come from the verify engine (engine/verify).
  },
};
