/**
 * What depends on what, as PostgreSQL records it (pg_depend), for what the schema model holds: what
 * `DROP ... CASCADE` takes along (and what a plain drop refuses over), and what a rename must carry
 * into the texts that name the renamed object.
 *
 * - a view depends on the tables and views it reads, and on the columns it reads: the ones it names,
 *   and every column of a table it reads with `*` (PostgreSQL expands `*` when the view is created);
 *   on the functions it calls;
 * - a foreign key depends on the referenced table and on its primary key or unique constraint (the
 *   index) over the referenced columns, and on the referenced columns;
 * - a column default depends on the sequences it names (`nextval('s')`) and the functions it calls;
 * - a trigger depends on its function; a CHECK constraint on the functions it calls;
 * - a column depends on its type; nothing depends on a foreign key, CHECK or NOT NULL constraint,
 *   a trigger, or a non-unique index.
 * Where a dependency lives in code the model does not read (function bodies, DO blocks), it is not
 * known: callers treat an empty answer for such objects as "nothing known", not "nothing".
 */
import type { Node } from '@pgsql/types';
import { stringList } from '../parsing/ast';
import { tokensOf } from '../parsing/lexer';
import { parseSql } from '../parsing/parser';
import { callIndexed, defaultSequence } from './mentions';
import { DEFAULT_SCHEMA, qualifiedKey, type SequenceModel, type TableModel, type ViewModel } from './model';
import { entriesHolding, term, type Lookup } from './refs';

/** What the queries below read of a schema (a snapshot, or a replay's draft). */
export interface SchemaMaps {
  readonly tables: ReadonlyMap<string, TableModel>;
  readonly views: ReadonlyMap<string, ViewModel>;
  readonly sequences: ReadonlyMap<string, SequenceModel>;
  /**
   * Who may hold a term (refs.ts; a snapshot's own `refs`): every table or view that does is among
   * the keys given. With it, a question costs a lookup of the few that may answer instead of a scan
   * of every table.
   */
  readonly refs?: Lookup;
}

/**
 * The entries of one map that may hold any of these terms, in the map's order (every entry without
 * lookups). Callers test each: a lookup only narrows.
 */
function holding<V>(model: SchemaMaps, kind: 'tables' | 'views' | 'sequences', terms: Iterable<string> | 'all'): Iterable<readonly [string, V]> {
  const map = model[kind] as unknown as ReadonlyMap<string, V>;
  return !model.refs || terms === 'all' ? map : entriesHolding(model.refs, kind, map, terms);
}

export type DependentKind = 'view' | 'foreign key' | 'default' | 'trigger' | 'constraint';

export interface Dependent {
  kind: DependentKind;
  /** For messages: `view active_users`, `foreign key orders_user_id_fkey of shop.orders`. */
  label: string;
  /** The table (views: the view) the dependent belongs to, as a qualified key. */
  owner: string;
  /** The dependent's own name: a view's key, a constraint's or trigger's name, a default's column. */
  name: string;
}

function display(key: string): string {
  return key.startsWith(`${DEFAULT_SCHEMA}.`) ? key.slice(DEFAULT_SCHEMA.length + 1) : key;
}

interface Reads {
  /** Column names named anywhere in the query (last part of each column reference). */
  columns: Set<string>;
  /** Whether the query has a `*` (or `t.*`). */
  star: boolean;
  /** Names of the functions it calls (last part). */
  functions: Set<string>;
}

const readsCache = new Map<string, Reads>();

/** What a definition text reads: the column names and functions it names, and whether it uses `*`. */
export function readsOf(text: string): Reads {
  let r = readsCache.get(text);
  if (r) return r;
  r = { columns: new Set(), star: false, functions: new Set() };
  const out = r;
  const parsed = parseSql(text);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if ('ColumnRef' in o) {
      const fields = (o.ColumnRef as { fields?: Node[] }).fields ?? [];
      const names = stringList(fields);
      const last = names[names.length - 1];
      if (last === '*') out.star = true;
      else if (last) out.columns.add(last);
    }
    if ('FuncCall' in o) {
      const names = stringList((o.FuncCall as { funcname?: Node[] }).funcname);
      const last = names[names.length - 1];
      if (last) out.functions.add(last);
    }
    for (const v of Object.values(o)) visit(v);
  };
  if (parsed.errors.length === 0) for (const s of parsed.statements) visit(s.ast);
  else {
    // Not SQL the parser reads alone (a fragment): its words, as a conservative answer.
    for (const t of tokensOf(text)) if (t.kind === 'word' || t.kind === 'quoted-ident') out.columns.add(t.kind === 'word' ? t.value.toLowerCase() : t.value);
  }
  if (readsCache.size > 2000) readsCache.clear();
  readsCache.set(text, r);
  return r;
}

