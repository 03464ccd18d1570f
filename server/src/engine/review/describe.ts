/**
 * What a statement does, in a few words for a reviewer: `drops column fax of customers`,
 * `creates unique index orders_ref_idx on orders (ref) concurrently`. Written from the AST; a
 * statement this module does not know is named by its leading keywords.
 */
import type { AlterTableCmd, Constraint, Node } from '@pgsql/types';
import { qualifiedName, quoteIdent, relationName, renderTypeName, stringList } from '../parsing/ast';
import type { Statement } from '../parsing/parser';

const words = (s: string): string =>
  s
    .replace(/^(AT_|OBJECT_|CONSTR_)/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();

const CONSTRAINT_KIND: Record<string, string> = {
  CONSTR_FOREIGN: 'foreign key',
  CONSTR_CHECK: 'check',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary key',
  CONSTR_EXCLUSION: 'exclusion',
  CONSTR_NOTNULL: 'not-null',
};

function describeConstraint(c: Constraint, table: string): string {
  const kind = CONSTRAINT_KIND[c.contype ?? ''] ?? 'a';
  const name = c.conname ? ` ${quoteIdent(c.conname)}` : '';
  const cols = stringList(c.keys ?? c.fk_attrs);
  const on = cols.length > 0 ? ` (${cols.map(quoteIdent).join(', ')})` : '';
  const refs = c.contype === 'CONSTR_FOREIGN' && c.pktable ? ` referencing ${relationName(c.pktable)}` : '';
  const usingIndex = c.indexname ? ` using index ${quoteIdent(c.indexname)}` : '';
  const notValid = c.skip_validation ? ' NOT VALID' : '';
  return `adds ${kind} constraint${name} to ${table}${on}${refs}${usingIndex}${notValid}`;
}

function describeAlterCmd(cmd: AlterTableCmd, table: string): string {
  const col = cmd.name ? `${table}.${quoteIdent(cmd.name)}` : table;
  const def = cmd.def;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const c = def && 'ColumnDef' in def ? def.ColumnDef : undefined;
      const extras = (c?.constraints ?? []).flatMap((n) => ('Constraint' in n ? [n.Constraint] : []));
      const notNull = extras.some((x) => x.contype === 'CONSTR_NOTNULL') ? ' NOT NULL' : '';
      const withDefault = extras.some((x) => x.contype === 'CONSTR_DEFAULT') ? ' with a default' : '';
      return `adds column ${quoteIdent(c?.colname ?? '')} (${renderTypeName(c?.typeName)}${notNull}) to ${table}${withDefault}`;
    }
    case 'AT_DropColumn':
      return `drops column ${col}${cmd.behavior === 'DROP_CASCADE' ? ' and what depends on it (CASCADE)' : ''}`;
    case 'AT_AlterColumnType': {
      const c = def && 'ColumnDef' in def ? def.ColumnDef : undefined;
      return `changes the type of ${col} to ${renderTypeName(c?.typeName)}${c?.raw_default ? ' (with USING)' : ''}`;
    }
    case 'AT_SetNotNull':
      return `makes ${col} NOT NULL`;
    case 'AT_DropNotNull':
      return `lets ${col} be NULL`;
    case 'AT_ColumnDefault':
      return def ? `sets the default of ${col}` : `drops the default of ${col}`;
    case 'AT_AddConstraint':
      return def && 'Constraint' in def ? describeConstraint(def.Constraint, table) : `adds a constraint to ${table}`;
    case 'AT_ValidateConstraint':
      return `validates constraint ${quoteIdent(cmd.name ?? '')} of ${table}`;
    case 'AT_DropConstraint':
      return `drops constraint ${quoteIdent(cmd.name ?? '')} of ${table}`;
    case 'AT_AttachPartition':
    case 'AT_DetachPartition': {
      const p = def && 'PartitionCmd' in def ? relationName(def.PartitionCmd.name) : '';
      return `${cmd.subtype === 'AT_AttachPartition' ? 'attaches' : 'detaches'} partition ${p} ${cmd.subtype === 'AT_AttachPartition' ? 'to' : 'from'} ${table}`;
    }
    case 'AT_EnableTrig':
    case 'AT_EnableAlwaysTrig':
    case 'AT_EnableReplicaTrig':
      return `enables trigger ${quoteIdent(cmd.name ?? '')} on ${table}`;
    case 'AT_DisableTrig':
      return `disables trigger ${quoteIdent(cmd.name ?? '')} on ${table}`;
    case 'AT_EnableTrigAll':
    case 'AT_EnableTrigUser':
      return `enables all ${cmd.subtype === 'AT_EnableTrigUser' ? 'user ' : ''}triggers on ${table}`;
    case 'AT_DisableTrigAll':
    case 'AT_DisableTrigUser':
      return `disables all ${cmd.subtype === 'AT_DisableTrigUser' ? 'user ' : ''}triggers on ${table}`;
    case 'AT_EnableRowSecurity':
      return `enables row level security on ${table}`;
    case 'AT_DisableRowSecurity':
      return `disables row level security on ${table}`;
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      return `makes ${table} ${cmd.subtype === 'AT_SetLogged' ? 'logged' : 'unlogged'}`;
    case 'AT_ChangeOwner':
      return `changes the owner of ${table}`;
    default:
      return `${words(cmd.subtype ?? 'alter')} on ${col}`;
  }
}

