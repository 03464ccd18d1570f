/**
 * What happens to a table around a statement, within the statement's section and transaction: the
 * lock and data rules ask it before they speak. A table is no lock or data risk at a statement when
 * - `created`: a statement before it in the section created it (no `IF NOT EXISTS`: that proves
 *   nothing), so it is empty and nobody else uses it yet;
 * - `temporary`: it is a temporary table the section created (and an unqualified name finds it
 *   first): it belongs to the migration's session only;
 * - `emptied`: a statement before it, in the same transaction, emptied it (`TRUNCATE`, `DELETE`
 *   without `WHERE`): it has no rows to scan, rewrite or fail on;
 * - `dropped`: a statement after it in the section drops it (`DROP INDEX x; DROP TABLE t` in a
 *   down): the drop takes the same ACCESS EXCLUSIVE lock anyway and what is written goes with it.
 *
 * A transaction ends at COMMIT/ROLLBACK, and a section the tool runs statement by statement
 * (goose `NO TRANSACTION`, sql-migrate `notransaction`) has none: there, `emptied` never holds.
 */
import type { Node, RangeVar } from '@pgsql/types';
import { stringList } from '../parsing/ast';
import type { ParsedFile, Statement } from '../parsing/parser';
import { statementSections, type StatementSection } from './transaction-sections';
import type { RuleContext } from './types';

export type TableFlow = 'created' | 'temporary' | 'emptied' | 'dropped';

/** A table name as a flow key: `schema.name` (unqualified: `public`), and whether it was qualified. */
export interface TableName {
  schema: string | undefined;
  name: string;
}

type EventKind = 'create' | 'temp' | 'empty' | 'drop' | 'renamed';

interface Event {
  index: number;
  kind: EventKind;
}

interface FlowIndex {
  /** Events by table key (`schema.name`; temporary tables by bare `name`). */
  byKey: Map<string, Event[]>;
  /** Statement indexes that end a transaction. */
  ends: number[];
}

const cache = new WeakMap<ParsedFile, FlowIndex>();

function keyOf(schema: string | undefined, name: string): string {
  return `${schema ?? 'public'}.${name}`;
}

function rangeVars(nodes: Node[] | undefined): RangeVar[] {
  return (nodes ?? []).flatMap((n) => ('RangeVar' in n ? [n.RangeVar] : []));
}

function listNames(objects: Node[] | undefined): TableName[] {
  return (objects ?? []).map((o) => {
    const parts = 'List' in o ? stringList(o.List.items) : [];
    return { schema: parts.length > 1 ? parts[parts.length - 2] : undefined, name: parts[parts.length - 1] ?? '' };
  });
}

function index(parsed: ParsedFile): FlowIndex {
  let idx = cache.get(parsed);
  if (idx) return idx;
  idx = { byKey: new Map(), ends: [] };
  const byKey = idx.byKey;
  const add = (key: string, index: number, kind: EventKind): void => {
    const list = byKey.get(key);
    if (list) list.push({ index, kind });
    else byKey.set(key, [{ index, kind }]);
  };
  const addRel = (rel: RangeVar | undefined, index: number, kind: EventKind): void => {
    if (!rel?.relname) return;
    if (rel.relpersistence === 't') add(`temp.${rel.relname}`, index, 'temp');
    else add(keyOf(rel.schemaname, rel.relname), index, kind);
  };
  for (const stmt of parsed.statements) {
    const ast = stmt.ast;
    if (!ast) continue;
    const i = stmt.index;
    if ('CreateStmt' in ast) {
      if (!ast.CreateStmt.if_not_exists || ast.CreateStmt.relation?.relpersistence === 't') addRel(ast.CreateStmt.relation, i, 'create');
    } else if ('CreateTableAsStmt' in ast && ast.CreateTableAsStmt.objtype !== 'OBJECT_MATVIEW') {
      if (!ast.CreateTableAsStmt.if_not_exists || ast.CreateTableAsStmt.into?.rel?.relpersistence === 't') addRel(ast.CreateTableAsStmt.into?.rel, i, 'create');
    } else if ('SelectStmt' in ast && ast.SelectStmt.intoClause?.rel) addRel(ast.SelectStmt.intoClause.rel, i, 'create');
    else if ('TruncateStmt' in ast) for (const r of rangeVars(ast.TruncateStmt.relations)) add(keyOf(r.schemaname, r.relname ?? ''), i, 'empty');
    else if ('DeleteStmt' in ast && !ast.DeleteStmt.whereClause && !ast.DeleteStmt.withClause) {
      const r = ast.DeleteStmt.relation;
      if (r?.relname) add(keyOf(r.schemaname, r.relname), i, 'empty');
    } else if ('DropStmt' in ast && ast.DropStmt.removeType === 'OBJECT_TABLE') {
      for (const n of listNames(ast.DropStmt.objects)) {
        add(keyOf(n.schema, n.name), i, 'drop');
        if (n.schema === undefined) add(`temp.${n.name}`, i, 'drop');
      }
    } else if ('RenameStmt' in ast && ast.RenameStmt.renameType === 'OBJECT_TABLE' && ast.RenameStmt.relation?.relname && ast.RenameStmt.newname) {
      // The old name is gone (like a drop), and a table created here is still new under its new name.
      const rel = ast.RenameStmt.relation;
      const from = keyOf(rel.schemaname, rel.relname!);
      const created = (byKey.get(from) ?? []).some((e) => e.kind === 'create');
      add(from, i, 'renamed');
      if (created) add(keyOf(rel.schemaname, ast.RenameStmt.newname), i, 'create');
    } else if ('TransactionStmt' in ast) {
      const k = ast.TransactionStmt.kind;
      if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_COMMIT_PREPARED' || k === 'TRANS_STMT_PREPARE') idx.ends.push(i);
    }
  }
  cache.set(parsed, idx);
  return idx;
}

