import type { Rule } from '../types';

/**
 * Reported by "Verify migration" (`verify`): rows or values that existed before the up are not
 * there, or not the same, after the down (or the up run again gives other values than the first
 * up). Every table holds distinctive rows (synthetic ones, and the user's fixtures) before the up;
 * they are compared row by row, per column.
 */
export const verifyDataLoss: Rule = {
  meta: {
    id: 'verify-data-loss',
    category: 'destructive',
    description: 'Verify: rows or column values present before the up are lost or changed after the down.',
    defaultSeverity: 'error',
    messages: { loss: '{{message}}' },
    help: 'Verify filled every table with distinctive rows, ran up and down in an embedded PostgreSQL, and compared the rows: the down does not bring these values back.',
  },
  check() {
    // Findings come from the verify engine (engine/verify).
  },
};
