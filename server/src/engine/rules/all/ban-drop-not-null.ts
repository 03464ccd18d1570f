import { quoteIdent, relationName } from '../../parsing/ast';
import { commandSpan } from '../../parsing/clauses';
import { objectsBefore, upFileObjects } from '../file-objects';
import type { Rule } from '../types';
import { tableKey } from '../up-objects';

/**
 * Reports `ALTER COLUMN ... DROP NOT NULL`: code that reads the column may not expect NULLs. Quiet
 * for a table or column created earlier in the same file, and in a down file for what its up created
 * or made NOT NULL. The range is the subcommand (the statement when it cannot be located).
 */
export const banDropNotNull: Rule = {
  meta: {
    id: 'ban-drop-not-null',
    category: 'correctness',
    description: 'Dropping NOT NULL lets NULLs into a column that application code reads as always set.',
    defaultSeverity: 'warning',
    messages: {
      dropNotNull:
        'Dropping NOT NULL on {{table}}.{{column}} lets NULLs in: code that reads {{column}} as always set breaks on the first NULL, and adding NOT NULL back later needs a full scan.',
    },
    help: [
      '**Impact:** the column starts accepting NULLs. Code that reads it (and every consumer of the data: reports, exports, other',
      'services) assumed a value; the first NULL written breaks them. Putting the constraint back later needs every row checked',
      'under an `ACCESS EXCLUSIVE` lock.',
      '',
      '**Lock:** `ACCESS EXCLUSIVE` on the table, brief (no scan).',
      '',
      '**Safe alternative:** first make every reader handle NULL and deploy that; then drop the constraint. If the column is',
      'being retired, stop writing and reading it instead, and drop the column later.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('AlterTableStmt' in ast) || ast.AlterTableStmt.objtype !== 'OBJECT_TABLE') continue;
      const alter = ast.AlterTableStmt;
      const up = upFileObjects(ctx, stmt);
      const table = tableKey(alter.relation);
      let before: ReturnType<typeof objectsBefore> | undefined;
      (alter.cmds ?? []).forEach((node, i) => {
        if (!('AlterTableCmd' in node) || node.AlterTableCmd.subtype !== 'AT_DropNotNull') return;
        const column = node.AlterTableCmd.name ?? '';
        const key = `${table}.${column}`;
        before ??= objectsBefore(ctx.parsed, stmt.index);
        if (before.tables.has(table) || before.columns.has(key)) return;
        if (up && (up.tables.has(table) || up.columns.has(key) || up.setNotNull.has(key))) return;
        ctx.report({
          messageId: 'dropNotNull',
          data: { table: relationName(alter.relation), column: quoteIdent(column) },
          span: commandSpan(stmt, alter, i) ?? stmt.span,
          statement: stmt,
        });
      });
    }
  },
};
