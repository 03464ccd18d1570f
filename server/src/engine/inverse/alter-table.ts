/**
 * ALTER TABLE (and ALTER INDEX / VIEW / MATERIALIZED VIEW / SEQUENCE / FOREIGN TABLE / TYPE, which
 * share the node) → the inverse of each subcommand, in reverse order. Consecutive reversible
 * inverses share one ALTER statement; an irreversible subcommand becomes a TODO line between them.
 */
import type { AlterTableCmd, AlterTableStmt, Constraint, RangeVar, TypeName } from '@pgsql/types';
import { quoteIdent, relationName, stringList } from '../parsing/ast';
import { alterTableCommandSpans } from '../parsing/clauses';
import { parseSql } from '../parsing/parser';
import { replayThrough } from '../schema';
import { qualifiedKey, type ColumnModel, type SchemaModel } from '../schema/model';
import { entriesHolding, term } from '../schema/refs';
import { lookupTable, opaqueUnknown } from './lookup';
import { addConstraintSql, restoreLost } from './restore';
import {
  coveredNote,
  defaultName,
  keys,
  relationRef,
  sibling,
  type Effects,
  type InverseContext,
  type InversePart,
  type Inversion,
} from './types';

/**
 * The inverse of one subcommand: a subcommand for the same ALTER statement (or several, in order),
 * whole statements (a restore), a TODO, or a note.
 */
type SubInverse = { sub: string } | { subs: string[] } | { parts: InversePart[] } | { irreversible: string } | { note: string };

/** The schema before and after one subcommand (the statement's earlier subcommands applied). */
interface SubSchema {
  before: SchemaModel;
  after: SchemaModel;
  searchPath: readonly string[] | undefined;
  fileRank?: (file: string) => number | undefined;
  /** The change log from `before` to `after`. */
  logged?: ReadonlySet<string>;
  /** `ALTER TABLE [IF EXISTS] [ONLY] name`. */
  prefix: string;
}

/**
 * The schema before each subcommand and after the last: each subcommand applied on its own as
 * `ALTER TABLE name <subcommand>`. Undefined without a schema context or when the subcommands
 * cannot be located.
 */
function subcommandSchemas(stmt: AlterTableStmt, ctx: InverseContext, prefix: string): { models: SchemaModel[]; logged: (ReadonlySet<string> | undefined)[] } | undefined {
  const before = ctx.before;
  const cmds = stmt.cmds ?? [];
  if (!before || !ctx.after) return undefined;
  if (cmds.length === 1) return { models: [before, ctx.after], logged: [ctx.logged] };
  const statement = ctx.statement;
  const spans = statement ? alterTableCommandSpans(statement, stmt) : undefined;
  if (!statement || !spans) return undefined;
  const path = ctx.searchPath && ctx.searchPath.join() !== 'public' ? `SET search_path = ${ctx.searchPath.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')};\n` : '';
  const out = [before];
  const logged: ReadonlySet<string>[] = [];
  let model = before;
  for (const span of spans) {
    const sub = statement.text.slice(span.start - statement.span.start, span.end - statement.span.start);
    const r = replayThrough(model, '', parseSql(`${path}${prefix} ${sub}`));
    model = r.models[r.models.length - 1]!;
    logged.push(new Set(r.touched.flatMap((t) => [...t])));
    out.push(model);
  }
  return { models: out, logged };
}

interface Target {
  rel: RangeVar | undefined;
  /** `ALTER TABLE` etc. */
  keyword: string;
  /** `users` / `app.users`, for messages. */
  name: string;
  relKey: string;
  /** COLUMN, or ATTRIBUTE for composite types. */
  columnWord: string;
  isTable: boolean;
}

const KEYWORDS: Partial<Record<string, string>> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_INDEX: 'INDEX',
  OBJECT_VIEW: 'VIEW',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
  OBJECT_TYPE: 'TYPE',
};

