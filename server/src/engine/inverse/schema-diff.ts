/**
 * What changed between two schema snapshots, object by object, under stable keys:
 *   `table:public.users`, `table:public.users#column:email`, `table:public.users#constraint:users_pkey`,
 *   `table:public.users#index:users_email_idx`, `table:public.users#trigger:t`, `view:public.v`,
 *   `view:public.v#index:i`, `function:public.f(integer)`, `type:public.mood`, `sequence:public.s`,
 *   `extension:citext`, `schema:app`.
 * A member (after `#`) belongs to its table or view: removing the table removes its members too,
 * and both are listed. Definitions are compared as parsed SQL (without locations, `OR REPLACE`,
 * `CONCURRENTLY`, `IF NOT EXISTS`), so two spellings of one definition compare equal.
 */
import { tokensOf } from '../parsing/lexer';
import { parseSql } from '../parsing/parser';
import { qualifiedLabel } from '../schema/render';
import type { ColumnModel, FunctionModel, SchemaModel, SequenceModel, TableModel, ViewModel } from '../schema/model';
import { sameFunctionAttributes, sameSequenceParams } from '../schema/options';
import { PMap } from '../schema/pmap';
import { staleColumns } from './sql-text';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface SchemaChange {
  key: string;
  kind: ChangeKind;
  /** For messages: `table users`, `column users.email`, `index users_email_idx on users`. */
  label: string;
  /**
   * For a changed column: how the second snapshot's differs from the first's, for messages
   * (`default 0 where it had none`, `type text where it was character varying(255)`).
   */
  readonly detail?: string;
}

/**
 * A change whose label is rendered when read: a consistency check diffs every statement of an up
 * and of its down, and only the few changes that end in a message need their label.
 */
class Change implements SchemaChange {
  private text: string | undefined;
  constructor(
    readonly key: string,
    readonly kind: ChangeKind,
    private readonly describe: (name: string) => string,
    private readonly name: string,
    private readonly explain?: () => string | undefined,
  ) {}

  get label(): string {
    return (this.text ??= this.describe(this.name));
  }

  get detail(): string | undefined {
    return this.explain?.();
  }

  toJSON(): SchemaChange {
    return { key: this.key, kind: this.kind, label: this.label };
  }
}

/** The owner of a member key (`table:public.t#column:c` → `table:public.t`), or undefined. */
export function ownerKey(key: string): string | undefined {
  const i = key.indexOf('#');
  return i > 0 ? key.slice(0, i) : undefined;
}

/** Whether `key` is `other` or one of its members (or `other` is a member of `key`). */
export function related(key: string, other: string): boolean {
  return key === other || ownerKey(key) === other || ownerKey(other) === key;
}

const IGNORED_KEYS = new Set(['location', 'stmt_location', 'stmt_len', 'replace', 'concurrent', 'if_not_exists', 'missing_ok']);
const normalized = new Map<string, string>();

/**
 * A definition's parse without positions and options that do not change the object; the text
 * itself when it does not parse. `ignore` leaves out more keys (an object's own name, which the
 * schema model keeps current while the text it keeps may still carry the name it was created with).
 */
export function normalizeSql(text: string, ignore: readonly string[] = []): string {
  const cacheKey = ignore.length > 0 ? `${ignore.join(',')}\u0000${text}` : text;
  let n = normalized.get(cacheKey);
  if (n === undefined) {
    const parsed = parseSql(text);
    const skip = new Set([...IGNORED_KEYS, ...ignore]);
    n = parsed.errors.length > 0 ? text.replace(/\s+/g, ' ').trim() : JSON.stringify(parsed.statements.map((s) => strip(s.ast, skip)));
    if (normalized.size > 5000) normalized.clear();
    normalized.set(cacheKey, n);
  }
  return n;
}

/**
 * A function body (`AS '...'`, `AS $$...$$`) by meaning: its tokens, without whitespace and comments,
 * keywords and unquoted names in one case (`BEGIN\n  -- note\n  RETURN NEW;` = `begin return new;`).
 */
