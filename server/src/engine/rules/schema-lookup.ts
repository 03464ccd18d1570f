/**
 * The schema model as the rules need it: the schema a statement of the checked file runs against,
 * from the folder's timeline (project/timeline.ts) through the rule context's facts.
 */
import type { SchemaModel } from '../schema';
import type { RuleContext } from './types';

/**
 * The schema the file starts from: for an up file (or a file outside the convention) what the
 * earlier up migrations leave; for a down file, what its up leaves (the state the down undoes).
 * Undefined when the file is not in a migrations directory, or the model fails.
 */
export function schemaFor(ctx: RuleContext): SchemaModel | undefined {
  if (!ctx.directory.isMigrationDirectory) return undefined;
  return ctx.facts.schema();
}

/** The schema a statement of the file runs against: `schemaFor` plus the file's statements before it. */
export function schemaAt(ctx: RuleContext, statementIndex: number, base = schemaFor(ctx)): SchemaModel | undefined {
  if (!base) return undefined;
  return ctx.facts.schemaAt(statementIndex);
}
