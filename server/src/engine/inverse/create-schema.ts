/** CREATE SCHEMA → DROP SCHEMA (CASCADE when the statement also created objects inside it). */
import type { CreateSchemaStmt } from '@pgsql/types';
import { quoteIdent } from '../parsing/ast';
import { keys, type Inversion } from './types';

export function invertCreateSchema(stmt: CreateSchemaStmt): Inversion {
  // `CREATE SCHEMA AUTHORIZATION joe` names the schema after the role.
  const name = stmt.schemaname ?? stmt.authrole?.rolename ?? '';
  const ifExists = stmt.if_not_exists ? 'IF EXISTS ' : '';
  // The elements were created by this same statement, so dropping them with the schema is its exact inverse.
  const cascade = (stmt.schemaElts ?? []).length > 0 ? ' CASCADE' : '';
  return { step: { sql: [`DROP SCHEMA ${ifExists}${quoteIdent(name)}${cascade};`] }, effects: { creates: [keys.schema(name)] } };
}
