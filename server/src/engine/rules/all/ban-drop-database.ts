import { quoteIdent } from '../../parsing/ast';
import type { Rule } from '../types';

/** Reports `DROP DATABASE` (`DropdbStmt`). The range is the statement. */
export const banDropDatabase: Rule = {
  meta: {
    id: 'ban-drop-database',
    category: 'destructive',
    description: 'DROP DATABASE deletes a whole database; it has no place in a migration.',
    defaultSeverity: 'error',
    messages: {
      dropDatabase: 'DROP DATABASE {{name}} deletes the whole database with all its data; a migration should never do this.',
    },
    help: [
      '**Impact:** `DROP DATABASE` removes the database, its files and every row in it, permanently. It cannot run inside',
      'a transaction block, so it cannot be rolled back either.',
      '',
      '**Safe alternative:** none inside a migration. Create and drop databases with provisioning tools, by hand, or in test',
      'setup code, never in the migration history that runs against production.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('DropdbStmt' in ast)) continue;
      ctx.report({
        messageId: 'dropDatabase',
        data: { name: quoteIdent(ast.DropdbStmt.dbname ?? '') },
        span: stmt.span,
        statement: stmt,
      });
    }
  },
};
