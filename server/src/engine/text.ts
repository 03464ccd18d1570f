/**
 * Positions and offsets. Everything in the engine speaks UTF-16 offsets into the file text
 * (JavaScript string indexes) and LSP positions (0-based line, UTF-16 character). The parser's
 * byte offsets and code-point error positions are converted in `parsing/`, and nowhere else.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Half-open [start, end) span of UTF-16 offsets into a file's text. */
export interface Span {
  start: number;
  end: number;
}

/** Maps UTF-16 offsets to LSP positions and back for one text. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) {
        starts.push(i + 1);
      } else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo]! };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line]!;
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1]! : this.text.length;
    return Math.min(start + Math.max(0, position.character), next);
  }

  /** Offset of the first character of a line. */
  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))]!;
  }

  /** Offset just past the last character of a line, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1]!;
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }
}

/** Line break used by a text (the first one found), for text we insert into it. */
export function eolOf(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * Converts UTF-8 byte offsets of a text to UTF-16 offsets. ASCII-only texts map to themselves;
 * others get a table built once.
 */
export class ByteOffsetMap {
  private readonly table: Uint32Array | undefined;
  readonly byteLength: number;

  constructor(text: string) {
    let ascii = true;
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.table = undefined;
      this.byteLength = text.length;
      return;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    const table = new Uint32Array(bytes + 1);
    let b = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let n: number;
      if (c < 0x80) n = 1;
      else if (c < 0x800) n = 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        // A surrogate pair: 4 bytes for 2 UTF-16 units.
        for (let k = 0; k < 4; k++) table[b + k] = i;
        b += 4;
        i++;
        continue;
      } else n = 3;
      for (let k = 0; k < n; k++) table[b + k] = i;
      b += n;
    }
    table[b] = text.length;
    this.table = table;
    this.byteLength = bytes;
  }

  toOffset(byteOffset: number): number {
    if (!this.table) return Math.max(0, Math.min(byteOffset, this.byteLength));
    return this.table[Math.max(0, Math.min(byteOffset, this.byteLength))]!;
  }
}

/** UTF-16 offset of the n-th code point (0-based) of `text`, starting at `from`. */
export function codePointToOffset(text: string, codePoints: number, from = 0): number {
  let i = from;
  let n = 0;
  while (i < text.length && n < codePoints) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    n++;
  }
  return i;
}
