import { qualifiedName } from '../../parsing/ast';
import { objectsCreatedByUp } from '../up-objects';
import type { Rule } from '../types';

export const banDropTable: Rule = {
  meta: {
    id: 'ban-drop-table',
    category: 'destructive',
    description: 'DROP TABLE deletes the table and all its rows; it cannot be undone by a down migration.',
    defaultSeverity: 'warning',
    messages: {
      dropTable: 'DROP TABLE {{name}} deletes the table and every row in it; a down migration cannot bring the data back.',
    },
    help: 'Stop reading and writing the table in the application first, keep a backup copy, and drop it in a later release.',
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      // In a down (file or section) that has an up, dropping what the up created is what the down is
      // for, and dropping anything else is down-drops-foreign-object's finding (an error): not this one.
      if (objectsCreatedByUp(ctx, stmt)) continue;
      const ast = stmt.ast;
      if (!ast || !('DropStmt' in ast) || ast.DropStmt.removeType !== 'OBJECT_TABLE') continue;
      const objects = ast.DropStmt.objects ?? [];
      const names = objects.map((o) => qualifiedName(o)).join(', ');
      ctx.report({ messageId: 'dropTable', data: { name: names }, span: stmt.span, statement: stmt });
    }
  },
};