export function invertAlterTable(stmt: AlterTableStmt, ctx: InverseContext): Inversion {
  const keyword = KEYWORDS[stmt.objtype ?? 'OBJECT_TABLE'] ?? 'TABLE';
  const isTable = keyword === 'TABLE' || keyword === 'FOREIGN TABLE';
  const target: Target = {
    rel: stmt.relation,
    keyword,
    name: relationName(stmt.relation),
    relKey: keys.relation(stmt.relation),
    columnWord: keyword === 'TYPE' ? 'ATTRIBUTE' : 'COLUMN',
    isTable,
  };
  const prefix = `ALTER ${keyword} ${relationRef(stmt.relation, {
    ifExists: stmt.missing_ok,
    // The parser leaves `inh` unset for `ALTER TABLE ONLY t`.
    only: isTable && !stmt.relation?.inh,
  })}`;

  const effects: Effects = { touches: [target.relKey], creates: [] };
  // Columns and constraints added by earlier subcommands of this same statement.
  const local = new Set<string>();
  const isNew = (k: string): boolean => ctx.isCreated(k) || local.has(k);

  const inverses: SubInverse[] = [];
  const schemas = isTable ? subcommandSchemas(stmt, ctx, prefix) : undefined;
  (stmt.cmds ?? []).forEach((node, i) => {
    if (!('AlterTableCmd' in node)) return;
    const cmd = node.AlterTableCmd;
    const logged = schemas?.logged[i];
    const sub: SubSchema | undefined = schemas
      ? { before: schemas.models[i]!, after: schemas.models[i + 1]!, searchPath: ctx.searchPath, prefix, ...(ctx.fileRank ? { fileRank: ctx.fileRank } : {}), ...(logged ? { logged } : {}) }
      : undefined;
    const inv = (sub && invertCommandWithSchema(cmd, target, isNew, sub)) ?? invertCommand(cmd, target, isNew);
    inverses.push(inv.inverse);
    for (const k of inv.creates ?? []) {
      local.add(k);
      effects.creates!.push(k);
    }
    if (inv.drops) effects.drops = [...(effects.drops ?? []), ...inv.drops];
  });

  // Reverse order; consecutive subcommands share one statement.
  const parts: InversePart[] = [];
  let group: string[] = [];
  const flush = (): void => {
    if (group.length > 0) parts.push({ sql: `${prefix} ${group.join(', ')};` });
    group = [];
  };
  for (const inv of inverses.reverse()) {
    if ('sub' in inv) {
      group.push(inv.sub);
    } else if ('subs' in inv) {
      group.push(...inv.subs);
    } else if ('parts' in inv) {
      flush();
      parts.push(...inv.parts);
    } else {
      flush();
      parts.push(inv);
    }
  }
  flush();

  const step =
    parts.length === 0
      ? { sql: [] }
      : parts.length === 1 && 'irreversible' in parts[0]!
      ? { irreversible: parts[0].irreversible }
      : parts.length === 1 && 'note' in parts[0]!
        ? { note: parts[0].note }
        : parts.every((p): p is { sql: string } => 'sql' in p)
          ? { sql: parts.map((p) => p.sql) }
          : { parts };
  return { step, effects };
}

interface CommandInverse {
  inverse: SubInverse;
  creates?: string[];
  /** Objects that stop existing under their name (an index taken over by a constraint). */
  drops?: string[];
}