function bodyTokens(body: string): string {
  return tokensOf(body)
    .map((t) => `${t.kind}:${t.value}`)
    .join(' ');
}

function strip(node: unknown, skip: ReadonlySet<string> = IGNORED_KEYS): unknown {
  if (Array.isArray(node)) return node.map((n) => strip(n, skip));
  if (!node || typeof node !== 'object') return node;
  const def = (node as { DefElem?: { defname?: string; arg?: { List?: { items?: { String?: { sval?: string } }[] } } } }).DefElem;
  if (def?.defname === 'as' && def.arg?.List?.items) {
    // The body of a function: compared by its tokens.
    return { DefElem: { defname: 'as', body: def.arg.List.items.map((i) => (i.String?.sval !== undefined ? bodyTokens(i.String.sval) : strip(i, skip))) } };
  }
  // `'x'::text` and `'x'`, `(score)::numeric` and `score`: casts are mostly what PostgreSQL (or
  // pg_dump) adds itself, so they are left out of the comparison.
  const cast = (node as { TypeCast?: { arg?: Record<string, unknown> } }).TypeCast;
  if (cast?.arg) return strip(cast.arg, skip);
  // `SELECT name AS name` is `SELECT name`: the output column is named after the column anyway.
  const rt = (node as { ResTarget?: { name?: string; val?: { ColumnRef?: { fields?: { String?: { sval?: string } }[] } } } }).ResTarget;
  const refFields = rt?.val?.ColumnRef?.fields;
  if (rt?.name !== undefined && refFields && refFields[refFields.length - 1]?.String?.sval === rt.name) {
    const { name: _name, ...rest } = rt;
    void _name;
    return { ResTarget: strip(rest, skip) };
  }
  // `(a ASC NULLS LAST)` is `(a)`, `(a DESC NULLS FIRST)` is `(a DESC)`: the defaults spelled out.
  const elem = (node as { IndexElem?: { ordering?: string; nulls_ordering?: string } }).IndexElem;
  if (elem) {
    const desc = elem.ordering === 'SORTBY_DESC';
    const defaultNulls = desc ? 'SORTBY_NULLS_FIRST' : 'SORTBY_NULLS_LAST';
    const ordering = elem.ordering === 'SORTBY_ASC' ? 'SORTBY_DEFAULT' : elem.ordering;
    const nulls = elem.nulls_ordering === defaultNulls ? 'SORTBY_NULLS_DEFAULT' : elem.nulls_ordering;
    return { IndexElem: strip({ ...elem, ordering, nulls_ordering: nulls }, skip) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (skip.has(k)) continue;
    // `public.t` and `t` name the same relation (function, type) in these definitions.
    if (k === 'schemaname' && v === 'public') continue;
    if ((k === 'funcname' || k === 'names') && Array.isArray(v) && v.length === 2 && (v[0] as { String?: { sval?: string } })?.String?.sval === 'public') {
      out[k] = strip(v.slice(1), skip);
      continue;
    }
    // `LANGUAGE plpgsql IMMUTABLE AS $$...$$` and `AS $$...$$ LANGUAGE plpgsql IMMUTABLE`: options in any order.
    if (k === 'options' && Array.isArray(v)) {
      out[k] = v.map((o) => JSON.stringify(strip(o, skip))).sort();
      continue;
    }
    out[k] = strip(v, skip);
  }
  return out;
}

/** Whether two SQL texts define the same thing, their own names aside. */
function sameSqlIgnoring(a: string, b: string, ignore: readonly string[]): boolean {
  return a === b || normalizeSql(a, ignore) === normalizeSql(b, ignore);
}

/** Whether two SQL texts define the same thing. */
export function sameSql(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return normalizeSql(a) === normalizeSql(b);
}

/** `DEFAULT NULL` stores no default. */
function defaultOf(text: string | undefined): string | undefined {
  return text === undefined || /^\s*null\s*(::.*)?$/i.test(text) ? undefined : text;
}

function sameExpression(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return sameSql(`SELECT ${a}`, `SELECT ${b}`);
}

/**
 * How column `b` differs from `a` (the same column in two snapshots), in the terms `sameColumn`
 * compares: `type text where it was character varying(255)`, `default 0 where it had none`.
 */
export function columnDifference(a: ColumnModel, b: ColumnModel): string | undefined {
  const parts: string[] = [];
  if (columnType(a) !== columnType(b)) parts.push(`type ${short(columnType(b))} where it was ${short(columnType(a))}`);
  if (a.notNull !== b.notNull) parts.push(b.notNull ? 'NOT NULL where it was nullable' : 'nullable where it was NOT NULL');
  if (!sameDefault(a, b)) {
    const da = defaultOf(a.defaultText);
    const db = defaultOf(b.defaultText);
    parts.push(db === undefined ? `no default where it had ${short(da!)}` : da === undefined ? `default ${short(db)} where it had none` : `default ${short(db)} where it was ${short(da)}`);
  }
  if (a.identity !== b.identity) parts.push(b.identity ? `an identity (GENERATED ${b.identity.toUpperCase()}) where it was none` : `no identity where it was GENERATED ${a.identity!.toUpperCase()}`);
  const collation = (c: string | undefined): string => (c === undefined ? 'the default' : `"${c}"`);
  if (a.collation !== b.collation) parts.push(b.collation ? `collation ${collation(b.collation)} where it was ${collation(a.collation)}` : `the default collation where it was ${collation(a.collation)}`);
  if (!sameExpression(a.generatedText, b.generatedText)) parts.push(b.generatedText ? `generated as (${short(b.generatedText)}) where it was ${a.generatedText ? `(${short(a.generatedText)})` : 'a plain column'}` : 'a plain column where it was generated');
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** An expression or type for a message: whitespace folded, at most 60 characters. */
function short(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 59)}…` : t;
}

const columnType = (c: ColumnModel): string => c.typeText.replace(/^public\./, '');

function sameDefault(a: ColumnModel, b: ColumnModel): boolean {
  return (
    // A serial column's default names its sequence, which the model follows through renames by key.
    (a.ownedSequence !== undefined && a.ownedSequence === b.ownedSequence && /^nextval\(/i.test(a.defaultText ?? '') && /^nextval\(/i.test(b.defaultText ?? '')) ||
    sameExpression(defaultOf(a.defaultText), defaultOf(b.defaultText))
  );
}

/** The same column in the terms `columnDifference` names. */
function sameColumn(a: ColumnModel, b: ColumnModel): boolean {
  if (a === b) return true;
  return columnType(a) === columnType(b) && a.notNull === b.notNull && a.identity === b.identity && a.collation === b.collation && sameExpression(a.generatedText, b.generatedText) && sameDefault(a, b);
}

const label = (schema: string, name: string): string => qualifiedLabel(schema, name);

/** The member names the change log names for a table and member kind, or undefined for "all of them". */
function loggedMembers(logged: ReadonlySet<string> | undefined, owner: string, kind: string): string[] | undefined {
  if (!logged) return undefined;
  const head = `${owner}#${kind}:`;
  const names: string[] = [];
  for (const key of logged) {
    if (!key.startsWith(head)) continue;
    const name = key.slice(head.length);
    if (name === '*') return undefined;
    names.push(name);
  }
  return names;
}

