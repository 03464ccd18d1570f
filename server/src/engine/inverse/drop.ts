/**
 * DROP with a schema context: the dropped objects come back as the schema model has them (DROP
 * TABLE → CREATE TABLE with its constraints, indexes and triggers; DROP INDEX / VIEW / FUNCTION /
 * TRIGGER / enum TYPE / SCHEMA / EXTENSION → their definitions), together with whatever the drop
 * took along (CASCADE). The data is never restored, and the comments say so.
 */
import type { DropStmt } from '@pgsql/types';
import { restoreLost } from './restore';
import { newUnknowns, opaqueUnknown, stepOf } from './lookup';
import { excerpt, type InverseContext, type InversePart, type Inversion } from './types';

const RESTORABLE = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_INDEX',
  'OBJECT_FUNCTION',
  'OBJECT_PROCEDURE',
  'OBJECT_ROUTINE',
  'OBJECT_AGGREGATE',
  'OBJECT_TRIGGER',
  'OBJECT_TYPE',
  'OBJECT_SCHEMA',
  'OBJECT_EXTENSION',
]);

/**
 * The inverse of a DROP from the schema before and after it, or undefined when the schema cannot
 * tell (no schema context, an object kind the model does not hold): then the plain inverse applies.
 */
export function invertDropWithSchema(stmt: DropStmt, text: string, ctx: InverseContext, drops: string[]): Inversion | undefined {
  const before = ctx.before;
  const after = ctx.after;
  const type = stmt.removeType ?? '';
  if (!before || !after || !RESTORABLE.has(type)) return undefined;
  // Objects of an extension (its types, functions) are not in the model: what CASCADE drops with it is unknown.
  if (type === 'OBJECT_EXTENSION' && stmt.behavior === 'DROP_CASCADE') return undefined;
  const label = excerpt(text, 60);
  const parts: InversePart[] = restoreLost(before, after, { ...(ctx.fileRank ? { fileRank: ctx.fileRank } : {}) });
  for (const u of newUnknowns(ctx)) parts.push({ irreversible: `${label}: ${u.reason}` });
  if (parts.length === 0) {
    // The model has none of the objects: only IF EXISTS makes that a statement that runs.
    if (stmt.missing_ok && !opaqueUnknown(before)) {
      return { step: { note: `${label}: no earlier migration creates it, so IF EXISTS skips it` }, effects: { drops } };
    }
    return undefined;
  }
  return { step: stepOf(parts), effects: { drops } };
}
