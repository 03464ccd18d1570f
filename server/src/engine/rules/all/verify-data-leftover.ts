import type { Rule } from '../types';

/**
 * Reported by "Verify migration" (`verify`): after up → down a table holds rows it did not hold
 * before the up (the down does not delete what the up inserted).
 */
export const verifyDataLeftover: Rule = {
  meta: {
    id: 'verify-data-leftover',
    category: 'correctness',
    description: 'Verify: after up and down a table holds rows that were not there before the up.',
    defaultSeverity: 'warning',
    messages: { leftover: '{{message}}' },
    help: 'Verify compared the rows before the up with the rows after the down: the down leaves rows that the up inserted.',
  },
  check() {
    // Findings come from the verify engine (engine/verify).
  },
};