function invertCommand(cmd: AlterTableCmd, t: Target, isNew: (k: string) => boolean): CommandInverse {
  const col = cmd.name ?? '';
  const colName = `${t.name}.${quoteIdent(col)}`;
  const colKey = keys.member(t.relKey, 'col', col);
  const alterCol = `ALTER ${t.columnWord} ${quoteIdent(col)}`;
  /** An irreversible change, unless it only touches a column or table that this migration creates. */
  const lost = (reason: string, label: string, key: string, subject: string): CommandInverse =>
    isNew(key) ? { inverse: coveredNote(label, subject) } : { inverse: { irreversible: reason } };

  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
      const name = def?.colname ?? '';
      const ifExists = cmd.missing_ok ? 'IF EXISTS ' : '';
      return {
        inverse: { sub: `DROP ${t.columnWord} ${ifExists}${quoteIdent(name)}` },
        creates: [keys.member(t.relKey, 'col', name)],
      };
    }
    case 'AT_DropColumn':
      return lost(
        `${t.keyword === 'TYPE' ? 'DROP ATTRIBUTE' : 'DROP COLUMN'} ${colName} deletes the column and its data; restore them from a backup`,
        `DROP ${t.columnWord} ${quoteIdent(col)}`,
        colKey,
        colName,
      );
    case 'AT_AddConstraint':
      return addConstraint(cmd, t, isNew);
    case 'AT_DropConstraint':
      return lost(
        `DROP CONSTRAINT ${quoteIdent(col)} on ${t.name}: its definition is unknown here; add it back as the migration that created it did`,
        `DROP CONSTRAINT ${quoteIdent(col)}`,
        t.relKey,
        t.name,
      );
    case 'AT_ValidateConstraint':
      return { inverse: { note: `VALIDATE CONSTRAINT ${quoteIdent(col)} on ${t.name} only checks existing rows` } };
    // On a column this migration adds, dropping the column undoes these (and SET NOT NULL could fail on its NULLs).
    case 'AT_SetNotNull':
      return isNew(colKey) ? { inverse: coveredNote(`${alterCol} SET NOT NULL`, colName) } : { inverse: { sub: `${alterCol} DROP NOT NULL` } };
    case 'AT_DropNotNull':
      return isNew(colKey) ? { inverse: coveredNote(`${alterCol} DROP NOT NULL`, colName) } : { inverse: { sub: `${alterCol} SET NOT NULL` } };
    case 'AT_ColumnDefault':
      return cmd.def
        ? lost(
            `SET DEFAULT on ${colName}: the earlier default is unknown here; restore it with ALTER COLUMN ... SET DEFAULT (or DROP DEFAULT if there was none)`,
            `${alterCol} SET DEFAULT`,
            colKey,
            colName,
          )
        : lost(
            `DROP DEFAULT on ${colName}: the dropped default is unknown here; restore it with ALTER COLUMN ... SET DEFAULT`,
            `${alterCol} DROP DEFAULT`,
            colKey,
            colName,
          );
    case 'AT_AlterColumnType':
      return lost(
        `ALTER COLUMN ${quoteIdent(col)} TYPE on ${t.name}: the earlier type is unknown here, and converting back may lose data; write the reverse conversion by hand`,
        `${alterCol} TYPE`,
        colKey,
        colName,
      );
    case 'AT_AddIdentity':
      return { inverse: { sub: `${alterCol} DROP IDENTITY` } };
    case 'AT_EnableRowSecurity':
      return { inverse: { sub: 'DISABLE ROW LEVEL SECURITY' } };
    case 'AT_DisableRowSecurity':
      return { inverse: { sub: 'ENABLE ROW LEVEL SECURITY' } };
    case 'AT_ForceRowSecurity':
      return { inverse: { sub: 'NO FORCE ROW LEVEL SECURITY' } };
    case 'AT_NoForceRowSecurity':
      return { inverse: { sub: 'FORCE ROW LEVEL SECURITY' } };
    case 'AT_SetLogged':
      return { inverse: { sub: 'SET UNLOGGED' } };
    case 'AT_SetUnLogged':
      return { inverse: { sub: 'SET LOGGED' } };
    case 'AT_EnableTrig':
      return { inverse: { sub: `DISABLE TRIGGER ${quoteIdent(col)}` } };
    case 'AT_DisableTrig':
      return { inverse: { sub: `ENABLE TRIGGER ${quoteIdent(col)}` } };
    case 'AT_EnableTrigAll':
      return { inverse: { sub: 'DISABLE TRIGGER ALL' } };
    case 'AT_DisableTrigAll':
      return { inverse: { sub: 'ENABLE TRIGGER ALL' } };
    case 'AT_EnableTrigUser':
      return { inverse: { sub: 'DISABLE TRIGGER USER' } };
    case 'AT_DisableTrigUser':
      return { inverse: { sub: 'ENABLE TRIGGER USER' } };
    case 'AT_AddInherit':
    case 'AT_DropInherit': {
      const parent = cmd.def && 'RangeVar' in cmd.def ? relationName(cmd.def.RangeVar) : '';
      return { inverse: { sub: `${cmd.subtype === 'AT_AddInherit' ? 'NO INHERIT' : 'INHERIT'} ${parent}` } };
    }
    case 'AT_AttachPartition': {
      const part = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd.name : undefined;
      if (t.isTable) return { inverse: { sub: `DETACH PARTITION ${relationName(part)}` } };
      return {
        inverse: {
          irreversible: `ATTACH PARTITION ${relationName(part)} to index ${t.name}: an attached index partition cannot be detached; drop the parent index instead`,
        },
      };
    }
    case 'AT_DetachPartition': {
      const part = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd.name : undefined;
      return {
        inverse: {
          irreversible: `DETACH PARTITION ${relationName(part)} from ${t.name}: its partition bounds are unknown here; ATTACH it back with FOR VALUES ... by hand`,
        },
      };
    }
    default:
      return lost(
        `${describe(cmd)} on ${t.name}: the earlier setting is unknown here; restore it by hand`,
        describe(cmd),
        t.relKey,
        t.name,
      );
  }
}

