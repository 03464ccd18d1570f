import type { Rule } from '../types';

/**
 * Reported by "Verify migration" (`verify`), not by the static checks: PostgreSQL rejects a statement
 * while the migration runs up, down, or up again (or an earlier migration does not apply). The
 * finding is at PostgreSQL's error position, else at the failing statement.
 */
export const verifyStatementFailed: Rule = {
  meta: {
    id: 'verify-statement-failed',
    category: 'correctness',
    description: 'Verify: PostgreSQL rejects a statement of the migration when it runs up, down or up again.',
    defaultSeverity: 'error',
    messages: { failed: '{{message}}' },
    help: 'Verify ran the migration in an embedded PostgreSQL and PostgreSQL refused this statement: the migration would fail here when the tool runs it.',
  },
  check() {
    // Findings come from the verify engine (engine/verify), which runs the SQL.
  },
};
