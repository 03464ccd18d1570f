import type { Constraint } from '@pgsql/types';
import { quoteIdent, relationName } from '../../parsing/ast';
import { forEachExistingTableCommand } from '../locking';
import type { Rule } from '../types';

/**
 * Reports a foreign key added without NOT VALID to a table that existed before the file (`ADD
 * CONSTRAINT ... FOREIGN KEY`, or `ADD COLUMN ... REFERENCES`): it holds a SHARE ROW EXCLUSIVE lock on
 * the table and on the referenced table while it checks every row, and until the migration commits,
 * so writes to both wait. The range is the subcommand. On `ADD CONSTRAINT ... FOREIGN KEY` it yields
 * to constraint-missing-not-valid, whose finding on the same subcommand names both tables' locks and
 * carries the NOT VALID fix: one finding per problem. `ADD COLUMN ... REFERENCES` is this rule's alone.
 */
export const addingForeignKeyConstraint: Rule = {
  meta: {
    id: 'adding-foreign-key-constraint',
    category: 'locking',
    description: 'Adding a foreign key locks both tables against writes (SHARE ROW EXCLUSIVE) until the migration commits.',
    defaultSeverity: 'info',
    yieldsTo: ['constraint-missing-not-valid'],
    messages: {
      foreignKeyColumn:
        'Adding column {{column}} with a foreign key to {{referenced}} also takes a SHARE ROW EXCLUSIVE lock on {{referenced}}: inserts, updates and deletes on it wait until the migration commits, as on {{table}}, and so does every query queued behind the lock.',
      foreignKey:
        'Adding foreign key {{name}} takes a SHARE ROW EXCLUSIVE lock on {{table}} and on {{referenced}} while it checks every row: inserts, updates and deletes on both wait until the migration commits, and so does every query queued behind the lock.',
    },
    help: [
      '**Lock:** `SHARE ROW EXCLUSIVE` on the table and on the referenced table, held until the transaction commits. Reads go on;',
      'writes to both tables wait, and so does every later query queued behind the lock.',
      '',
      '**Safe alternative:** add the constraint `NOT VALID` (no scan: the lock is brief) with a `lock_timeout`, in a migration of',
      'its own so nothing else holds the locks long, and `VALIDATE CONSTRAINT` in a later one (it scans without blocking writes).',
    ].join('\n'),
  },
  check(ctx) {
    forEachExistingTableCommand(ctx, (at) => {
      const { stmt, cmd } = at;
      const def = cmd.def;
      const keys: Constraint[] = [];
      const column = cmd.subtype === 'AT_AddColumn' && def && 'ColumnDef' in def ? def.ColumnDef.colname : undefined;
      // NOT VALID: no scan, the locks are brief (the safe way; a lock_timeout keeps the wait for them short).
      if (cmd.subtype === 'AT_AddConstraint' && def && 'Constraint' in def && def.Constraint.contype === 'CONSTR_FOREIGN' && !def.Constraint.skip_validation) keys.push(def.Constraint);
      if (cmd.subtype === 'AT_AddColumn' && def && 'ColumnDef' in def) {
        for (const k of def.ColumnDef.constraints ?? []) if ('Constraint' in k && k.Constraint.contype === 'CONSTR_FOREIGN') keys.push(k.Constraint);
      }
      for (const k of keys) {
        const referenced = relationName(k.pktable);
        ctx.report({
          ...(column !== undefined
            ? { messageId: 'foreignKeyColumn', data: { column: quoteIdent(column), table: at.table, referenced } }
            : { messageId: 'foreignKey', data: { name: k.conname ? quoteIdent(k.conname) : '(unnamed)', table: at.table, referenced } }),
          span: at.span,
          statement: stmt,
        });
      }
    });
  },
};
