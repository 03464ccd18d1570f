/**
 * The table-level lock a statement takes on objects that existed before its migration, and what
 * that lock blocks. The ACCESS EXCLUSIVE cases are the lock rules' own knowledge
 * (`accessExclusiveLock` in rules/locking.ts, observed through `pg_locks`); the weaker modes below
 * complete it for the review. A statement on tables created earlier in the same file locks nothing
 * anyone else uses, and a statement this module does not know gets no claim at all.
 */
import type { AlterTableCmd, Constraint, Node, RangeVar } from '@pgsql/types';
import { relationName } from '../parsing/ast';
import type { ParsedFile, Statement } from '../parsing/parser';
import { accessExclusiveLock, fileObjects, isFalse, isNewTable, vacuumIsFull } from '../rules/locking';

export type LockMode = 'ACCESS EXCLUSIVE' | 'EXCLUSIVE' | 'SHARE ROW EXCLUSIVE' | 'SHARE' | 'SHARE UPDATE EXCLUSIVE' | 'ROW EXCLUSIVE';

/** What a lock of each mode makes other sessions wait for (PostgreSQL's lock conflict table). */
export const LOCK_BLOCKS: Record<LockMode, string> = {
  'ACCESS EXCLUSIVE': 'all reads and writes',
  EXCLUSIVE: 'writes and SELECT ... FOR UPDATE; plain reads go on',
  'SHARE ROW EXCLUSIVE': 'writes, VACUUM and other schema changes; reads go on',
  SHARE: 'writes (INSERT, UPDATE, DELETE) and VACUUM; reads go on',
  'SHARE UPDATE EXCLUSIVE': 'VACUUM, index builds and other schema changes; reads and writes go on',
  'ROW EXCLUSIVE': 'schema changes (ALTER TABLE, CREATE INDEX); the rows it writes stay locked against other writers until commit',
};

export interface StatementLock {
  mode: LockMode;
  /** The locked relation(s) as written, or a phrase (`the table of i`). */
  relation: string;
}

/**
 * The locks a statement takes on existing relations: `[]` when it takes none that matters (it
 * creates new objects, or works on tables created earlier in the file), `undefined` when this
 * module does not know the statement.
 */
