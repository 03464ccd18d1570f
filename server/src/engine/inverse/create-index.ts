/**
 * CREATE INDEX → DROP INDEX, in the schema of its table. An index on a table this migration creates
 * needs no drop of its own: the table's drop takes it along (a separate DROP INDEX would only draw
 * a lock finding in the down).
 */
import type { IndexStmt } from '@pgsql/types';
import { relationName } from '../parsing/ast';
import { coveredNote, defaultName, excerpt, irreversible, keys, sibling, type InverseContext, type Inversion } from './types';

export function invertCreateIndex(stmt: IndexStmt, ctx?: InverseContext, text?: string): Inversion {
  const table = stmt.relation;
  const tableKey = keys.relation(table);
  if (ctx?.isCreated(tableKey)) {
    const created = stmt.idxname ? [keys.relation({ ...table, relname: stmt.idxname })] : [];
    return { step: coveredNote(excerpt(text ?? `CREATE INDEX ${stmt.idxname ?? ''}`, 60), relationName(table)), effects: { creates: created, touches: [tableKey] } };
  }
  if (!stmt.idxname) {
    const columns: string[] = [];
    for (const p of stmt.indexParams ?? []) {
      const name = 'IndexElem' in p ? p.IndexElem.name : undefined;
      if (!name) {
        columns.length = 0;
        break;
      }
      columns.push(name);
    }
    const guess = defaultName(table?.relname, columns, 'idx');
    const hint = guess ? ` (by default ${guess})` : '';
    return irreversible(
      `CREATE INDEX on ${sibling(table, table?.relname ?? '')} has no name, so PostgreSQL chose it${hint}; name the index in the up migration, or drop it here by its actual name`,
      { touches: [tableKey] },
    );
  }
  const concurrently = stmt.concurrent ? 'CONCURRENTLY ' : '';
  const ifExists = stmt.if_not_exists ? 'IF EXISTS ' : '';
  return {
    step: { sql: [`DROP INDEX ${concurrently}${ifExists}${sibling(table, stmt.idxname)};`] },
    effects: { creates: [keys.relation({ ...table, relname: stmt.idxname })], touches: [tableKey] },
  };
}
