import { relationName } from '../../parsing/ast';
import { hasOtherStatements, insertConcurrently, isFalse, isNewIndex, isQuietTable, relKey } from '../locking';
import type { Rule } from '../types';

const KIND: Record<string, string> = {
  REINDEX_OBJECT_INDEX: 'INDEX',
  REINDEX_OBJECT_TABLE: 'TABLE',
  REINDEX_OBJECT_SCHEMA: 'SCHEMA',
  REINDEX_OBJECT_DATABASE: 'DATABASE',
  REINDEX_OBJECT_SYSTEM: 'SYSTEM',
};

/**
 * Reports `REINDEX` without `CONCURRENTLY`. On PostgreSQL 12+ the fix adds `CONCURRENTLY`
 * (not for `REINDEX SYSTEM`, which cannot run concurrently); before 12 there is no concurrent
 * REINDEX and the message gives the manual recipe.
 */
export const requireConcurrentReindex: Rule = {
  meta: {
    id: 'require-concurrent-reindex',
    category: 'locking',
    description: 'REINDEX without CONCURRENTLY blocks writes to the table, and nearly all reads, while it rebuilds.',
    defaultSeverity: 'warning',
    messages: {
      reindex:
        'REINDEX {{target}} without CONCURRENTLY takes a SHARE lock on the table and an ACCESS EXCLUSIVE lock on each index it rebuilds: writes wait, and so do nearly all reads (planning a query locks every index of its table), until it is done.',
      reindexBefore12:
        'REINDEX {{target}} blocks writes, and nearly all reads, of the table until it is done; PostgreSQL {{version}} has no REINDEX CONCURRENTLY: build a new index CONCURRENTLY, drop the old one CONCURRENTLY and rename the new one.',
    },
    help: [
      '**Lock:** `REINDEX` takes a `SHARE` lock on the table and an `ACCESS EXCLUSIVE` lock on each index it rebuilds.',
      '',
      '**Blocks:** every write to the table and, in practice, nearly every read: planning a query takes a lock on every index',
      'of its table. The table itself is not rewritten; the indexes are.',
      '',
      '**Safe alternative:** `REINDEX ... CONCURRENTLY` (PostgreSQL 12+), in a migration of its own (it cannot run inside a',
      'transaction block). Before 12: `CREATE INDEX CONCURRENTLY` a copy, `DROP INDEX CONCURRENTLY` the old one, rename the copy.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('ReindexStmt' in ast)) continue;
      const r = ast.ReindexStmt;
      const concurrent = (r.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently' && !isFalse(p.DefElem.arg));
      if (concurrent) continue;
      const kind = KIND[r.kind ?? ''] ?? 'INDEX';
      if (kind === 'INDEX' && r.relation && isNewIndex(ctx.parsed, stmt, relKey(r.relation))) continue;
      if (kind === 'TABLE' && isQuietTable(ctx, stmt, r.relation)) continue;
      const name = r.relation ? relationName(r.relation) : r.name ?? '';
      const target = `${kind}${name ? ` ${name}` : ''}`;
      if (ctx.postgresVersion < 12) {
        ctx.report({ messageId: 'reindexBefore12', data: { target, version: String(ctx.postgresVersion) }, span: stmt.span, statement: stmt });
        continue;
      }
      const edit = kind === 'SYSTEM' ? undefined : insertConcurrently(stmt, [kind]);
      ctx.report({
        messageId: 'reindex',
        data: { target },
        span: stmt.span,
        statement: stmt,
        ...(edit
          ? {
              fix: {
                title: hasOtherStatements(ctx.parsed, stmt)
                  ? 'Reindex CONCURRENTLY (then move it to a migration of its own: it cannot run in the migration transaction)'
                  : 'Reindex CONCURRENTLY',
                edits: [edit],
              },
            }
          : {}),
      });
    }
  },
};
