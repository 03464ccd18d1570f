/**
 * The fuzzer's own model of a text document, written from the LSP specification and independent of
 * the server's code: lines end at `\n`, `\r\n` or `\r`; a position past the end of a line means the
 * end of that line (before its line break), a line past the last line means the end of the text, a
 * negative line or character means the start. Every incremental change is applied to this model
 * too, so the harness always knows the text the editor has.
 */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ContentChange {
  range?: Range;
  text: string;
}

/** Offsets of the first character of each line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Length of a line without its line break. */
export function lineLength(text: string, starts: readonly number[], line: number): number {
  const start = starts[line]!;
  let end = line + 1 < starts.length ? starts[line + 1]! : text.length;
  if (end > start && text.charCodeAt(end - 1) === 10) end--;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return end - start;
}

export function offsetAt(text: string, position: Position, starts = lineStarts(text)): number {
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return text.length;
  const character = Math.max(0, Math.min(position.character, lineLength(text, starts, position.line)));
  return starts[position.line]! + character;
}

export function positionAt(text: string, offset: number, starts = lineStarts(text)): Position {
  const o = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= o) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: o - starts[lo]! };
}

/** The text after one content change (a change without a range replaces the whole text). */
export function applyChange(text: string, change: ContentChange): string {
  if (!change.range) return change.text;
  const starts = lineStarts(text);
  let a = offsetAt(text, change.range.start, starts);
  let b = offsetAt(text, change.range.end, starts);
  if (b < a) [a, b] = [b, a];
  return text.slice(0, a) + change.text + text.slice(b);
}

/** Applies non-overlapping edits whose ranges refer to the original text (a WorkspaceEdit's TextEdit[]). */
export function applyEdits(text: string, edits: readonly { range: Range; newText: string }[]): string {
  const starts = lineStarts(text);
  const spans = edits
    .map((e, i) => ({ start: offsetAt(text, e.range.start, starts), end: offsetAt(text, e.range.end, starts), newText: e.newText, i }))
    .sort((x, y) => y.start - x.start || y.i - x.i);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

const isPosition = (p: unknown): p is Position =>
  typeof p === 'object' && p !== null && Number.isInteger((p as Position).line) && Number.isInteger((p as Position).character);

/** Why a position is not inside the text, or undefined when it is. */
function positionProblem(text: string, starts: readonly number[], p: unknown): string | undefined {
  if (!isPosition(p)) return `not a position: ${JSON.stringify(p)}`;
  if (p.line < 0 || p.character < 0) return `negative position ${p.line}:${p.character}`;
  if (p.line >= starts.length) return `line ${p.line} past the last line ${starts.length - 1}`;
  const len = lineLength(text, starts, p.line);
  if (p.character > len) return `character ${p.character} past the end of line ${p.line} (length ${len})`;
  return undefined;
}

/** Why a range is not inside the text (or is reversed), or undefined when it is fine. */
export function rangeProblem(text: string, range: unknown, starts = lineStarts(text)): string | undefined {
  const r = range as Partial<Range> | undefined;
  if (typeof r !== 'object' || r === null) return `not a range: ${JSON.stringify(range)}`;
  const p = positionProblem(text, starts, r.start) ?? positionProblem(text, starts, r.end);
  if (p) return `${p} in ${JSON.stringify(range)}`;
  const s = r.start!;
  const e = r.end!;
  if (s.line > e.line || (s.line === e.line && s.character > e.character)) return `reversed range ${JSON.stringify(range)}`;
  return undefined;
}
