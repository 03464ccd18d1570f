import * as assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { CoalescingWriter } from '../../server/src/lsp/transport';

/** A stream that records each write it gets. */
function recorder(): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, writes };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('server transport: one write per turn of the event loop', () => {
  it('a header and its body written one after the other (as vscode-jsonrpc does) reach the client in one write', async () => {
    const { stream, writes } = recorder();
    const w = new CoalescingWriter(stream);
    await new Promise<void>((resolve) => w.write('Content-Length: 2\r\n\r\n', 'ascii', () => resolve()));
    w.write(Buffer.from('{}'));
    assert.deepEqual(writes, []);
    await turn();
    await turn();
    assert.deepEqual(writes, ['Content-Length: 2\r\n\r\n{}']);
  });

  it('keeps the order of messages written in later turns', async () => {
    const { stream, writes } = recorder();
    const w = new CoalescingWriter(stream);
    w.write('a');
    await turn();
    await turn();
    w.write('b');
    w.write('c');
    await turn();
    await turn();
    assert.deepEqual(writes, ['a', 'bc']);
  });

  it('passes on an error and the end of the stream it writes to', async () => {
    const out = new PassThrough();
    const w = new CoalescingWriter(out);
    const failed = new Promise<Error>((resolve) => w.once('error', resolve));
    out.destroy(new Error('EPIPE'));
    assert.equal((await failed).message, 'EPIPE');
    assert.equal(w.destroyed, true);
  });

  it('writes what is pending when it is ended', async () => {
    const { stream, writes } = recorder();
    const w = new CoalescingWriter(stream);
    w.write('last');
    await new Promise<void>((resolve) => w.end(resolve));
    assert.deepEqual(writes, ['last']);
  });
});