function addConstraint(cmd: AlterTableCmd, t: Target, isNew: (k: string) => boolean): CommandInverse {
  const c: Constraint | undefined = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
  const name = c?.conname;
  if (!name) {
    const kind = constraintKind(c);
    const guess =
      c?.contype === 'CONSTR_PRIMARY'
        ? defaultName(t.rel?.relname, [], 'pkey')
        : c?.contype === 'CONSTR_UNIQUE'
          ? defaultName(t.rel?.relname, stringList(c.keys), 'key')
          : c?.contype === 'CONSTR_FOREIGN'
            ? defaultName(t.rel?.relname, stringList(c.fk_attrs), 'fkey')
            : undefined;
    const hint = guess ? ` (by default ${guess})` : '';
    if (isNew(t.relKey)) return { inverse: coveredNote(`ADD ${kind}`, t.name) };
    return {
      inverse: {
        irreversible: `ADD ${kind} on ${t.name} has no constraint name, so PostgreSQL chose it${hint}; name it with ADD CONSTRAINT name in the up migration, or drop it here by its actual name`,
      },
    };
  }
  const created = [keys.member(t.relKey, 'con', name)];
  if (c?.indexname) {
    // ADD CONSTRAINT ... USING INDEX renames the index to the constraint; dropping the constraint drops it.
    const indexKey = keys.relation({ ...t.rel, relname: c.indexname });
    if (isNew(indexKey)) return { inverse: { sub: `DROP CONSTRAINT ${quoteIdent(name)}` }, creates: created, drops: [indexKey] };
    return {
      inverse: {
        irreversible: `ADD CONSTRAINT ${quoteIdent(name)} USING INDEX ${quoteIdent(c.indexname)} on ${t.name}: dropping the constraint also drops the index, which existed before this migration; drop the constraint and recreate index ${sibling(t.rel, c.indexname)} by hand`,
      },
    };
  }
  return { inverse: { sub: `DROP CONSTRAINT ${quoteIdent(name)}` }, creates: created };
}

function constraintKind(c: Constraint | undefined): string {
  switch (c?.contype) {
    case 'CONSTR_PRIMARY':
      return 'PRIMARY KEY';
    case 'CONSTR_UNIQUE':
      return 'UNIQUE';
    case 'CONSTR_FOREIGN':
      return 'FOREIGN KEY';
    case 'CONSTR_CHECK':
      return 'CHECK';
    case 'CONSTR_EXCLUSION':
      return 'EXCLUDE';
    case 'CONSTR_NOTNULL':
      return 'NOT NULL';
    default:
      return 'constraint';
  }
}

