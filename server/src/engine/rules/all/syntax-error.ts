import type { Rule } from '../types';

/** Reports every syntax error of the file at the token PostgreSQL points at, with PostgreSQL's message. */
export const syntaxError: Rule = {
  meta: {
    id: 'syntax-error',
    category: 'correctness',
    description: 'A statement PostgreSQL cannot parse; the migration would fail at this point.',
    defaultSeverity: 'error',
    messages: {
      syntaxError: '{{message}}',
    },
    help: [
      '**Impact:** PostgreSQL rejects the statement, so the migration fails here. With golang-migrate the whole file runs as',
      'one implicit transaction and is rolled back, and the database is marked dirty until fixed by hand (`migrate force`).',
      '',
      '**Fix:** correct the statement; the message is PostgreSQL\'s own. Statements after this one are still checked.',
    ].join('\n'),
  },
  check(ctx) {
    for (const error of ctx.parsed.errors) {
      const statement = ctx.parsed.statements.find((s) => s.error === error);
      ctx.report({
        messageId: 'syntaxError',
        data: { message: error.message },
        span: error.span,
        ...(statement ? { statement } : {}),
      });
    }
  },
};
