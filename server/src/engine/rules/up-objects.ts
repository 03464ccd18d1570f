/**
 * Direction awareness: in a down file, dropping what its own up created is the point of the file,
 * not data loss. This reads the up file(s) of the same version and lists what they create, so the
 * destructive rules stay quiet about those objects in the down.
 */
import * as path from 'node:path';
import { parseSql } from '../parsing/parser';
import type { RangeVar } from '@pgsql/types';
import type { RuleContext } from './types';

export interface UpObjects {
  tables: Set<string>;
  /** `table.column` */
  columns: Set<string>;
  schemas: Set<string>;
}

const cache = new Map<string, UpObjects>();

/** Objects created by the up migration of the same version, or undefined when the file is not a down file. */
export function objectsCreatedByUp(ctx: RuleContext): UpObjects | undefined {
  const m = ctx.migration;
  if (!m || m.direction !== 'down') return undefined;
  const owned: UpObjects = { tables: new Set(), columns: new Set(), schemas: new Set() };
  for (const up of ctx.directory.ups(m.versionNumber)) {
    const text = ctx.host.readFile(path.join(ctx.directory.dir, up.fileName));
    if (text === undefined) continue;
    let objects = cache.get(text);
    if (!objects) {
      objects = collect(text);
      if (cache.size > 32) cache.clear();
      cache.set(text, objects);
    }
    objects.tables.forEach((t) => owned.tables.add(t));
    objects.columns.forEach((c) => owned.columns.add(c));
    objects.schemas.forEach((s) => owned.schemas.add(s));
  }
  return owned;
}

/** The key a table is known by: its name without schema (a down rarely switches schema). */
export function tableKey(rel: RangeVar | undefined): string {
  return rel?.relname ?? '';
}

function collect(text: string): UpObjects {
  const out: UpObjects = { tables: new Set(), columns: new Set(), schemas: new Set() };
  for (const stmt of parseSql(text).statements) {
    const ast = stmt.ast;
    if (!ast) continue;
    if ('CreateStmt' in ast) out.tables.add(tableKey(ast.CreateStmt.relation));
    else if ('CreateTableAsStmt' in ast) out.tables.add(tableKey(ast.CreateTableAsStmt.into?.rel));
    else if ('CreateSchemaStmt' in ast && ast.CreateSchemaStmt.schemaname) out.schemas.add(ast.CreateSchemaStmt.schemaname);
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
