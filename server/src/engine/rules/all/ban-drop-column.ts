import { relationName, quoteIdent } from '../../parsing/ast';
import { commandSpan } from '../../parsing/clauses';
import { columnCopiedBeforeDrop } from '../flow';
import type { Rule } from '../types';
import { objectsCreatedByUp } from '../up-objects';
import { isBackedUp, relationKey } from '../backup-copies';

/**
 * Reports each `DROP COLUMN` of an `ALTER TABLE` (one finding per dropped column). The range is the
 * `DROP COLUMN ...` subcommand itself, located with the lexer; the whole statement when it cannot
 * be located. A column whose values an earlier statement of the file copied into a backup table
 * (`CREATE TABLE b AS SELECT id, col FROM t`) is not reported: its data is kept.
 */
export const banDropColumn: Rule = {
  meta: {
    id: 'ban-drop-column',
    category: 'destructive',
    description: 'ALTER TABLE ... DROP COLUMN deletes the column and its data; running application code that still uses it breaks.',
    defaultSeverity: 'warning',
    messages: {
      dropColumn:
        'Dropping column {{column}} of {{table}} deletes its data; a down migration can add the column back but not its values.',
    },
    help: [
      '**Impact:** `DROP COLUMN` removes the column and every value in it. It takes an `ACCESS EXCLUSIVE` lock on the table',
      '(briefly: the data is not rewritten), and application code that still reads or writes the column fails as soon as it runs.',
      '',
      '**Safe alternative:** stop using the column in the application first (for ORMs, tell them to ignore it) and deploy that;',
      'then drop it in a later migration, after a backup if its data may be needed again.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      // In a down (file or section) that has an up, dropping what the up created is what the down is
      // for, and dropping anything else is down-drops-foreign-object's finding (an error): not this one.
      if (objectsCreatedByUp(ctx, stmt)) continue;
      const ast = stmt.ast;
      if (!ast || !('AlterTableStmt' in ast)) continue;
      const alter = ast.AlterTableStmt;
      if (alter.objtype !== 'OBJECT_TABLE') continue;
      const cmds = alter.cmds ?? [];
      const table = relationName(alter.relation);
      const key = relationKey(alter.relation?.schemaname, alter.relation?.relname);
      cmds.forEach((node, i) => {
        if (!('AlterTableCmd' in node) || node.AlterTableCmd.subtype !== 'AT_DropColumn') return;
        // Copy and swap: the values went into the column that takes this one's name.
        if (columnCopiedBeforeDrop(ctx, stmt, alter.relation, node.AlterTableCmd.name ?? '')) return;
        // A copy taken earlier in the file keeps the values ("Keep a backup copy" writes one).
        if (isBackedUp(ctx, stmt, key, node.AlterTableCmd.name ?? '')) return;
        ctx.report({
          messageId: 'dropColumn',
          data: { table, column: quoteIdent(node.AlterTableCmd.name ?? '') },
          span: commandSpan(stmt, alter, i) ?? stmt.span,
          statement: stmt,
        });
      });
    }
  },
};
