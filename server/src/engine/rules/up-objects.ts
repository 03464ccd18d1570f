/**
 * Direction awareness: in a down file, dropping what its own up created is the point of the file,
 * not data loss. This reads the up file(s) of the same version and lists what they create, so the
 * destructive rules stay quiet about those objects in the down.
 */
import type { ParsedFile, Statement } from '../parsing/parser';
import type { RangeVar } from '@pgsql/types';
import type { RuleContext } from './types';

export interface UpObjects {
  tables: Set<string>;
  /** `table.column` */
  columns: Set<string>;
  schemas: Set<string>;
}

/**
 * Objects created by the up migration of the same version, or undefined when the statement (or,
 * without one, the file) is not in a down migration, or the down has no up:
 * - two-file conventions: the up file(s) of a down file's version (folder-per-migration: the
 *   sibling `up.sql`);
 * - single-file conventions (goose, dbmate, sql-migrate): the up section of the same file, for a
 *   statement in the down section. Without a statement, a single file counts as an up file.
 */
export function objectsCreatedByUp(ctx: RuleContext, stmt?: Statement): UpObjects | undefined {
  const m = ctx.migration;
  if (!m) return undefined;
  if (ctx.convention.layout === 'single' && (!stmt || ctx.directionAt(stmt.span.start) !== 'down')) return undefined;
  if (ctx.convention.layout !== 'single' && m.direction !== 'down') return undefined;
  let owned = perContext.get(ctx);
  if (owned === undefined) {
    let found: UpObjects | null = null;
    if (ctx.convention.layout === 'single') {
      // The up sections as the file's timeline and pair parse them (kept by the workspace).
      const up = ctx.sections.some((s) => s.direction === 'up') ? ctx.facts.upSection() : undefined;
      if (up) merge((found = empty()), objectsOfParse(up));
    } else {
      for (const up of ctx.facts.upParses()) {
        found ??= empty();
        merge(found, objectsOfParse(up));
      }
    }
    owned = found;
    perContext.set(ctx, owned);
  }
  // A down without an up (orphan-down-migration) is judged like any file.
  return owned ?? undefined;
}

/** One lookup per rule run (rules ask once per statement). */
const perContext = new WeakMap<RuleContext, UpObjects | null>();

const empty = (): UpObjects => ({ tables: new Set(), columns: new Set(), schemas: new Set() });

function merge(into: UpObjects, from: UpObjects): void {
  from.tables.forEach((t) => into.tables.add(t));
  from.columns.forEach((c) => into.columns.add(c));
  from.schemas.forEach((s) => into.schemas.add(s));
}

const byParse = new WeakMap<ParsedFile, UpObjects>();

function objectsOfParse(parsed: ParsedFile): UpObjects {
  let objects = byParse.get(parsed);
  if (!objects) {
    objects = collect(parsed);
    byParse.set(parsed, objects);
  }
  return objects;
}

/** The key a table is known by: its name without schema (a down rarely switches schema). */
export function tableKey(rel: RangeVar | undefined): string {
  return rel?.relname ?? '';
}

function collect(parsed: ParsedFile): UpObjects {
  const out: UpObjects = { tables: new Set(), columns: new Set(), schemas: new Set() };
  for (const stmt of parsed.statements) {
    const ast = stmt.ast;
    if (!ast) continue;
    if ('CreateStmt' in ast) out.tables.add(tableKey(ast.CreateStmt.relation));
    else if ('CreateTableAsStmt' in ast) out.tables.add(tableKey(ast.CreateTableAsStmt.into?.rel));
    else if ('CreateSchemaStmt' in ast && ast.CreateSchemaStmt.schemaname) out.schemas.add(ast.CreateSchemaStmt.schemaname);
    // Rename and recreate (`ALTER TABLE t RENAME TO t_old; CREATE TABLE t ...`): the backup copy
    // `t_old` exists because of the up. (A plain rename creates nothing: its down renames back.)
    else if ('RenameStmt' in ast && ast.RenameStmt.renameType === 'OBJECT_TABLE' && ast.RenameStmt.newname && ast.RenameStmt.relation?.relname) {
      const from = ast.RenameStmt.relation.relname;
      const recreated = parsed.statements.some((s) => s.index > stmt.index && s.ast && 'CreateStmt' in s.ast && s.ast.CreateStmt.relation?.relname === from);
      if (recreated) out.tables.add(ast.RenameStmt.newname);
    }
    else if ('AlterTableStmt' in ast) {
      const table = tableKey(ast.AlterTableStmt.relation);
      for (const c of ast.AlterTableStmt.cmds ?? []) {
        if (!('AlterTableCmd' in c) || c.AlterTableCmd.subtype !== 'AT_AddColumn') continue;
        const def = c.AlterTableCmd.def;
        if (def && 'ColumnDef' in def && def.ColumnDef.colname) out.columns.add(`${table}.${def.ColumnDef.colname}`);
      }
    }
  }
  return out;
}