export function statementLocks(parsed: ParsedFile, stmt: Statement, postgresVersion: number): StatementLock[] | undefined {
  const ast = stmt.ast;
  if (!ast) return undefined;
  const out: StatementLock[] = [];
  const exclusive = accessExclusiveLock(parsed, stmt, postgresVersion);
  if (exclusive) out.push({ mode: 'ACCESS EXCLUSIVE', relation: exclusive.relation });
  const existing = (rel: RangeVar | undefined): boolean => !!rel?.relname && !isNewTable(parsed, stmt, rel);
  const add = (mode: LockMode, rel: RangeVar | undefined): void => {
    if (!existing(rel)) return;
    const relation = relationName(rel);
    if (!out.some((l) => l.relation === relation)) out.push({ mode, relation });
  };
  const referenced = (constraints: Constraint[]): void => {
    for (const c of constraints) if (c.contype === 'CONSTR_FOREIGN') add('SHARE ROW EXCLUSIVE', c.pktable);
  };

  if ('AlterTableStmt' in ast) {
    const a = ast.AlterTableStmt;
    if (a.objtype !== 'OBJECT_TABLE' && a.objtype !== 'OBJECT_MATVIEW') return out.length > 0 ? out : undefined;
    const cmds = (a.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : []));
    const modes = cmds.map(alterCmdMode);
    if (!exclusive) {
      const strongest = strongestOf(modes.filter((m): m is LockMode => m !== undefined));
      if (modes.some((m) => m === undefined) && existing(a.relation)) return undefined;
      if (strongest) add(strongest, a.relation);
    }
    referenced(cmds.flatMap((c) => constraintsOf(c.def)));
    return out;
  }
  if ('CreateStmt' in ast) {
    const elts = ast.CreateStmt.tableElts ?? [];
    referenced([...elts.flatMap((e) => constraintsOf(e)), ...elts.flatMap((e) => ('ColumnDef' in e ? (e.ColumnDef.constraints ?? []).flatMap((c) => constraintsOf(c)) : []))]);
    return out;
  }
  if ('IndexStmt' in ast) {
    add(ast.IndexStmt.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE', ast.IndexStmt.relation);
    return out;
  }
  if ('InsertStmt' in ast) {
    add('ROW EXCLUSIVE', ast.InsertStmt.relation);
    return out;
  }
  if ('UpdateStmt' in ast) {
    add('ROW EXCLUSIVE', ast.UpdateStmt.relation);
    return out;
  }
  if ('DeleteStmt' in ast) {
    add('ROW EXCLUSIVE', ast.DeleteStmt.relation);
    return out;
  }
  if ('CreateTrigStmt' in ast) {
    add('SHARE ROW EXCLUSIVE', ast.CreateTrigStmt.relation);
    return out;
  }
  if ('DropStmt' in ast) {
    const d = ast.DropStmt;
    if (d.removeType === 'OBJECT_INDEX' && d.concurrent) {
      return [{ mode: 'SHARE UPDATE EXCLUSIVE', relation: `the tables of ${dropNames(d.objects).join(', ')}` }];
    }
    // Tables, indexes and triggers are the lock rules' (above). A view, materialized view or
    // sequence is a relation of its own: dropping it locks it ACCESS EXCLUSIVE (queries on it wait).
    // Functions, types and domains lock no table, unless CASCADE drops what uses them.
    if (exclusive || d.removeType === 'OBJECT_TABLE' || d.removeType === 'OBJECT_INDEX' || d.removeType === 'OBJECT_TRIGGER') return out;
    if (d.removeType === 'OBJECT_VIEW' || d.removeType === 'OBJECT_MATVIEW' || d.removeType === 'OBJECT_SEQUENCE') {
      // A relation created earlier in the file (not later: `DROP VIEW v; CREATE VIEW v` drops the one in use).
      const createdBefore = (n: string): boolean => (fileObjects(parsed).tables.get(n.includes('.') ? n : `public.${n}`) ?? Infinity) < stmt.index;
      const kept = dropNames(d.objects).filter((n) => !createdBefore(n));
      return kept.length > 0 ? [{ mode: 'ACCESS EXCLUSIVE', relation: kept.join(', ') }] : [];
    }
    const noTable = ['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_TYPE', 'OBJECT_DOMAIN'];
    return noTable.includes(d.removeType ?? '') && d.behavior !== 'DROP_CASCADE' ? [] : undefined;
  }
  if ('ReindexStmt' in ast) {
    const r = ast.ReindexStmt;
    const concurrent = (r.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently' && !isFalse(p.DefElem.arg));
    if (concurrent && r.relation) add('SHARE UPDATE EXCLUSIVE', r.relation);
    return out;
  }
  if ('RefreshMatViewStmt' in ast) {
    if (ast.RefreshMatViewStmt.concurrent) add('EXCLUSIVE', ast.RefreshMatViewStmt.relation);
    return out;
  }
  if ('VacuumStmt' in ast) {
    if (!vacuumIsFull(ast.VacuumStmt.options)) {
      for (const n of ast.VacuumStmt.rels ?? []) if ('VacuumRelation' in n) add('SHARE UPDATE EXCLUSIVE', n.VacuumRelation.relation);
    }
    return out;
  }
  if ('TruncateStmt' in ast || 'ClusterStmt' in ast || 'LockStmt' in ast || 'RenameStmt' in ast) return exclusive ? out : undefined;
  if ('ViewStmt' in ast) {
    // CREATE OR REPLACE VIEW of an existing view locks it ACCESS EXCLUSIVE; a new view locks nothing in use.
    if (ast.ViewStmt.replace) add('ACCESS EXCLUSIVE', ast.ViewStmt.view);
    return out;
  }
  if ('CreateStatsStmt' in ast) {
    for (const n of ast.CreateStatsStmt.relations ?? []) if ('RangeVar' in n) add('SHARE UPDATE EXCLUSIVE', n.RangeVar);
    return out;
  }
  // Statements that create objects, or change no table: no lock on an existing table.
  const none = [
    'CreateTableAsStmt',
    'CreateFunctionStmt',
    'CreateSeqStmt',
    'CreateSchemaStmt',
    'CreateEnumStmt',
    'CompositeTypeStmt',
    'CreateDomainStmt',
    'CreateExtensionStmt',
    'VariableSetStmt',
    'TransactionStmt',
    'CommentStmt',
    'SelectStmt',
  ];
  return none.some((k) => k in ast) ? out : undefined;
}

const ORDER: LockMode[] = ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];

function strongestOf(modes: LockMode[]): LockMode | undefined {
  let best: LockMode | undefined;
  for (const m of modes) if (best === undefined || ORDER.indexOf(m) > ORDER.indexOf(best)) best = m;
  return best;
}

/** The lock mode of one ALTER TABLE subcommand below ACCESS EXCLUSIVE (the lock rules decide that one). */
function alterCmdMode(cmd: AlterTableCmd): LockMode | undefined {
  switch (cmd.subtype) {
    case 'AT_ValidateConstraint':
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
    case 'AT_AttachPartition':
      return 'SHARE UPDATE EXCLUSIVE';
    case 'AT_DetachPartition':
      return cmd.def && 'PartitionCmd' in cmd.def && cmd.def.PartitionCmd.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    case 'AT_EnableTrig':
    case 'AT_EnableAlwaysTrig':
    case 'AT_EnableReplicaTrig':
    case 'AT_DisableTrig':
    case 'AT_EnableTrigAll':
    case 'AT_DisableTrigAll':
    case 'AT_EnableTrigUser':
    case 'AT_DisableTrigUser':
      return 'SHARE ROW EXCLUSIVE';
    case 'AT_AddConstraint': {
      const c = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
      return c?.contype === 'CONSTR_FOREIGN' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    }
    default:
      return 'ACCESS EXCLUSIVE';
  }
}

function constraintsOf(node: Node | undefined): Constraint[] {
  if (!node) return [];
  if ('Constraint' in node) return [node.Constraint];
  if ('ColumnDef' in node) return (node.ColumnDef.constraints ?? []).flatMap((c) => ('Constraint' in c ? [c.Constraint] : []));
  return [];
}

function dropNames(objects: Node[] | undefined): string[] {
  return (objects ?? []).map((o) => ('List' in o ? (o.List.items ?? []).flatMap((i) => ('String' in i ? [i.String.sval ?? ''] : [])).join('.') : ''));
}
