import type { RangeVar } from '@pgsql/types';
import { makeObjectName } from '../../schema';
import { quoteIdent, relationName } from '../../parsing/ast';
import { eolOf } from '../../text';
import { objectsBefore, upFileObjects } from '../file-objects';
import { schemaAt } from '../schema-lookup';
import type { Rule } from '../types';
import { tableKey } from '../up-objects';

/**
 * The soft rename of a column, replacing `ALTER TABLE t RENAME COLUMN old TO new`: add the new
 * column with the old one's type, keep both in sync with a trigger while old and new code run, and
 * backfill. The old column is dropped in a later release.
 */
export function softRenameColumnSql(relation: RangeVar, from: string, to: string, typeText: string, collation: string | undefined, postgresVersion: number, eol: string): string {
  const table = relationName(relation);
  const f = quoteIdent(from);
  const t = quoteIdent(to);
  const fnName = makeObjectName(relation.relname ?? 'table', `${from}_${to}`, 'sync');
  const fn = relationName({ ...relation, relname: fnName });
  const trigger = quoteIdent(fnName);
  // EXECUTE FUNCTION exists since PostgreSQL 11; EXECUTE PROCEDURE is its older spelling.
  const execute = postgresVersion >= 11 ? 'EXECUTE FUNCTION' : 'EXECUTE PROCEDURE';
  const collate = collation ? ` COLLATE ${collation.split('.').map(quoteIdent).join('.')}` : '';
  return [
    `-- Soft rename of ${table}.${f} to ${t}: both columns stay in sync until no code uses ${f}; drop it (and the trigger) in a later release.`,
    `ALTER TABLE ${table} ADD COLUMN ${t} ${typeText}${collate};`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$`,
    'BEGIN',
    "  IF TG_OP = 'INSERT' THEN",
    `    IF NEW.${t} IS NULL THEN NEW.${t} := NEW.${f}; ELSE NEW.${f} := NEW.${t}; END IF;`,
    `  ELSIF NEW.${t} IS DISTINCT FROM OLD.${t} THEN`,
    `    NEW.${f} := NEW.${t};`,
    '  ELSE',
    `    NEW.${t} := NEW.${f};`,
    '  END IF;',
    '  RETURN NEW;',
    'END',
    '$$;',
    `CREATE TRIGGER ${trigger} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW ${execute} ${fn}();`,
    `-- Backfill; on a large table, do it in batches outside this migration.`,
    `UPDATE ${table} SET ${t} = ${f} WHERE ${t} IS DISTINCT FROM ${f}`,
  ].join(eol);
}

/**
 * Reports `ALTER TABLE ... RENAME COLUMN`, unless the table or column was created earlier in the same
 * file, or (in a down file) the rename undoes its up's rename or renames what its up created. The
 * range is the statement. When the schema model knows the column's type, the fix replaces the rename
 * with the soft rename (new column, sync trigger, backfill).
 */
export const renamingColumn: Rule = {
  meta: {
    id: 'renaming-column',
    category: 'correctness',
    description: 'Renaming a column breaks the running application, which still reads and writes the old name.',
    defaultSeverity: 'warning',
    messages: {
      renameColumn:
        'Renaming {{table}}.{{from}} to {{to}} breaks every query of the running application that still uses {{from}}; add the new column and keep both in sync until no code uses the old one.',
    },
    help: [
      '**Impact:** during a deploy the old version of the application keeps running and keeps using the old column name; its',
      'queries (and `SELECT *` consumers that map columns by name) fail from the moment the rename commits.',
      '',
      '**Lock:** `ACCESS EXCLUSIVE` on the table, brief, but it waits behind every running query on it.',
      '',
      '**Safe alternative (soft rename):** add the new column, keep it in sync with the old one with a trigger, backfill it,',
      'switch the code to the new column, then drop the old column and the trigger in a later release. The quick fix writes',
      'the first migration of that (when earlier migrations tell the column\'s type).',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('RenameStmt' in ast)) continue;
      const r = ast.RenameStmt;
      const up = upFileObjects(ctx, stmt);
      if (r.renameType !== 'OBJECT_COLUMN' || r.relationType !== 'OBJECT_TABLE' || !r.relation || !r.subname || !r.newname) continue;
      const table = tableKey(r.relation);
      const before = objectsBefore(ctx.parsed, stmt.index);
      if (before.tables.has(table) || before.columns.has(`${table}.${r.subname}`)) continue;
      if (up && (up.tables.has(table) || up.columns.has(`${table}.${r.subname}`) || up.columnRenames.has(`${table}.${r.newname}>${r.subname}`))) continue;
      const column = schemaAt(ctx, stmt.index)?.column(r.relation, r.subname);
      const eol = eolOf(ctx.parsed.text);
      ctx.report({
        messageId: 'renameColumn',
        data: { table: relationName(r.relation), from: quoteIdent(r.subname), to: quoteIdent(r.newname) },
        span: stmt.span,
        statement: stmt,
        ...(column && !column.generatedText
          ? {
              fix: {
                title: `Soft rename: add ${quoteIdent(r.newname)} and keep it in sync with ${quoteIdent(r.subname)}`,
                edits: [
                  { span: stmt.span, newText: softRenameColumnSql(r.relation, r.subname, r.newname, column.typeText, column.collation, ctx.postgresVersion, eol) },
                ],
              },
            }
          : {}),
      });
    }
  },
};
