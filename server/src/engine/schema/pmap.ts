/**
 * A persistent, insertion-ordered map with the API of a JS `Map`, for schema snapshots.
 *
 * Snapshots share structure: `draft()` is O(1), and `set` / `delete` on a draft cost O(log n)
 * and never change the map the draft came from (a hash array mapped trie underneath, from the
 * `immutable` package). Every map inside a `SchemaModel` is frozen: a write to it throws, so a
 * replay bug cannot silently change an earlier snapshot. A draft can report every key it writes
 * (`onWrite`): that is how the replay logs what each statement changed.
 */
import { OrderedMap } from 'immutable';

export class PMap<V> implements ReadonlyMap<string, V> {
  private constructor(
    private m: OrderedMap<string, V>,
    private frozen: boolean,
    private readonly onWrite: ((key: string) => void) | undefined,
  ) {}

  private static readonly EMPTY = new PMap<never>(OrderedMap<string, never>(), true, undefined);

  /** The empty (frozen) map. */
  static empty<V>(): PMap<V> {
    return PMap.EMPTY as PMap<V>;
  }

  /** A frozen map of these entries, in their order. */
  static of<V>(entries: Iterable<readonly [string, V]>): PMap<V> {
    return new PMap<V>(OrderedMap<string, V>(entries as Iterable<[string, V]>), true, undefined);
  }

  /** A writable copy (O(1)); `onWrite` hears every key set or deleted in it. */
  draft(onWrite?: (key: string) => void): PMap<V> {
    return new PMap(this.m, false, onWrite);
  }

  /** Makes this map read-only for good and returns it. */
  freeze(): PMap<V> {
    this.frozen = true;
    return this;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Whether both hold the very same entries (a draft nobody wrote to, or the map it came from). */
  sameEntries(other: PMap<V>): boolean {
    return this.m === other.m;
  }

  get size(): number {
    return this.m.size;
  }

  get(key: string): V | undefined {
    return this.m.get(key);
  }

  has(key: string): boolean {
    return this.m.has(key);
  }

  set(key: string, value: V): this {
    if (this.frozen) throw new Error(`schema snapshot is read-only (set ${key})`);
    this.m = this.m.set(key, value);
    this.onWrite?.(key);
    return this;
  }

  delete(key: string): boolean {
    if (this.frozen) throw new Error(`schema snapshot is read-only (delete ${key})`);
    if (!this.m.has(key)) return false;
    this.m = this.m.delete(key);
    this.onWrite?.(key);
    return true;
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.m) callback.call(thisArg, v, k, this);
  }

  // immutable's iterators are iterable iterators, as a Map's are.
  keys(): MapIterator<string> {
    return this.m.keys() as unknown as MapIterator<string>;
  }

  values(): MapIterator<V> {
    return this.m.values() as unknown as MapIterator<V>;
  }

  entries(): MapIterator<[string, V]> {
    return this.m.entries() as unknown as MapIterator<[string, V]>;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
