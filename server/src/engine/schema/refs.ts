/**
 * Reverse lookups of a schema snapshot: which tables hold an index or constraint of a name, which
 * tables have a foreign key to a table, which views read a relation, which sequences a table owns.
 * Without them each such question scans every table, and a folder's replay costs the square of its
 * history (a CREATE TABLE asks several of them to choose its constraints' names).
 *
 * A snapshot's lookups are derived from the one before it by what the statement changed (the keys
 * its drafts logged), so they cost what changed; they are persistent maps that share structure, as
 * the snapshots are. They are answers to "who may hold this", a superset that callers check against
 * the schema itself (`Candidates`): a lookup narrows a scan, it never decides alone.
 */
import { Map as HashMap } from 'immutable';
import { PMap } from './pmap';
import type { SequenceModel, TableModel, ViewModel } from './model';

/** The maps the lookups index (a snapshot's, or a draft's). */
export interface IndexedMaps {
  readonly tables: ReadonlyMap<string, TableModel>;
  readonly views: ReadonlyMap<string, ViewModel>;
  readonly sequences: ReadonlyMap<string, SequenceModel>;
}

/** Terms: what a table, view or sequence is indexed by. */
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
};

/** A table's terms; without its indexes' or its constraints' when `indexes` / `constraints` is false. */
function tableTerms(t: TableModel, indexes = true, constraints = true): Set<string> {
  const out = new Set<string>();
  if (indexes) for (const name of t.indexes.keys()) out.add(term.index(t.schema, name));
  if (constraints) {
    for (const c of t.constraints.values()) {
      out.add(term.constraint(t.schema, c.name));
      if (c.references) out.add(term.references(`${c.references.schema}.${c.references.table}`));
    }
  }
  return out;
}

function viewTerms(v: ViewModel): Set<string> {
  const out = new Set<string>();
  for (const name of v.indexes.keys()) out.add(term.index(v.schema, name));
  for (const d of v.dependsOn) out.add(term.reads(d));
  return out;
}

function sequenceTerms(s: SequenceModel): Set<string> {
  return s.ownedBy ? new Set([term.ownedBy(s.ownedBy.table)]) : new Set();
}

/**
 * Term (by its hash, see `termId`) → the keys holding it (unordered; usually one). Numbers, not the
 * strings: `immutable` hashes a string in JavaScript on every lookup, a number costs nothing. Two
 * terms of one hash share a list, a key once per term it holds: a lookup may then name a key that
 * does not hold the term asked for, which callers check anyway.
 */
type Holders = HashMap<number, readonly string[]>;
const NO_HOLDERS: Holders = HashMap<number, readonly string[]>();

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
}

/** Whether both member maps are the very same entries (a table edited elsewhere: its indexes and constraints as they were). */
function sameMembers(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  return a === b || (a instanceof PMap && b instanceof PMap && a.sameEntries(b));
}

export class Refs {
  private constructor(
    private readonly tables: Holders,
    private readonly views: Holders,
    private readonly sequences: Holders,
  ) {}

  static readonly EMPTY = new Refs(NO_HOLDERS, NO_HOLDERS, NO_HOLDERS);

  /** The lookups of a schema, from scratch (every table, view and sequence). */
  static build(maps: IndexedMaps): Refs {
    return Refs.EMPTY.derive({ tables: new Map(), views: new Map(), sequences: new Map() }, maps, { tables: new Set(maps.tables.keys()), views: new Set(maps.views.keys()), sequences: new Set(maps.sequences.keys()) });
  }

  /** The keys of one map that may hold a term (every one that does is among them). */
  holders(kind: keyof Changed, t: string): readonly string[] {
    return this[kind].get(termId(t)) ?? NONE;
  }

  tablesWith(t: string): readonly string[] {
    return this.holders('tables', t);
  }

  viewsWith(t: string): readonly string[] {
    return this.holders('views', t);
  }

  /**
   * The lookups of `now`, these being those of `before`: only the keys in `changed` are looked at
   * (a table whose indexes and constraints are the very same maps costs a comparison).
   */
  derive(before: IndexedMaps, now: IndexedMaps, changed: Changed): Refs {
    if (changed.tables.size === 0 && changed.views.size === 0 && changed.sequences.size === 0) return this;
    const tables = update(this.tables, changed.tables, (k) => {
      const a = before.tables.get(k);
      const b = now.tables.get(k);
      if (!a || !b) return [a ? tableTerms(a) : EMPTY_SET, b ? tableTerms(b) : EMPTY_SET];
      // The same key, so the same schema: members that are the very same maps have the same terms on both sides.
      const indexes = !sameMembers(a.indexes, b.indexes);
      const constraints = !sameMembers(a.constraints, b.constraints);
      if (!indexes && !constraints) return undefined;
      return [tableTerms(a, indexes, constraints), tableTerms(b, indexes, constraints)];
    });
    const views = update(this.views, changed.views, (k) => {
      const a = before.views.get(k);
      const b = now.views.get(k);
      if (a === b) return undefined;
      return [a ? viewTerms(a) : EMPTY_SET, b ? viewTerms(b) : EMPTY_SET];
    });
    const sequences = update(this.sequences, changed.sequences, (k) => {
      const a = before.sequences.get(k);
      const b = now.sequences.get(k);
      if (a === b || a?.ownedBy?.table === b?.ownedBy?.table) return undefined;
      return [a ? sequenceTerms(a) : EMPTY_SET, b ? sequenceTerms(b) : EMPTY_SET];
    });
    return tables === this.tables && views === this.views && sequences === this.sequences ? this : new Refs(tables, views, sequences);
  }

  /** Whether two lookups index the same keys under the same terms (tests compare a derived one with a built one). */
  equals(other: Refs): boolean {
    return sameHolders(this.tables, other.tables) && sameHolders(this.views, other.views) && sameHolders(this.sequences, other.sequences);
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();
const NONE: readonly string[] = Object.freeze([]);

function update(holders: Holders, keys: ReadonlySet<string>, termsOf: (key: string) => readonly [ReadonlySet<string>, ReadonlySet<string>] | undefined): Holders {
  if (keys.size === 0) return holders;
  return holders.withMutations((m) => {
    for (const key of keys) {
      const terms = termsOf(key);
      if (!terms) continue;
      const [was, is] = terms;
      for (const t of was) {
        if (is.has(t)) continue;
        const id = termId(t);
        const list = m.get(id);
        const at = list ? list.indexOf(key) : -1;
        if (at < 0) continue;
        if (list!.length === 1) m.delete(id);
        else m.set(id, Object.freeze([...list!.slice(0, at), ...list!.slice(at + 1)]));
      }
      for (const t of is) {
        if (was.has(t)) continue;
        const id = termId(t);
        m.set(id, Object.freeze([...(m.get(id) ?? NONE), key]));
      }
    }
  });
}

function sameHolders(a: Holders, b: Holders): boolean {
  if (a.size !== b.size) return false;
  const sorted = (l: readonly string[]): string => [...l].sort().join('\0');
  for (const [t, list] of a) {
    const other = b.get(t);
    if (!other || sorted(other) !== sorted(list)) return false;
  }
  return true;
}