/** Each statement's section, per rule context: a lookup, so asking for every statement stays linear. */
const sectionsCache = new WeakMap<RuleContext, Map<Statement, StatementSection>>();

function sectionOf(ctx: RuleContext, stmt: Statement): StatementSection | undefined {
  let byStatement = sectionsCache.get(ctx);
  if (!byStatement) {
    byStatement = new Map();
    for (const section of statementSections(ctx)) for (const s of section.statements) if (!byStatement.has(s)) byStatement.set(s, section);
    sectionsCache.set(ctx, byStatement);
  }
  return byStatement.get(stmt);
}

/** Whether the file does anything `tableFlow` reads (so that asking for a schema can be skipped otherwise). */
export function hasTableFlow(parsed: ParsedFile): boolean {
  return index(parsed).byKey.size > 0;
}

/** Why a table is no lock or data risk at a statement (see the module comment), or undefined. */
export function tableFlow(ctx: RuleContext, stmt: Statement, table: TableName | RangeVar | undefined, allow: readonly TableFlow[] = ['created', 'temporary', 'emptied', 'dropped']): TableFlow | undefined {
  if (!table) return undefined;
  const t: TableName = 'name' in table ? table : { schema: table.schemaname, name: table.relname ?? '' };
  if (!t.name) return undefined;
  const idx = index(ctx.parsed);
  // Most tables have no event in the file: nothing to look up.
  const tempEvents = t.schema === undefined || t.schema === 'pg_temp' ? idx.byKey.get(`temp.${t.name}`) : undefined;
  const events = idx.byKey.get(keyOf(t.schema === 'pg_temp' ? undefined : t.schema, t.name));
  if (!tempEvents && !events) return undefined;
  const section = sectionOf(ctx, stmt);
  const first = section?.statements[0]?.index ?? 0;
  const last = section?.statements[section.statements.length - 1]?.index ?? ctx.parsed.statements.length - 1;
  const inSection = (e: Event): boolean => e.index >= first && e.index <= last;
  const before = (events: Event[] | undefined): Event | undefined => {
    let found: Event | undefined;
    for (const e of events ?? []) if (e.index < stmt.index && inSection(e)) found = e;
    return found;
  };
  // A temporary table the section created, not dropped since: an unqualified name finds it first.
  const temp = before(tempEvents);
  if (temp?.kind === 'temp') return allow.includes('temporary') ? 'temporary' : undefined;
  const latest = before(events);
  if (latest?.kind === 'create' && allow.includes('created')) return 'created';
  if (latest?.kind === 'empty' && allow.includes('emptied') && section?.mode !== 'none') {
    // In the same transaction: no COMMIT between the emptying and the statement.
    if (!idx.ends.some((e) => e >= latest.index && e < stmt.index)) return 'emptied';
  }
  if (allow.includes('dropped')) {
    // The next statement that ends this table's life, if it drops it (a rename does not: the table lives on).
    const next = (events ?? []).find((e) => e.index > stmt.index && inSection(e) && e.kind !== 'empty');
    if (next?.kind === 'drop') return 'dropped';
  }
  return undefined;
}

/** Every reason: for the rules about locks, rewrites and overwritten rows. */
export const DATA_FLOWS: readonly TableFlow[] = ['created', 'temporary', 'emptied', 'dropped'];
/** What lets a statement that fails on a table with rows run: no row to fail on. */
export const EMPTY_FLOWS: readonly TableFlow[] = ['created', 'temporary', 'emptied'];

/** Whether a node tree reads a relation (a RangeVar of this name; unqualified matches any schema). */
function readsRelation(node: unknown, t: TableName): boolean {
  if (Array.isArray(node)) return node.some((n) => readsRelation(n, t));
  if (!node || typeof node !== 'object') return false;
  const o = node as Record<string, unknown>;
  if ('RangeVar' in o) {
    const rv = o.RangeVar as RangeVar;
    if (rv.relname === t.name && (t.schema === undefined || rv.schemaname === undefined || rv.schemaname === t.schema)) return true;
  }
  return Object.values(o).some((v) => readsRelation(v, t));
}

