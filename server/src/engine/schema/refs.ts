/**
 * Reverse lookups of a schema snapshot: which tables hold an index or constraint of a name, which
 * tables have a foreign key to a table, which views read a relation, which sequences a table owns;
 * which tables have a column of a type, a default that takes a sequence's values, a default, CHECK or
 * trigger that calls a function, which views call a function; which functions have a name; what a
 * schema other than `public` holds. Without them each such question scans every table, and a
 * folder's replay costs the square of its history (a CREATE TABLE asks several of them to choose its
 * constraints' names; a down's DROP TYPE asks which tables use the type).
 *
 * A snapshot's lookups are derived from the one before it by what the statement changed (the keys
 * its drafts logged, and the columns written in each table), so they cost what changed; they are
 * persistent maps that share structure, as the snapshots are. They are answers to "who may hold
 * this", a superset that callers check against the schema itself (`Candidates`): a lookup narrows a
 * scan, it never decides alone.
 */
import { Map as HashMap } from 'immutable';
import { stringList } from '../parsing/ast';
import { callIndexed, callNames, defaultSequence, indexedColumnType } from './mentions';
import { keysInOrder, PMap } from './pmap';
import type { ColumnModel, FunctionModel, SequenceModel, TableModel, TypeModel, ViewModel } from './model';

/** The maps the lookups index (a snapshot's, or a draft's). */
export interface IndexedMaps {
  readonly tables: ReadonlyMap<string, TableModel>;
  readonly views: ReadonlyMap<string, ViewModel>;
  readonly sequences: ReadonlyMap<string, SequenceModel>;
  readonly types: ReadonlyMap<string, TypeModel>;
  readonly functions: ReadonlyMap<string, FunctionModel>;
}

export type RefKind = keyof IndexedMaps;
const KINDS: readonly RefKind[] = ['tables', 'views', 'sequences', 'types', 'functions'];

/** Terms: what a table, view, sequence, type or function is indexed by. */
export const term = {
  /** An index of this name in this schema (tables and materialized views share the namespace). */
  index: (schema: string, name: string): string => `i\0${schema}\0${name}`,
  /** A constraint of this name in this schema. */
  constraint: (schema: string, name: string): string => `c\0${schema}\0${name}`,
  /** A foreign key to this table (qualified key). */
  references: (tableKey: string): string => `r\0${tableKey}`,
  /** A view that reads this relation (qualified key). */
  reads: (relationKey: string): string => `v\0${relationKey}`,
  /** A sequence owned by this table (qualified key). */
  ownedBy: (tableKey: string): string => `o\0${tableKey}`,
  /**
   * A column of this type (qualified key as a column names it: unqualified is `public`), once per
   * column; not for pg_catalog types or built-in ones named unqualified (`typeIndexed` in mentions.ts).
   */
  columnType: (typeKey: string): string => `t\0${typeKey}`,
  /** A column default that takes this sequence's values (qualified key), once per column. */
  defaultSequence: (sequenceKey: string): string => `q\0${sequenceKey}`,
  /**
   * A default (once per column), CHECK constraint or view that may call a function of this name (last
   * part); not for the built-in functions most of them call (`callIndexed` in mentions.ts).
   */
  calls: (functionName: string): string => `f\0${functionName}`,
  /** A trigger that executes this function (qualified key, as TriggerModel.functionName). */
  trigger: (functionKey: string): string => `g\0${functionKey}`,
  /** A function (or procedure) of this schema and name, any arguments. */
  functionNamed: (schema: string, name: string): string => `n\0${schema}\0${name}`,
  /** An object of this schema; never `public` (what it holds is most of the schema, scanned instead). */
  inSchema: (schema: string): string => `s\0${schema}`,
};

/** The schema term of an object: none in `public`. */
function schemaTerms(schema: string, out: string[]): void {
  if (schema !== 'public') out.push(term.inSchema(schema));
}

/** A table's terms of one member kind (each once), or of its schema. */
function indexTerms(t: TableModel): Set<string> {
  const out = new Set<string>();
  for (const name of t.indexes.keys()) out.add(term.index(t.schema, name));
  return out;
}

function constraintTerms(t: TableModel): Set<string> {
  const out = new Set<string>();
  for (const c of t.constraints.values()) {
    out.add(term.constraint(t.schema, c.name));
    if (c.references) out.add(term.references(`${c.references.schema}.${c.references.table}`));
    if (c.kind === 'check') for (const f of callNames(c.definitionText)) if (callIndexed(f)) out.add(term.calls(f));
  }
  return out;
}

