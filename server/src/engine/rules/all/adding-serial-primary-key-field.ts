import { quoteIdent, stringList } from '../../parsing/ast';
import { forEachExistingTableCommand, isSerialType } from '../locking';
import type { Rule } from '../types';

/**
 * Reports, on a table that existed before the file: `ADD COLUMN` of a serial or identity column
 * (every row gets a value: a rewrite), `ADD COLUMN ... PRIMARY KEY`, and `ADD PRIMARY KEY (...)`
 * without `USING INDEX` (the index is built under an ACCESS EXCLUSIVE lock).
 */
export const addingSerialPrimaryKeyField: Rule = {
  meta: {
    id: 'adding-serial-primary-key-field',
    category: 'locking',
    description:
      'Adding a serial or identity column rewrites the table, and adding a primary key builds its index, under an ACCESS EXCLUSIVE lock.',
    defaultSeverity: 'warning',
    messages: {
      serialColumn:
        'Adding {{kind}} column {{column}} to {{table}} writes a value into every row: the table and its indexes are rewritten under an ACCESS EXCLUSIVE lock.',
      serialPrimaryKey:
        'Adding {{kind}} primary key column {{column}} to {{table}} rewrites every row and builds the primary key index under an ACCESS EXCLUSIVE lock: reads and writes wait until both end.',
      primaryKeyColumn:
        'Adding primary key column {{column}} to {{table}} builds the primary key index under an ACCESS EXCLUSIVE lock: reads and writes wait until it is built.',
      addPrimaryKey:
        'Adding a primary key to {{table}} builds its index (and checks the columns for NULL) under an ACCESS EXCLUSIVE lock: reads and writes wait until it is built.',
    },
    help: [
      '**Lock:** `ACCESS EXCLUSIVE` (no reads, no writes).',
      '',
      '**Rewrite:** a `serial`/`bigserial` column (a `nextval()` default) or an identity column gets a value in every existing',
      'row, so the table and its indexes are rewritten under the lock. A primary key builds a unique index under the lock.',
      '',
      '**Safe alternative:** add a nullable `bigint` column, set its default from a sequence for new rows, backfill in',
      'batches, enforce NOT NULL with a validated `CHECK (c IS NOT NULL)`, then `CREATE UNIQUE INDEX CONCURRENTLY` in a',
      'migration of its own and `ALTER TABLE ... ADD CONSTRAINT name PRIMARY KEY USING INDEX name`.',
    ].join('\n'),
  },
  check(ctx) {
    forEachExistingTableCommand(ctx, (at) => {
      const { stmt, cmd } = at;
      const def = cmd.def;
      if (cmd.subtype === 'AT_AddConstraint' && def && 'Constraint' in def) {
        const c = def.Constraint;
        if (c.contype === 'CONSTR_PRIMARY' && !c.indexname) {
          ctx.report({ messageId: 'addPrimaryKey', data: { table: at.table, columns: stringList(c.keys).map(quoteIdent).join(', ') }, span: at.span, statement: stmt });
        }
        return;
      }
      if (cmd.subtype !== 'AT_AddColumn' || !def || !('ColumnDef' in def)) return;
      const col = def.ColumnDef;
      const constraints = (col.constraints ?? []).flatMap((c) => ('Constraint' in c ? [c.Constraint] : []));
      const pk = constraints.some((c) => c.contype === 'CONSTR_PRIMARY');
      const kind = isSerialType(col.typeName)
        ? stringList(col.typeName?.names).pop() ?? 'serial'
        : constraints.some((c) => c.contype === 'CONSTR_IDENTITY')
          ? 'identity'
          : undefined;
      const column = quoteIdent(col.colname ?? '');
      if (kind !== undefined) {
        ctx.report({ messageId: pk ? 'serialPrimaryKey' : 'serialColumn', data: { table: at.table, column, kind }, span: at.span, statement: stmt });
      } else if (pk) {
        ctx.report({ messageId: 'primaryKeyColumn', data: { table: at.table, column }, span: at.span, statement: stmt });
      }
    });
  },
};
