import { relationName } from '../../parsing/ast';
import { hasOtherStatements, insertConcurrently, isQuietTable } from '../locking';
import type { Rule } from '../types';

/**
 * Reports `CREATE INDEX` without `CONCURRENTLY` on a table that existed before the migration.
 * Not reported: a table created earlier in the same file (it is empty), `CREATE INDEX ... ON ONLY`
 * (the index of a partitioned parent alone, which reads no rows and cannot be built concurrently).
 */
export const requireConcurrentIndexCreation: Rule = {
  meta: {
    id: 'require-concurrent-index-creation',
    category: 'locking',
    description: 'CREATE INDEX without CONCURRENTLY blocks every write to the table while the index is built.',
    defaultSeverity: 'warning',
    messages: {
      createIndex:
        'CREATE INDEX on {{table}} without CONCURRENTLY takes a SHARE lock: inserts, updates and deletes on {{table}} wait until the whole index is built.',
    },
    help: [
      '**Lock:** `CREATE INDEX` takes a `SHARE` lock on the table for the whole build.',
      '',
      '**Blocks:** every `INSERT`, `UPDATE`, `DELETE` (and `ALTER TABLE`) on the table; reads go on. The table is not rewritten, but the',
      'build reads all of it, which takes minutes on a large table.',
      '',
      '**Safe alternative:** `CREATE INDEX CONCURRENTLY`, which lets writes go on while it builds. It cannot run inside a transaction',
      "block, and golang-migrate runs each file as one: put it in a migration of its own. If it fails it leaves an `INVALID` index:",
      'drop it and retry.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('IndexStmt' in ast)) continue;
      const idx = ast.IndexStmt;
      if (idx.concurrent || !idx.relation?.inh || isQuietTable(ctx, stmt, idx.relation)) continue;
      const edit = insertConcurrently(stmt, ['INDEX']);
      ctx.report({
        messageId: 'createIndex',
        data: { table: relationName(idx.relation) },
        span: stmt.span,
        statement: stmt,
        ...(edit
          ? {
              fix: {
                title: hasOtherStatements(ctx.parsed, stmt)
                  ? 'Create the index CONCURRENTLY (then move it to a migration of its own: it cannot run in the migration transaction)'
                  : 'Create the index CONCURRENTLY',
                edits: [edit],
              },
            }
          : {}),
      });
    }
  },
};
