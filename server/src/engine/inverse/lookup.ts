/** Finding the objects a statement names in the schema model, through the up file's search_path. */
import type { RangeVar } from '@pgsql/types';
import { DEFAULT_SCHEMA, qualifiedKey, type SchemaModel, type TableModel, type Unknown, type ViewModel } from '../schema/model';
import type { InverseContext, InversePart, InverseStep } from './types';

function schemasFor(schema: string | undefined, searchPath: readonly string[] | undefined): string[] {
  if (schema) return [schema];
  const path = searchPath && searchPath.length > 0 ? [...searchPath] : [DEFAULT_SCHEMA];
  return path;
}

export function lookupTable(model: SchemaModel, rel: RangeVar | undefined, searchPath?: readonly string[]): TableModel | undefined {
  if (!rel?.relname) return undefined;
  for (const s of schemasFor(rel.schemaname, searchPath)) {
    const t = model.tables.get(qualifiedKey(s, rel.relname));
    if (t) return t;
  }
  return undefined;
}

export function lookupView(model: SchemaModel, rel: RangeVar | undefined, searchPath?: readonly string[]): ViewModel | undefined {
  if (!rel?.relname) return undefined;
  for (const s of schemasFor(rel.schemaname, searchPath)) {
    const v = model.views.get(qualifiedKey(s, rel.relname));
    if (v) return v;
  }
  return undefined;
}

/** The schema a new object goes to. */
export function creationSchema(schema: string | undefined, searchPath?: readonly string[]): string {
  return schemasFor(schema, searchPath)[0] ?? DEFAULT_SCHEMA;
}

/**
 * An earlier statement whose effect nobody can read (a DO block, EXECUTE, a statement that does not
 * parse): it may have created or changed anything, so "the model has no such object" proves nothing.
 */
export function opaqueUnknown(model: SchemaModel): Unknown | undefined {
  return model.unknowns.find((u) => u.statementKind === undefined || u.statementKind === 'DoStmt' || u.statementKind === 'ExecuteStmt');
}

/** What the statement itself could not be read as (unknowns it added to the model). */
export function newUnknowns(ctx: InverseContext): Unknown[] {
  if (!ctx.before || !ctx.after) return [];
  return ctx.after.unknowns.slice(ctx.before.unknowns.length);
}

/** One step from parts: plain SQL, one reason, one note, or a sequence. */
export function stepOf(parts: InversePart[]): InverseStep {
  if (parts.length === 1) {
    const p = parts[0]!;
    if ('irreversible' in p) return { irreversible: p.irreversible };
    if ('note' in p) return { note: p.note };
  }
  if (parts.every((p): p is { sql: string } => 'sql' in p)) return { sql: parts.map((p) => p.sql) };
  return { parts };
}

/** The search_path in effect at a statement of a file (its `SET search_path` statements before it). */
export function searchPathAt(statements: readonly { index: number; ast?: import('../parsing/parser').Node | undefined }[], index: number): string[] {
  let path = [DEFAULT_SCHEMA];
  for (const s of statements) {
    if (s.index >= index) break;
    const ast = s.ast;
    if (!ast || !('VariableSetStmt' in ast) || ast.VariableSetStmt.name !== 'search_path' || ast.VariableSetStmt.is_local) continue;
    const v = ast.VariableSetStmt;
    if (v.kind === 'VAR_SET_VALUE') {
      const names = (v.args ?? []).flatMap((a) => ('A_Const' in a && a.A_Const.sval ? [a.A_Const.sval.sval ?? ''] : []));
      const real = names.filter((n) => n !== '$user' && n !== 'pg_catalog' && n !== '');
      path = real.length > 0 ? real : [DEFAULT_SCHEMA];
    } else if (v.kind === 'VAR_SET_DEFAULT' || v.kind === 'VAR_RESET') path = [DEFAULT_SCHEMA];
  }
  return path;
}
