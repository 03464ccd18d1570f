/**
 * The verify cache's entries read back as the bytes written, without copies on the way to PGlite
 * (cache.ts: the member inflated into one buffer sized by its trailer, a Blob that hands that buffer over).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { readEntry, TarballBlob, writeEntry } from '../../../server/src/engine/verify/cache';

describe('verify cache entries', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cache-test-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7919) % 251);

  it('reads back what was written, as one buffer handed over by arrayBuffer() without a copy', async () => {
    const data = bytes(300_000);
    assert.equal(await writeEntry(dir, 'k1', new Blob([data])), true);
    assert.equal(await writeEntry(dir, 'k1', new Blob([bytes(10)])), false, 'an entry is never overwritten');
    const blob = await readEntry(dir, 'k1');
    assert.ok(blob instanceof TarballBlob);
    assert.equal(blob.size, data.length);
    const a = await blob.arrayBuffer();
    assert.deepEqual(new Uint8Array(a), data);
    // The same buffer each time: no copy per read (PGlite reads it once per database it starts).
    assert.equal(await blob.arrayBuffer(), a);
    assert.deepEqual(new Uint8Array(await new Response(blob.stream()).arrayBuffer()), data);
    assert.deepEqual(new Uint8Array(await blob.slice(10, 20).arrayBuffer()), data.slice(10, 20));
  });

  it('a file whose gzip trailer does not give the whole length (two members) still reads whole', async () => {
    const first = bytes(100_000);
    const second = bytes(5_000).map((b) => 255 - b);
    fs.writeFileSync(path.join(dir, 'k2.tar.gz'), Buffer.concat([zlib.gzipSync(first), zlib.gzipSync(second)]));
    const blob = await readEntry(dir, 'k2');
    assert.ok(blob);
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), Uint8Array.from([...first, ...second]));
  });

  it('a damaged or missing entry reads as none', async () => {
    fs.writeFileSync(path.join(dir, 'k3.tar.gz'), Buffer.from('not gzip at all, but long enough to have a trailer'));
    assert.equal(await readEntry(dir, 'k3'), undefined);
    assert.equal(await readEntry(dir, 'absent'), undefined);
  });
});
