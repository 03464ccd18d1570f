/**
 * What the statements of one file do before a given statement, and what the up migration of a down
 * file does: tables and columns created, renames, SET NOT NULL. The safety rules use it to stay
 * quiet about objects that no running application can be using yet, and about a down undoing its up.
 */
import type { Node } from '@pgsql/types';
import type { ParsedFile, Statement } from '../parsing/parser';
import type { RuleContext } from './types';
import { tableKey } from './up-objects';

export interface FileObjects {
  /** Tables created (by name without schema, as up-objects keys them). */
  tables: Set<string>;
  /** `table.column` added by CREATE TABLE or ADD COLUMN. */
  columns: Set<string>;
  /** Table renames: `old → new` keys `from>to`. */
  tableRenames: Set<string>;
  /** Column renames: `table.old>new`. */
  columnRenames: Set<string>;
  /** `table.column` made NOT NULL by ALTER COLUMN SET NOT NULL. */
  setNotNull: Set<string>;
}

const empty = (): FileObjects => ({ tables: new Set(), columns: new Set(), tableRenames: new Set(), columnRenames: new Set(), setNotNull: new Set() });

function collectOne(ast: Node | undefined, out: FileObjects): void {
  if (!ast) return;
  if ('CreateStmt' in ast) {
    const table = tableKey(ast.CreateStmt.relation);
    out.tables.add(table);
    for (const e of ast.CreateStmt.tableElts ?? []) if ('ColumnDef' in e && e.ColumnDef.colname) out.columns.add(`${table}.${e.ColumnDef.colname}`);
  } else if ('CreateTableAsStmt' in ast) {
    out.tables.add(tableKey(ast.CreateTableAsStmt.into?.rel));
  } else if ('AlterTableStmt' in ast) {
    const table = tableKey(ast.AlterTableStmt.relation);
    for (const c of ast.AlterTableStmt.cmds ?? []) {
      if (!('AlterTableCmd' in c)) continue;
      const cmd = c.AlterTableCmd;
      if (cmd.subtype === 'AT_AddColumn' && cmd.def && 'ColumnDef' in cmd.def && cmd.def.ColumnDef.colname) out.columns.add(`${table}.${cmd.def.ColumnDef.colname}`);
      else if (cmd.subtype === 'AT_SetNotNull' && cmd.name) out.setNotNull.add(`${table}.${cmd.name}`);
    }
  } else if ('RenameStmt' in ast) {
    const r = ast.RenameStmt;
    const table = tableKey(r.relation);
    if (r.renameType === 'OBJECT_TABLE' && r.newname) out.tableRenames.add(`${table}>${r.newname}`);
    else if (r.renameType === 'OBJECT_COLUMN' && r.subname && r.newname) out.columnRenames.add(`${table}.${r.subname}>${r.newname}`);
  }
}

/** What statements of a file do before a point: each set answers `has` (see FileObjects). */
export type ObjectsBefore = { [K in keyof FileObjects]: { has(key: string): boolean } };

/** Per parse and section start: where each object is first created, renamed, made NOT NULL. */
const firsts = new WeakMap<ParsedFile, Map<number, { [K in keyof FileObjects]: Map<string, number> }>>();

/**
 * What the statements before `index` in a parsed file do; with `from`, only those starting at or
 * after that offset (the statement's section in a single-file migration). One pass per parse,
 * whatever the number of questions: each object is kept with the index of its first statement.
 */
export function objectsBefore(parsed: ParsedFile, index: number, from = 0): ObjectsBefore {
  let byFrom = firsts.get(parsed);
  if (!byFrom) firsts.set(parsed, (byFrom = new Map()));
  let first = byFrom.get(from);
  if (!first) {
    first = { tables: new Map(), columns: new Map(), tableRenames: new Map(), columnRenames: new Map(), setNotNull: new Map() };
    const maps = first;
    for (const s of parsed.statements) {
      if (s.span.start < from) continue;
      const record = (map: Map<string, number>) => ({ add: (k: string) => void (map.has(k) || map.set(k, s.index)) });
      collectOne(s.ast, {
        tables: record(maps.tables),
        columns: record(maps.columns),
        tableRenames: record(maps.tableRenames),
        columnRenames: record(maps.columnRenames),
        setNotNull: record(maps.setNotNull),
      } as unknown as FileObjects);
    }
    byFrom.set(from, first);
  }
  const view = (map: Map<string, number>) => ({ has: (k: string) => (map.get(k) ?? Infinity) < index });
  return { tables: view(first.tables), columns: view(first.columns), tableRenames: view(first.tableRenames), columnRenames: view(first.columnRenames), setNotNull: view(first.setNotNull) };
}

const byParse = new WeakMap<ParsedFile, FileObjects>();

function objectsOfParse(parsed: ParsedFile): FileObjects {
  let objects = byParse.get(parsed);
  if (!objects) {
    objects = empty();
    for (const s of parsed.statements) collectOne(s.ast, objects);
    byParse.set(parsed, objects);
  }
  return objects;
}

/**
 * What the up migration of a down does, or undefined when the statement is not in a down migration
 * (the same cases as up-objects.ts): the up file(s) of a down file's version, or for single-file
 * conventions (goose, dbmate, sql-migrate) the up section of the same file when `stmt` is in the
 * down section.
 */
const upPerContext = new WeakMap<RuleContext, FileObjects>();

export function upFileObjects(ctx: RuleContext, stmt?: Statement): FileObjects | undefined {
  const m = ctx.migration;
  if (!m) return undefined;
  const single = ctx.convention.layout === 'single';
  if (single && (!stmt || ctx.directionAt(stmt.span.start) !== 'down')) return undefined;
  if (!single && m.direction !== 'down') return undefined;
  // The same for every statement of the down: merged once per rule run.
  const known = upPerContext.get(ctx);
  if (known) return known;
  const out = empty();
  upPerContext.set(ctx, out);
  // Single-file: the up sections as the file's timeline and pair parse them (kept by the workspace).
  const upSection = single && ctx.sections.some((s) => s.direction === 'up') ? ctx.facts.upSection() : undefined;
  const all = single ? (upSection ? [objectsOfParse(upSection)] : []) : ctx.facts.upParses().map(objectsOfParse);
  for (const objects of all) {
    for (const k of Object.keys(out) as (keyof FileObjects)[]) objects[k].forEach((v) => out[k].add(v));
  }
  return out;
}
