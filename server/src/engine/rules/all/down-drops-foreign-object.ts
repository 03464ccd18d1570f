import { quoteIdent, relationName, stringList } from '../../parsing/ast';
import { commandSpan } from '../../parsing/clauses';
import { objectsBefore } from '../file-objects';
import { columnCopiedBeforeDrop } from '../flow';
import type { Statement } from '../../parsing/parser';
import type { Rule, RuleContext } from '../types';
import { consistencyFor, ownStatement } from '../up-down-pair';
import { objectsCreatedByUp, tableKey } from '../up-objects';

/**
 * The down's statements that drop only what does not exist once the up has run, as the pair's
 * replay knows it (trusted history only: see consistency.ts).
 */
function dropsNothing(ctx: RuleContext): Set<Statement> {
  const out = new Set<Statement>();
  const c = consistencyFor(ctx);
  if (!c?.isDown) return out;
  for (const u of c.result.unexpected) {
    if (u.kind !== 'nothing' && u.kind !== 'fails') continue;
    const own = ownStatement(ctx, u.statement);
    if (own) out.add(own);
  }
  return out;
}

/**
 * A drop of this rule's kinds whose every object a later up migration creates (so none exists once
 * this version's up has run: see FileFacts.createdLater): what it names, whether it says IF EXISTS,
 * and the first later migration. Undefined for anything else.
 */
function droppedBeforeCreated(ctx: RuleContext, ast: NonNullable<Statement['ast']>): { name: string; ifExists: boolean; later: string } | undefined {
  const proofs: string[] = [];
  const proven = (table: string, column?: string): boolean => {
    const later = table ? ctx.facts.createdLater(table, column) : undefined;
    if (later !== undefined) proofs.push(later);
    return later !== undefined;
  };
  let name: string;
  let ifExists: boolean;
  if ('DropStmt' in ast && ast.DropStmt.removeType === 'OBJECT_TABLE') {
    const lists = (ast.DropStmt.objects ?? []).map((o) => ('List' in o ? stringList(o.List.items) : 'String' in o ? [o.String.sval ?? ''] : []));
    if (lists.length === 0 || !lists.every((parts) => proven(parts[parts.length - 1] ?? ''))) return undefined;
    name = `table ${lists.map((parts) => parts.map(quoteIdent).join('.')).join(', ')}`;
    ifExists = ast.DropStmt.missing_ok === true;
  } else if ('TruncateStmt' in ast) {
    const rels = (ast.TruncateStmt.relations ?? []).flatMap((r) => ('RangeVar' in r ? [r.RangeVar] : []));
    if (rels.length === 0 || !rels.every((r) => proven(tableKey(r)))) return undefined;
    name = `table ${rels.map((r) => relationName(r)).join(', ')}`;
    ifExists = false;
  } else if ('AlterTableStmt' in ast && ast.AlterTableStmt.objtype === 'OBJECT_TABLE') {
    const drops = (ast.AlterTableStmt.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c && c.AlterTableCmd.subtype === 'AT_DropColumn' ? [c.AlterTableCmd] : []));
    const table = tableKey(ast.AlterTableStmt.relation);
    // The table created later, or each column added later.
    if (drops.length === 0 || !(proven(table) || drops.every((d) => proven(table, d.name ?? '')))) return undefined;
    name = `column ${drops.map((d) => `${relationName(ast.AlterTableStmt.relation)}.${quoteIdent(d.name ?? '')}`).join(', ')}`;
    ifExists = ast.AlterTableStmt.missing_ok === true || drops.every((d) => d.missing_ok === true);
  } else return undefined;
  return { name, ifExists, later: proofs[0]! };
}

/**
 * In a down file: DROP TABLE, ALTER TABLE ... DROP COLUMN, TRUNCATE or DROP SCHEMA of something
 * that the up migration of the same version did not create (nor the down itself, earlier). Rolling
 * back then destroys data the migration never owned. The range is the statement (the DROP COLUMN
 * subcommand for a column).
 */
