/**
 * Statements that PostgreSQL refuses to run inside a transaction block. golang-migrate's PostgreSQL
 * driver sends a whole migration file as one simple query, and PostgreSQL runs a multi-statement
 * query as one implicit transaction block: such a statement only runs when it is alone in its file.
 * (Each entry was checked against a real PostgreSQL 18: `SELECT 1; <statement>;` fails with
 * "<what> cannot run inside a transaction block".)
 */
import type { Node } from '@pgsql/types';
import { stringList } from '../parsing/ast';

export interface TransactionIncompatibility {
  /** What PostgreSQL names in its error, e.g. `CREATE INDEX CONCURRENTLY`. */
  what: string;
}

const isFalse = (arg: Node | undefined): boolean => {
  if (!arg) return false;
  if ('String' in arg) return /^(false|off|no|0)$/i.test(arg.String.sval ?? '');
  if ('Boolean' in arg) return arg.Boolean.boolval !== true;
  if ('Integer' in arg) return (arg.Integer.ival ?? 0) === 0;
  if ('A_Const' in arg) {
    const c = arg.A_Const;
    if (c.boolval) return c.boolval.boolval !== true;
    if (c.sval) return /^(false|off|no|0)$/i.test(c.sval.sval ?? '');
    if (c.ival) return (c.ival.ival ?? 0) === 0;
  }
  return false;
};

/** The value of a boolean option in a `WITH (...)` list: true when absent and `whenAbsent`. */
function option(options: Node[] | undefined, name: string, whenAbsent: boolean): boolean {
  for (const o of options ?? []) {
    if ('DefElem' in o && o.DefElem.defname === name) return o.DefElem.arg === undefined ? true : !isFalse(o.DefElem.arg);
  }
  return whenAbsent;
}

/**
 * Whether a statement cannot run inside a transaction block on the given PostgreSQL major version.
 * `createdTypes` are the enum types created earlier in the same file (keys `schema.name` or `name`):
 * before PostgreSQL 12, `ALTER TYPE ... ADD VALUE` is allowed on those.
 */
export function transactionIncompatibility(
  ast: Node | undefined,
  postgresVersion: number,
  createdTypes: ReadonlySet<string> = new Set(),
): TransactionIncompatibility | undefined {
  if (!ast) return undefined;
  if ('IndexStmt' in ast) return ast.IndexStmt.concurrent ? { what: 'CREATE INDEX CONCURRENTLY' } : undefined;
  if ('DropStmt' in ast) {
    return ast.DropStmt.concurrent && ast.DropStmt.removeType === 'OBJECT_INDEX' ? { what: 'DROP INDEX CONCURRENTLY' } : undefined;
  }
  if ('ReindexStmt' in ast) {
    const r = ast.ReindexStmt;
    if (option(r.params, 'concurrently', false)) return { what: 'REINDEX CONCURRENTLY' };
    if (r.kind === 'REINDEX_OBJECT_SCHEMA') return { what: 'REINDEX SCHEMA' };
    if (r.kind === 'REINDEX_OBJECT_DATABASE') return { what: 'REINDEX DATABASE' };
    if (r.kind === 'REINDEX_OBJECT_SYSTEM') return { what: 'REINDEX SYSTEM' };
    return undefined;
  }
  if ('VacuumStmt' in ast) return ast.VacuumStmt.is_vacuumcmd ? { what: 'VACUUM' } : undefined;
  if ('ClusterStmt' in ast) return ast.ClusterStmt.relation ? undefined : { what: 'CLUSTER without a table name' };
  if ('CreatedbStmt' in ast) return { what: 'CREATE DATABASE' };
  if ('DropdbStmt' in ast) return { what: 'DROP DATABASE' };
  if ('AlterDatabaseStmt' in ast) {
    return (ast.AlterDatabaseStmt.options ?? []).some((o) => 'DefElem' in o && o.DefElem.defname === 'tablespace')
      ? { what: 'ALTER DATABASE SET TABLESPACE' }
      : undefined;
  }
  if ('AlterSystemStmt' in ast) return { what: 'ALTER SYSTEM' };
  if ('CreateTableSpaceStmt' in ast) return { what: 'CREATE TABLESPACE' };
  if ('DropTableSpaceStmt' in ast) return { what: 'DROP TABLESPACE' };
  if ('DiscardStmt' in ast) return ast.DiscardStmt.target === 'DISCARD_ALL' ? { what: 'DISCARD ALL' } : undefined;
  if ('CreateSubscriptionStmt' in ast) {
    // It creates a replication slot unless told not to (`connect = false` implies no slot).
    const s = ast.CreateSubscriptionStmt;
    return option(s.options, 'create_slot', true) && option(s.options, 'connect', true)
      ? { what: 'CREATE SUBSCRIPTION ... WITH (create_slot = true)' }
      : undefined;
  }
  if ('AlterSubscriptionStmt' in ast) {
    const s = ast.AlterSubscriptionStmt;
    if (s.kind === 'ALTER_SUBSCRIPTION_REFRESH') return { what: 'ALTER SUBSCRIPTION ... REFRESH PUBLICATION' };
    const publication =
      s.kind === 'ALTER_SUBSCRIPTION_SET_PUBLICATION' || s.kind === 'ALTER_SUBSCRIPTION_ADD_PUBLICATION' || s.kind === 'ALTER_SUBSCRIPTION_DROP_PUBLICATION';
    return publication && option(s.options, 'refresh', true) ? { what: 'ALTER SUBSCRIPTION ... PUBLICATION with refresh = true' } : undefined;
  }
  if ('AlterTableStmt' in ast) {
    const detach = (ast.AlterTableStmt.cmds ?? []).some(
      (c) => 'AlterTableCmd' in c && c.AlterTableCmd.subtype === 'AT_DetachPartition' && !!c.AlterTableCmd.def && 'PartitionCmd' in c.AlterTableCmd.def && c.AlterTableCmd.def.PartitionCmd.concurrent,
    );
    return detach ? { what: 'ALTER TABLE ... DETACH PARTITION CONCURRENTLY' } : undefined;
  }
  if ('TransactionStmt' in ast) {
    const kind = ast.TransactionStmt.kind;
    if (kind === 'TRANS_STMT_COMMIT_PREPARED') return { what: 'COMMIT PREPARED' };
    if (kind === 'TRANS_STMT_ROLLBACK_PREPARED') return { what: 'ROLLBACK PREPARED' };
    return undefined;
  }
  if ('AlterEnumStmt' in ast) {
    const e = ast.AlterEnumStmt;
    if (e.oldVal !== undefined || postgresVersion >= 12) return undefined;
    const names = stringList(e.typeName);
    const key = names.join('.');
    const bare = names[names.length - 1] ?? '';
    // PostgreSQL 9.3-11 allow it for a type created in the same transaction.
    if (createdTypes.has(key) || (names.length === 1 && createdTypes.has(`public.${bare}`)) || (names[0] === 'public' && createdTypes.has(bare))) return undefined;
    return { what: 'ALTER TYPE ... ADD VALUE' };
  }
  return undefined;
}

/** Keys of the enum types a statement creates (`CREATE TYPE x AS ENUM`), for `transactionIncompatibility`. */
export function createdEnumKey(ast: Node | undefined): string | undefined {
  if (!ast || !('CreateEnumStmt' in ast)) return undefined;
  return stringList(ast.CreateEnumStmt.typeName).join('.');
}
