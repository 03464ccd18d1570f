/**
 * The stdio transport, made total and short. vscode-jsonrpc stops reading for good after a header it
 * cannot parse, so stdin goes through `FrameParser`: it passes well-framed bodies on and drops
 * anything else (garbage between frames, header blocks without a Content-Length), then resyncs on
 * the next `Content-Length:` header. `StdioMessageReader` decodes each body as it arrives and hands
 * the message to the connection at once; `StdioMessageWriter` writes each message, header and body,
 * in one write. (The library's stream reader and writer pass every message through a semaphore and
 * several promise turns, and write a header and its body in two writes: on a keystroke, that
 * machinery cost as much as checking a short file.)
 */
import { format } from 'node:util';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  ProposedFeatures,
  createConnection,
  type Connection,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';

const SEPARATOR = Buffer.from('\r\n\r\n', 'ascii');
/** Bytes kept while looking for a header; more without `\r\n\r\n` is garbage. */
const MAX_HEADER = 8192;
/** A larger Content-Length is taken for garbage (the server would wait for it forever). */
const MAX_BODY = 512 * 1024 * 1024;
const CONTENT_LENGTH = /Content-Length:[ \t]*(\d{1,10})[ \t]*(?:\r\n|$)/i;

/** Cuts a byte stream into message bodies; what is not a well-framed message is reported and dropped. */
export class FrameParser {
  private head: Buffer = Buffer.alloc(0);
  private body: Buffer[] = [];
  private bodyLength = 0;
  private expected = -1;

  constructor(
    private readonly onBody: (body: Buffer) => void,
    private readonly onGarbage: (description: string) => void,
  ) {}

  /** Takes the next bytes; never throws (after an internal error, the bytes held are dropped). */
  push(chunk: Buffer): void {
    try {
      this.feed(chunk);
    } catch (e) {
      this.reset();
      this.onGarbage(`input dropped after an internal error: ${String(e)}`);
    }
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
        if (this.bodyLength === this.expected) this.emitBody();
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
        if (length === 0) this.emitBody();
        data = rest;
        break;
      }
    }
  }

  private emitBody(): void {
    const body = this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body);
    this.body = [];
    this.bodyLength = 0;
    this.expected = -1;
    this.onBody(body);
  }
}

/**
 * Messages from a byte stream (stdin): each body is decoded as soon as it is complete and handed to
 * the connection in the same turn. A body that is not JSON is reported as a read error (the
 * connection logs it and goes on), like the library's reader does.
 */
export class StdioMessageReader extends AbstractMessageReader implements MessageReader {
  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly onGarbage: (description: string) => void,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const parser = new FrameParser((body) => {
      let message: Message;
      try {
        message = JSON.parse(body.toString('utf8')) as Message;
      } catch (e) {
        this.fireError(new Error(`A message body that is not JSON was dropped (${body.length} bytes): ${e instanceof Error ? e.message : String(e)}`));
        return;
      }
      try {
        callback(message);
      } catch (e) {
        this.fireError(e instanceof Error ? e : new Error(String(e)));
      }
    }, this.onGarbage);
    const onData = (chunk: Buffer | string): void => parser.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'utf8'));
    const onError = (e: Error): void => this.fireError(e);
    let closed = false;
    const onClose = (): void => {
      if (closed) return;
      closed = true;
      this.fireClose();
    };
    this.input.on('data', onData);
    this.input.on('error', onError);
    this.input.on('end', onClose);
    this.input.on('close', onClose);
    return {
      dispose: () => {
        this.input.off('data', onData);
        this.input.off('error', onError);
        this.input.off('end', onClose);
        this.input.off('close', onClose);
      },
    };
  }
}

/**
 * Messages to a byte stream (stdout), each as one write of its header and body, in the order they
 * are written. Errors of the stream (the client went away) and its end are passed on.
 */
export class StdioMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
    out.on('error', (e: Error) => this.fireError(e));
    out.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    // A message that cannot be serialised and a stream that throws fail the same way.
    try {
      const body = JSON.stringify(msg);
      this.out.write(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`, 'utf8');
      this.errorCount = 0;
      return Promise.resolve();
    } catch (e) {
      this.errorCount++;
      this.fireError(e, msg, this.errorCount);
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  end(): void {
    this.out.end();
  }
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
  const reader = new StdioMessageReader(process.stdin, (what) => log(`Migration Guard: invalid input from the client: ${what}`));
  connection = createConnection(ProposedFeatures.all, reader, new StdioMessageWriter(process.stdout));
  const c = connection;
  const toLog = (...args: unknown[]): void => c.console.log(format(...args));
  console.log = toLog;
  console.info = toLog;
  console.debug = toLog;
  console.warn = (...args: unknown[]): void => c.console.warn(format(...args));
  console.error = (...args: unknown[]): void => c.console.error(format(...args));
  return connection;
}
