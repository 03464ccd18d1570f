/**
 * SQL that recreates modelled objects in their current state (for inverses: DROP TABLE → CREATE
 * TABLE as it was). Every constraint is written with its name, so that a recreated table has the
 * names the model knows even where PostgreSQL derived them from a table name since changed.
 */
import { quoteIdent } from '../parsing/ast';
import { DEFAULT_SCHEMA, type TableModel } from './model';
import { renderColumn } from './replay';

/** `name` in `public`, `schema.name` elsewhere, quoted as needed. */
export function qualifiedLabel(schema: string, name: string): string {
  return schema === DEFAULT_SCHEMA ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * The statements that recreate a table as the model has it: CREATE TABLE with its columns and
 * named constraints, then its other indexes and its triggers (without `;`). Undefined when the
 * model cannot know the table exactly (`complete` false, or a child/partition of another table).
 */
export function renderTable(t: TableModel, eol = '\n'): string[] | undefined {
  if (!t.complete || t.parents.length > 0) return undefined;
  const elements = [...t.columns.values()].map((c) => renderColumn(c));
  for (const k of t.constraints.values()) elements.push(`CONSTRAINT ${quoteIdent(k.name)} ${k.definitionText}`);
  const head = `CREATE ${t.unlogged ? 'UNLOGGED ' : ''}TABLE ${qualifiedLabel(t.schema, t.name)} (`;
  const out = [elements.length === 0 ? `${head})` : `${head}${eol}${elements.map((e) => `    ${e}`).join(`,${eol}`)}${eol})`];
  for (const i of t.indexes.values()) if (!i.constraint) out.push(i.definitionText);
  for (const tr of t.triggers.values()) out.push(tr.definitionText);
  return out;
}
