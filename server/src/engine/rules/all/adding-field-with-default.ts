import { quoteIdent } from '../../parsing/ast';
import { tokenize } from '../../parsing/lexer';
import { defaultVolatility, forEachExistingTableCommand, isNullLiteral } from '../locking';
import { schemaAt } from '../schema-lookup';
import type { Rule, RuleContext } from '../types';

/**
 * The volatility of a function the earlier migrations define (every overload of the name): volatile
 * unless its CREATE FUNCTION says IMMUTABLE or STABLE; undefined when the model does not know it or
 * its overloads differ.
 */
function modelVolatility(ctx: RuleContext, statementIndex: number, names: string[]): 'volatile' | 'non-volatile' | undefined {
  const schema = schemaAt(ctx, statementIndex);
  const name = names[names.length - 1];
  if (!schema || !name || names.length > 2) return undefined;
  const fns = schema.functionsNamed(names.length === 2 ? { schema: names[0]!, name } : { name });
  if (fns.length === 0) return undefined;
  const kinds = new Set(fns.map((f) => (tokenize(f.definitionText).some((t) => t.kind === 'word' && (t.value === 'IMMUTABLE' || t.value === 'STABLE')) ? 'non-volatile' : 'volatile')));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

/**
 * Reports `ADD COLUMN ... DEFAULT expr` that rewrites a table that existed before the file: on
 * PostgreSQL 11+ only a volatile default does (`clock_timestamp()`, `random()`, `gen_random_uuid()`,
 * `nextval(...)`; `now()` is stable and does not), and a default calling a function whose volatility
 * is unknown may; before 11 every non-NULL default does. Also reports `GENERATED ALWAYS AS (...)
 * STORED`, which computes every row. Serial and identity columns are adding-serial-primary-key-field's.
 */
export const addingFieldWithDefault: Rule = {
  meta: {
    id: 'adding-field-with-default',
    category: 'locking',
    description:
      'ADD COLUMN with a volatile DEFAULT (any DEFAULT before PostgreSQL 11) or a stored generated column rewrites the table under an ACCESS EXCLUSIVE lock.',
    defaultSeverity: 'warning',
    messages: {
      volatileDefault:
        'Adding column {{column}} to {{table}} with a DEFAULT that calls {{fn}}() (volatile) rewrites every row under an ACCESS EXCLUSIVE lock: reads and writes wait until the rewrite ends.',
      possiblyVolatileDefault:
        'Adding column {{column}} to {{table}} with a DEFAULT that calls {{fn}} rewrites every row under an ACCESS EXCLUSIVE lock if {{fn}} is volatile (functions are, unless declared STABLE or IMMUTABLE).',
      defaultBefore11:
        'Adding column {{column}} to {{table}} with a DEFAULT rewrites every row under an ACCESS EXCLUSIVE lock on PostgreSQL {{version}} (from 11 on, only volatile defaults do).',
      storedGenerated:
        'Adding stored generated column {{column}} to {{table}} computes and writes it for every row under an ACCESS EXCLUSIVE lock: reads and writes wait until the rewrite ends.',
    },
    help: [
      '**Lock:** `ADD COLUMN` takes an `ACCESS EXCLUSIVE` lock (no reads, no writes).',
      '',
      '**Rewrite:** on PostgreSQL 11+ a constant or stable default (`0`, `\'x\'`, `now()`) is stored once in the catalog: no',
      'rewrite, the lock is brief. A volatile default (`clock_timestamp()`, `random()`, `gen_random_uuid()`, `nextval()`) or',
      'a `STORED` generated column is computed per row: the whole table and its indexes are rewritten under the lock.',
      'Before PostgreSQL 11, every non-NULL default rewrites.',
      '',
      '**Safe alternative:** add the column without a default, then `ALTER COLUMN ... SET DEFAULT` (affects new rows only),',
      'then backfill existing rows in batches outside the schema migration.',
    ].join('\n'),
  },
  check(ctx) {
    forEachExistingTableCommand(ctx, (at) => {
      const { stmt, cmd } = at;
      const def = cmd.def;
      if (cmd.subtype !== 'AT_AddColumn' || !def || !('ColumnDef' in def)) return;
      const column = quoteIdent(def.ColumnDef.colname ?? '');
      for (const n of def.ColumnDef.constraints ?? []) {
        if (!('Constraint' in n)) continue;
        const c = n.Constraint;
        if (c.contype === 'CONSTR_GENERATED' && c.generated_kind === 's') {
          ctx.report({ messageId: 'storedGenerated', data: { table: at.table, column }, span: at.span, statement: stmt });
          return;
        }
        if (c.contype !== 'CONSTR_DEFAULT' || isNullLiteral(c.raw_expr)) continue;
        if (ctx.postgresVersion < 11) {
          ctx.report({ messageId: 'defaultBefore11', data: { table: at.table, column, version: String(ctx.postgresVersion) }, span: at.span, statement: stmt });
          return;
        }
        const v = defaultVolatility(c.raw_expr, (names) => modelVolatility(ctx, stmt.index, names));
        if (v.volatility === 'volatile') {
          ctx.report({ messageId: 'volatileDefault', data: { table: at.table, column, fn: v.fn ?? '' }, span: at.span, statement: stmt });
        } else if (v.volatility === 'unknown') {
          ctx.report({ messageId: 'possiblyVolatileDefault', data: { table: at.table, column, fn: v.fn ?? '' }, span: at.span, statement: stmt });
        }
        return;
      }
    });
  },
};
