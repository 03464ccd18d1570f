/** Reading definitions the schema model keeps as text: their parse, and the columns they name. */
import type { Node } from '@pgsql/types';
import { parseSql } from '../parsing/parser';
import type { TableModel } from '../schema/model';

/** The first statement of a text, parsed (undefined when it does not parse). */
export function firstAst(text: string): Node | undefined {
  if (firstAsts.has(text)) return firstAsts.get(text);
  const parsed = parseSql(text);
  const ast = parsed.errors.length === 0 ? parsed.statements[0]?.ast : undefined;
  // The same definitions are read again and again (every diff of a table reads its indexes): kept,
  // as normalizeSql keeps its results. Callers only read the tree.
  if (firstAsts.size >= 5000) firstAsts.clear();
  firstAsts.set(text, ast);
  return ast;
}
const firstAsts = new Map<string, Node | undefined>();

/** Visits every object of an AST (depth first). */
export function walk(node: unknown, visit: (key: string, value: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) visit(k, v as Record<string, unknown>);
    walk(v, visit);
  }
}

/**
 * Columns an index or constraint definition names (in its columns, expressions or WHERE) that the
 * table does not have: the definition was written before a column rename the model did not carry
 * into it. Empty when the text names only existing columns (or cannot be read).
 */
export function staleColumns(table: TableModel, text: string, wrap?: (text: string) => string): string[] {
  const ast = firstAst(wrap ? wrap(text) : text);
  if (!ast) return [];
  const names = new Set<string>();
  walk(ast, (key, value) => {
    if (key === 'ColumnRef') {
      const fields = (value.fields as { String?: { sval?: string } }[] | undefined) ?? [];
      const last = fields[fields.length - 1]?.String?.sval;
      if (last) names.add(last);
    }
    if (key === 'IndexElem' && typeof value.name === 'string') names.add(value.name);
  });
  return [...names].filter((n) => !table.columns.has(n));
}

