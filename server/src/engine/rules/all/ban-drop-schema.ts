import { qualifiedName } from '../../parsing/ast';
import { objectsCreatedByUp } from '../up-objects';
import type { Rule } from '../types';

/** Reports `DROP SCHEMA`. The range is the statement. */
export const banDropSchema: Rule = {
  meta: {
    id: 'ban-drop-schema',
    category: 'destructive',
    description: 'DROP SCHEMA deletes a schema; with CASCADE, every table, view, function and row in it.',
    defaultSeverity: 'error',
    messages: {
      dropSchema: 'DROP SCHEMA {{name}} deletes the schema; it fails if the schema still contains objects.',
      dropSchemaCascade:
        'DROP SCHEMA {{name}} CASCADE deletes the schema with every table, view, function and row in it; a down migration cannot bring the data back.',
    },
    help: [
      '**Impact:** `DROP SCHEMA ... CASCADE` silently deletes every object in the schema, including tables and all their rows,',
      'and objects elsewhere that depend on them. Without `CASCADE` it fails unless the schema is already empty.',
      '',
      '**Safe alternative:** move or drop the objects one by one, each in a reviewed migration, and drop the emptied schema',
      'without `CASCADE`, so that a forgotten object makes the migration fail instead of vanishing.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      // In a down (file or section) that has an up, dropping what the up created is what the down is
      // for, and dropping anything else is down-drops-foreign-object's finding (an error): not this one.
      if (objectsCreatedByUp(ctx, stmt)) continue;
      const ast = stmt.ast;
      if (!ast || !('DropStmt' in ast) || ast.DropStmt.removeType !== 'OBJECT_SCHEMA') continue;
      const objects = ast.DropStmt.objects ?? [];
      const name = objects.map((o) => qualifiedName(o)).join(', ');
      const cascade = ast.DropStmt.behavior === 'DROP_CASCADE';
      ctx.report({ messageId: cascade ? 'dropSchemaCascade' : 'dropSchema', data: { name }, span: stmt.span, statement: stmt });
    }
  },
};