/**
 * Whether the table a statement drops had its rows copied, earlier in the section, into the table
 * that takes its name: the swap idioms
 * - copy and swap: `CREATE TABLE t_new ...; INSERT INTO t_new SELECT ... FROM t; DROP TABLE t;
 *   ALTER TABLE t_new RENAME TO t` (the rename may come before or after the drop);
 * - rename and recreate: `ALTER TABLE t RENAME TO t_old; CREATE TABLE t ...; INSERT INTO t SELECT
 *   ... FROM t_old; DROP TABLE t_old`.
 * The copy must read every row (no WHERE in the SELECT that reads the table).
 */
export function copiedBeforeDrop(ctx: RuleContext, stmt: Statement, dropped: TableName): boolean {
  const section = sectionOf(ctx, stmt);
  const statements = section?.statements ?? ctx.parsed.statements;
  const sameName = (a: TableName, b: TableName): boolean => a.name === b.name && (a.schema ?? 'public') === (b.schema ?? 'public');
  for (const s of statements) {
    if (s.index >= stmt.index) break;
    const ast = s.ast;
    if (!ast || !('InsertStmt' in ast)) continue;
    const ins = ast.InsertStmt;
    const select = ins.selectStmt && 'SelectStmt' in ins.selectStmt ? ins.selectStmt.SelectStmt : undefined;
    if (!select || select.whereClause || !readsRelation(select.fromClause, dropped)) continue;
    const target: TableName = { schema: ins.relation?.schemaname, name: ins.relation?.relname ?? '' };
    // The copy's target was created in this section...
    if (!tableFlow(ctx, s, target, ['created'])) continue;
    for (const r of statements) {
      const ra = r.ast;
      if (!ra || !('RenameStmt' in ra) || ra.RenameStmt.renameType !== 'OBJECT_TABLE' || !ra.RenameStmt.relation?.relname || !ra.RenameStmt.newname) continue;
      const from: TableName = { schema: ra.RenameStmt.relation.schemaname, name: ra.RenameStmt.relation.relname };
      const to: TableName = { schema: ra.RenameStmt.relation.schemaname, name: ra.RenameStmt.newname };
      // ...and the copy's target and the dropped table swap names: `t_new` → `t` (copy and swap) or
      // `t` → `t_old` (rename and recreate) is the same rename, target → dropped.
      if (sameName(from, target) && sameName(to, dropped)) return true;
    }
  }
  return false;
}

/** Whether a node tree names a column (the last part of a column reference). */
function readsColumn(node: unknown, column: string): boolean {
  if (Array.isArray(node)) return node.some((n) => readsColumn(n, column));
  if (!node || typeof node !== 'object') return false;
  const o = node as Record<string, unknown>;
  if ('ColumnRef' in o) {
    const fields = ((o.ColumnRef as { fields?: { String?: { sval?: string } }[] }).fields ?? []).map((f) => f.String?.sval);
    if (fields[fields.length - 1] === column) return true;
  }
  return Object.values(o).some((v) => readsColumn(v, column));
}

/**
 * Whether a column a statement drops had its values copied, earlier in the section, into the column
 * that takes its name: `ALTER TABLE t ADD COLUMN c_new ...; UPDATE t SET c_new = c; ALTER TABLE t
 * DROP COLUMN c; ALTER TABLE t RENAME COLUMN c_new TO c` (how a migration moves a column to the end,
 * or changes it without ALTER TYPE). The UPDATE must write every row (no WHERE).
 */
export function columnCopiedBeforeDrop(ctx: RuleContext, stmt: Statement, table: RangeVar | undefined, column: string): boolean {
  if (!table?.relname) return false;
  const dropped: TableName = { schema: table.schemaname, name: table.relname };
  const section = sectionOf(ctx, stmt);
  const statements = section?.statements ?? ctx.parsed.statements;
  const sameTable = (rv: RangeVar | undefined): boolean => rv?.relname === dropped.name && (rv.schemaname ?? 'public') === (dropped.schema ?? 'public');
  // The columns renamed to the dropped one's name, anywhere in the section.
  const renamedTo = new Set<string>();
  for (const s of statements) {
    const a = s.ast;
    if (a && 'RenameStmt' in a && a.RenameStmt.renameType === 'OBJECT_COLUMN' && a.RenameStmt.newname === column && a.RenameStmt.subname && sameTable(a.RenameStmt.relation)) renamedTo.add(a.RenameStmt.subname);
  }
  if (renamedTo.size === 0) return false;
  for (const s of statements) {
    if (s.index >= stmt.index) break;
    const a = s.ast;
    if (!a || !('UpdateStmt' in a) || a.UpdateStmt.whereClause || !sameTable(a.UpdateStmt.relation)) continue;
    const targets = (a.UpdateStmt.targetList ?? []).flatMap((t) => ('ResTarget' in t && t.ResTarget.name ? [t.ResTarget.name] : []));
    if (targets.some((t) => renamedTo.has(t)) && readsColumn(a.UpdateStmt.targetList, column)) return true;
  }
  return false;
}
