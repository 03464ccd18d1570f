/**
 * The stdio transport, made total. vscode-jsonrpc stops reading for good after a header it cannot
 * parse, so stdin goes through `FrameSanitizer` first: it passes well-framed messages on and drops
 * anything else (garbage between frames, header blocks without a Content-Length), then resyncs on
 * the next `Content-Length:` header. Bodies are passed on unchanged; a bad body is jsonrpc's
 * (recoverable) problem.
 */
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { format } from 'node:util';
import { ProposedFeatures, StreamMessageReader, StreamMessageWriter, createConnection, type Connection } from 'vscode-languageserver/node';

const SEPARATOR = Buffer.from('\r\n\r\n', 'ascii');
/** Bytes kept while looking for a header; more without `\r\n\r\n` is garbage. */
const MAX_HEADER = 8192;
/** A larger Content-Length is taken for garbage (the server would wait for it forever). */
const MAX_BODY = 512 * 1024 * 1024;
const CONTENT_LENGTH = /Content-Length:[ \t]*(\d{1,10})[ \t]*(?:\r\n|$)/i;

export class FrameSanitizer extends Transform {
  private head: Buffer = Buffer.alloc(0);
  private body: Buffer[] = [];
  private bodyLength = 0;
  private expected = -1;

  constructor(private readonly onGarbage: (description: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    } catch (e) {
      // Never error the stream: that would end the connection.
      this.reset();
      this.onGarbage(`input dropped after an internal error: ${String(e)}`);
    }
    callback();
  }

  private reset(): void {
    this.head = Buffer.alloc(0);
    this.body = [];
    this.bodyLength = 0;
    this.expected = -1;
  }

  private feed(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.expected >= 0) {
        const take = data.subarray(0, this.expected - this.bodyLength);
        this.body.push(take);
        this.bodyLength += take.length;
        data = data.subarray(take.length);
        if (this.bodyLength === this.expected) this.emitFrame();
        continue;
      }
      this.head = this.head.length > 0 ? Buffer.concat([this.head, data]) : data;
      data = Buffer.alloc(0);
      for (;;) {
        const end = this.head.indexOf(SEPARATOR);
        if (end < 0) {
          if (this.head.length > MAX_HEADER) {
            this.onGarbage(`${this.head.length - 64} bytes without a message header dropped`);
            this.head = Buffer.from(this.head.subarray(this.head.length - 64));
          }
          break;
        }
        const header = this.head.subarray(0, end).toString('latin1');
        const rest = this.head.subarray(end + SEPARATOR.length);
        this.head = Buffer.alloc(0);
        const m = CONTENT_LENGTH.exec(header);
        const length = m ? Number(m[1]) : NaN;
        if (!m || !(length <= MAX_BODY)) {
          this.onGarbage(`a header block without a usable Content-Length dropped (${JSON.stringify(header.slice(0, 80))})`);
          this.head = rest;
          continue;
        }
        if (m.index > 0 && !/(?:^|\r\n)$/.test(header.slice(0, m.index))) {
          this.onGarbage(`${m.index} bytes of garbage before a message header dropped`);
        }
        this.expected = length;
        if (length === 0) this.emitFrame();
        data = rest;
        break;
      }
    }
  }

  private emitFrame(): void {
    const header = Buffer.from(`Content-Length: ${this.expected}\r\n\r\n`, 'ascii');
    this.push(Buffer.concat([header, ...this.body]));
    this.body = [];
    this.bodyLength = 0;
    this.expected = -1;
  }
}

/**
 * Writes each message in one write. vscode-jsonrpc writes a message's header, waits for the write to
 * complete, then writes its body: two system calls, and a client that wakes on the header only to
 * wait for the body. Here a header is held and goes out with the body that follows it (at the latest
 * at the next turn of the event loop); anything else is written at once. Errors and the end of the
 * underlying stream are passed on, so the connection still closes.
 */
export class CoalescingWriter extends Writable {
  private header: Buffer | undefined;
  private scheduled = false;

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
    out.on('error', (e: Error) => this.destroy(e));
    out.on('close', () => this.destroy());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.header) {
      const data = Buffer.concat([this.header, chunk]);
      this.header = undefined;
      this.out.write(data);
    } else if (isHeader(chunk)) {
      this.header = chunk;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    } else this.out.write(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush();
    callback();
  }

  private flush(): void {
    if (!this.header) return;
    const data = this.header;
    this.header = undefined;
    this.out.write(data);
  }
}

/** A JSON-RPC header block: `Content-Length: n` lines ending in an empty line, nothing after it. */
function isHeader(chunk: Buffer): boolean {
  return chunk.length < MAX_HEADER && chunk.subarray(0, 15).toString('latin1').toLowerCase() === 'content-length:' && chunk.subarray(chunk.length - 4).equals(SEPARATOR);
}

/**
 * With `--stdio` (how the client starts the server): sanitized stdin/stdout, and `console.*` sent
 * to the client's log instead of stdout. Other transports (`--node-ipc`, `--socket=`) as the library does them.
 */
export function createServerConnection(): Connection {
  if (!process.argv.includes('--stdio')) return createConnection(ProposedFeatures.all);
  let connection: Connection | undefined;
  const log = (message: string): void => {
    if (connection) connection.console.warn(message);
    else process.stderr.write(`${message}\n`);
  };
  const input = process.stdin.pipe(new FrameSanitizer((what) => log(`Migration Guard: invalid input from the client: ${what}`)));
  connection = createConnection(ProposedFeatures.all, new StreamMessageReader(input), new StreamMessageWriter(new CoalescingWriter(process.stdout)));
  const c = connection;
  const toLog = (...args: unknown[]): void => c.console.log(format(...args));
  console.log = toLog;
  console.info = toLog;
  console.debug = toLog;
  console.warn = (...args: unknown[]): void => c.console.warn(format(...args));
  console.error = (...args: unknown[]): void => c.console.error(format(...args));
  return connection;
}
