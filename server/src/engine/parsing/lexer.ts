/**
 * A small SQL lexer that never throws: it finds comments and statement boundaries in any text.
 * It knows '...', E'...', "...", $tag$...$tag$, -- comments, nested block comments and
 * SQL-standard function bodies (BEGIN ATOMIC ... END), whose semicolons do not end a statement.
 * The real parser decides what a statement means; this only decides where it is, so that one bad
 * statement cannot hide the ones after it.
 */
import type { Span } from '../text';

export interface Comment {
  /** Span of the whole comment, including `--` or the slash-star delimiters. */
  span: Span;
  kind: 'line' | 'block';
  /** The text inside the delimiters. */
  body: string;
}

export interface LexResult {
  /** Statement spans: first significant character to the end of the last significant token, without the `;`. */
  statements: Span[];
  comments: Comment[];
  /** Where the text has an unterminated quote or comment, its start offset. */
  unterminated?: number;
}

const isIdentStart = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
const isIdentChar = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

export function lex(text: string, from = 0, to = text.length): LexResult {
  const statements: Span[] = [];
  const comments: Comment[] = [];
  let unterminated: number | undefined;
  let stmtStart = -1; // first significant char of the current statement
  let stmtEnd = -1; // end of the last significant token of the current statement
  // BEGIN ATOMIC tracking
  let prevWord = '';
  let atomicDepth = 0;
  let caseDepth = 0;

  const significant = (start: number, end: number): void => {
    if (stmtStart < 0) stmtStart = start;
    stmtEnd = end;
  };

  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    // -- line comment
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      let j = i + 2;
      while (j < to && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
      comments.push({ span: { start: i, end: j }, kind: 'line', body: text.slice(i + 2, j) });
      i = j;
      continue;
    }
    // /* block comment */, nested
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      let depth = 1;
      let j = i + 2;
      while (j < to && depth > 0) {
        if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
        } else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) {
          depth--;
          j += 2;
        } else j++;
      }
      if (depth > 0 && unterminated === undefined) unterminated = i;
      comments.push({ span: { start: i, end: j }, kind: 'block', body: text.slice(i + 2, depth > 0 ? j : j - 2) });
      i = j;
      continue;
    }
    // statement end
    if (c === 59 /* ; */ && atomicDepth === 0) {
      if (stmtStart >= 0) statements.push({ start: stmtStart, end: stmtEnd });
      stmtStart = -1;
      stmtEnd = -1;
      prevWord = '';
      i++;
      continue;
    }
    // quoted strings
    if (c === 39 /* ' */) {
      const backslash = i > from && (text.charCodeAt(i - 1) === 69 || text.charCodeAt(i - 1) === 101) &&
        !(i - 2 >= from && isIdentChar(text.charCodeAt(i - 2)));
      const j = scanQuoted(text, i, to, 39, backslash);
      if (j < 0) {
        if (unterminated === undefined) unterminated = i;
        significant(i, to);
        i = to;
        break;
      }
      significant(i, j);
      prevWord = '';
      i = j;
      continue;
    }
    if (c === 34 /* " */) {
      const j = scanQuoted(text, i, to, 34, false);
      if (j < 0) {
        if (unterminated === undefined) unterminated = i;
        significant(i, to);
        i = to;
        break;
      }
      significant(i, j);
      prevWord = '';
      i = j;
      continue;
    }
    // dollar quotes: $$ or $tag$ (a tag does not start with a digit; $1 is a parameter)
    if (c === 36 /* $ */ && !(i > from && isIdentChar(text.charCodeAt(i - 1)))) {
      let j = i + 1;
      if (j < to && text.charCodeAt(j) !== 36) {
        if (isIdentStart(text.charCodeAt(j))) {
          while (j < to && isIdentChar(text.charCodeAt(j)) && text.charCodeAt(j) !== 36) j++;
        }
      }
      if (j < to && text.charCodeAt(j) === 36) {
        const tag = text.slice(i, j + 1);
        const close = text.indexOf(tag, j + 1);
        if (close < 0 || close + tag.length > to) {
          if (unterminated === undefined) unterminated = i;
          significant(i, to);
          i = to;
          break;
        }
        significant(i, close + tag.length);
        prevWord = '';
        i = close + tag.length;
        continue;
      }
    }
    // words
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < to && isIdentChar(text.charCodeAt(j))) j++;
      const word = text.slice(i, j).toUpperCase();
      if (word === 'ATOMIC' && prevWord === 'BEGIN') atomicDepth++;
      else if (atomicDepth > 0 && word === 'CASE') caseDepth++;
      else if (atomicDepth > 0 && word === 'END') {
        if (caseDepth > 0) caseDepth--;
        else atomicDepth--;
      }
      prevWord = word;
      significant(i, j);
      i = j;
      continue;
    }
    // anything else is one significant character
    prevWord = '';
    significant(i, i + 1);
    i++;
  }
  if (stmtStart >= 0) statements.push({ start: stmtStart, end: stmtEnd });
  const result: LexResult = { statements, comments };
  if (unterminated !== undefined) result.unterminated = unterminated;
  return result;
}