/** Whether a view reads a column of a table (by name, or with `*` over a table it reads). */
export function viewReadsColumn(view: ViewModel, tableKey: string, column: string): boolean {
  if (!view.dependsOn.includes(tableKey)) return false;
  const r = readsOf(view.definitionText);
  return r.star || r.columns.has(column);
}

/** Views depending on any of `roots` (view keys), transitively: level by level, each in the schema's order. */
function viewsOver(model: SchemaMaps, roots: Iterable<string>): string[] {
  const seen = new Set(roots);
  const out: string[] = [];
  let frontier = [...seen];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const [vk, v] of holding<ViewModel>(model, 'views', frontier.map(term.reads))) {
      if (seen.has(vk) || !v.dependsOn.some((d) => frontier.includes(d))) continue;
      seen.add(vk);
      out.push(vk);
      next.push(vk);
    }
    frontier = next;
  }
  return out;
}

const viewDependent = (model: SchemaMaps, key: string): Dependent => ({
  kind: 'view',
  label: `${model.views.get(key)?.materialized ? 'materialized view' : 'view'} ${display(key)}`,
  owner: key,
  name: key,
});

const fkDependent = (table: string, constraint: string): Dependent => ({ kind: 'foreign key', label: `foreign key ${constraint} of ${display(table)}`, owner: table, name: constraint });

/** Foreign keys of other tables (or the table itself) that reference a table, optionally only through some columns. */
export function foreignKeysTo(model: SchemaMaps, tableKey: string, match: (columns: readonly string[]) => boolean = () => true, selfToo = false): Dependent[] {
  const out: Dependent[] = [];
  for (const [tk, t] of holding<TableModel>(model, 'tables', [term.references(tableKey)])) {
    if (tk === tableKey && !selfToo) continue;
    for (const k of t.constraints.values()) {
      if (k.references && qualifiedKey(k.references.schema, k.references.table) === tableKey && match(k.references.columns)) out.push(fkDependent(tk, k.name));
    }
  }
  return out;
}

/** Column defaults (of any table) that name one of these sequences. */
function defaultsUsing(model: SchemaMaps, sequences: ReadonlySet<string>, exceptTable?: string): Dependent[] {
  const out: Dependent[] = [];
  if (sequences.size === 0) return out;
  for (const [tk, t] of holding<TableModel>(model, 'tables', [...sequences].map(term.defaultSequence))) {
    if (tk === exceptTable) continue;
    for (const c of t.columns.values()) {
      const s = defaultSequence(c.defaultText);
      if (s && sequences.has(s)) out.push({ kind: 'default', label: `the default of ${display(tk)}.${c.name}`, owner: tk, name: c.name });
    }
  }
  return out;
}

/** What `DROP TABLE` takes along with CASCADE: views over it, foreign keys to it, defaults using its sequences elsewhere. */
export function tableDependents(model: SchemaMaps, key: string): Dependent[] {
  const table = model.tables.get(key);
  const owned = new Set<string>();
  for (const c of table?.columns.values() ?? []) if (c.ownedSequence) owned.add(c.ownedSequence);
  for (const [sk, s] of holding<SequenceModel>(model, 'sequences', [term.ownedBy(key)])) if (s.ownedBy?.table === key) owned.add(sk);
  return [...viewsOver(model, [key]).map((v) => viewDependent(model, v)), ...foreignKeysTo(model, key), ...defaultsUsing(model, owned, key)];
}