function diffMembers<V>(
  out: SchemaChange[],
  owner: string,
  kind: string,
  a: ReadonlyMap<string, V> | undefined,
  b: ReadonlyMap<string, V> | undefined,
  same: (x: V, y: V) => boolean,
  describe: (name: string) => string,
  logged?: ReadonlySet<string>,
  /** How a changed member differs (`SchemaChange.detail`). */
  explain?: (x: V, y: V) => string | undefined,
): void {
  if (a && b && a instanceof PMap && b instanceof PMap && a.sameEntries(b)) return;
  // With a change log (and the owner on both sides), only the members it names: in map order.
  const names = a && b ? loggedMembers(logged, owner, kind) : undefined;
  let inA: Iterable<string> = a?.keys() ?? [];
  let inB: Iterable<string> = b?.keys() ?? [];
  if (names) {
    if (names.length <= 1) inA = inB = names;
    else {
      const wanted = new Set(names);
      inA = [...(a?.keys() ?? [])].filter((n) => wanted.has(n));
      inB = [...(b?.keys() ?? [])].filter((n) => wanted.has(n));
    }
  }
  for (const name of inA) {
    const x = a?.get(name);
    if (x === undefined) continue;
    const y = b?.get(name);
    const key = `${owner}#${kind}:${name}`;
    if (y === undefined) out.push(new Change(key, 'removed', describe, name));
    else if (x !== y && !same(x, y)) out.push(new Change(key, 'changed', describe, name, explain && (() => explain(x, y))));
  }
  for (const name of inB) {
    if (b?.has(name) && !a?.has(name)) out.push(new Change(`${owner}#${kind}:${name}`, 'added', describe, name));
  }
}