export const downDropsForeignObject: Rule = {
  meta: {
    id: 'down-drops-foreign-object',
    category: 'destructive',
    description: 'A down migration drops or empties a table, column or schema that its own up migration did not create.',
    defaultSeverity: 'error',
    messages: {
      dropTable: 'This down migration drops table {{name}}, which its up migration did not create: rolling back destroys data the migration never owned.',
      dropColumn:
        'This down migration drops column {{table}}.{{column}}, which its up migration did not add: rolling back destroys data the migration never owned.',
      truncate: 'This down migration empties {{name}}, which its up migration did not create: rolling back destroys data the migration never owned.',
      dropSchema: 'This down migration drops schema {{name}}, which its up migration did not create: rolling back destroys everything in it.',
      missing:
        'This down migration drops {{name}}, which does not exist once its up migration has run ({{later}} creates it later): rolling back this version alone fails here. Is this the down of another migration?',
    },
    help: [
      '**Impact:** a down migration undoes its up. Dropping or emptying something the up did not create destroys data that',
      'existed before the migration (often a copy-paste from another migration, or a down written for a different up). The',
      'mistake surfaces only when someone rolls back in production, the worst moment.',
      '',
      '**Lock:** `ACCESS EXCLUSIVE` on the table.',
      '',
      '**Safe alternative:** undo exactly what the up did: if the up changed an existing table, revert that change (drop the',
      'column it added, rename back, restore the type) instead of dropping the table. If the up dropped the object, the down',
      'cannot bring its data back: recreate the structure and say so in a comment.',
    ].join('\n'),
  },
  check(ctx) {
    let nothing: Set<Statement> | undefined;
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast) continue;
      // Undefined outside a down migration (file, or down section of a single-file migration).
      const owned = objectsCreatedByUp(ctx, stmt);
      if (!owned) continue;
      if (!('DropStmt' in ast) && !('TruncateStmt' in ast) && !('AlterTableStmt' in ast)) continue;
      // What a later up migration creates does not exist once this up has run (its CREATE would fail
      // otherwise): no data to lose. Without IF EXISTS the rollback of this version fails there, which
      // is said instead (on the statement, as unexpected-down-statement's finding, which gives way).
      // Only with that proof: a folder whose history does not start from an empty database may well
      // hold the table, and then dropping it does destroy data.
      if ((nothing ??= dropsNothing(ctx)).has(stmt)) {
        const gone = droppedBeforeCreated(ctx, ast);
        if (gone) {
          if (!gone.ifExists) ctx.report({ messageId: 'missing', data: { name: gone.name, later: gone.later }, span: stmt.span, statement: stmt });
          continue;
        }
      }
      let before: ReturnType<typeof objectsBefore> | undefined;
      const createdHere = () => (before ??= objectsBefore(ctx.parsed, stmt.index));
      if ('DropStmt' in ast && (ast.DropStmt.removeType === 'OBJECT_TABLE' || ast.DropStmt.removeType === 'OBJECT_SCHEMA')) {
        const schema = ast.DropStmt.removeType === 'OBJECT_SCHEMA';
        const foreign = (ast.DropStmt.objects ?? []).filter((o) => {
          const parts = 'List' in o ? stringList(o.List.items) : 'String' in o ? [o.String.sval ?? ''] : [];
          const name = parts[parts.length - 1] ?? '';
          return schema ? !owned.schemas.has(name) : !owned.tables.has(name) && !createdHere().tables.has(name);
        });
        if (foreign.length === 0) continue;
        const name = foreign
          .map((o) => ('List' in o ? stringList(o.List.items) : 'String' in o ? [o.String.sval ?? ''] : []).map(quoteIdent).join('.'))
          .join(', ');
        ctx.report({ messageId: schema ? 'dropSchema' : 'dropTable', data: { name }, span: stmt.span, statement: stmt });
      } else if ('TruncateStmt' in ast) {
        const foreign = (ast.TruncateStmt.relations ?? []).filter(
          (r) => 'RangeVar' in r && !owned.tables.has(tableKey(r.RangeVar)) && !createdHere().tables.has(tableKey(r.RangeVar)),
        );
        if (foreign.length === 0) continue;
        const name = foreign.map((r) => ('RangeVar' in r ? relationName(r.RangeVar) : '')).join(', ');
        ctx.report({ messageId: 'truncate', data: { name }, span: stmt.span, statement: stmt });
      } else if ('AlterTableStmt' in ast && ast.AlterTableStmt.objtype === 'OBJECT_TABLE') {
        const alter = ast.AlterTableStmt;
        const table = tableKey(alter.relation);
        if (owned.tables.has(table)) continue;
        (alter.cmds ?? []).forEach((c, i) => {
          if (!('AlterTableCmd' in c) || c.AlterTableCmd.subtype !== 'AT_DropColumn') return;
          const column = c.AlterTableCmd.name ?? '';
          const key = `${table}.${column}`;
          if (owned.columns.has(key) || createdHere().tables.has(table) || createdHere().columns.has(key)) return;
          // Copy and swap: the values went into the column that takes this one's name.
          if (columnCopiedBeforeDrop(ctx, stmt, alter.relation, column)) return;
          ctx.report({
            messageId: 'dropColumn',
            data: { table: relationName(alter.relation), column: quoteIdent(column) },
            span: commandSpan(stmt, alter, i) ?? stmt.span,
            statement: stmt,
          });
        });
      }
    }
  },
};
