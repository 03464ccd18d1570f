import * as assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import type { Message } from 'vscode-languageserver/node';
import { FrameParser, StdioMessageReader, StdioMessageWriter } from '../../server/src/lsp/transport';

/** A stream that records each write it gets. */
function recorder(): { stream: Writable; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream, writes };
}

const frame = (body: string | Buffer): Buffer => {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]);
};

/** Feeds chunks to a parser; returns the bodies (as text) and the garbage reports. */
function parse(chunks: (string | Buffer)[]): { bodies: string[]; garbage: string[] } {
  const bodies: string[] = [];
  const garbage: string[] = [];
  const parser = new FrameParser(
    (b) => bodies.push(b.toString('utf8')),
    (g) => garbage.push(g),
  );
  for (const c of chunks) parser.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
  return { bodies, garbage };
}

describe('server transport: framing', () => {
  it('cuts bodies out of frames split anywhere, and several frames in one chunk', () => {
    const bytes = Buffer.concat([frame('{"a":1}'), frame('{"b":"é"}'), frame('{}')]);
    for (let cut = 1; cut < bytes.length; cut += 3) {
      const { bodies, garbage } = parse([bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.deepEqual(bodies, ['{"a":1}', '{"b":"é"}', '{}'], `cut at ${cut}`);
      assert.deepEqual(garbage, []);
    }
  });

  it('drops garbage between frames and header blocks without a usable Content-Length, then reads on', () => {
    const { bodies, garbage } = parse([Buffer.concat([Buffer.from('garbage without a colon\r\n\r\nX-Foo: 1\r\n\r\nContent-Length: 99999999999\r\n\r\n'), frame('{"ok":true}')])]);
    assert.deepEqual(bodies, ['{"ok":true}']);
    assert.equal(garbage.length, 3);
    assert.match(garbage[0]!, /without a usable Content-Length/);
  });

  it('gives a header line with its Content-Type to the body it announces', () => {
    const body = '{"x":2}';
    const { bodies, garbage } = parse([`Content-Length: ${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${body}`]);
    assert.deepEqual(bodies, [body]);
    assert.deepEqual(garbage, []);
  });

  it('keeps only the tail of a header that never ends', () => {
    const { bodies, garbage } = parse(['x'.repeat(10_000), frame('{}')]);
    assert.deepEqual(bodies, ['{}']);
    assert.equal(garbage.length, 2);
    assert.match(garbage[0]!, /bytes without a message header dropped/);
  });
});

describe('server transport: reader', () => {
  it('hands each message to the connection in the turn its last byte arrives, and reports a body that is not JSON', () => {
    const input = new PassThrough();
    const reader = new StdioMessageReader(input, () => undefined);
    const got: Message[] = [];
    const errors: string[] = [];
    reader.onError((e) => errors.push(e.message));
    reader.listen((m) => got.push(m));
    input.emit('data', Buffer.concat([frame('{"jsonrpc":"2.0","method":"a"}'), frame('not json'), frame('{"jsonrpc":"2.0","id":1,"method":"b"}')]));
    assert.deepEqual(got, [
      { jsonrpc: '2.0', method: 'a' },
      { jsonrpc: '2.0', id: 1, method: 'b' },
    ]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /not JSON was dropped \(8 bytes\)/);
  });

  it('reports the end of its input once', () => {
    const input = new PassThrough();
    const reader = new StdioMessageReader(input, () => undefined);
    let closes = 0;
    reader.onClose(() => closes++);
    reader.listen(() => undefined);
    input.emit('end');
    input.emit('close');
    assert.equal(closes, 1);
  });
});

describe('server transport: writer', () => {
  it('writes each message as one write, its Content-Length counting UTF-8 bytes', async () => {
    const { stream, writes } = recorder();
    const writer = new StdioMessageWriter(stream);
    await writer.write({ jsonrpc: '2.0', id: 1, result: 'ℵ and 😀' } as Message);
    await writer.write({ jsonrpc: '2.0', method: 'x' } as Message);
    assert.equal(writes.length, 2);
    const first = writes[0]!.toString('utf8');
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: 'ℵ and 😀' });
    assert.equal(first, `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`);
    // What one writes, the other reads back.
    const { bodies } = parse(writes);
    assert.deepEqual(bodies.map((b) => JSON.parse(b) as unknown), [{ jsonrpc: '2.0', id: 1, result: 'ℵ and 😀' }, { jsonrpc: '2.0', method: 'x' }]);
  });

  it('passes on an error of the stream it writes to, and its close', async () => {
    const out = new PassThrough();
    const writer = new StdioMessageWriter(out);
    const failed = new Promise<Error>((resolve) => writer.onError(([e]) => resolve(e)));
    const closed = new Promise<void>((resolve) => writer.onClose(() => resolve()));
    out.destroy(new Error('EPIPE'));
    assert.equal((await failed).message, 'EPIPE');
    await closed;
  });

  it('rejects a message that cannot be written as JSON, and writes nothing', async () => {
    const { stream, writes } = recorder();
    const writer = new StdioMessageWriter(stream);
    const errors: Error[] = [];
    writer.onError(([e]) => errors.push(e));
    const circular: Record<string, unknown> = { jsonrpc: '2.0', method: 'x' };
    circular.self = circular;
    await assert.rejects(writer.write(circular as unknown as Message));
    assert.equal(writes.length, 0);
    assert.equal(errors.length, 1);
  });
});
