import type { Node, RangeVar } from '@pgsql/types';
import { quoteIdent, relationName } from '../../parsing/ast';
import { eolOf } from '../../text';
import { objectsBefore, upFileObjects } from '../file-objects';
import type { Rule } from '../types';
import { tableKey } from '../up-objects';

/** Whether a node tree reads a relation with this name (in this schema when one is given). */
function reads(node: unknown, name: string, schema: string | undefined): boolean {
  if (Array.isArray(node)) return node.some((n) => reads(n, name, schema));
  if (!node || typeof node !== 'object') return false;
  const o = node as Record<string, unknown>;
  if ('RangeVar' in o) {
    const rv = o.RangeVar as RangeVar;
    if (rv.relname === name && (rv.schemaname ?? undefined) === schema) return true;
  }
  return Object.values(o).some((v) => reads(v, name, schema));
}

/** `CREATE VIEW <old> AS ... FROM <new>`: the compatibility view of a soft rename. */
function isCompatibilityView(ast: Node | undefined, from: RangeVar, to: string): boolean {
  if (!ast || !('ViewStmt' in ast)) return false;
  const v = ast.ViewStmt;
  if (v.view?.relname !== from.relname || (v.view?.schemaname ?? undefined) !== (from.schemaname ?? undefined)) return false;
  return reads(v.query, to, from.schemaname ?? undefined);
}

/** `CREATE TABLE <old name>` (a table again under the renamed one's name). */
function recreates(ast: Node | undefined, from: RangeVar): boolean {
  const rel = ast && 'CreateStmt' in ast ? ast.CreateStmt.relation : ast && 'CreateTableAsStmt' in ast ? ast.CreateTableAsStmt.into?.rel : undefined;
  return !!rel && rel.relpersistence !== 't' && rel.relname === from.relname && (rel.schemaname ?? undefined) === (from.schemaname ?? undefined);
}

/**
 * Reports `ALTER TABLE ... RENAME TO ...`, unless a table with the old name is created after it in
 * the same file (rename and recreate), unless the same file then creates a view with the old
 * name over the new one (the soft rename), the table was created earlier in the same file, or (in a
 * down file) it undoes a rename or creation of its up. The range is the statement. The fix adds the
 * compatibility view right after the rename.
 */
export const renamingTable: Rule = {
  meta: {
    id: 'renaming-table',
    category: 'correctness',
    description: 'Renaming a table breaks the running application, which still uses the old name.',
    defaultSeverity: 'warning',
    messages: {
      renameTable:
        'Renaming table {{from}} to {{to}} breaks every query of the running application that still uses {{from}}; keep a view with the old name until no code uses it.',
    },
    help: [
      '**Impact:** during a deploy the old version of the application keeps running and keeps querying the old name; every one of',
      'those queries fails from the moment the rename commits until the last old instance is gone.',
      '',
      '**Lock:** `ACCESS EXCLUSIVE` on the table, brief (only the catalog changes), but it waits behind every running query on it.',
      '',
      '**Safe alternative (soft rename):** rename the table and, in the same migration, create a view with the old name',
      '(`CREATE VIEW old AS SELECT * FROM new`). A simple view is updatable, so old code keeps reading and writing through it.',
      'Drop the view in a later release, once no code uses the old name. The quick fix adds the view.',
    ].join('\n'),
  },
  check(ctx) {
    const statements = ctx.parsed.statements;
    for (const stmt of statements) {
      const ast = stmt.ast;
      if (!ast || !('RenameStmt' in ast) || ast.RenameStmt.renameType !== 'OBJECT_TABLE') continue;
      const r = ast.RenameStmt;
      const up = upFileObjects(ctx, stmt);
      if (!r.relation?.relname || !r.newname) continue;
      const key = tableKey(r.relation);
      if (objectsBefore(ctx.parsed, stmt.index).tables.has(key)) continue;
      if (up && (up.tables.has(key) || up.tableRenames.has(`${r.newname}>${key}`))) continue;
      if (statements.some((s) => s.index > stmt.index && isCompatibilityView(s.ast, r.relation!, r.newname!))) continue;
      // Rename and recreate: the old name is a table again after it, so the application keeps its table.
      if (statements.some((s) => s.index > stmt.index && recreates(s.ast, r.relation!))) continue;
      const from = relationName(r.relation);
      const to = relationName({ ...r.relation, relname: r.newname });
      const eol = eolOf(ctx.parsed.text);
      ctx.report({
        messageId: 'renameTable',
        data: { from, to: quoteIdent(r.newname) },
        span: stmt.span,
        statement: stmt,
        fix: {
          title: `Keep a view named ${from} over the renamed table`,
          // Inserted before the rename's own `;`, which then ends the view.
          edits: [{ span: { start: stmt.span.end, end: stmt.span.end }, newText: `;${eol}CREATE VIEW ${from} AS SELECT * FROM ${to}` }],
        },
      });
    }
  },
};
