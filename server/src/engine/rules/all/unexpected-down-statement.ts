import type { SchemaChange } from '../../inverse/schema-diff';
import { columnCopiedBeforeDrop } from '../flow';
import type { Rule, RuleContext } from '../types';
import { objectsCreatedByUp, type UpObjects } from '../up-objects';
import { consistencyFor, ownStatement } from '../up-down-pair';

/**
 * Whether down-drops-foreign-object already reports this change (a drop of a table, column or
 * schema whose name the up never creates): one finding per problem.
 */
function reportedElsewhere(c: SchemaChange, owned: UpObjects | undefined): boolean {
  if (!owned || c.kind !== 'removed') return false;
  const m = /^(table|schema):(?:[^.#]*\.)?([^#]*)(?:#column:(.*))?$/.exec(c.key);
  if (!m) return false;
  if (m[1] === 'schema') return !owned.schemas.has(m[2]!);
  if (m[3] !== undefined) return !owned.tables.has(m[2]!) && !owned.columns.has(`${m[2]}.${m[3]}`);
  return !/#/.test(c.key) && !owned.tables.has(m[2]!);
}

/**
 * The columns the file moves by copy and swap (`ADD c_new; UPDATE SET c_new = c; DROP c; RENAME c_new
 * TO c`, how a down puts a column back in its place): as change keys, `table:s.t#column:c`.
 */
function swappedColumns(ctx: RuleContext): Set<string> {
  const out = new Set<string>();
  for (const stmt of ctx.parsed.statements) {
    const ast = stmt.ast;
    if (!ast || !('AlterTableStmt' in ast)) continue;
    const rel = ast.AlterTableStmt.relation;
    for (const c of ast.AlterTableStmt.cmds ?? []) {
      if (!('AlterTableCmd' in c) || c.AlterTableCmd.subtype !== 'AT_DropColumn' || !c.AlterTableCmd.name) continue;
      if (columnCopiedBeforeDrop(ctx, stmt, rel, c.AlterTableCmd.name)) out.add(`table:${rel?.schemaname ?? 'public'}.${rel?.relname ?? ''}#column:${c.AlterTableCmd.name}`);
    }
  }
  return out;
}

/** The schema model's reason in words about the database. */
function plain(reason: string): string {
  return reason
    .replace(/ is not in the model of /, ' does not exist in ')
    .replace(/: the model does not know this (table|relation)$/, ' does not exist')
    .replace(/, which the model does not know$/, ', which does not exist')
    .replace(/: not in the model$/, ' does not exist')
    .replace(/: the model already has this (\w+)$/, ': the $1 already exists')
    .replace(/: the model already has this table; the new definition replaces it$/, ': the table already exists');
}

function describe(c: SchemaChange): string {
  if (c.kind === 'added') return `creates ${c.label}`;
  if (c.kind === 'removed') return `drops ${c.label}`;
  return `changes ${c.label}${c.detail ? ` (${c.detail})` : ''}`;
}

/**
 * A down statement that undoes nothing of its up: it changes objects the up never touches (a
 * down dropping a table that existed before the up loses that table), or it drops what does not
 * exist once the up has run.
 */
export const unexpectedDownStatement: Rule = {
  meta: {
    id: 'unexpected-down-statement',
    category: 'correctness',
    description: 'A down statement that undoes nothing in its up migration (it changes objects the up does not, or drops what does not exist).',
    defaultSeverity: 'warning',
    // A down dropping what does not exist, or what the up did not create, is down-drops-foreign-object's
    // finding (an error) on the same statement: one finding per problem.
    yieldsTo: ['down-drops-foreign-object'],
    messages: {
      unrelated: 'This statement undoes nothing of the up migration: it {{changes}}, which the up migration does not change.',
      undoesNothing: 'This statement undoes nothing of the up migration: {{target}} does not exist once the up migration has run.',
      fails: 'This statement fails after the up migration and the statements before it: {{reason}}.',
    },
    help: [
      'A down migration should bring the schema back to what it was before its up, and touch nothing else. This statement changes',
      'objects its up migration never changes (running the down would lose them), or drops an object that does not exist after the',
      'up (a leftover of an edit, or a name that does not match). Fix the name, or remove the statement.',
    ].join('\n'),
  },
  check(ctx) {
    const c = consistencyFor(ctx);
    if (!c?.isDown) return;
    let swapped: Set<string> | undefined;
    for (const u of c.result.unexpected) {
      const stmt = ownStatement(ctx, u.statement);
      if (!stmt) continue;
      // Re-creating or re-constraining a column the file moves by copy and swap restores its place, not unrelated.
      if (u.kind === 'unrelated' && u.changes.every((ch) => ch.kind !== 'removed' && (swapped ??= swappedColumns(ctx)).has(ch.key))) continue;
      if (u.kind === 'unrelated' && u.changes.every((ch) => reportedElsewhere(ch, objectsCreatedByUp(ctx, stmt)))) continue;
      if (u.kind === 'fails') ctx.report({ messageId: 'fails', data: { reason: plain(u.target ?? '') }, span: stmt.span, statement: stmt });
      else if (u.kind === 'nothing') ctx.report({ messageId: 'undoesNothing', data: { target: u.target ?? '' }, span: stmt.span, statement: stmt });
      else ctx.report({ messageId: 'unrelated', data: { changes: u.changes.slice(0, 4).map(describe).join(', ') + (u.changes.length > 4 ? `, and ${u.changes.length - 4} more` : '') }, span: stmt.span, statement: stmt });
    }
  },
};