function triggerTerms(t: TableModel): Set<string> {
  const out = new Set<string>();
  for (const tr of t.triggers.values()) out.add(term.trigger(tr.functionName));
  return out;
}

/** One column's terms (each once): its type unless a built-in one, the sequence its default takes, the functions it may call. */
function columnTerms(c: ColumnModel): Set<string> {
  const out = new Set<string>();
  const type = indexedColumnType(stringList(c.typeName.names));
  if (type !== undefined) out.add(term.columnType(type));
  if (c.defaultText) {
    const seq = defaultSequence(c.defaultText);
    if (seq) out.add(term.defaultSequence(seq));
    for (const f of callNames(c.defaultText)) if (callIndexed(f)) out.add(term.calls(f));
  }
  return out;
}

/** Every term of a table, once per holder of it (a column's terms once per column). */
function allTableTerms(t: TableModel): string[] {
  const out: string[] = [];
  schemaTerms(t.schema, out);
  for (const x of indexTerms(t)) out.push(x);
  for (const x of constraintTerms(t)) out.push(x);
  for (const x of triggerTerms(t)) out.push(x);
  for (const c of t.columns.values()) for (const x of columnTerms(c)) out.push(x);
  return out;
}

function viewTerms(v: ViewModel): string[] {
  const out = new Set<string>();
  for (const name of v.indexes.keys()) out.add(term.index(v.schema, name));
  for (const d of v.dependsOn) out.add(term.reads(d));
  for (const f of callNames(v.definitionText)) if (callIndexed(f)) out.add(term.calls(f));
  const list = [...out];
  schemaTerms(v.schema, list);
  return list;
}

function sequenceTerms(s: SequenceModel): string[] {
  const out = s.ownedBy ? [term.ownedBy(s.ownedBy.table)] : [];
  schemaTerms(s.schema, out);
  return out;
}

function typeTerms(t: TypeModel): string[] {
  const out: string[] = [];
  schemaTerms(t.schema, out);
  return out;
}

function functionTerms(f: FunctionModel): string[] {
  const out = [term.functionNamed(f.schema, f.name)];
  schemaTerms(f.schema, out);
  return out;
}

/** The terms in `a` that are not in `b`. */
function minus(a: ReadonlySet<string>, b: ReadonlySet<string>, out: string[]): void {
  for (const t of a) if (!b.has(t)) out.push(t);
}

/**
 * The keys holding a term (unordered; a key once per holder it has of the term): a frozen array
 * while few (usually one), a persistent map of counts beyond (a term most tables hold, `calls(now)`,
 * a column type `public.text`, costs a path copy per change, not a copy of every holder).
 */
type Bag = readonly string[] | HashMap<string, number>;
const FEW = 16;