function diffTable(out: SchemaChange[], key: string, a: TableModel | undefined, b: TableModel | undefined, logged?: ReadonlySet<string>): void {
  const t = (a ?? b)!;
  let rendered: string | undefined;
  const tableName = (): string => (rendered ??= label(t.schema, t.name));
  const whole = (): string => `table ${tableName()}`;
  if (!a) out.push(new Change(key, 'added', whole, ''));
  else if (!b) out.push(new Change(key, 'removed', whole, ''));
  else if (a.unlogged !== b.unlogged || a.parents.join() !== b.parents.join()) out.push(new Change(key, 'changed', whole, ''));
  diffMembers(out, key, 'column', a?.columns, b?.columns, sameColumn, (c) => `column ${tableName()}.${label('public', c)}`, logged, columnDifference);
  diffMembers(
    out,
    key,
    'constraint',
    a?.constraints,
    b?.constraints,
    (x, y) =>
      x.notValid === y.notValid &&
      x.kind === y.kind &&
      // `REFERENCES t` and `REFERENCES t (id)` are the same key when `id` is t's primary key (the model resolved it).
      (x.references && y.references
        ? `${x.references.schema}.${x.references.table}(${x.references.columns.join(',')})` === `${y.references.schema}.${y.references.table}(${y.references.columns.join(',')})` &&
          sameSqlIgnoring(`ALTER TABLE t ADD CONSTRAINT c ${x.definitionText}`, `ALTER TABLE t ADD CONSTRAINT c ${y.definitionText}`, ['pk_attrs'])
        : sameSql(`ALTER TABLE t ADD CONSTRAINT c ${x.definitionText}`, `ALTER TABLE t ADD CONSTRAINT c ${y.definitionText}`)),
    (c) => `constraint ${label('public', c)} on ${tableName()}`,
    logged,
  );
  // An index text naming a column the table no longer has predates a rename the model did not carry
  // into it: what PostgreSQL has is unknown, so it is not called different.
  const stale = (table: TableModel | undefined, text: string): boolean => table !== undefined && staleColumns(table, text).length > 0;
  diffMembers(
    out,
    key,
    'index',
    a?.indexes,
    b?.indexes,
    (x, y) => sameSql(x.definitionText, y.definitionText) || stale(a, x.definitionText) || stale(b, y.definitionText),
    (i) => `index ${label(t.schema, i)}`,
    logged,
  );
  // Triggers and functions keep the text they were created with, names included, through renames.
  diffMembers(out, key, 'trigger', a?.triggers, b?.triggers, (x, y) => sameSqlIgnoring(x.definitionText, y.definitionText, ['trigname', 'funcname']), (tr) => `trigger ${label('public', tr)} on ${tableName()}`, logged);
}