const DESCRIPTIONS: Partial<Record<string, string>> = {
  AT_SetStatistics: 'SET STATISTICS',
  AT_SetOptions: 'SET (attribute options)',
  AT_ResetOptions: 'RESET (attribute options)',
  AT_SetStorage: 'SET STORAGE',
  AT_SetCompression: 'SET COMPRESSION',
  AT_SetExpression: 'SET EXPRESSION',
  AT_DropExpression: 'DROP EXPRESSION',
  AT_AlterConstraint: 'ALTER CONSTRAINT',
  AT_ChangeOwner: 'OWNER TO',
  AT_ClusterOn: 'CLUSTER ON',
  AT_DropCluster: 'SET WITHOUT CLUSTER',
  AT_SetAccessMethod: 'SET ACCESS METHOD',
  AT_SetTableSpace: 'SET TABLESPACE',
  AT_SetRelOptions: 'SET (storage parameters)',
  AT_ResetRelOptions: 'RESET (storage parameters)',
  AT_ReplicaIdentity: 'REPLICA IDENTITY',
  AT_SetIdentity: 'SET (identity options)',
  AT_DropIdentity: 'DROP IDENTITY',
  AT_EnableAlwaysTrig: 'ENABLE ALWAYS TRIGGER',
  AT_EnableReplicaTrig: 'ENABLE REPLICA TRIGGER',
  AT_EnableRule: 'ENABLE RULE',
  AT_EnableAlwaysRule: 'ENABLE ALWAYS RULE',
  AT_EnableReplicaRule: 'ENABLE REPLICA RULE',
  AT_DisableRule: 'DISABLE RULE',
  AT_AddOf: 'OF type',
  AT_DropOf: 'NOT OF',
  AT_GenericOptions: 'OPTIONS',
  AT_AlterColumnGenericOptions: 'ALTER COLUMN OPTIONS',
  AT_DetachPartitionFinalize: 'DETACH PARTITION FINALIZE',
};

function describe(cmd: AlterTableCmd): string {
  const what = DESCRIPTIONS[cmd.subtype ?? ''] ?? (cmd.subtype ?? 'subcommand').replace(/^AT_/, '');
  return cmd.name ? `${what} ${quoteIdent(cmd.name)}` : what;
}

// ---- with the schema before and after the subcommand ------------------------------------------

/** Built-in type families whose values PostgreSQL converts without USING (assignment casts). */
const NUMERIC = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);
const STRING = new Set(['text', 'varchar', 'bpchar', 'name']);
const TIME = new Set(['timestamp', 'timestamptz', 'date']);

function baseName(t: TypeName): { name: string; builtin: boolean; array: boolean } {
  const names = stringList(t.names);
  const name = names[names.length - 1] ?? '';
  const builtin = names.length === 1 ? name === 'text' : names[0] === 'pg_catalog';
  return { name, builtin, array: (t.arrayBounds ?? []).length > 0 };
}

/**
 * Whether `from::to` is a cast PostgreSQL has for sure: between string types and anything (I/O
 * conversion), within the numeric and the date/time families, bool ↔ integer, or the same type.
 * Otherwise (an enum back to smallint, jsonb to integer...) converting back needs an expression.
 */
export function castKnown(from: TypeName, to: TypeName): boolean {
  const a = baseName(from);
  const b = baseName(to);
  if (stringList(from.names).join('.') === stringList(to.names).join('.') && a.array === b.array) return true;
  if (a.array || b.array) return a.array && b.array && ((a.builtin && STRING.has(a.name)) || (b.builtin && STRING.has(b.name)));
  if ((a.builtin && STRING.has(a.name)) || (b.builtin && STRING.has(b.name))) return true;
  if (!a.builtin || !b.builtin) return false;
  if (NUMERIC.has(a.name) && NUMERIC.has(b.name)) return true;
  if (TIME.has(a.name) && TIME.has(b.name)) return true;
  return (a.name === 'bool' && b.name === 'int4') || (a.name === 'int4' && b.name === 'bool');
}

