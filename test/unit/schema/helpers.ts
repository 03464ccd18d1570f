/** Test helpers for the schema model. */
import { SchemaModel, applySql, type TableModel } from '../../../server/src/engine/schema';

export const FILE = '/m/000001_test.up.sql';

/** The schema after running `sql` on an empty database. */
export function model(sql: string, base: SchemaModel = SchemaModel.empty()): SchemaModel {
  return applySql(base, sql, FILE);
}

/** `name type [NOT NULL] [DEFAULT x]` per column, for compact assertions. */
export function columnSummary(t: TableModel | undefined): string[] {
  return [...(t?.columns.values() ?? [])].map(
    (c) => `${c.name} ${c.typeText}${c.notNull ? ' NOT NULL' : ''}${c.defaultText !== undefined ? ` DEFAULT ${c.defaultText}` : ''}`,
  );
}

export function definitions(t: TableModel | undefined): string[] {
  return [...(t?.columns.values() ?? [])].map((c) => c.definitionText);
}

/** `name: definition` per constraint. */
export function constraintSummary(t: TableModel | undefined): string[] {
  return [...(t?.constraints.values() ?? [])].map((c) => `${c.name}${c.nameDerived ? '*' : ''}: ${c.definitionText}`);
}

export function indexSummary(t: TableModel | undefined): string[] {
  return [...(t?.indexes.values() ?? [])].map((i) => `${i.name}${i.nameDerived ? '*' : ''}: ${i.definitionText}`);
}

export function unknownReasons(m: SchemaModel): string[] {
  return m.unknowns.map((u) => u.reason);
}
