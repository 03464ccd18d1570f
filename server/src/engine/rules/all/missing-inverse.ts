import { stepParts } from '../../inverse/types';
import type { SchemaChange } from '../../inverse/schema-diff';
import type { Rule } from '../types';
import { consistencyFor, ownStatement } from '../up-down-pair';

function describe(c: SchemaChange): string {
  if (c.kind === 'added') return `${c.label} is still there after the down`;
  if (c.kind === 'removed') return `${c.label} is not restored`;
  return `${c.label} is not restored as it was${c.detail ? ` (${c.detail})` : ''}`;
}

/**
 * An up statement whose effect its down migration does not undo: the schema after up + down
 * (both replayed on the schema model) differs from the schema before the up, in objects this
 * statement changed. The finding is on the up statement; its action adds the statement's inverse to
 * the down, where the reverse order puts it.
 */
export const missingInverse: Rule = {
  meta: {
    id: 'missing-inverse',
    category: 'correctness',
    description: 'The down migration does not undo what this up statement does (the schema after up and down differs from before).',
    defaultSeverity: 'warning',
    messages: {
      notUndone: 'The down migration does not undo this statement: {{changes}}.',
    },
    help: [
      'After the up and then the down, the schema should be what it was before the up. Replaying both on the schema model of the',
      "directory's earlier migrations, something this statement changes is not brought back. Add its inverse to the down migration",
      '(the quick fix "Add inverse to ..." writes it where the reverse order puts it), or mark it irreversible with a comment.',
    ].join('\n'),
  },
  check(ctx) {
    const c = consistencyFor(ctx);
    if (!c?.isUp) return;
    for (const m of c.result.missing) {
      const stmt = ownStatement(ctx, m.statement);
      if (!stmt) continue;
      // The index of a primary key or unique constraint goes with the constraint: name it once.
      const constraints = new Set(m.changes.filter((ch) => ch.key.includes('#constraint:')).map((ch) => ch.key.replace(/.*#constraint:/, '')));
      const changes = m.changes.filter((ch) => !(ch.key.includes('#index:') && constraints.has(ch.key.replace(/.*#index:/, ''))));
      const step = c.inverseOf(m.statement.index);
      const reversible = step !== undefined && stepParts(step).some((p) => 'sql' in p);
      ctx.report({
        messageId: 'notUndone',
        data: { changes: changes.slice(0, 4).map(describe).join('; ') + (changes.length > 4 ? `; and ${changes.length - 4} more` : '') },
        span: stmt.span,
        statement: stmt,
        ...(reversible ? { actions: [{ kind: 'addInverse' as const, statementIndex: m.statement.index, title: `Add inverse to ${c.downName}` }] } : {}),
      });
    }
  },
};
