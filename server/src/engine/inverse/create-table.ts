/** CREATE TABLE / CREATE TABLE AS / CREATE MATERIALIZED VIEW / CREATE FOREIGN TABLE → DROP. */
import type { CreateForeignTableStmt, CreateStmt, CreateTableAsStmt } from '@pgsql/types';
import { relationName } from '../parsing/ast';
import { keys, type Inversion } from './types';

export function invertCreateTable(stmt: CreateStmt): Inversion {
  const ifExists = stmt.if_not_exists ? 'IF EXISTS ' : '';
  return {
    step: { sql: [`DROP TABLE ${ifExists}${relationName(stmt.relation)};`] },
    effects: { creates: [keys.relation(stmt.relation)] },
  };
}

export function invertCreateForeignTable(stmt: CreateForeignTableStmt): Inversion {
  const base = stmt.base ?? {};
  const ifExists = base.if_not_exists ? 'IF EXISTS ' : '';
  return {
    step: { sql: [`DROP FOREIGN TABLE ${ifExists}${relationName(base.relation)};`] },
    effects: { creates: [keys.relation(base.relation)] },
  };
}

export function invertCreateTableAs(stmt: CreateTableAsStmt): Inversion {
  const rel = stmt.into?.rel;
  const kind = stmt.objtype === 'OBJECT_MATVIEW' ? 'MATERIALIZED VIEW' : 'TABLE';
  const ifExists = stmt.if_not_exists ? 'IF EXISTS ' : '';
  return {
    step: { sql: [`DROP ${kind} ${ifExists}${relationName(rel)};`] },
    effects: { creates: [keys.relation(rel)] },
  };
}
