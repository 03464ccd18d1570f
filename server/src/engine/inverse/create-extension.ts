/** CREATE EXTENSION → DROP EXTENSION. */
import type { CreateExtensionStmt } from '@pgsql/types';
import { quoteIdent } from '../parsing/ast';
import { keys, type Inversion } from './types';

export function invertCreateExtension(stmt: CreateExtensionStmt): Inversion {
  const name = stmt.extname ?? '';
  const ifExists = stmt.if_not_exists ? 'IF EXISTS ' : '';
  return { step: { sql: [`DROP EXTENSION ${ifExists}${quoteIdent(name)};`] }, effects: { creates: [keys.extension(name)] } };
}
