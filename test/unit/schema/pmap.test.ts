/** The schema model's persistent map: both representations behave as one persistent, ordered map. */
import * as assert from 'node:assert/strict';
import { PMap, SMALL } from '../../../server/src/engine/schema/pmap';

const keys = (m: ReadonlyMap<string, unknown>): string[] => [...m.keys()];
const range = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `k${from + i}`);

describe('schema model: persistent map', () => {
  for (const size of [3, SMALL + 5]) {
    describe(`with ${size} entries (${size > SMALL ? 'trie' : 'native map'})`, () => {
      const base = (): PMap<number> => PMap.of(range(size).map((k, i) => [k, i] as const));

      it('a draft\'s writes never reach the map it came from, nor a sibling draft', () => {
        const b = base();
        assert.equal(b.isTrie, size > SMALL);
        const d1 = b.draft();
        const d2 = b.draft();
        d1.set('k0', 100);
        d1.set('new', 1);
        d1.delete('k1');
        assert.deepEqual([b.get('k0'), b.has('new'), b.has('k1'), b.size], [0, false, true, size]);
        assert.deepEqual([d2.get('k0'), d2.has('new'), d2.has('k1'), d2.size], [0, false, true, size]);
        assert.deepEqual([d1.get('k0'), d1.get('new'), d1.has('k1'), d1.size], [100, 1, false, size]);
        // A draft of a draft: writes to the child do not reach the parent, later writes to the parent do not reach the child.
        const child = d1.draft();
        child.set('child', 1);
        d1.set('parent', 1);
        assert.deepEqual([d1.has('child'), child.has('parent'), child.has('child')], [false, false, true]);
      });

      it('keeps insertion order: an update keeps a key\'s place, a delete then set moves it last', () => {
        const d = base().draft();
        d.set('k0', 7);
        d.delete('k1');
        d.set('k1', 8);
        d.set('z', 9);
        assert.deepEqual(keys(d), [...range(size).filter((k) => k !== 'k1'), 'k1', 'z']);
        assert.equal(d.get('k0'), 7);
      });

      it('an iteration sees the entries as they were when it began, whatever the loop writes', () => {
        const d = base().draft();
        d.set('extra', -1); // a draft that already owns its entries
        const seen: string[] = [];
        for (const [k] of d) {
          seen.push(k);
          d.delete(k);
          d.set(`${k}'`, 0); // renaming while iterating must not visit the new keys
        }
        assert.deepEqual(seen, [...range(size), 'extra']);
        assert.deepEqual(keys(d), [...range(size), 'extra'].map((k) => `${k}'`));
        const values: number[] = [];
        d.forEach((v, k) => {
          values.push(v);
          d.set(k, 5);
        });
        assert.equal(values.length, size + 1);
        assert.ok(values.every((v) => v === 0));
      });

      it('a frozen map refuses writes; sameEntries tells an unwritten draft from a written one', () => {
        const b = base();
        assert.throws(() => b.set('x', 1), /read-only \(set x\)/);
        assert.throws(() => b.delete('k0'), /read-only \(delete k0\)/);
        const d = b.draft();
        assert.ok(d.sameEntries(b));
        d.set('x', 1);
        assert.ok(!d.sameEntries(b));
        d.freeze();
        assert.throws(() => d.set('y', 1), /read-only/);
      });

      it('reports every key written to a draft', () => {
        const written: string[] = [];
        const d = base().draft((k) => written.push(k));
        d.set('a', 1);
        d.delete('k0');
        d.delete('absent');
        assert.deepEqual(written, ['a', 'k0']);
      });
    });
  }

  it('becomes a trie past SMALL entries, in order, without changing earlier snapshots', () => {
    const small = PMap.of(range(SMALL).map((k, i) => [k, i] as const));
    const d = small.draft();
    d.set('last', SMALL);
    assert.ok(d.isTrie);
    assert.ok(!small.isTrie);
    assert.equal(small.size, SMALL);
    assert.deepEqual(keys(d), [...range(SMALL), 'last']);
    // Writes after the switch stay in the draft.
    d.set('k0', -1);
    assert.equal(small.get('k0'), 0);
  });

  it('orders a few keys as the map does, whatever was deleted and re-added (a trie compacts its entries)', () => {
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    let m = PMap.of(range(40).map((k, i) => [k, i] as const));
    for (let round = 0; round < 40; round++) {
      const d = m.draft();
      for (let i = 0; i < 50; i++) {
        const k = `k${random(120)}`;
        if (random(3) === 0) d.delete(k);
        else d.set(k, i);
      }
      m = d.freeze();
      assert.ok(m.isTrie);
      const wanted = Array.from({ length: 6 }, () => `k${random(130)}`);
      assert.deepEqual(m.orderOf(wanted), keys(m).filter((k) => wanted.includes(k)), `round ${round}`);
    }
  });

  it('10,000 snapshots of one growing map each keep their own entries', () => {
    // (bench/scale.mjs measures that this stays linear: a native map copied per snapshot would not.)
    let m = PMap.empty<number>();
    const snapshots: PMap<number>[] = [];
    for (let i = 0; i < 10_000; i++) {
      const d = m.draft();
      d.set(`c${i}`, i);
      m = d.freeze();
      snapshots.push(m);
    }
    assert.equal(snapshots[9_999]!.size, 10_000);
    assert.equal(snapshots[99]!.size, 100);
    assert.ok(!snapshots[99]!.has('c100'));
    assert.ok(snapshots[9_999]!.isTrie);
  });
});
