import type { Constraint, Node } from '@pgsql/types';
import { quoteIdent, relationName, stringList } from '../../parsing/ast';
import { commandSpan } from '../../parsing/clauses';
import { constraintName, insertAfter, isQuietTable, mergeInserts } from '../locking';
import type { Statement } from '../../parsing/parser';
import type { Span } from '../../text';
import type { Rule, TextEdit } from '../types';

/** The name PostgreSQL would give an unnamed FOREIGN KEY or CHECK constraint (written explicitly by the fix). */
function defaultName(table: string, c: Constraint): string {
  if (c.contype === 'CONSTR_FOREIGN') return constraintName(table, stringList(c.fk_attrs), 'fkey');
  const columns = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ('ColumnRef' in o) {
        const fields = stringList((o.ColumnRef as { fields?: Node[] }).fields);
        columns.add(fields[fields.length - 1] ?? '');
      }
      Object.values(o).forEach(visit);
    }
  };
  visit(c.raw_expr);
  return constraintName(table, columns.size === 1 ? [...columns] : [], 'check');
}

/**
 * Reports `ADD [CONSTRAINT name] FOREIGN KEY` and `ADD [CONSTRAINT name] CHECK` without `NOT VALID`
 * on a table that existed before the file. The fix marks the constraint `NOT VALID` (naming it when
 * it has no name, as PostgreSQL would) and adds its `VALIDATE CONSTRAINT` after the statement, with
 * a comment that it belongs in a later migration.
 */
export const constraintMissingNotValid: Rule = {
  meta: {
    id: 'constraint-missing-not-valid',
    category: 'locking',
    description:
      'Adding a FOREIGN KEY or CHECK constraint without NOT VALID checks every existing row while holding a lock that blocks writes.',
    defaultSeverity: 'warning',
    messages: {
      foreignKey:
        'Adding foreign key {{name}} to {{table}} without NOT VALID checks every existing row under a SHARE ROW EXCLUSIVE lock on {{table}} and {{referenced}}: writes to both wait until the scan ends.',
      check:
        'Adding check constraint {{name}} to {{table}} without NOT VALID scans every row under an ACCESS EXCLUSIVE lock: reads and writes of {{table}} wait until the scan ends.',
    },
    help: [
      '**Lock:** `ADD FOREIGN KEY` takes a `SHARE ROW EXCLUSIVE` lock on the table and on the referenced table; `ADD CHECK`',
      'takes an `ACCESS EXCLUSIVE` lock. Without `NOT VALID`, PostgreSQL checks every existing row while holding it.',
      '',
      '**Blocks:** writes to both tables (foreign key), or every query on the table (check), for the whole scan. Nothing is rewritten.',
      '',
      '**Safe alternative:** add the constraint `NOT VALID` (instant: only new rows are checked), then run',
      '`ALTER TABLE ... VALIDATE CONSTRAINT name` in a later migration: validation takes a `SHARE UPDATE EXCLUSIVE` lock,',
      'which lets reads and writes go on.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('AlterTableStmt' in ast)) continue;
      const alter = ast.AlterTableStmt;
      if (alter.objtype !== 'OBJECT_TABLE' || isQuietTable(ctx, stmt, alter.relation)) continue;
      const canMove = ctx.convention.layout === 'pair' && ctx.migration?.direction === 'up';
      for (const found of unvalidatedConstraints(stmt)) {
        const { name, contype, span, notValid, table, referenced } = found;
        let fix: { title: string; edits: TextEdit[] } | undefined;
        if (notValid) {
          fix = {
            title: `Add ${quoteIdent(name)} as NOT VALID and validate it separately`,
            edits: mergeInserts([
              ...notValid,
              insertAfter(ctx.parsed, stmt, [
                '-- Move this VALIDATE to a later migration: here it would scan while this migration still holds its lock.',
                validateSql(table, name),
              ]),
            ]),
          };
        }
        ctx.report({
          messageId: contype === 'CONSTR_FOREIGN' ? 'foreignKey' : 'check',
          data: { table, name: quoteIdent(name), referenced },
          span: span ?? stmt.span,
          statement: stmt,
          ...(fix ? { fix } : {}),
          ...(notValid && canMove
            ? { actions: [{ kind: 'validateInNewMigration' as const, statementIndex: stmt.index, title: `Add ${quoteIdent(name)} as NOT VALID and validate it in a new migration` }] }
            : {}),
        });
      }
    }
  },
};

export interface UnvalidatedConstraint {
  name: string;
  contype: 'CONSTR_FOREIGN' | 'CONSTR_CHECK';
  table: string;
  referenced: string;
  /** The clause's span, when located. */
  span: Span | undefined;
  /** Edits that add the constraint NOT VALID (naming it as PostgreSQL would when unnamed); undefined when it cannot be located. */
  notValid: TextEdit[] | undefined;
}

/** The FOREIGN KEY and CHECK constraints an ALTER TABLE adds without NOT VALID. */
export function unvalidatedConstraints(stmt: Statement): UnvalidatedConstraint[] {
  const ast = stmt.ast;
  if (!ast || !('AlterTableStmt' in ast)) return [];
  const alter = ast.AlterTableStmt;
  if (alter.objtype !== 'OBJECT_TABLE') return [];
  const table = relationName(alter.relation);
  const out: UnvalidatedConstraint[] = [];
  (alter.cmds ?? []).forEach((node, i) => {
    if (!('AlterTableCmd' in node) || node.AlterTableCmd.subtype !== 'AT_AddConstraint') return;
    const def = node.AlterTableCmd.def;
    if (!def || !('Constraint' in def)) return;
    const c = def.Constraint;
    if ((c.contype !== 'CONSTR_FOREIGN' && c.contype !== 'CONSTR_CHECK') || c.skip_validation) return;
    const name = c.conname ?? defaultName(alter.relation?.relname ?? '', c);
    const span = commandSpan(stmt, alter, i);
    let notValid: TextEdit[] | undefined;
    if (span && c.location !== undefined && c.location >= 0) {
      const at = stmt.offsetOf(c.location);
      notValid = [];
      if (!c.conname) notValid.push({ span: { start: at, end: at }, newText: `CONSTRAINT ${quoteIdent(name)} ` });
      notValid.push({ span: { start: span.end, end: span.end }, newText: ' NOT VALID' });
    }
    out.push({ name, contype: c.contype, table, referenced: relationName(c.pktable), span, notValid });
  });
  return out;
}

export function validateSql(table: string, name: string): string {
  return `ALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(name)};`;
}
