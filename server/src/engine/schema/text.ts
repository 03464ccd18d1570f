/** Source-text helpers for the schema model: where an element of a statement ends, token rewrites. */
import { tokenize, type Token } from '../parsing/lexer';
import { quoteIdent } from '../parsing/ast';
import type { Span } from '../text';

const OPEN = new Set(['(', '[']);
const CLOSE = new Set([')', ']']);

/**
 * The end of the list element (a column or constraint of CREATE TABLE, a subcommand of ALTER
 * TABLE) that starts at `start`: the end of its last token before a comma or a closing parenthesis
 * at its own nesting level. `tokens` are the statement's, tokenized once (big tables stay linear).
 */
export function elementEndIn(tokens: readonly Token[], start: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  let depth = 0;
  let end = start;
  for (let i = lo; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && OPEN.has(t.value)) depth++;
    else if (t.kind === 'punct' && CLOSE.has(t.value)) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && t.kind === 'punct' && t.value === ',') break;
    end = t.end;
  }
  return end;
}

/** The end of the last token that ends at or before `before`, not before `start`. */
export function lastTokenEnd(text: string, start: number, before: number): number {
  const tokens = tokenize(text, start, before);
  return tokens.length > 0 ? tokens[tokens.length - 1]!.end : start;
}

/** The span of text after a leading `CONSTRAINT name` (the table-constraint body). */
export function withoutConstraintName(text: string, span: Span): Span {
  const tokens = tokenize(text, span.start, span.end);
  if (tokens[0]?.kind === 'word' && tokens[0].value === 'CONSTRAINT' && tokens[2]) return { start: tokens[2].start, end: span.end };
  return { start: span.start, end: span.end };
}

export function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'word' || t.kind === 'quoted-ident');
}

/** A token's identifier value as PostgreSQL folds it: words lower-cased, quoted identifiers as written. */
export function identValue(t: Token, text: string): string {
  return t.kind === 'quoted-ident' ? t.value : text.slice(t.start, t.end).toLowerCase();
}

/** Replaces spans of `text` (sorted or not) with new texts. */
export function splice(text: string, edits: { span: Span; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** The span of a (possibly qualified) name whose first token starts at token index `i`. */
function qualifiedNameSpan(tokens: Token[], i: number): Span | undefined {
  if (!isName(tokens[i])) return undefined;
  let j = i;
  while (tokens[j + 1]?.value === '.' && isName(tokens[j + 2])) j += 2;
  return { start: tokens[i]!.start, end: tokens[j]!.end };
}

/** Rewrites the relation named after the first top-level `keyword` (e.g. `REFERENCES`, `ON`). */
export function replaceNameAfter(text: string, keyword: string, skip: readonly string[], newName: string): string {
  const tokens = tokenize(text);
  let i = tokens.findIndex((t) => t.kind === 'word' && t.value === keyword);
  if (i < 0) return text;
  i++;
  while (tokens[i]?.kind === 'word' && skip.includes(tokens[i]!.value)) i++;
  const span = qualifiedNameSpan(tokens, i);
  return span ? splice(text, [{ span, newText: newName }]) : text;
}

/** Renames an identifier in the parenthesized groups of `text` (from the `from`-th token on), never in strings. */
export function renameIdentifier(text: string, from: Span | undefined, oldName: string, newName: string): string {
  const tokens = tokenize(text, from?.start ?? 0, from?.end ?? text.length);
  const edits: { span: Span; newText: string }[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (!isName(t) || identValue(t, text) !== oldName) continue;
    // `x.col` qualifies another name; `col(` is a function call.
    if (tokens[k - 1]?.value === '.' || tokens[k + 1]?.value === '(') continue;
    edits.push({ span: { start: t.start, end: t.end }, newText: quoteIdent(newName) });
  }
  return splice(text, edits);
}

/** The span of the first parenthesized group after token index `from` (inclusive of the parentheses). */
export function firstGroup(text: string, afterKeyword?: string): Span | undefined {
  const tokens = tokenize(text);
  let i = 0;
  if (afterKeyword) {
    i = tokens.findIndex((t) => t.kind === 'word' && t.value === afterKeyword);
    if (i < 0) return undefined;
  }
  const open = tokens.findIndex((t, k) => k >= i && t.value === '(');
  if (open < 0) return undefined;
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punct' && OPEN.has(t.value)) depth++;
    else if (t.kind === 'punct' && CLOSE.has(t.value) && --depth === 0) return { start: tokens[open]!.start, end: t.end };
  }
  return undefined;
}

/**
 * In a CREATE INDEX text: the span of the index name (or a zero-width span where it goes when
 * there is none) and of the table name after ON [ONLY].
 */
export function indexDefinitionParts(text: string): { name: Span; nameGiven: boolean; table?: Span } | undefined {
  const tokens = tokenize(text);
  const on = tokens.findIndex((t) => t.kind === 'word' && t.value === 'ON');
  if (on < 1) return undefined;
  const before = tokens[on - 1]!;
  const nameGiven = isName(before) && !['INDEX', 'CONCURRENTLY', 'EXISTS'].includes(before.kind === 'word' ? before.value : '');
  let nameSpan: Span;
  if (nameGiven) {
    let k = on - 1;
    while (tokens[k - 1]?.value === '.' && isName(tokens[k - 2])) k -= 2;
    nameSpan = { start: tokens[k]!.start, end: before.end };
  } else nameSpan = { start: before.end, end: before.end };
  let t = on + 1;
  if (tokens[t]?.kind === 'word' && tokens[t]!.value === 'ONLY') t++;
  const table = qualifiedNameSpan(tokens, t);
  return table ? { name: nameSpan, nameGiven, table } : { name: nameSpan, nameGiven };
}
