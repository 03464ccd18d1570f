import { quoteIdent, stringList } from '../../parsing/ast';
import { DATA_FLOWS, hasTableFlow, tableFlow, type TableName } from '../flow';
import { fileObjects, hasOtherStatements, insertConcurrently, nameListKey } from '../locking';
import type { Statement } from '../../parsing/parser';
import type { Rule, RuleContext } from '../types';

/**
 * Whether a statement before `stmt`, in the same section of the file, created this index. In a
 * single-file migration (goose, dbmate, sql-migrate) the down section runs long after the up
 * section: an index the up section created is then an index of a live table, not a new one.
 */
function isNewIndexInSection(ctx: RuleContext, stmt: Statement, key: string): boolean {
  const at = fileObjects(ctx.parsed).indexes.get(key);
  if (at === undefined || at >= stmt.index) return false;
  const created = ctx.parsed.statements[at];
  return !!created && ctx.directionAt(created.span.start) === ctx.directionAt(stmt.span.start);
}

/**
 * The table of an index: from the statement of the file that created it, else from the schema
 * before the statement. Undefined when neither knows the index.
 */
function indexTable(ctx: RuleContext, stmt: Statement, names: string[]): TableName | undefined {
  const name = names[names.length - 1] ?? '';
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  const at = fileObjects(ctx.parsed).indexes.get(nameListKey(names));
  const created = at !== undefined && at < stmt.index ? ctx.parsed.statements[at]?.ast : undefined;
  if (created && 'IndexStmt' in created) return { schema: created.IndexStmt.relation?.schemaname, name: created.IndexStmt.relation?.relname ?? '' };
  const index = ctx.facts.schemaAt(stmt.index)?.index({ ...(schema ? { schema } : {}), name });
  return index ? { schema: index.schema, name: index.table } : undefined;
}

/**
 * Reports `DROP INDEX` without `CONCURRENTLY`, except for indexes created earlier in the same file
 * (in the same section of a single-file migration), and indexes of a table that is no lock risk
 * there (see rules/flow.ts: created, temporary, emptied in the transaction, or dropped after it in
 * the same section, as a down drops an index and then its table).
 * The fix adds `CONCURRENTLY` when PostgreSQL allows it: one index, no `CASCADE`.
 */
export const requireConcurrentIndexDeletion: Rule = {
  meta: {
    id: 'require-concurrent-index-deletion',
    category: 'locking',
    description: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait.',
    defaultSeverity: 'warning',
    messages: {
      dropIndex:
        "DROP INDEX {{name}} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table: every read and write of it waits, and so does every query queued behind the lock.",
    },
    help: [
      "**Lock:** a plain `DROP INDEX` takes an `ACCESS EXCLUSIVE` lock on the index's table.",
      '',
      '**Blocks:** every query on the table, reads included. Dropping is quick, but while the statement waits for running',
      'queries to finish, everything that arrives after it waits too. Nothing is rewritten.',
      '',
      '**Safe alternative:** `DROP INDEX CONCURRENTLY` (one index per statement, no `CASCADE`), which waits for running',
      'transactions without blocking new ones. It cannot run inside a transaction block: put it in a migration of its own.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('DropStmt' in ast)) continue;
      const drop = ast.DropStmt;
      if (drop.removeType !== 'OBJECT_INDEX' || drop.concurrent) continue;
      const names = (drop.objects ?? []).map((o) => ('List' in o ? stringList(o.List.items) : []));
      const flows = hasTableFlow(ctx.parsed);
      const old = names.filter((n) => !isNewIndexInSection(ctx, stmt, nameListKey(n)) && !(flows && tableFlow(ctx, stmt, indexTable(ctx, stmt, n), DATA_FLOWS)));
      if (old.length === 0) continue;
      const edit = names.length === 1 && drop.behavior !== 'DROP_CASCADE' ? insertConcurrently(stmt, ['INDEX']) : undefined;
      ctx.report({
        messageId: 'dropIndex',
        data: { name: old.map((n) => n.map(quoteIdent).join('.')).join(', ') },
        span: stmt.span,
        statement: stmt,
        ...(edit
          ? {
              fix: {
                title: hasOtherStatements(ctx.parsed, stmt)
                  ? 'Drop the index CONCURRENTLY (then move it to a migration of its own: it cannot run in the migration transaction)'
                  : 'Drop the index CONCURRENTLY',
                edits: [edit],
              },
            }
          : {}),
      });
    }
  },
};