/** What `DROP VIEW` takes along with CASCADE: the views over it. */
export function viewDependents(model: SchemaMaps, key: string): Dependent[] {
  return viewsOver(model, [key]).map((v) => viewDependent(model, v));
}

/** What `DROP COLUMN` takes along with CASCADE (its own indexes and constraints go anyway): views reading it, foreign keys to it. */
export function columnDependents(model: SchemaMaps, tableKey: string, column: string): Dependent[] {
  const readers = [...holding<ViewModel>(model, 'views', [term.reads(tableKey)])].filter(([, v]) => viewReadsColumn(v, tableKey, column)).map(([k]) => k);
  const views = [...readers, ...viewsOver(model, readers)];
  return [...views.map((v) => viewDependent(model, v)), ...foreignKeysTo(model, tableKey, (cols) => cols.includes(column))];
}

/**
 * What `DROP CONSTRAINT` takes along with CASCADE: for a primary key or unique constraint, the
 * foreign keys that reference its columns (they rest on its index); for any other kind, nothing.
 */
export function constraintDependents(model: SchemaMaps, tableKey: string, name: string): Dependent[] {
  const table = model.tables.get(tableKey);
  const k = table?.constraints.get(name);
  if (!table || !k || (k.kind !== 'primary key' && k.kind !== 'unique')) return [];
  const cols = [...k.columns].sort().join(',');
  return foreignKeysTo(model, tableKey, (c) => [...c].sort().join(',') === cols, true).filter((d) => !(d.owner === tableKey && d.name === name));
}

/** What `DROP INDEX` takes along with CASCADE: for a unique index, the foreign keys resting on it. */
export function indexDependents(model: SchemaMaps, table: TableModel, indexName: string): Dependent[] {
  const index = table.indexes.get(indexName);
  if (!index?.unique || index.columns.some((c) => c === undefined)) return [];
  const cols = [...index.columns].sort().join(',');
  const key = qualifiedKey(table.schema, table.name);
  return foreignKeysTo(model, key, (c) => [...c].sort().join(',') === cols, true);
}

/** What `DROP SEQUENCE` takes along with CASCADE: the column defaults that name it. */
export function sequenceDependents(model: SchemaMaps, key: string): Dependent[] {
  return defaultsUsing(model, new Set([key]));
}

/**
 * What `DROP FUNCTION` takes along with CASCADE: triggers that execute it, views, defaults and
 * CHECK constraints that call it (by name: an overloaded name counts for each of its signatures).
 */
export function functionDependents(model: SchemaMaps, functionKeys: ReadonlySet<string>, name: string): Dependent[] {
  const out: Dependent[] = [];
  // Callers of a built-in's name are not in the lookups (mentions.ts): every table and view, then.
  const indexed = callIndexed(name);
  for (const [tk, t] of holding<TableModel>(model, 'tables', indexed ? [...[...functionKeys].map(term.trigger), term.calls(name)] : 'all')) {
    for (const tr of t.triggers.values()) if (functionKeys.has(tr.functionName)) out.push({ kind: 'trigger', label: `trigger ${tr.name} on ${display(tk)}`, owner: tk, name: tr.name });
    for (const c of t.columns.values()) {
      if (c.defaultText && readsOf(`SELECT ${c.defaultText}`).functions.has(name)) out.push({ kind: 'default', label: `the default of ${display(tk)}.${c.name}`, owner: tk, name: c.name });
    }
    for (const k of t.constraints.values()) {
      if (k.kind === 'check' && readsOf(`ALTER TABLE t ADD ${k.definitionText}`).functions.has(name)) out.push({ kind: 'constraint', label: `constraint ${k.name} of ${display(tk)}`, owner: tk, name: k.name });
    }
  }
  const callers = [...holding<ViewModel>(model, 'views', indexed ? [term.calls(name)] : 'all')].filter(([, v]) => readsOf(v.definitionText).functions.has(name)).map(([k]) => k);
  for (const v of [...callers, ...viewsOver(model, callers)]) out.push(viewDependent(model, v));
  return out;
}

/** Labels of dependents, each once, joined for a message. */
export function describeDependents(dependents: readonly Dependent[]): string {
  return [...new Set(dependents.map((d) => d.label))].join(', ');
}