/** Returns the offset just past the closing quote, or -1 when the quote never closes. */
function scanQuoted(text: string, i: number, to: number, quote: number, backslash: boolean): number {
  let j = i + 1;
  while (j < to) {
    const c = text.charCodeAt(j);
    if (backslash && c === 92) {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (text.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return -1;
}

export type TokenKind = 'word' | 'quoted-ident' | 'string' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Words upper-cased (`DROP`), quoted identifiers unquoted, anything else as written. */
  value: string;
}

/**
 * The significant tokens of `text` between `from` and `to`: words, quoted identifiers, strings
 * (including E'', B'', X'', N'', U&'' and dollar-quoted ones), numbers and single punctuation
 * characters. Comments and whitespace are skipped. Never throws; an unterminated quote or
 * comment runs to `to`. Used to find clauses inside a statement, whose AST nodes lack locations.
 */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const tokens: Token[] = [];
  let i = from;
  const push = (kind: TokenKind, start: number, end: number, value = text.slice(start, end)): void => {
    tokens.push({ kind, start, end, value });
  };
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      while (i < to && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      let depth = 1;
      i += 2;
      while (i < to && depth > 0) {
        if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
      continue;
    }
    if (c === 39 /* ' */) {
      const j = scanQuoted(text, i, to, 39, false);
      push('string', i, j < 0 ? to : j);
      i = j < 0 ? to : j;
      continue;
    }
    if (c === 34 /* " */) {
      const j = scanQuoted(text, i, to, 34, false);
      const end = j < 0 ? to : j;
      push('quoted-ident', i, end, text.slice(i + 1, j < 0 ? to : j - 1).replace(/""/g, '"'));
      i = end;
      continue;
    }
    if (c === 36 /* $ */ && !(i > from && isIdentChar(text.charCodeAt(i - 1)))) {
      let j = i + 1;
      if (j < to && isIdentStart(text.charCodeAt(j))) {
        while (j < to && isIdentChar(text.charCodeAt(j)) && text.charCodeAt(j) !== 36) j++;
      }
      if (j < to && text.charCodeAt(j) === 36) {
        const tag = text.slice(i, j + 1);
        const close = text.indexOf(tag, j + 1);
        const end = close < 0 || close + tag.length > to ? to : close + tag.length;
        push('string', i, end);
        i = end;
        continue;
      }
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < to && isIdentChar(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      // String prefixes: E'..' (backslash escapes), B'..', X'..', N'..', U&'..'.
      if (j < to && text.charCodeAt(j) === 39 && /^[ebxn]$/i.test(word)) {
        const k = scanQuoted(text, j, to, 39, /^e$/i.test(word));
        push('string', i, k < 0 ? to : k);
        i = k < 0 ? to : k;
        continue;
      }
      push('word', i, j, word.toUpperCase());
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < to && (isIdentChar(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      push('number', i, j);
      i = j;
      continue;
    }
    // Non-ASCII characters are identifier characters (as in PostgreSQL), so this is ASCII.
    push('punct', i, i + 1);
    i++;
  }
  return tokens;
}

const tokenMemo = new Map<string, readonly Token[]>();
const TOKEN_MEMO_LIMIT = 4096;

/**
 * The tokens of a statement's text (offsets from its start), kept by text: the rules ask for the
 * same statement's tokens on every keystroke elsewhere in the file. Never change the result.
 */
export function tokensOf(sql: string): readonly Token[] {
  let tokens = tokenMemo.get(sql);
  if (!tokens) {
    tokens = Object.freeze(tokenize(sql, 0, sql.length));
    if (tokenMemo.size >= TOKEN_MEMO_LIMIT) tokenMemo.delete(tokenMemo.keys().next().value!);
    tokenMemo.set(sql, tokens);
  }
  return tokens;
}
