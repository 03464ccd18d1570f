/**
 * verify's memory: garbage collected when verify lets go of a dump (pglite.ts, collectGarbage).
 * PGlite itself is never loaded here.
 */
import * as assert from 'node:assert/strict';
import { collectGarbage, isPGliteLoaded } from '../../../server/src/engine/verify/pglite';

describe('verify memory', () => {
  it('collectGarbage frees what nothing references any more, at once', async () => {
    let big: Uint8Array | undefined = new Uint8Array(32 * 1024 * 1024);
    const ref = new WeakRef(big);
    big = undefined;
    // A WeakRef keeps its target for the rest of the job that made or read it.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    assert.equal(ref.deref(), undefined);
    assert.equal(isPGliteLoaded(), false);
  });
});
