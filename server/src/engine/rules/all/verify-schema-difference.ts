import type { Rule } from '../types';

/**
 * Reported by "Verify migration" (`verify`): after up → down, the schema is not what it was before
 * the up (or the up run again after the down gives another schema than the first up). Compared in
 * PostgreSQL's catalog: tables, columns, types, defaults, constraints, indexes, views, functions...
 */
export const verifySchemaDifference: Rule = {
  meta: {
    id: 'verify-schema-difference',
    category: 'correctness',
    description: 'Verify: after up and down the schema differs from before the up (or the up run again gives another schema).',
    defaultSeverity: 'error',
    messages: { difference: '{{message}}' },
    help: 'Verify ran up, down and up again in an embedded PostgreSQL and compared the catalog: the down does not restore this object as it was.',
  },
  check() {
    // Findings come from the verify engine (engine/verify).
  },
};
