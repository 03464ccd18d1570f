/**
 * DROP with a schema context: the dropped objects come back as the schema model has them (DROP
 * TABLE → CREATE TABLE with its constraints, indexes and triggers; DROP INDEX / VIEW / FUNCTION /
 * TRIGGER / enum TYPE / SCHEMA / EXTENSION → their definitions), together with whatever the drop
 * took along (CASCADE). The data is never restored, and the comments say so.
 */
import type { DropStmt } from '@pgsql/types';
import { quoteIdent } from '../parsing/ast';
import { tokenize } from '../parsing/lexer';
import { functionKey, qualifiedKey, type SchemaModel } from '../schema/model';
import { qualifiedLabel } from '../schema/render';
import { restoreLost, triggerProblem } from './restore';
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

const FUNCTIONS = new Set(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE', 'OBJECT_AGGREGATE']);

/**
 * DROP FUNCTION ... CASCADE also drops the triggers that run the function (restored here: the
 * schema model does not drop them) and whatever else calls it (not restored: said so).
 */
function functionDependents(before: SchemaModel, after: SchemaModel): InversePart[] {
  const gone = [...before.functions.values()].filter((f) => !after.functions.has(functionKey(f.schema, f.name, f.argTypes)));
  const parts: InversePart[] = [];
  const problems: string[] = [];
  const calls = (text: string | undefined, name: string): boolean =>
    text !== undefined && tokenize(text).some((t, i, all) => (t.kind === 'word' ? t.value.toLowerCase() === name : t.kind === 'quoted-ident' && t.value === name) && all[i + 1]?.value === '(');
  for (const f of gone) {
    const key = qualifiedKey(f.schema, f.name);
    for (const t of before.tables.values()) {
      const label = qualifiedLabel(t.schema, t.name);
      for (const tr of t.triggers.values()) {
        if (tr.functionName !== key) continue;
        const stale = triggerProblem(before, t, tr);
        if (stale) problems.push(stale);
        else parts.push({ sql: `${tr.definitionText.trimEnd().replace(/;$/, '')};` });
      }
      for (const c of t.columns.values()) if (calls(c.defaultText, f.name) || calls(c.generatedText, f.name)) problems.push(`column ${label}.${quoteIdent(c.name)} calls ${f.name}; CASCADE dropped its default or the column`);
      for (const k of t.constraints.values()) if (calls(k.definitionText, f.name)) problems.push(`constraint ${quoteIdent(k.name)} on ${label} calls ${f.name}; CASCADE dropped it`);
      for (const i of t.indexes.values()) if (calls(i.definitionText, f.name)) problems.push(`index ${quoteIdent(i.name)} calls ${f.name}; CASCADE dropped it`);
    }
    for (const v of before.views.values()) if (calls(v.definitionText, f.name)) problems.push(`view ${qualifiedLabel(v.schema, v.name)} calls ${f.name}; CASCADE dropped it`);
  }
  return [...parts, ...problems.map((p) => ({ irreversible: /by hand$/.test(p) ? p : `${p}: recreate it by hand` }))];
}

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
  const parts: InversePart[] = restoreLost(before, after, { ...(ctx.fileRank ? { fileRank: ctx.fileRank } : {}), ...(ctx.logged ? { logged: ctx.logged } : {}) });
  if (stmt.behavior === 'DROP_CASCADE' && FUNCTIONS.has(type)) parts.push(...functionDependents(before, after));
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
