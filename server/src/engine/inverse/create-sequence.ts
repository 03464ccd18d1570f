/** CREATE SEQUENCE → DROP SEQUENCE. */
import type { CreateSeqStmt } from '@pgsql/types';
import { relationName } from '../parsing/ast';
import { keys, type Inversion } from './types';

export function invertCreateSequence(stmt: CreateSeqStmt): Inversion {
  const ifExists = stmt.if_not_exists ? 'IF EXISTS ' : '';
  return { step: { sql: [`DROP SEQUENCE ${ifExists}${relationName(stmt.sequence)};`] }, effects: { creates: [keys.relation(stmt.sequence)] } };
}