function diffView(out: SchemaChange[], key: string, a: ViewModel | undefined, b: ViewModel | undefined): void {
  const v = (a ?? b)!;
  const word = v.materialized ? 'materialized view' : 'view';
  const whole = (): string => `${word} ${label(v.schema, v.name)}`;
  if (!a) out.push(new Change(key, 'added', whole, ''));
  else if (!b) out.push(new Change(key, 'removed', whole, ''));
  // `stale` is not compared: a view whose text could not follow a rename, renamed back, is the view it was.
  else if (a !== b && (a.materialized !== b.materialized || !sameSql(a.definitionText, b.definitionText))) out.push(new Change(key, 'changed', whole, ''));
  diffMembers(out, key, 'index', a?.indexes, b?.indexes, (x, y) => sameSql(x.definitionText, y.definitionText), (i) => `index ${label(v.schema, i)}`);
}

function diffMap<V>(
  out: SchemaChange[],
  names: readonly string[] | undefined,
  prefix: string,
  a: ReadonlyMap<string, V>,
  b: ReadonlyMap<string, V>,
  same: (x: V, y: V) => boolean,
  describe: (key: string, v: V) => string,
): void {
  if (names?.length === 0) return;
  for (const k of keysToDiff(a, b, names)) {
    const x = a.get(k);
    const y = b.get(k);
    if (x === undefined && y !== undefined) out.push(new Change(`${prefix}:${k}`, 'added', (n) => describe(n, y), k));
    else if (x !== undefined && y === undefined) out.push(new Change(`${prefix}:${k}`, 'removed', (n) => describe(n, x), k));
    else if (x !== undefined && y !== undefined && x !== y && !same(x, y)) out.push(new Change(`${prefix}:${k}`, 'changed', (n) => describe(n, y), k));
  }
}

/**
 * The keys of `a` then `b` to compare, in map order: all of them, or (with a change log) only the
 * logged names of this kind. One logged name needs no look at the rest of the map.
 */
function keysToDiff<V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>, names: readonly string[] | undefined): Iterable<string> {
  if (!names) {
    const out = [...a.keys()];
    for (const k of b.keys()) if (!a.has(k)) out.push(k);
    return out;
  }
  if (names.length <= 1) return names;
  // In the maps' order, at the cost of the names (a down that touches a few of thousands of tables).
  if (a instanceof PMap && b instanceof PMap) return [...a.orderOf(names), ...b.orderOf(names).filter((k) => !a.has(k))];
  const wanted = new Set(names);
  const out: string[] = [];
  for (const k of a.keys()) if (wanted.has(k)) out.push(k);
  for (const k of b.keys()) if (wanted.has(k) && !a.has(k)) out.push(k);
  return out;
}

/** The top-level names a change log names, by kind (`table` → [`public.users`]); members (`#`) left out. */
function loggedNames(logged: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of logged) {
    if (key.includes('#')) continue;
    const colon = key.indexOf(':');
    if (colon < 0) continue;
    const kind = key.slice(0, colon);
    const list = out.get(kind);
    if (list) list.push(key.slice(colon + 1));
    else out.set(kind, [key.slice(colon + 1)]);
  }
  return out;
}

/** Function attributes (volatility, STRICT, COST, SET ...) of a CREATE FUNCTION: compared as the model's `attributes`. */
const ATTRIBUTE_OPTIONS = new Set(['volatility', 'strict', 'security', 'leakproof', 'cost', 'rows', 'parallel', 'set']);

