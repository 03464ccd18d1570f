/**
 * A persistent, insertion-ordered map with the API of a JS `Map`, for schema snapshots.
 *
 * Snapshots share structure: `draft()` is O(1), and writes to a draft never change the map the
 * draft came from. Every map inside a `SchemaModel` is frozen: a write to it throws, so a replay bug
 * cannot silently change an earlier snapshot. A draft can report every key it writes (`onWrite`):
 * that is how the replay logs what each statement changed.
 *
 * Two representations, one behaviour:
 * - up to `SMALL` entries (a table's columns, constraints, indexes, triggers; most folders' types,
 *   functions, schemas), a native `Map`: a draft copies it on its first write (O(SMALL)), then writes
 *   in place. Lookups and iteration cost what a `Map`'s cost; there is no hashing in JavaScript.
 * - beyond, an ordered hash array mapped trie (`immutable`'s OrderedMap): a write costs O(log n)
 *   whatever the size, so a file that adds 10,000 columns to one table, snapshot after snapshot,
 *   stays linear.
 * Iterating a draft hands out the entries as they were when the iteration began, in both.
 */
import { OrderedMap } from 'immutable';

/** Above this many entries a map is a trie (see above). */
export const SMALL = 32;

type Store<V> = Map<string, V> | OrderedMap<string, V>;

export class PMap<V> implements ReadonlyMap<string, V> {
  private constructor(
    private m: Store<V>,
    private frozen: boolean,
    private onWrite: ((key: string) => void) | undefined,
    /** Whether `m` is a native map this draft made and nobody else holds (it may write to it in place). */
    private owned = false,
  ) {}

  private static readonly EMPTY = new PMap<never>(new Map<string, never>(), true, undefined);

  /** The empty (frozen) map. */
  static empty<V>(): PMap<V> {
    return PMap.EMPTY as PMap<V>;
  }

  /** A frozen map of these entries, in their order. */
  static of<V>(entries: Iterable<readonly [string, V]>): PMap<V> {
    const m = new Map<string, V>(entries as Iterable<[string, V]>);
    return new PMap<V>(m.size > SMALL ? OrderedMap<string, V>(m) : m, true, undefined);
  }

  /** A writable copy (O(1)); `onWrite` hears every key set or deleted in it. */
  draft(onWrite?: (key: string) => void): PMap<V> {
    if (!this.frozen) this.owned = false; // both now hold `m`: the next write of either copies it
    return new PMap(this.m, false, onWrite);
  }

  /** Makes this map read-only for good and returns it. */
  freeze(): PMap<V> {
    this.frozen = true;
    this.owned = false;
    // A frozen map is never written again: it no longer holds on to the draft that listened.
    this.onWrite = undefined;
    return this;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Whether the map is a trie (more than `SMALL` entries once); for tests. */
  get isTrie(): boolean {
    return !(this.m instanceof Map);
  }

  /** Whether both hold the very same entries (a draft nobody wrote to, or the map it came from). */
  sameEntries(other: PMap<V>): boolean {
    return this.m === other.m;
  }

  get size(): number {
    return this.m.size;
  }

  /**
   * The keys among `wanted` that this map holds, in the map's order, at the cost of the keys wanted,
   * not of the map: a trie orders them by the position `immutable` keeps for each key (its
   * OrderedMap's `_map`, key → index into its entry list, which only grows or is compacted in order);
   * should that not be there, by a scan, as a small map always is.
   */
  orderOf(wanted: Iterable<string>): string[] {
    const m = this.m;
    const want = new Set(wanted);
    const scan = (): string[] => {
      const out: string[] = [];
      for (const k of m.keys()) if (want.has(k)) out.push(k);
      return out;
    };
    if (m instanceof Map) return scan();
    const index = (m as unknown as { _map?: { get?: (k: string) => unknown } })._map;
    if (typeof index?.get !== 'function') return scan();
    const placed: [string, number][] = [];
    for (const k of want) {
      if (!m.has(k)) continue;
      const at = index.get(k);
      if (typeof at !== 'number') return scan();
      placed.push([k, at]);
    }
    return placed.sort((x, y) => x[1] - y[1]).map(([k]) => k);
  }

  get(key: string): V | undefined {
    return this.m.get(key);
  }

  has(key: string): boolean {
    return this.m.has(key);
  }

  set(key: string, value: V): this {
    if (this.frozen) throw new Error(`schema snapshot is read-only (set ${key})`);
    const m = this.m;
    if (m instanceof Map) {
      const own = this.owned ? m : new Map(m);
      own.set(key, value);
      if (own.size > SMALL) {
        this.m = OrderedMap<string, V>(own);
        this.owned = false;
      } else {
        this.m = own;
        this.owned = true;
      }
    } else this.m = m.set(key, value);
    this.onWrite?.(key);
    return this;
  }

  delete(key: string): boolean {
    if (this.frozen) throw new Error(`schema snapshot is read-only (delete ${key})`);
    const m = this.m;
    if (!m.has(key)) return false;
    if (m instanceof Map) {
      const own = this.owned ? m : new Map(m);
      own.delete(key);
      this.m = own;
      this.owned = true;
    } else this.m = m.delete(key);
    this.onWrite?.(key);
    return true;
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  /** The store to iterate: a native map this draft owns is handed out as it is and copied on the next write. */
  private snapshot(): Store<V> {
    this.owned = false;
    return this.m;
  }

  // Both stores' iterators are iterable iterators, as a Map's are.
  keys(): MapIterator<string> {
    return this.snapshot().keys() as unknown as MapIterator<string>;
  }

  values(): MapIterator<V> {
    return this.snapshot().values() as unknown as MapIterator<V>;
  }

  entries(): MapIterator<[string, V]> {
    return this.snapshot().entries() as unknown as MapIterator<[string, V]>;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}

/**
 * The keys among `wanted` that `map` holds, each once, in the map's order: at the cost of the keys
 * wanted for a persistent map (`orderOf`), of a scan for any other.
 */
export function keysInOrder(map: ReadonlyMap<string, unknown>, wanted: Iterable<string>): string[] {
  const want = wanted instanceof Set ? (wanted as ReadonlySet<string>) : new Set(wanted);
  if (want.size === 0) return [];
  if (want.size === 1) {
    const [only] = want;
    return map.has(only!) ? [only!] : [];
  }
  if (map instanceof PMap) return map.orderOf(want);
  const out: string[] = [];
  for (const k of map.keys()) if (want.has(k)) out.push(k);
  return out;
}