/** Whether `ALTER COLUMN ... TYPE to` needs `USING` for values of type `from`. */
export function needsUsing(from: TypeName, to: TypeName): boolean {
  const a = baseName(from);
  const b = baseName(to);
  if (a.array !== b.array) return true;
  if (a.name === b.name && stringList(from.names).join('.') === stringList(to.names).join('.')) return false;
  if (!a.builtin || !b.builtin) return !(b.builtin && STRING.has(b.name));
  if (STRING.has(b.name) && !a.array) return false;
  if (NUMERIC.has(a.name) && NUMERIC.has(b.name)) return false;
  if (TIME.has(a.name) && TIME.has(b.name)) return false;
  return true;
}

function invertCommandWithSchema(cmd: AlterTableCmd, t: Target, isNew: (k: string) => boolean, s: SubSchema): CommandInverse | undefined {
  const col = cmd.name ?? '';
  const colKey = keys.member(t.relKey, 'col', col);
  const alterCol = `ALTER ${t.columnWord} ${quoteIdent(col)}`;
  const tableBefore = lookupTable(s.before, t.rel, s.searchPath);
  const tableAfter = lookupTable(s.after, t.rel, s.searchPath);
  const colBefore: ColumnModel | undefined = tableBefore?.columns.get(col);
  const colAfter: ColumnModel | undefined = tableAfter?.columns.get(col);
  const unknownsAdded = s.after.unknowns.length > s.before.unknowns.length;
  const restore = (label: string, extra: InversePart[] = []): CommandInverse | undefined => {
    if (!tableBefore) return undefined;
    const parts = [...restoreLost(s.before, s.after, { ...(s.fileRank ? { fileRank: s.fileRank } : {}), ...(s.logged ? { logged: s.logged } : {}) }), ...extra];
    for (const u of s.after.unknowns.slice(s.before.unknowns.length)) parts.push({ irreversible: `${label} on ${t.name}: ${u.reason}` });
    if (parts.length > 0) return { inverse: { parts } };
    if (cmd.missing_ok && tableBefore && !opaqueUnknown(s.before)) return { inverse: { note: `${label} on ${t.name}: no earlier migration creates it, so IF EXISTS skips it` } };
    return undefined;
  };

  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
      if (cmd.missing_ok && def?.colname && tableBefore?.columns.has(def.colname)) {
        return { inverse: { note: `ADD COLUMN IF NOT EXISTS ${quoteIdent(def.colname)} on ${t.name} changes nothing: an earlier migration already creates the column` } };
      }
      return undefined;
    }
    case 'AT_DropColumn':
      if (isNew(colKey)) return undefined;
      return restore(`DROP ${t.columnWord} ${quoteIdent(col)}`);
    case 'AT_DropConstraint': {
      if (isNew(t.relKey)) return undefined;
      // CASCADE of a primary key or unique constraint also drops the foreign keys that use its index.
      const dropped = tableBefore?.constraints.get(col);
      const extra: InversePart[] = [];
      if (tableBefore && dropped && cmd.behavior === 'DROP_CASCADE' && (dropped.kind === 'primary key' || dropped.kind === 'unique')) {
        const cols = [...dropped.columns].sort().join(',');
        // The tables with a foreign key to it (the lookups name them), in the schema's order.
        for (const [, other] of entriesHolding(s.before.refs, 'tables', s.before.tables, [term.references(qualifiedKey(tableBefore.schema, tableBefore.name))])) {
          for (const k of other.constraints.values()) {
            const r = k.references;
            if (!r || r.schema !== tableBefore.schema || r.table !== tableBefore.name || [...r.columns].sort().join(',') !== cols) continue;
            if (lookupTable(s.after, { relname: other.name, schemaname: other.schema }, undefined)?.constraints.has(k.name)) {
              extra.push({ sql: addConstraintSql(other, k) });
            }
          }
        }
      }
      return restore(`DROP CONSTRAINT ${quoteIdent(col)}`, extra);
    }
    case 'AT_AlterColumnType': {
      if (isNew(colKey) || !colBefore || !colAfter || unknownsAdded) return undefined;
      if (colBefore.typeText === colAfter.typeText && colBefore.collation === colAfter.collation) {
        return { inverse: { note: `ALTER COLUMN ${quoteIdent(col)} TYPE on ${t.name} keeps the column's type (${colBefore.typeText})` } };
      }
      if (!castKnown(colAfter.typeName, colBefore.typeName)) {
        return {
          inverse: {
            irreversible: `ALTER COLUMN ${quoteIdent(col)} TYPE on ${t.name}: no cast from ${colAfter.typeText} back to ${colBefore.typeText} is known here; write ALTER COLUMN ${quoteIdent(col)} TYPE ${colBefore.typeText} USING <expression> by hand`,
          },
        };
      }
      const using = needsUsing(colAfter.typeName, colBefore.typeName);
      const collate = colBefore.collation !== colAfter.collation ? ` COLLATE ${colBefore.collation ? colBefore.collation.split('.').map(quoteIdent).join('.') : '"default"'}` : '';
      const type = `${alterCol} TYPE ${colBefore.typeText}${collate}${using ? ` USING ${quoteIdent(col)}::${colBefore.typeText}` : ''}`;
      // The default is converted with the column: set the old one again, as written, so that it is
      // stored for the old type (and drop it first when it may not cast back by itself).
      if (colAfter.defaultText !== undefined && colBefore.defaultText !== undefined) {
        return { inverse: { subs: [...(using ? [`${alterCol} DROP DEFAULT`] : []), type, `${alterCol} SET DEFAULT ${colBefore.defaultText}`] } };
      }
      return { inverse: { sub: type } };
    }
    case 'AT_ColumnDefault': {
      if (isNew(colKey) || !colBefore || !colAfter || unknownsAdded) return undefined;
      if (colBefore.defaultText === colAfter.defaultText) {
        return { inverse: { note: `${alterCol} ${cmd.def ? 'SET' : 'DROP'} DEFAULT on ${t.name} keeps the column's default` } };
      }
      return { inverse: { sub: colBefore.defaultText !== undefined ? `${alterCol} SET DEFAULT ${colBefore.defaultText}` : `${alterCol} DROP DEFAULT` } };
    }
    case 'AT_SetNotNull':
      if (colBefore?.notNull && !isNew(colKey)) return { inverse: { note: `${alterCol} SET NOT NULL on ${t.name}: the column is already NOT NULL` } };
      return undefined;
    case 'AT_DropNotNull':
      if (colBefore && !colBefore.notNull && !isNew(colKey)) return { inverse: { note: `${alterCol} DROP NOT NULL on ${t.name}: the column already allows NULL` } };
      return undefined;
    case 'AT_DropIdentity': {
      if (isNew(colKey) || !colBefore?.identity || unknownsAdded) return undefined;
      const kind = colBefore.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT';
      return {
        inverse: {
          parts: [
            { comment: `the identity sequence of ${t.name}.${quoteIdent(col)} starts again at 1: move it past the column's highest value with setval` },
            { sql: `${s.prefix} ${alterCol} ADD GENERATED ${kind} AS IDENTITY;` },
          ],
        },
      };
    }
    case 'AT_AddConstraint': {
      const c = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
      if (!c || isNew(t.relKey) || !tableBefore || !tableAfter || unknownsAdded) return undefined;
      const added = [...tableAfter.constraints.values()].filter((k) => !tableBefore.constraints.has(k.name));
      if (added.length !== 1) return undefined;
      const name = added[0]!.name;
      if (c.indexname) {
        // USING INDEX took over an index that existed before: it comes back after the constraint goes.
        const index = tableBefore.indexes.get(c.indexname);
        if (!index) return undefined;
        return {
          inverse: { parts: [{ sql: `${s.prefix} DROP CONSTRAINT ${quoteIdent(name)};` }, { sql: `${index.definitionText.trimEnd().replace(/;$/, '')};` }] },
          creates: [keys.member(t.relKey, 'con', name)],
        };
      }
      if (c.conname) return undefined;
      return { inverse: { sub: `DROP CONSTRAINT ${quoteIdent(name)}` }, creates: [keys.member(t.relKey, 'con', name)] };
    }
    default:
      return undefined;
  }
}
