import { quoteIdent, stringList } from '../../parsing/ast';
import { constraintName, insertBefore, forEachExistingTableCommand } from '../locking';
import type { Fix, Rule } from '../types';

/**
 * Reports `ADD [CONSTRAINT name] UNIQUE (...)` (without `USING INDEX`) and `ADD COLUMN ... UNIQUE`
 * on a table that existed before the file. The fix builds the unique index concurrently before the
 * statement and turns the clause into `ADD CONSTRAINT name UNIQUE USING INDEX name`; it is offered
 * for plain column lists (with `NULLS NOT DISTINCT` at most), not for INCLUDE, WITH, USING INDEX
 * TABLESPACE or DEFERRABLE.
 */
export const disallowedUniqueConstraint: Rule = {
  meta: {
    id: 'disallowed-unique-constraint',
    category: 'locking',
    description: 'Adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock; build the index concurrently first.',
    defaultSeverity: 'warning',
    messages: {
      uniqueConstraint:
        'Adding unique constraint {{name}} to {{table}} builds its index under an ACCESS EXCLUSIVE lock: reads and writes of {{table}} wait until the index is built.',
      uniqueColumn:
        'Adding column {{column}} to {{table}} with UNIQUE builds an index under an ACCESS EXCLUSIVE lock: add the column, then a unique index CONCURRENTLY, then the constraint USING INDEX.',
    },
    help: [
      '**Lock:** `ADD UNIQUE` takes an `ACCESS EXCLUSIVE` lock on the table and builds a unique index while holding it.',
      '',
      '**Blocks:** every read and write of the table until the index is built (the table is read in full, not rewritten).',
      '',
      '**Safe alternative:** `CREATE UNIQUE INDEX CONCURRENTLY name ON t (cols)` in a migration of its own (it cannot run in',
      'a transaction block), then `ALTER TABLE t ADD CONSTRAINT name UNIQUE USING INDEX name`, which only takes the lock briefly.',
    ].join('\n'),
  },
  check(ctx) {
    forEachExistingTableCommand(ctx, (at) => {
      const { stmt, alter, cmd } = at;
      const def = cmd.def;
      if (cmd.subtype === 'AT_AddColumn' && def && 'ColumnDef' in def) {
        const unique = (def.ColumnDef.constraints ?? []).some((c) => 'Constraint' in c && c.Constraint.contype === 'CONSTR_UNIQUE');
        if (unique) {
          ctx.report({ messageId: 'uniqueColumn', data: { table: at.table, column: quoteIdent(def.ColumnDef.colname ?? '') }, span: at.span, statement: stmt });
        }
        return;
      }
      if (cmd.subtype !== 'AT_AddConstraint' || !def || !('Constraint' in def)) return;
      const c = def.Constraint;
      if (c.contype !== 'CONSTR_UNIQUE' || c.indexname) return;
      const keys = stringList(c.keys);
      const name = c.conname ?? constraintName(alter.relation?.relname ?? '', keys, 'key');
      let fix: Fix | undefined;
      const plain = keys.length > 0 && !c.including?.length && !c.options?.length && !c.indexspace && !c.deferrable && !c.initdeferred;
      if (plain && at.located) {
        const nulls = c.nulls_not_distinct ? ' NULLS NOT DISTINCT' : '';
        fix = {
          title:
            'Build the unique index CONCURRENTLY, then add the constraint USING INDEX (the CREATE INDEX CONCURRENTLY belongs in a migration of its own)',
          edits: [
            insertBefore(ctx.parsed, stmt, [
              `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${at.table} (${keys.map(quoteIdent).join(', ')})${nulls};`,
            ]),
            { span: at.span, newText: `ADD CONSTRAINT ${quoteIdent(name)} UNIQUE USING INDEX ${quoteIdent(name)}` },
          ],
        };
      }
      ctx.report({ messageId: 'uniqueConstraint', data: { table: at.table, name: quoteIdent(name) }, span: at.span, statement: stmt, ...(fix ? { fix } : {}) });
    });
  },
};