function dropObjectName(o: Node): string {
  if ('List' in o) return qualifiedName(o);
  if ('String' in o) return quoteIdent(o.String.sval ?? '');
  if ('TypeName' in o) return renderTypeName(o.TypeName);
  if ('ObjectWithArgs' in o) return qualifiedName(o.ObjectWithArgs.objname);
  return '';
}

const DROP_KIND: Record<string, string> = { OBJECT_MATVIEW: 'materialized view', OBJECT_FOREIGN_TABLE: 'foreign table' };

/** What the statement does, lower case, without a final period. */
export function describeStatement(stmt: Statement): string {
  const ast = stmt.ast;
  if (!ast) return 'does not parse (syntax error)';
  if ('CreateStmt' in ast) {
    const c = ast.CreateStmt;
    const cols = (c.tableElts ?? []).filter((e) => 'ColumnDef' in e).length;
    const partition = c.partbound && c.inhRelations?.[0] && 'RangeVar' in c.inhRelations[0] ? ` as a partition of ${relationName(c.inhRelations[0].RangeVar)}` : '';
    return `creates table ${relationName(c.relation)}${partition}${cols > 0 ? ` (${cols} column${cols === 1 ? '' : 's'})` : ''}`;
  }
  if ('CreateTableAsStmt' in ast) {
    const kind = ast.CreateTableAsStmt.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table';
    return `creates ${kind} ${relationName(ast.CreateTableAsStmt.into?.rel)} from a query`;
  }
  if ('AlterTableStmt' in ast) {
    const a = ast.AlterTableStmt;
    const table = relationName(a.relation);
    const parts = (a.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [describeAlterCmd(c.AlterTableCmd, table)] : []));
    return parts.length > 0 ? parts.join('; ') : `alters ${table}`;
  }
  if ('RenameStmt' in ast) {
    const r = ast.RenameStmt;
    const to = quoteIdent(r.newname ?? '');
    const rel = relationName(r.relation);
    switch (r.renameType) {
      case 'OBJECT_COLUMN':
        return `renames column ${rel}.${quoteIdent(r.subname ?? '')} to ${to}`;
      case 'OBJECT_TABCONSTRAINT':
        return `renames constraint ${quoteIdent(r.subname ?? '')} of ${rel} to ${to}`;
      case 'OBJECT_TABLE':
      case 'OBJECT_INDEX':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_SEQUENCE':
        return `renames ${DROP_KIND[r.renameType] ?? words(r.renameType)} ${rel} to ${to}`;
      default:
        return `renames ${words(r.renameType ?? 'object')} ${r.object ? dropObjectName(r.object) : rel} to ${to}`;
    }
  }
  if ('IndexStmt' in ast) {
    const i = ast.IndexStmt;
    const cols = (i.indexParams ?? []).map((p) => ('IndexElem' in p ? (p.IndexElem.name ? quoteIdent(p.IndexElem.name) : 'an expression') : ''));
    return `creates ${i.unique ? 'unique ' : ''}index ${i.idxname ? `${quoteIdent(i.idxname)} ` : ''}on ${relationName(i.relation)} (${cols.join(', ')})${i.concurrent ? ' concurrently' : ''}${i.whereClause ? ', partial' : ''}`;
  }
  if ('DropStmt' in ast) {
    const d = ast.DropStmt;
    const kind = DROP_KIND[d.removeType ?? ''] ?? words(d.removeType ?? 'object');
    const names = (d.objects ?? []).map(dropObjectName).filter((n) => n !== '');
    return `drops ${kind} ${names.join(', ')}${d.concurrent ? ' concurrently' : ''}${d.behavior === 'DROP_CASCADE' ? ' and everything that depends on it (CASCADE)' : ''}`;
  }
  if ('TruncateStmt' in ast) {
    const rels = (ast.TruncateStmt.relations ?? []).flatMap((n) => ('RangeVar' in n ? [relationName(n.RangeVar)] : []));
    return `empties ${rels.join(', ')}${ast.TruncateStmt.behavior === 'DROP_CASCADE' ? ' and the tables that reference them (CASCADE)' : ''}`;
  }
  if ('InsertStmt' in ast) {
    const i = ast.InsertStmt;
    const select = i.selectStmt && 'SelectStmt' in i.selectStmt ? i.selectStmt.SelectStmt : undefined;
    const values = select?.valuesLists?.length;
    return values !== undefined ? `inserts ${values} row${values === 1 ? '' : 's'} into ${relationName(i.relation)}` : `inserts rows from a query into ${relationName(i.relation)}`;
  }
  if ('UpdateStmt' in ast) {
    const u = ast.UpdateStmt;
    const cols = (u.targetList ?? []).flatMap((t) => ('ResTarget' in t && t.ResTarget.name ? [quoteIdent(t.ResTarget.name)] : []));
    return `updates ${[...new Set(cols)].join(', ')} of ${u.whereClause ? 'the rows of' : 'every row of'} ${relationName(u.relation)}`;
  }
  if ('DeleteStmt' in ast) {
    return `deletes ${ast.DeleteStmt.whereClause ? 'the matching rows' : 'every row'} of ${relationName(ast.DeleteStmt.relation)}`;
  }
  if ('ViewStmt' in ast) return `${ast.ViewStmt.replace ? 'creates or replaces' : 'creates'} view ${relationName(ast.ViewStmt.view)}`;
  if ('CreateFunctionStmt' in ast) {
    const f = ast.CreateFunctionStmt;
    return `${f.replace ? 'creates or replaces' : 'creates'} ${f.is_procedure ? 'procedure' : 'function'} ${qualifiedName(f.funcname)}`;
  }
  if ('CreateTrigStmt' in ast) return `creates trigger ${quoteIdent(ast.CreateTrigStmt.trigname ?? '')} on ${relationName(ast.CreateTrigStmt.relation)}`;
  if ('CreateEnumStmt' in ast) return `creates enum type ${qualifiedName(ast.CreateEnumStmt.typeName)} (${(ast.CreateEnumStmt.vals ?? []).length} values)`;
  if ('AlterEnumStmt' in ast) {
    const e = ast.AlterEnumStmt;
    return e.oldVal ? `renames value '${e.oldVal}' of enum ${qualifiedName(e.typeName)}` : `adds value '${e.newVal ?? ''}' to enum ${qualifiedName(e.typeName)}`;
  }
  if ('CompositeTypeStmt' in ast) return `creates type ${relationName(ast.CompositeTypeStmt.typevar)}`;
  if ('CreateDomainStmt' in ast) return `creates domain ${qualifiedName(ast.CreateDomainStmt.domainname)}`;
  if ('CreateSeqStmt' in ast) return `creates sequence ${relationName(ast.CreateSeqStmt.sequence)}`;
  if ('AlterSeqStmt' in ast) return `alters sequence ${relationName(ast.AlterSeqStmt.sequence)}`;
  if ('CreateSchemaStmt' in ast) return `creates schema ${quoteIdent(ast.CreateSchemaStmt.schemaname ?? '')}`;
  if ('CreateExtensionStmt' in ast) return `installs extension ${quoteIdent(ast.CreateExtensionStmt.extname ?? '')}`;
  if ('CommentStmt' in ast) return `sets the comment on a ${words(ast.CommentStmt.objtype ?? 'object')}`;
  if ('GrantStmt' in ast) return `${ast.GrantStmt.is_grant ? 'grants' : 'revokes'} privileges on ${words(ast.GrantStmt.objtype ?? 'object')}s`;
  if ('VariableSetStmt' in ast) {
    const v = ast.VariableSetStmt;
    return v.kind === 'VAR_RESET' ? `resets ${v.name ?? ''}` : `sets ${v.name ?? ''}${v.is_local ? ' for the transaction' : ''}`;
  }
  if ('TransactionStmt' in ast) return `${words(ast.TransactionStmt.kind ?? 'transaction').replace(/^trans stmt /, '')} (transaction control)`;
  if ('DoStmt' in ast) return 'runs an anonymous code block (DO)';
  if ('CreatePolicyStmt' in ast) return `creates policy ${quoteIdent(ast.CreatePolicyStmt.policy_name ?? '')} on ${relationName(ast.CreatePolicyStmt.table)}`;
  if ('RefreshMatViewStmt' in ast) return `refreshes materialized view ${relationName(ast.RefreshMatViewStmt.relation)}${ast.RefreshMatViewStmt.concurrent ? ' concurrently' : ''}`;
  if ('VacuumStmt' in ast) return ast.VacuumStmt.is_vacuumcmd ? 'vacuums tables' : 'analyzes tables';
  if ('ReindexStmt' in ast) return `rebuilds ${ast.ReindexStmt.relation ? `the indexes of ${relationName(ast.ReindexStmt.relation)}` : 'indexes'}`;
  if ('LockStmt' in ast) return `locks ${(ast.LockStmt.relations ?? []).flatMap((n) => ('RangeVar' in n ? [relationName(n.RangeVar)] : [])).join(', ')}`;
  if ('SelectStmt' in ast) return 'runs a query';
  return `runs ${leadingKeywords(stmt.text)}`;
}

/** `CREATE EXTENSION`, `ALTER DEFAULT PRIVILEGES`: the statement's first upper-cased words. */
function leadingKeywords(text: string): string {
  const m = /^\s*([A-Za-z]+(?:\s+[A-Za-z]+)?)/.exec(text);
  return m ? m[1]!.replace(/\s+/g, ' ').toUpperCase() : 'a statement';
}

/** The statement on one line, shortened for a table cell. */
export function shortStatement(stmt: Statement, max = 72): string {
  const one = stmt.text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1).trimEnd()}…`;
}