function bagAdd(bag: Bag | undefined, key: string): Bag {
  if (bag === undefined) return Object.freeze([key]);
  if (Array.isArray(bag)) {
    const list = bag as readonly string[];
    if (list.length < FEW) return Object.freeze([...list, key]);
    return HashMap<string, number>().withMutations((m) => {
      for (const k of [...list, key]) m.set(k, (m.get(k) ?? 0) + 1);
    });
  }
  const counts = bag as HashMap<string, number>;
  return counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** `bag` without one occurrence of `key` (undefined when empty; the same bag when `key` is not in it). */
function bagRemove(bag: Bag, key: string): Bag | undefined {
  if (Array.isArray(bag)) {
    const list = bag as readonly string[];
    const at = list.indexOf(key);
    if (at < 0) return bag;
    return list.length === 1 ? undefined : Object.freeze([...list.slice(0, at), ...list.slice(at + 1)]);
  }
  const counts = bag as HashMap<string, number>;
  const n = counts.get(key);
  if (n === undefined) return bag;
  if (n > 1) return counts.set(key, n - 1);
  const rest = counts.delete(key);
  return rest.size === 0 ? undefined : rest;
}

/** The keys of a bag (each once for a map of counts). */
function bagKeys(bag: Bag | undefined): readonly string[] {
  if (bag === undefined) return NONE;
  if (Array.isArray(bag)) return bag as readonly string[];
  return [...(bag as HashMap<string, number>).keys()];
}

/** A bag's keys with their counts, sorted (tests compare bags). */
function bagCounts(bag: Bag): string {
  const counts = new Map<string, number>();
  if (Array.isArray(bag)) for (const k of bag as readonly string[]) counts.set(k, (counts.get(k) ?? 0) + 1);
  else for (const [k, n] of bag as HashMap<string, number>) counts.set(k, n);
  return [...counts].map(([k, n]) => `${k}\0${n}`).sort().join('\0\0');
}

/**
 * Term (by its hash, see `termId`) → the keys holding it. Numbers, not the strings: `immutable`
 * hashes a string in JavaScript on every lookup, a number costs nothing. Two terms of one hash share
 * a bag, a key once per holder of each: a lookup may then name a key that does not hold the term
 * asked for, which callers check anyway.
 */
type Holders = HashMap<number, Bag>;
const NO_HOLDERS: Holders = HashMap<number, Bag>();

/** Who may hold a term: a snapshot's lookups, or a replay draft's (its snapshot's, and the keys it wrote). */
export interface Lookup {
  holders(kind: RefKind, t: string): readonly string[];
}

/**
 * The entries of `map` that may hold any of `terms` (each once, in the map's order; a copy, callers
 * may write to the map). Callers test each: a lookup only narrows.
 */
export function entriesHolding<V>(lookup: Lookup, kind: RefKind, map: ReadonlyMap<string, V>, terms: Iterable<string>): [string, V][] {
  const keys = new Set<string>();
  for (const t of terms) for (const k of lookup.holders(kind, t)) keys.add(k);
  return keysInOrder(map, keys).map((k) => [k, map.get(k)!]);
}

/** FNV-1a, 32 bits. */
export function termId(t: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < t.length; i++) {
    h ^= t.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** What changed between two snapshots: the keys written in each map (each once). */
export interface Changed {
  readonly tables: ReadonlySet<string>;
  readonly views: ReadonlySet<string>;
  readonly sequences: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
  readonly functions: ReadonlySet<string>;
  /**
   * For a table changed in place, the columns written (by name), when the draft knows them exactly;
   * a table without an entry has every column looked at.
   */
  readonly columns?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Whether both member maps are the very same entries (a table edited elsewhere: its indexes and constraints as they were). */
function sameMembers(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  return a === b || (a instanceof PMap && b instanceof PMap && a.sameEntries(b));
}

export class Refs {
  private constructor(
    private readonly maps: Readonly<Record<RefKind, Holders>>,
    /** Set for lookups that name every key of these maps (`scanning`). */
    private readonly every?: IndexedMaps,
  ) {}

  /**
   * Lookups that answer every question with every key of `maps`: what a scan visits. Tests replay
   * with these to check that the lookups never change a result (see `lookupMode` in model.ts).
   */
  static scanning(maps: IndexedMaps): Refs {
    return new Refs(Refs.EMPTY.maps, maps);
  }

  static readonly EMPTY = new Refs({ tables: NO_HOLDERS, views: NO_HOLDERS, sequences: NO_HOLDERS, types: NO_HOLDERS, functions: NO_HOLDERS });

  /** The lookups of a schema, from scratch (every table, view, sequence, type and function). */
  static build(maps: IndexedMaps): Refs {
    const none = new Map<string, never>();
    const empty: IndexedMaps = { tables: none, views: none, sequences: none, types: none, functions: none };
    const keys = (m: ReadonlyMap<string, unknown>): Set<string> => new Set(m.keys());
    return Refs.EMPTY.derive(empty, maps, { tables: keys(maps.tables), views: keys(maps.views), sequences: keys(maps.sequences), types: keys(maps.types), functions: keys(maps.functions) });
  }

  /** The keys of one map that may hold a term (every one that does is among them; a key may come more than once). */
  holders(kind: RefKind, t: string): readonly string[] {
    if (this.every) return [...this.every[kind].keys()];
    return bagKeys(this.maps[kind].get(termId(t)));
  }

  tablesWith(t: string): readonly string[] {
    return this.holders('tables', t);
  }

  viewsWith(t: string): readonly string[] {
    return this.holders('views', t);
  }

  /**
   * The lookups of `now`, these being those of `before`: only the keys in `changed` are looked at (a
   * table whose member maps are the very same maps costs a comparison, a table changed in place the
   * columns written).
   */
  derive(before: IndexedMaps, now: IndexedMaps, changed: Changed): Refs {
    if (this.every || KINDS.every((k) => changed[k].size === 0)) return this;
    const tables = update(this.maps.tables, changed.tables, (k, removed, added) => {
      const a = before.tables.get(k);
      const b = now.tables.get(k);
      if (a === b) return;
      if (!a || !b) {
        if (a) removed.push(...allTableTerms(a));
        if (b) added.push(...allTableTerms(b));
        return;
      }
      // The same key, so the same schema: members that are the very same maps have the same terms on both sides.
      const part = (x: ReadonlyMap<string, unknown>, y: ReadonlyMap<string, unknown>, terms: (t: TableModel) => Set<string>): void => {
        if (sameMembers(x, y)) return;
        const was = terms(a);
        const is = terms(b);
        minus(was, is, removed);
        minus(is, was, added);
      };
      part(a.indexes, b.indexes, indexTerms);
      part(a.constraints, b.constraints, constraintTerms);
      part(a.triggers, b.triggers, triggerTerms);
      if (sameMembers(a.columns, b.columns)) return;
      const names = changed.columns?.get(k) ?? new Set([...a.columns.keys(), ...b.columns.keys()]);
      for (const name of names) {
        const x = a.columns.get(name);
        const y = b.columns.get(name);
        if (x === y) continue;
        const was = x ? columnTerms(x) : EMPTY_SET;
        const is = y ? columnTerms(y) : EMPTY_SET;
        minus(was, is, removed);
        minus(is, was, added);
      }
    });
    const whole =
      <V>(kind: RefKind, termsOf: (v: V) => string[], same: (a: V, b: V) => boolean = (a, b) => a === b) =>
      (k: string, removed: string[], added: string[]): void => {
        const a = (before[kind] as ReadonlyMap<string, V>).get(k);
        const b = (now[kind] as ReadonlyMap<string, V>).get(k);
        if (a !== undefined && b !== undefined && same(a, b)) return;
        const was = new Set(a !== undefined ? termsOf(a) : []);
        const is = new Set(b !== undefined ? termsOf(b) : []);
        minus(was, is, removed);
        minus(is, was, added);
      };
    const views = update(this.maps.views, changed.views, whole<ViewModel>('views', viewTerms));
    // A sequence keeps its key's schema: only its owner can change its terms.
    const sequences = update(this.maps.sequences, changed.sequences, whole<SequenceModel>('sequences', sequenceTerms, (a, b) => a === b || a.ownedBy?.table === b.ownedBy?.table));
    // A type's or function's terms are its key's: only presence changes them.
    const types = update(this.maps.types, changed.types, whole<TypeModel>('types', typeTerms, () => true));
    const functions = update(this.maps.functions, changed.functions, whole<FunctionModel>('functions', functionTerms, () => true));
    const next = { tables, views, sequences, types, functions };
    return KINDS.every((k) => next[k] === this.maps[k]) ? this : new Refs(next);
  }

  /** Whether two lookups index the same keys under the same terms, as often (tests compare a derived one with a built one). */
  equals(other: Refs): boolean {
    return KINDS.every((k) => sameHolders(this.maps[k], other.maps[k]));
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();
const NONE: readonly string[] = Object.freeze([]);

/** The holders after each key in `keys` gave up the terms its callback lists as removed, and took those listed as added (once per occurrence). */
function update(holders: Holders, keys: ReadonlySet<string>, diff: (key: string, removed: string[], added: string[]) => void): Holders {
  if (keys.size === 0) return holders;
  return holders.withMutations((m) => {
    const removed: string[] = [];
    const added: string[] = [];
    for (const key of keys) {
      removed.length = 0;
      added.length = 0;
      diff(key, removed, added);
      for (const t of removed) {
        const id = termId(t);
        const bag = m.get(id);
        if (bag === undefined) continue;
        const rest = bagRemove(bag, key);
        if (rest === undefined) m.delete(id);
        else if (rest !== bag) m.set(id, rest);
      }
      for (const t of added) {
        const id = termId(t);
        m.set(id, bagAdd(m.get(id), key));
      }
    }
  });
}

function sameHolders(a: Holders, b: Holders): boolean {
  if (a.size !== b.size) return false;
  for (const [t, bag] of a) {
    const other = b.get(t);
    if (!other || bagCounts(other) !== bagCounts(bag)) return false;
  }
  return true;
}
