import { noTransactionRemedy, statementSections } from '../transaction-sections';
import { createdEnumKey, transactionIncompatibility } from '../transaction-statements';
import type { Rule } from '../types';

/**
 * Reports a statement that cannot run inside a transaction block in a file with any other
 * statement: golang-migrate sends the file as one multi-statement query, which PostgreSQL runs as
 * one implicit transaction, so the migration fails at deploy time. The range is the statement.
 * In an up file the finding names the `moveToOwnMigration` action (a new migration pair holding
 * only this statement, see migrations/move-statement.ts).
 */
export const transactionIncompatibleStatement: Rule = {
  meta: {
    id: 'transaction-incompatible-statement',
    category: 'correctness',
    description:
      'A statement that cannot run inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, ...) in a file with other statements fails at deploy time.',
    defaultSeverity: 'error',
    messages: {
      incompatible:
        '{{what}} cannot run inside a transaction block, and {{tool}} runs the {{count}} statements of this {{scope}} as one transaction: the migration fails at deploy time. Put it in a migration file of its own.',
      inToolTransaction:
        '{{what}} cannot run inside a transaction block, and {{tool}} runs this migration in a transaction: it fails at deploy time. {{remedy}}',
    },
    help: [
      "**Impact:** golang-migrate's PostgreSQL driver sends the whole file in one query, and PostgreSQL runs a query with several",
      'statements as one implicit transaction. Statements that refuse to run in a transaction block (`CREATE/DROP INDEX CONCURRENTLY`,',
      '`REINDEX CONCURRENTLY`, `VACUUM`, `CREATE DATABASE`, `ALTER SYSTEM`, `ALTER TYPE ... ADD VALUE` before PostgreSQL 12, ...)',
      'then fail with "cannot run inside a transaction block": the deploy stops and golang-migrate marks the database dirty.',
      '',
      '**Lock:** none is taken, the statement never runs.',
      '',
      '**Safe alternative:** give the statement a migration file of its own (the quick fix creates the next migration pair with the',
      'statement in the up and its inverse in the down). A file with one statement runs outside any transaction block.',
    ].join('\n'),
  },
  check(ctx) {
    // An unrecognised tool: whether it runs the file in a transaction is not known.
    if (ctx.convention.unknownTool) return;
    const created = new Set<string>();
    const tool = ctx.convention.displayName;
    for (const section of statementSections(ctx)) {
      if (section.mode === 'none') continue;
      const statements = section.statements;
      if (section.mode === 'implicit' && statements.length < 2) {
        for (const stmt of statements) {
          const key = createdEnumKey(stmt.ast);
          if (key) created.add(key);
        }
        continue;
      }
      for (const stmt of statements) {
        const incompatible = transactionIncompatibility(stmt.ast, ctx.postgresVersion, created);
        const enumKey = createdEnumKey(stmt.ast);
        if (enumKey) created.add(enumKey);
        if (!incompatible) continue;
        if (section.mode === 'explicit') {
          ctx.report({
            messageId: 'inToolTransaction',
            data: { what: incompatible.what, tool, remedy: noTransactionRemedy(ctx.convention.id, section.direction) },
            span: stmt.span,
            statement: stmt,
          });
          continue;
        }
        // The move creates a pair of files: only for an up file of a one-file-per-direction convention.
        const movable = ctx.migration?.direction === 'up' && ctx.convention.layout === 'pair' && !section.annotated;
        ctx.report({
          messageId: 'incompatible',
          data: { what: incompatible.what, tool, count: String(statements.length), scope: section.annotated ? 'section' : 'file' },
          span: stmt.span,
          statement: stmt,
          ...(movable
            ? { actions: [{ kind: 'moveToOwnMigration' as const, statementIndex: stmt.index, title: 'Move to a new migration of its own' }] }
            : {}),
        });
      }
    }
  },
};
