import { quoteIdent, relationName, renderTypeName } from '../../parsing/ast';
import { alterTableCommandSpans } from '../../parsing/clauses';
import type { Rule } from '../types';

/**
 * Reports each `ALTER COLUMN ... [SET DATA] TYPE` of an `ALTER TABLE`. The range is the
 * subcommand itself, located with the lexer; the whole statement when it cannot be located.
 */
export const changingColumnType: Rule = {
  meta: {
    id: 'changing-column-type',
    category: 'locking',
    description:
      'ALTER COLUMN ... TYPE locks the table and, for most type changes, rewrites it and its indexes; old application code may break on the new type.',
    defaultSeverity: 'warning',
    messages: {
      changeType:
        'Changing the type of {{table}}.{{column}} to {{type}} takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
    },
    help: [
      '**Impact:** `ALTER COLUMN ... TYPE` holds an `ACCESS EXCLUSIVE` lock (no reads, no writes) for as long as it runs. Unless',
      'the new type is binary-compatible with the old one, PostgreSQL rewrites every row and rebuilds every index on the table.',
      'Application code that is running may also fail on values of the new type.',
      '',
      '**Safe alternative:** add a new column with the new type, write to both columns, backfill the new one in batches, switch',
      'reads to it, stop writing the old one, then drop it. A few changes need no rewrite: `varchar(n)` to a larger `varchar(m)`',
      'or to `text`, a larger `numeric` precision at the same scale, `cidr` to `inet`.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('AlterTableStmt' in ast)) continue;
      const alter = ast.AlterTableStmt;
      if (alter.objtype !== 'OBJECT_TABLE') continue;
      const cmds = alter.cmds ?? [];
      const spans = alterTableCommandSpans(stmt, alter);
      const table = relationName(alter.relation);
      cmds.forEach((node, i) => {
        if (!('AlterTableCmd' in node) || node.AlterTableCmd.subtype !== 'AT_AlterColumnType') return;
        const def = node.AlterTableCmd.def;
        const typeName = def && 'ColumnDef' in def ? def.ColumnDef.typeName : undefined;
        ctx.report({
          messageId: 'changeType',
          data: { table, column: quoteIdent(node.AlterTableCmd.name ?? ''), type: renderTypeName(typeName) },
          span: spans?.[i] ?? stmt.span,
          statement: stmt,
        });
      });
    }
  },
};
