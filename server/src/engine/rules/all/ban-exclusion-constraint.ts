import { quoteIdent } from '../../parsing/ast';
import { forEachExistingTableCommand } from '../locking';
import type { Rule } from '../types';

/** Reports `ADD [CONSTRAINT name] EXCLUDE ...` on a table that existed before the file. */
export const banExclusionConstraint: Rule = {
  meta: {
    id: 'ban-exclusion-constraint',
    category: 'locking',
    description: 'Adding an EXCLUDE constraint builds its index under an ACCESS EXCLUSIVE lock, with no concurrent alternative.',
    defaultSeverity: 'warning',
    messages: {
      exclusion:
        'Adding exclusion constraint {{name}} to {{table}} builds its index and checks every row under an ACCESS EXCLUSIVE lock: reads and writes wait until it ends, and it cannot be built concurrently.',
    },
    help: [
      '**Lock:** `ACCESS EXCLUSIVE` for the whole index build and check of existing rows.',
      '',
      '**Blocks:** every read and write of the table. The table is not rewritten, but read in full.',
      '',
      '**Safe alternative:** there is none online: an exclusion constraint cannot be added `NOT VALID` nor `USING INDEX`.',
      'Create the constraint with the table, add it while the table is small, or plan a maintenance window; enforcing the',
      'rule with a trigger is an option for large tables.',
    ].join('\n'),
  },
  check(ctx) {
    forEachExistingTableCommand(ctx, (at) => {
      const { stmt, cmd } = at;
      const def = cmd.def;
      if (cmd.subtype !== 'AT_AddConstraint' || !def || !('Constraint' in def) || def.Constraint.contype !== 'CONSTR_EXCLUSION') return;
      const name = def.Constraint.conname ? quoteIdent(def.Constraint.conname) : '(unnamed)';
      ctx.report({ messageId: 'exclusion', data: { table: at.table, name }, span: at.span, statement: stmt });
    });
  },
};
