/**
 * The language server collects its own mid-lived garbage (lsp/heap.ts): the budget over the live
 * set, and that a governor running in this process does collect when garbage piles up.
 */
import * as assert from 'node:assert/strict';
import { governHeap, HEAP_RATIO, HEAP_SLACK, overBudget } from '../../server/src/lsp/heap';

const MB = 1024 * 1024;

describe('heap governor', () => {
  it('allows 32 MB plus a quarter of the live set over the live set', () => {
    assert.equal(HEAP_SLACK, 32 * MB);
    assert.equal(HEAP_RATIO, 0.25);
    assert.equal(overBudget(62 * MB, 24 * MB), false);
    assert.equal(overBudget(62 * MB + 1, 24 * MB), true);
    assert.equal(overBudget(157 * MB, 100 * MB), false);
    assert.equal(overBudget(158 * MB, 100 * MB), true);
  });

  it('runs a full collection once garbage outgrows the budget, between tasks', async () => {
    const governor = governHeap();
    try {
      // Mid-lived garbage: each round's objects live until the next round (as a keystroke's analysis does).
      let keep: { n: number; s: string }[] = [];
      const deadline = Date.now() + 20000;
      while (governor.collections === 0 && Date.now() < deadline) {
        keep = [];
        for (let i = 0; i < 100000; i++) keep.push({ n: i, s: `row ${i} ${Date.now()}` });
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.ok(keep.length > 0);
      assert.ok(governor.collections > 0, 'no collection within 20 s');
    } finally {
      governor.stop();
    }
  });
});
