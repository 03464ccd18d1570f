/** Edits of whole statements, shared by the safety rules' fixes and the move-to-own-migration plan. */
import { tokenize } from '../parsing/lexer';
import type { ParsedFile, Statement } from '../parsing/parser';
import type { Span } from '../text';

/** The offset just past the statement's terminating `;`, or its end when it has none. */
export function statementEndWithSemicolon(parsed: ParsedFile, stmt: Statement): number {
  const next = parsed.statements[stmt.index + 1]?.span.start ?? parsed.text.length;
  const semi = tokenize(parsed.text, stmt.span.end, next)[0];
  return semi?.kind === 'punct' && semi.value === ';' ? semi.end : stmt.span.end;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * The span to delete to remove a statement and its `;`: when the statement has its line(s) to
 * itself, the whole lines, line break included; otherwise only the statement and its `;` (and the
 * blanks after them).
 */
export function statementRemovalSpan(parsed: ParsedFile, stmt: Statement): Span {
  const text = parsed.text;
  let start = stmt.span.start;
  let end = statementEndWithSemicolon(parsed, stmt);
  let s = start;
  while (s > 0 && isBlank(text[s - 1])) s--;
  const ownLineStart = s === 0 || text[s - 1] === '\n' || text[s - 1] === '\r';
  let e = end;
  while (e < text.length && isBlank(text[e])) e++;
  const ownLineEnd = e === text.length || text[e] === '\n' || text[e] === '\r';
  if (ownLineStart && ownLineEnd) {
    start = s;
    end = e;
    if (text[end] === '\r') end++;
    if (text[end] === '\n') end++;
  } else if (ownLineEnd) {
    // `SELECT 1; BEGIN;` → `SELECT 1;`
    start = s;
    end = e;
  } else {
    end = e;
  }
  return { start, end };
}
