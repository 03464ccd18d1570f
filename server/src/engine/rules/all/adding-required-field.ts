import { quoteIdent } from '../../parsing/ast';
import { EMPTY_FLOWS } from '../flow';
import { forEachExistingTableCommand, isNullLiteral, isSerialType } from '../locking';
import type { Rule } from '../types';

/**
 * Reports `ADD COLUMN c type NOT NULL` (or `PRIMARY KEY`) without a default on a table that existed
 * before the file: PostgreSQL fills existing rows with NULL, so the statement fails on any table
 * that has a row. Not reported on a table created, or emptied (TRUNCATE, DELETE without WHERE)
 * earlier in the same transaction. Serial, identity and generated columns have values and are not reported.
 */
export const addingRequiredField: Rule = {
  meta: {
    id: 'adding-required-field',
    category: 'locking',
    description: 'ADD COLUMN ... NOT NULL without a DEFAULT fails on every table that has a row.',
    defaultSeverity: 'error',
    messages: {
      requiredColumn:
        'Adding column {{column}} to {{table}} as NOT NULL without a DEFAULT fails as soon as {{table}} has a row ("column contains null values"), and the migration stops half way.',
    },
    help: [
      '**What happens:** existing rows get NULL in the new column, which violates `NOT NULL`: the statement fails on any',
      'non-empty table, after taking an `ACCESS EXCLUSIVE` lock (no reads, no writes while it waits and runs).',
      '',
      '**Safe alternative:** add the column with a constant `DEFAULT` (on PostgreSQL 11+ this is instant and does not',
      'rewrite the table), or add it nullable, backfill it in batches, then enforce NOT NULL with',
      '`CHECK (c IS NOT NULL) NOT VALID` + `VALIDATE CONSTRAINT` (see adding-not-nullable-field).',
    ].join('\n'),
  },
  check(ctx) {
    forEachExistingTableCommand(ctx, (at) => {
      const { stmt, cmd } = at;
      const def = cmd.def;
      if (cmd.subtype !== 'AT_AddColumn' || !def || !('ColumnDef' in def)) return;
      const col = def.ColumnDef;
      const constraints = (col.constraints ?? []).flatMap((c) => ('Constraint' in c ? [c.Constraint] : []));
      const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      const filled =
        isSerialType(col.typeName) ||
        constraints.some(
          (c) =>
            (c.contype === 'CONSTR_DEFAULT' && !isNullLiteral(c.raw_expr)) || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED',
        );
      if (!notNull || filled) return;
      ctx.report({ messageId: 'requiredColumn', data: { table: at.table, column: quoteIdent(col.colname ?? '') }, span: at.span, statement: stmt });
      // A table created or emptied earlier in the transaction has no row to fail on.
    }, EMPTY_FLOWS);
  },
};
