/**
 * The schema model (schema/, helper S's) as the safety rules need it: the schema a statement of the
 * checked file runs against.
 */
import type { ParsedFile } from '../parsing/parser';
import { replayFile, schemaAfter, schemaBefore, schemasThroughFile, type SchemaModel } from '../schema';
import type { RuleContext } from './types';

/**
 * The schema the file starts from: for an up file (or a file outside the convention) what the earlier
 * up migrations leave; for a down file, what its up leaves (the state the down undoes). Undefined when
 * the file is not in a migrations directory, or the model fails.
 */
export function schemaFor(ctx: RuleContext): SchemaModel | undefined {
  if (!ctx.directory.isMigrationDirectory) return undefined;
  const input = { directory: ctx.directory, migration: ctx.migration, host: ctx.host, filePath: ctx.filePath, text: ctx.parsed.text, parsed: ctx.parsed };
  try {
    return ctx.migration?.direction === 'down' ? schemaAfter(input) : schemaBefore(input);
  } catch {
    return undefined;
  }
}

/**
 * The schema before each statement of a parse, from one pass over the file (shared by every rule of
 * one analysis, which all see the same ParsedFile): asking per statement stays linear.
 */
const throughFile = new WeakMap<ParsedFile, { base: SchemaModel; models: SchemaModel[] | undefined }>();

/** The schema a statement of the file runs against: `schemaFor` plus the file's statements before it. */
export function schemaAt(ctx: RuleContext, statementIndex: number, base = schemaFor(ctx)): SchemaModel | undefined {
  if (!base || statementIndex <= 0) return base;
  let entry = throughFile.get(ctx.parsed);
  if (!entry || entry.base !== base) {
    let models: SchemaModel[] | undefined;
    try {
      models = schemasThroughFile(base, ctx.filePath, ctx.parsed);
    } catch {
      models = undefined;
    }
    entry = { base, models };
    throughFile.set(ctx.parsed, entry);
  }
  if (entry.models) return entry.models[Math.min(statementIndex, entry.models.length - 1)];
  try {
    return replayFile(base, ctx.filePath, { ...ctx.parsed, statements: ctx.parsed.statements.slice(0, statementIndex) });
  } catch {
    return undefined;
  }
}
