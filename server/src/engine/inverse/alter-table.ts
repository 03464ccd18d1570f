/**
 * ALTER TABLE (and ALTER INDEX / VIEW / MATERIALIZED VIEW / SEQUENCE / FOREIGN TABLE / TYPE, which
 * share the node) → the inverse of each subcommand, in reverse order. Consecutive reversible
 * inverses share one ALTER statement; an irreversible subcommand becomes a TODO line between them.
 */
import type { AlterTableCmd, AlterTableStmt, Constraint, RangeVar } from '@pgsql/types';
import { quoteIdent, relationName, stringList } from '../parsing/ast';
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

/** The inverse of one subcommand: a subcommand for the same ALTER statement, a TODO, or a note. */
type SubInverse = { sub: string } | { irreversible: string } | { note: string };

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
  for (const node of stmt.cmds ?? []) {
    if (!('AlterTableCmd' in node)) continue;
    const cmd = node.AlterTableCmd;
    const inv = invertCommand(cmd, target, isNew);
    inverses.push(inv.inverse);
    for (const k of inv.creates ?? []) {
      local.add(k);
      effects.creates!.push(k);
    }
    if (inv.drops) effects.drops = [...(effects.drops ?? []), ...inv.drops];
  }

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
    } else {
      flush();
      parts.push(inv);
    }
  }
  flush();

  const step =
    parts.length === 1 && 'irreversible' in parts[0]!
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
    case 'AT_SetNotNull':
      return { inverse: { sub: `${alterCol} DROP NOT NULL` } };
    case 'AT_DropNotNull':
      return { inverse: { sub: `${alterCol} SET NOT NULL` } };
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
