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

describe('server transport: one write per message', () => {
  it('a header and its body written one after the other (as vscode-jsonrpc does) reach the client in one write', async () => {
    const { stream, writes } = recorder();
    const w = new CoalescingWriter(stream);
    await new Promise<void>((resolve) => w.write('Content-Length: 2\r\n\r\n', 'ascii', () => resolve()));
    assert.deepEqual(writes, []);
    await new Promise<void>((resolve) => w.write(Buffer.from('{}'), () => resolve()));
    assert.deepEqual(writes, ['Content-Length: 2\r\n\r\n{}']);
    await turn();
    assert.deepEqual(writes, ['Content-Length: 2\r\n\r\n{}']);
  });

  it('a header with no body after it still goes out, at the next turn of the event loop', async () => {
    const { stream, writes } = recorder();
    const w = new CoalescingWriter(stream);
    w.write('Content-Length: 0\r\n\r\n');
    await turn();
    await turn();
    assert.deepEqual(writes, ['Content-Length: 0\r\n\r\n']);
  });

  it('writes anything else at once, in order', async () => {
    const { stream, writes } = recorder();
    const w = new CoalescingWriter(stream);
    await new Promise<void>((resolve) => w.write('a', () => resolve()));
    assert.deepEqual(writes, ['a']);
    w.write('b');
    await new Promise<void>((resolve) => w.write('c', () => resolve()));
    assert.deepEqual(writes, ['a', 'b', 'c']);
  });

  it('passes on an error and the end of the stream it writes to', async () => {
    const out = new PassThrough();
    const w = new CoalescingWriter(out);
    const failed = new Promise<Error>((resolve) => w.once('error', resolve));
    out.destroy(new Error('EPIPE'));
    assert.equal((await failed).message, 'EPIPE');
    assert.equal(w.destroyed, true);
  });

  it('writes a held header when it is ended', async () => {
    const { stream, writes } = recorder();
    const w = new CoalescingWriter(stream);
    w.write('Content-Length: 4\r\n\r\n');
    await new Promise<void>((resolve) => w.end(resolve));
    assert.deepEqual(writes, ['Content-Length: 4\r\n\r\n']);
  });
});
