/** CREATE INDEX → DROP INDEX, in the schema of its table. */
import type { IndexStmt } from '@pgsql/types';
import { defaultName, irreversible, keys, sibling, type Inversion } from './types';

export function invertCreateIndex(stmt: IndexStmt): Inversion {
  const table = stmt.relation;
  const tableKey = keys.relation(table);
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
