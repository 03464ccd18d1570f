/**
 * Statements that cannot change the rows already in a table: creating things (tables, indexes,
 * views, functions, triggers, types), dropping derived things (indexes, views, functions,
 * triggers) without CASCADE, and ALTER TABLE subcommands that add or drop constraints, defaults or
 * NOT NULL. A migration whose up and down consist of such statements only cannot lose or change
 * data, so `verify --all` does not fill the tables for it (the result is the same without rows).
 * Anything else (UPDATE, DELETE, DO, SELECT of a function, DROP COLUMN, type changes, renames...)
 * counts as changing data.
 */
import type { Node } from '@pgsql/types';
import { parseSql } from '../parsing/parser';

const NEUTRAL_STATEMENTS = new Set([
  'CreateStmt',
  'IndexStmt',
  'ViewStmt',
  'CreateFunctionStmt',
  'CreateTrigStmt',
  'CommentStmt',
  'GrantStmt',
  'GrantRoleStmt',
  'CreateSeqStmt',
  'AlterSeqStmt',
  'CreateEnumStmt',
  'CompositeTypeStmt',
  'CreateDomainStmt',
  'CreateRangeStmt',
  'CreateExtensionStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'AlterOwnerStmt',
  'CreateTableAsStmt',
  'RefreshMatViewStmt',
  'VariableSetStmt',
  'CreateCastStmt',
  'AlterDefaultPrivilegesStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'CreateEventTrigStmt',
  'CreatePublicationStmt',
  'CreateStatsStmt',
]);

const NEUTRAL_DROPS = new Set(['OBJECT_INDEX', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE', 'OBJECT_STATISTIC_EXT']);

const NEUTRAL_ALTER_TABLE = new Set([
  'AT_AddColumn',
  'AT_AddConstraint',
  'AT_ValidateConstraint',
  'AT_DropConstraint',
  'AT_ColumnDefault',
  'AT_SetNotNull',
  'AT_DropNotNull',
  'AT_EnableTrig',
  'AT_DisableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
  'AT_ChangeOwner',
  'AT_SetStatistics',
  'AT_SetStorage',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_EnableRowSecurity',
  'AT_DisableRowSecurity',
  'AT_ForceRowSecurity',
  'AT_NoForceRowSecurity',
  'AT_AddIdentity',
  'AT_SetIdentity',
  'AT_ReplicaIdentity',
  'AT_AddIndex',
  'AT_AddIndexConstraint',
]);

function neutral(ast: Node | undefined): boolean {
  if (!ast) return false;
  const kind = Object.keys(ast)[0]!;
  if (NEUTRAL_STATEMENTS.has(kind)) return true;
  if ('DropStmt' in ast) return NEUTRAL_DROPS.has(ast.DropStmt.removeType ?? '') && ast.DropStmt.behavior !== 'DROP_CASCADE';
  if ('AlterTableStmt' in ast) {
    return (ast.AlterTableStmt.cmds ?? []).every((c) => 'AlterTableCmd' in c && NEUTRAL_ALTER_TABLE.has(c.AlterTableCmd.subtype ?? '') && c.AlterTableCmd.behavior !== 'DROP_CASCADE');
  }
  // Adding an enum value changes no row; renaming one changes what rows hold.
  if ('AlterEnumStmt' in ast) return !ast.AlterEnumStmt.oldVal;
  if ('TransactionStmt' in ast) return true;
  return false;
}

/** Whether every statement of these SQL texts leaves the rows already in tables as they are. */
export function isDataNeutral(sqls: readonly string[]): boolean {
  for (const sql of sqls) {
    const parsed = parseSql(sql);
    if (parsed.errors.length > 0) return false;
    if (!parsed.statements.every((s) => neutral(s.ast))) return false;
  }
  return true;
}