/** A function definition without its attributes, normalised (its own name aside). */
function functionWithoutAttributes(text: string): string {
  const cacheKey = `\u0001fn\u0000${text}`;
  let n = normalized.get(cacheKey);
  if (n === undefined) {
    const parsed = parseSql(text);
    const ast = parsed.statements[0]?.ast;
    if (parsed.errors.length > 0 || parsed.statements.length !== 1 || !ast || !('CreateFunctionStmt' in ast)) n = normalizeSql(text, ['funcname', 'defnames']);
    else {
      const f = ast.CreateFunctionStmt;
      const options = (f.options ?? []).filter((o) => !('DefElem' in o && ATTRIBUTE_OPTIONS.has(o.DefElem.defname ?? '')));
      n = JSON.stringify(strip({ CreateFunctionStmt: { ...f, options } }, new Set([...IGNORED_KEYS, 'funcname', 'defnames'])));
    }
    if (normalized.size > 5000) normalized.clear();
    normalized.set(cacheKey, n);
  }
  return n;
}

/** Two functions are the same when their definitions are, attributes compared as the model has them now. */
function sameFunction(x: FunctionModel, y: FunctionModel): boolean {
  if (x.staleAttributes !== y.staleAttributes) return false;
  if (x.attributes && y.attributes) return sameFunctionAttributes(x.attributes, y.attributes) && (x.definitionText === y.definitionText || functionWithoutAttributes(x.definitionText) === functionWithoutAttributes(y.definitionText));
  return sameSqlIgnoring(x.definitionText, y.definitionText, ['funcname', 'defnames']);
}

/** Two sequences are the same when their parameters (else their definitions) and owners are. */
function sameSequence(x: SequenceModel, y: SequenceModel): boolean {
  if (x.ownedBy?.table !== y.ownedBy?.table || x.ownedBy?.column !== y.ownedBy?.column || (x.stale ?? false) !== (y.stale ?? false)) return false;
  if (x.params && y.params) return sameSequenceParams(x.params, y.params);
  return sameSql(x.definitionText, y.definitionText);
}

/**
 * Every difference from `a` to `b` (what turns `a` into `b`). With `logged` (the change log of the
 * replay from `a` to `b`, see `replayThrough`), only the objects it names are compared: the result
 * is the same, at the cost of what changed.
 */
export function diffSchemas(a: SchemaModel, b: SchemaModel, logged?: ReadonlySet<string>): SchemaChange[] {
  const out: SchemaChange[] = [];
  if (a === b) return out;
  const byKind = logged ? loggedNames(logged) : undefined;
  const names = (kind: string): readonly string[] | undefined => (byKind ? (byKind.get(kind) ?? []) : undefined);
  for (const k of keysToDiff(a.tables, b.tables, names('table'))) {
    const t = a.tables.get(k);
    const u = b.tables.get(k);
    if (t !== u) diffTable(out, `table:${k}`, t, u, logged);
  }
  for (const k of keysToDiff(a.views, b.views, names('view'))) {
    const v = a.views.get(k);
    const w = b.views.get(k);
    if (v !== w) diffView(out, `view:${k}`, v, w);
  }
  diffMap(out, names('function'), 'function', a.functions, b.functions, sameFunction, (_, f) => `${f.kind} ${label(f.schema, f.name)}(${f.argTypes.join(', ')})`);
  diffMap(
    out,
    names('type'),
    'type',
    a.types,
    b.types,
    (x, y) => x.kind === y.kind && (x.kind === 'enum' ? (x.values ?? []).join('\u0000') === (y.values ?? []).join('\u0000') : sameSql(x.definitionText, y.definitionText)),
    (_, t) => `type ${label(t.schema, t.name)}`,
  );
  diffMap(
    out,
    names('sequence'),
    'sequence',
    a.sequences,
    b.sequences,
    sameSequence,
    (_, s) => `sequence ${label(s.schema, s.name)}`,
  );
  diffMap(out, names('extension'), 'extension', a.extensions, b.extensions, (x, y) => x.schema === y.schema, (k) => `extension ${k}`);
  diffMap(out, names('schema'), 'schema', a.schemas, b.schemas, () => true, (k) => `schema ${label('public', k)}`);
  return out;
}
