import type { Constraint } from '@pgsql/types';
import type { RangeVar } from '@pgsql/types';
import { quoteIdent, relationName, stringList } from '../../parsing/ast';
import { commandSpan } from '../../parsing/clauses';
import { parseSql } from '../../parsing/parser';
import type { ConstraintModel, SchemaModel } from '../../schema';
import { constraintName, insertAfter, isQuietTable, relKey, schemaFor } from '../locking';
import type { Fix, Rule } from '../types';

/** The column of a `CHECK (c IS NOT NULL)` constraint, or undefined for any other constraint. */
export function notNullCheckColumn(c: Constraint): string | undefined {
  if (c.contype !== 'CONSTR_CHECK') return undefined;
  const e = c.raw_expr;
  if (!e || !('NullTest' in e) || e.NullTest.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const arg = e.NullTest.arg;
  if (!arg || !('ColumnRef' in arg)) return undefined;
  const fields = stringList(arg.ColumnRef.fields);
  return fields.length === 1 ? fields[0] : undefined;
}

const modelChecks = new Map<string, string | undefined>();

/** The column of a schema-model constraint that is a `CHECK (c IS NOT NULL)`. */
function modelNotNullCheckColumn(c: ConstraintModel): string | undefined {
  if (c.kind !== 'check') return undefined;
  if (!modelChecks.has(c.definitionText)) {
    if (modelChecks.size > 256) modelChecks.clear();
    const ast = parseSql(`ALTER TABLE t ADD CONSTRAINT c ${c.definitionText}`).statements[0]?.ast;
    const cmd = ast && 'AlterTableStmt' in ast ? ast.AlterTableStmt.cmds?.[0] : undefined;
    const def = cmd && 'AlterTableCmd' in cmd ? cmd.AlterTableCmd.def : undefined;
    modelChecks.set(c.definitionText, def && 'Constraint' in def ? notNullCheckColumn(def.Constraint) : undefined);
  }
  return modelChecks.get(c.definitionText);
}

/**
 * Reports `ALTER COLUMN c SET NOT NULL` on a table that existed before the file. It stays quiet
 * when the column is already NOT NULL (per this file and the schema model of the earlier
 * migrations), and on PostgreSQL 12+ when a validated `CHECK (c IS NOT NULL)` exists at that point
 * (in the schema model, added valid in the file, or validated by `VALIDATE CONSTRAINT` earlier in
 * the file): SET NOT NULL then skips its scan.
 * The fix replaces the clause with `ADD CONSTRAINT ... CHECK (c IS NOT NULL) NOT VALID` and writes
 * the later migration's steps after the statement, as comments.
 */
export const addingNotNullableField: Rule = {
  meta: {
    id: 'adding-not-nullable-field',
    category: 'locking',
    description: 'ALTER COLUMN ... SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.',
    defaultSeverity: 'warning',
    messages: {
      setNotNull:
        'Setting {{table}}.{{column}} NOT NULL scans every row under an ACCESS EXCLUSIVE lock: reads and writes wait. Add CHECK ({{column}} IS NOT NULL) NOT VALID and validate it in a later migration; with that check validated, SET NOT NULL skips the scan (PostgreSQL 12+).',
      setNotNullBefore12:
        'Setting {{table}}.{{column}} NOT NULL scans every row under an ACCESS EXCLUSIVE lock: reads and writes wait. Before PostgreSQL 12 it scans even when a check proves the column has no NULL: enforce it with CHECK ({{column}} IS NOT NULL) NOT VALID, validated in a later migration, instead.',
    },
    help: [
      '**Lock:** `SET NOT NULL` takes an `ACCESS EXCLUSIVE` lock and reads every row to prove there is no NULL.',
      '',
      '**Blocks:** every read and write of the table for the whole scan (the table is not rewritten).',
      '',
      '**Safe alternative:** `ADD CONSTRAINT c_not_null CHECK (c IS NOT NULL) NOT VALID` (instant), then in a later migration',
      '`VALIDATE CONSTRAINT c_not_null` (scans without blocking writes). On PostgreSQL 12+ a `SET NOT NULL` after that skips',
      'its scan because the validated check proves the column has no NULL; then drop the check. Before 12, keep the check',
      'instead of `SET NOT NULL`.',
    ].join('\n'),
  },
  check(ctx) {
    // This file's knowledge, keyed `schema.table.name`; it overrides the schema model.
    const checks = new Map<string, string | null>(); // constraint → column of its CHECK (c IS NOT NULL), null: dropped or other
    const valid = new Map<string, boolean>(); // column → has a validated not-null check
    const notNull = new Map<string, boolean>(); // column → NOT NULL
    let model: SchemaModel | null | undefined;
    const schema = (): SchemaModel | null => (model === undefined ? (model = schemaFor(ctx)) : model);
    const checkColumn = (rel: RangeVar | undefined, key: string, name: string): string | undefined => {
      const known = checks.get(`${key}.${name}`);
      if (known !== undefined) return known ?? undefined;
      const c = rel ? schema()?.table(rel)?.constraints.get(name) : undefined;
      return c ? modelNotNullCheckColumn(c) : undefined;
    };
    const hasValidCheck = (rel: RangeVar | undefined, key: string, column: string): boolean => {
      const known = valid.get(`${key}.${column}`);
      if (known !== undefined) return known;
      const table = rel ? schema()?.table(rel) : undefined;
      return [...(table?.constraints.values() ?? [])].some(
        (c) => !c.notValid && checks.get(`${key}.${c.name}`) !== null && modelNotNullCheckColumn(c) === column,
      );
    };
    const isNotNull = (rel: RangeVar | undefined, key: string, column: string): boolean =>
      notNull.get(`${key}.${column}`) ?? (rel ? schema()?.column(rel, column)?.notNull === true : false);
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('AlterTableStmt' in ast)) continue;
      const alter = ast.AlterTableStmt;
      if (alter.objtype !== 'OBJECT_TABLE') continue;
      const rel = alter.relation;
      const key = relKey(rel);
      const isNew = isQuietTable(ctx, stmt, rel);
      const table = relationName(rel);
      (alter.cmds ?? []).forEach((node, i) => {
        if (!('AlterTableCmd' in node)) return;
        const cmd = node.AlterTableCmd;
        const def = cmd.def;
        switch (cmd.subtype) {
          case 'AT_AddConstraint': {
            if (!def || !('Constraint' in def)) return;
            // PostgreSQL 18: `ADD CONSTRAINT x NOT NULL c` is SET NOT NULL under a name (NOT VALID: no scan).
            if (def.Constraint.contype === 'CONSTR_NOTNULL') {
              if (def.Constraint.skip_validation) return;
              break;
            }
            const column = notNullCheckColumn(def.Constraint);
            if (def.Constraint.conname) checks.set(`${key}.${def.Constraint.conname}`, column ?? null);
            if (column !== undefined && !def.Constraint.skip_validation) valid.set(`${key}.${column}`, true);
            return;
          }
          case 'AT_ValidateConstraint': {
            const column = checkColumn(rel, key, cmd.name ?? '');
            if (column !== undefined) valid.set(`${key}.${column}`, true);
            return;
          }
          case 'AT_DropConstraint': {
            const column = checkColumn(rel, key, cmd.name ?? '');
            checks.set(`${key}.${cmd.name ?? ''}`, null);
            if (column !== undefined) valid.set(`${key}.${column}`, false);
            return;
          }
          case 'AT_AddColumn': {
            if (!def || !('ColumnDef' in def) || !def.ColumnDef.colname) return;
            const nn = (def.ColumnDef.constraints ?? []).some(
              (c) => 'Constraint' in c && (c.Constraint.contype === 'CONSTR_NOTNULL' || c.Constraint.contype === 'CONSTR_PRIMARY'),
            );
            notNull.set(`${key}.${def.ColumnDef.colname}`, nn);
            valid.set(`${key}.${def.ColumnDef.colname}`, false);
            return;
          }
          case 'AT_DropNotNull':
            notNull.set(`${key}.${cmd.name ?? ''}`, false);
            return;
          case 'AT_SetNotNull':
            break;
          default:
            return;
        }
        const column = cmd.subtype === 'AT_SetNotNull' ? (cmd.name ?? '') : (stringList((def as { Constraint: Constraint }).Constraint.keys)[0] ?? '');
        const skip =
          isNew || isNotNull(rel, key, column) || (ctx.postgresVersion >= 12 && hasValidCheck(rel, key, column));
        notNull.set(`${key}.${column}`, true);
        if (skip) return;
        const span = commandSpan(stmt, alter, i);
        let fix: Fix | undefined;
        if (span) {
          const name = quoteIdent(constraintName(rel?.relname ?? '', [column], 'not_null_check'));
          const col = quoteIdent(column);
          const later =
            ctx.postgresVersion >= 12
              ? [
                  '-- In a later migration: VALIDATE scans without blocking writes, then SET NOT NULL skips its scan (PostgreSQL 12+).',
                  `-- ALTER TABLE ${table} VALIDATE CONSTRAINT ${name};`,
                  `-- ALTER TABLE ${table} ALTER COLUMN ${col} SET NOT NULL;`,
                  `-- ALTER TABLE ${table} DROP CONSTRAINT ${name};`,
                ]
              : [
                  '-- In a later migration: VALIDATE scans without blocking writes; keep the check (before PostgreSQL 12 SET NOT NULL scans again).',
                  `-- ALTER TABLE ${table} VALIDATE CONSTRAINT ${name};`,
                ];
          fix = {
            title: `Add CHECK (${col} IS NOT NULL) NOT VALID instead, and validate it in a later migration`,
            edits: [
              { span, newText: `ADD CONSTRAINT ${name} CHECK (${col} IS NOT NULL) NOT VALID` },
              insertAfter(ctx.parsed, stmt, later),
            ],
          };
        }
        ctx.report({
          messageId: ctx.postgresVersion >= 12 ? 'setNotNull' : 'setNotNullBefore12',
          data: { table, column: quoteIdent(column) },
          span: span ?? stmt.span,
          statement: stmt,
          ...(fix ? { fix } : {}),
        });
      });
    }
  },
};
