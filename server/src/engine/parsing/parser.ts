/**
 * The only module that knows libpg-query. A file becomes statements with exact spans (UTF-16
 * offsets), one AST per statement, comments, and syntax errors at the position PostgreSQL reports.
 *
 * Units: libpg-query reports statement and node locations as UTF-8 byte offsets and error cursors
 * as 0-based code-point indexes. Both are converted here, once.
 */
import * as pg from 'libpg-query';
import type { Node } from '@pgsql/types';
import { ByteOffsetMap, LineIndex, codePointToOffset, type Span } from '../text';
import { lex, tokenize, type Comment } from './lexer';
import { maskTemplates, overlapsAction, type TemplateAction } from './templates';

export type { Node } from '@pgsql/types';
export type { Comment } from './lexer';

export interface SyntaxError {
  message: string;
  /** The token PostgreSQL pointed at (zero-width at the end of input). */
  span: Span;
}

export interface Statement {
  index: number;
  /** From the first significant character to the end of the last token, without the `;`. */
  span: Span;
  text: string;
  /** The parsed statement (`{ CreateStmt: ... }`), or undefined when it does not parse. */
  ast: Node | undefined;
  error?: SyntaxError;
  /** Converts a node `location` of this statement's AST to a UTF-16 offset in the file. */
  offsetOf(location: number | undefined): number;
  /**
   * The statement holds template actions (`{{ ... }}`, see templates.ts): its AST is that of the
   * masked text; when it is undefined, the statement is "templated, not checked" (no `error`).
   */
  templated?: boolean;
}

export interface ParsedFile {
  text: string;
  statements: Statement[];
  comments: Comment[];
  errors: SyntaxError[];
  lines: LineIndex;
  /** The file's template actions, when it is a template (Go text/template, as pop renders files). */
  templates?: TemplateAction[];
}

let loaded: Promise<void> | undefined;
let ready = false;

/** Loads the WASM parser once. Every other function here needs it done. */
export function loadParser(): Promise<void> {
  if (!loaded) {
    loaded = pg.loadModule().then(() => {
      ready = true;
    });
  }
  return loaded;
}

export function isParserLoaded(): boolean {
  return ready;
}

function ensureLoaded(): void {
  if (!ready) throw new Error('Migration Guard: the SQL parser is not loaded yet (await loadParser() first)');
}

interface PgErrorLike {
  message?: string;
  sqlDetails?: { message?: string; cursorPosition?: number };
}

/**
 * Statement parses kept by statement text, for an editor: a keystroke re-parses the statement it
 * changed, not the file. Bounded; the ASTs it holds are shared between parses and never changed.
 */
/**
 * A statement's parse as kept: its AST, whose node locations count `base` bytes more than offsets in
 * the statement (0 when it was parsed alone; its byte offset in the file when it came from a whole-file
 * parse), or why it does not parse on its own.
 */
export type MemoEntry = { ast: Node | undefined; base?: number } | { error: { message: string; cursor: number } };

export class StatementMemo {
  private readonly map = new Map<string, MemoEntry>();
  /** Characters of the statements kept: their trees cost memory in proportion. */
  private chars = 0;

  /** At most `limit` statements and `charLimit` characters of them (the oldest go first). */
  constructor(
    private readonly limit = 20000,
    private readonly charLimit = 4_000_000,
  ) {}

  /** Whether a statement's parse is kept (without counting as a use). */
  has(sql: string): boolean {
    return this.map.has(sql);
  }

  get(sql: string): MemoEntry | undefined {
    const hit = this.map.get(sql);
    if (hit) {
      // Most recently used last: the oldest go first when the memo is full.
      this.map.delete(sql);
      this.map.set(sql, hit);
    }
    return hit;
  }

  set(sql: string, value: MemoEntry): void {
    if (!this.map.has(sql)) this.chars += sql.length;
    this.map.set(sql, value);
    while (this.map.size > this.limit || (this.chars > this.charLimit && this.map.size > 1)) {
      const oldest = this.map.keys().next().value!;
      this.map.delete(oldest);
      this.chars -= oldest.length;
    }
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * Parses one SQL file. Never throws on any input text. With a memo (the language server's), each
 * statement is parsed on its own and kept by its text, so an edit re-parses what it changed.
 */
export function parseSql(text: string, memo?: StatementMemo): ParsedFile {
  ensureLoaded();
  const template = maskTemplates(text);
  if (!template) return parseSource(text, text, memo);
  // Parse the masked text; statements, comments and spans keep the template's own text.
  const parsed = parseSource(template.masked, text, memo);
  parsed.templates = template.actions;
  const unchecked = new Set<SyntaxError>();
  for (const st of parsed.statements) {
    if (!overlapsAction(template.actions, st.span)) continue;
    st.templated = true;
    if (st.error) {
      unchecked.add(st.error);
      delete st.error;
    }
  }
  if (unchecked.size > 0) parsed.errors = parsed.errors.filter((e) => !unchecked.has(e));
  return parsed;
}

/** Parses `source` (the text, or a template's masked text) as the file whose text is `text`. */
function parseSource(source: string, text: string, memo?: StatementMemo): ParsedFile {
  const lines = new LineIndex(text);
  const lexed = lex(source);
  const statements: Statement[] = [];
  const errors: SyntaxError[] = [];
  const comments = source === text ? lexed.comments : lexed.comments.map((c) => ({ ...c, body: text.slice(c.span.start + 2, c.kind === 'line' ? c.span.end : Math.max(c.span.start + 2, c.span.end - 2)) }));
  const result: ParsedFile = { text, statements, comments, errors, lines };
  if (lexed.statements.length === 0 && lexed.unterminated === undefined) return result;
  // What PostgreSQL's parser gets: the (masked) text, long comments blanked (see parserInput); the
  // memo is keyed by the masked text.
  const input = parserInput(source, lexed.comments);
  // With a memo: statement by statement when most statements are known (a keystroke), else the whole
  // file in one call (a file opened), whose statements then go into the memo.
  let known = 0;
  if (memo) for (const span of lexed.statements) if (memo.has(source.slice(span.start, span.end))) known++;
  const byStatement = memo !== undefined && known * 2 >= lexed.statements.length;
  let failedAt = -1;
  if (memo && byStatement && lexed.unterminated === undefined) {
    failedAt = parseByStatement(source, input, text, lexed.statements, memo, statements);
    if (failedAt < 0) return result;
  }

  // Fast path: the whole file parses. Spans come from the parser, cut to their significant text.
  // When statement `failedAt` failed alone (every one before it parsed), the whole file parses only
  // if the text from that statement on does (the lexer split a statement there, where PostgreSQL
  // does not): that text alone is enough to tell, and it is all a keystroke near the end costs.
  const whole = failedAt > 0 && !tryParse(input.slice(lexed.statements[failedAt]!.start), text.slice(lexed.statements[failedAt]!.start)).ok ? undefined : tryParse(input, text);
  if (whole?.ok) {
    const fileMap = new ByteOffsetMap(source);
    const offsetOf = (loc: number | undefined): number => fileMap.toOffset(loc ?? 0);
    const raws = whole.result.stmts ?? [];
    // The lexer's statements are the parser's, cut to their significant text, when they line up
    // (they almost always do); else the parser's span is lexed again to cut it.
    const aligned = lexed.statements.length === raws.length;
    raws.forEach((raw, index) => {
      const start = fileMap.toOffset(raw.stmt_location ?? 0);
      const end = raw.stmt_len ? fileMap.toOffset((raw.stmt_location ?? 0) + raw.stmt_len) : source.length;
      const mine = aligned ? lexed.statements[index]! : undefined;
      let span: Span;
      if (mine && mine.start >= start && mine.end <= end) span = mine;
      else {
        const inner = lex(source, start, end).statements;
        span = inner.length > 0 ? { start: inner[0]!.start, end: inner[inner.length - 1]!.end } : { start, end };
      }
      statements.push({ index, span, text: text.slice(span.start, span.end), ast: raw.stmt, offsetOf });
    });
    if (memo && aligned) remember(source, statements, memo);
    return result;
  }

  // Slow path: parse statement by statement so that one bad statement hides nothing after it.
  lexed.statements.forEach((span, index) => {
    const stmtText = text.slice(span.start, span.end);
    const stmtSource = source.slice(span.start, span.end);
    let map: ByteOffsetMap | undefined;
    const offsetOf = (loc: number | undefined): number => span.start + (map ??= new ByteOffsetMap(stmtSource)).toOffset(loc ?? 0);
    const known = memo?.get(stmtSource);
    if (known && 'ast' in known) {
      const base = known.base ?? 0;
      statements.push({ index, span, text: stmtText, ast: known.ast, offsetOf: (loc) => span.start + (map ??= new ByteOffsetMap(stmtSource)).toOffset((loc ?? 0) - base) });
      return;
    }
    // Parse through the terminating `;` when there is one, so that an error at it is reported
    // as PostgreSQL reports it for the whole file (`at or near ";"`, not `at end of input`).
    const next = lexed.statements[index + 1]?.start ?? source.length;
    const semi = tokenize(source, span.end, next)[0];
    const limit = semi?.value === ';' ? semi.end : span.end;
    const parsed = tryParse(input.slice(span.start, limit), text.slice(span.start, limit));
    if (parsed.ok) {
      const raws = parsed.result.stmts ?? [];
      statements.push({ index, span, text: stmtText, ast: raws[0]?.stmt, offsetOf });
      if (memo && raws.length <= 1) memo.set(stmtSource, { ast: raws[0]?.stmt });
      return;
    }
    const at = span.start + codePointToOffset(source.slice(span.start, limit), parsed.cursor);
    const error: SyntaxError = { message: parsed.message, span: tokenSpanAt(source, at, limit) };
    errors.push(error);
    statements.push({ index, span, text: stmtText, ast: undefined, error, offsetOf });
  });
  // A block comment left open after the last statement hides the rest of the file from PostgreSQL,
  // which rejects the file; no statement's own parse sees it.
  const open = lexed.unterminated;
  if (open !== undefined && !lexed.statements.some((s) => open >= s.start && open < s.end)) {
    const tail = tryParse(input.slice(open), text.slice(open));
    const message = tail.ok ? 'unterminated /* comment' : tail.message;
    errors.push({ message, span: { start: open, end: source.length } });
  }
  return result;
}

/**
 * Each statement alone, through the memo. -1 when every statement parsed: the split is then the
 * one PostgreSQL makes. On a failure, the index of the statement that failed: nothing is kept (`out`
 * is emptied) and the caller parses as without a memo (the whole file first, see parseSource), so a
 * split this lexer gets wrong can never invent an error.
 */
function parseByStatement(source: string, input: string, text: string, spans: readonly Span[], memo: StatementMemo, out: Statement[]): number {
  for (let index = 0; index < spans.length; index++) {
    const span = spans[index]!;
    const sql = source.slice(span.start, span.end);
    let parsed = memo.get(sql);
    if (!parsed) {
      const r = tryParse(input.slice(span.start, span.end), text.slice(span.start, span.end));
      parsed = r.ok ? { ast: r.result.stmts?.[0]?.stmt } : { error: { message: r.message, cursor: r.cursor } };
      if (r.ok && (r.result.stmts?.length ?? 0) > 1) parsed = { error: { message: 'more than one statement', cursor: 0 } };
      memo.set(sql, parsed);
    }
    if ('error' in parsed) {
      out.length = 0;
      return index;
    }
    let map: ByteOffsetMap | undefined;
    const base = parsed.base ?? 0;
    const offsetOf = (loc: number | undefined): number => span.start + (map ??= new ByteOffsetMap(sql)).toOffset((loc ?? 0) - base);
    out.push({ index, span, text: source === text ? sql : text.slice(span.start, span.end), ast: parsed.ast, offsetOf });
  }
  return -1;
}

/** The statements of a whole-file parse into the memo (keyed by the parsed text), each with its byte offset in the file. */
function remember(source: string, statements: readonly Statement[], memo: StatementMemo): void {
  let at = 0;
  let bytes = 0;
  for (const s of statements) {
    bytes += Buffer.byteLength(source.slice(at, s.span.start), 'utf8');
    at = s.span.start;
    const key = source.slice(s.span.start, s.span.end);
    if (!memo.has(key)) memo.set(key, { ast: s.ast, base: bytes });
  }
}

/** Comments longer than this are blanked before PostgreSQL's parser sees the text. */
const LONG_COMMENT = 1000;

/**
 * The text as PostgreSQL's parser gets it: inside comments longer than LONG_COMMENT, every ASCII
 * character but line breaks and NUL (which ends the text for PostgreSQL) is replaced by a space
 * (the delimiters stay, and so does every other character, so UTF-8 byte offsets do not move).
 * PostgreSQL's scanner rescans the run of operator characters that follows each nested comment
 * opener, so `/*` repeated 20,000 times took seconds; a comment's content never changes the parse tree.
 */
export function parserInput(text: string, comments: readonly Comment[]): string {
  let out = '';
  let copied = 0;
  for (const c of comments) {
    const length = c.span.end - c.span.start;
    if (length <= LONG_COMMENT) continue;
    const terminated = c.kind === 'block' && c.body.length === length - 4;
    const start = c.span.start + 2;
    const end = terminated ? c.span.end - 2 : c.span.end;
    out += text.slice(copied, start) + text.slice(start, end).replace(/[\x01-\x09\x0b\x0c\x0e-\x7f]/g, ' ');
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

type TryParse =
  | { ok: true; result: { stmts?: { stmt?: Node; stmt_location?: number; stmt_len?: number }[] } }
  | { ok: false; message: string; cursor: number };

/** Parses `sql`; `original` is the text before `parserInput` blanked comments (for the error message). */
function tryParse(sql: string, original = sql): TryParse {
  // A syntax error is an Error thrown by the parser's wrapper: while a statement is typed, most
  // keystrokes make one. Its stack is never read, and capturing it cost more than the parse.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return { ok: true, result: pg.parseSync(sql) };
  } catch (e) {
    const err = e as PgErrorLike;
    let message = err.sqlDetails?.message ?? err.message ?? String(e);
    // `at or near "<token>"` quotes the text the parser got: quote the user's text instead.
    const cursor = Math.max(0, err.sqlDetails?.cursorPosition ?? 0);
    const quoted = original === sql ? undefined : /^([\s\S]*? at or near ")([\s\S]*)"$/.exec(message);
    const at = quoted ? sql.indexOf(quoted[2]!) : -1;
    if (quoted && at >= 0) message = `${quoted[1]}${original.slice(at, at + quoted[2]!.length)}"`;
    return { ok: false, message, cursor };
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// An unterminated quote is one token up to the end (PostgreSQL points at the opening quote).
const TOKEN =
  /(\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$)[\s\S]*?(?:\1|$)|"(?:[^"]|"")*"?|[EeBbXxNn]?'(?:[^']|'')*'?|[\p{L}\p{N}_$]+|\S/uy;

/** The span of the token starting at `at`, or a zero-width span at the end of the statement. */
function tokenSpanAt(text: string, at: number, limit: number): Span {
  if (at >= limit) return { start: limit, end: limit };
  TOKEN.lastIndex = at;
  const m = TOKEN.exec(text);
  const end = m ? Math.min(at + m[0].length, limit) : at + 1;
  return { start: at, end: Math.max(end, at + 1) };
}

/** The name of a statement's AST node, e.g. `CreateStmt`, or undefined when it did not parse. */
export function nodeKind(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const keys = Object.keys(node);
  return keys.length === 1 ? keys[0] : undefined;
}

/** Parses a PL/pgSQL-free SQL text and returns whether it is valid SQL (used by tests and generators). */
export function isValidSql(sql: string): boolean {
  ensureLoaded();
  if (lex(sql).statements.length === 0) return true;
  return tryParse(sql).ok;
}

const keywordCache = new Map<string, string>();

/** PostgreSQL's keyword category of a word: `NO_KEYWORD`, `UNRESERVED_KEYWORD`, `COL_NAME_KEYWORD`, ... */
export function keywordKind(word: string): string {
  ensureLoaded();
  const key = word.toLowerCase();
  // PostgreSQL 18's 494 keywords are all letters and underscores, 17 characters at most: a name with
  // a digit or `$` (`c1`, `user_id2`), or a longer one, is none, without asking the scanner.
  if (key.length > 17 || /[0-9$]/.test(key)) return 'NO_KEYWORD';
  let kind = keywordCache.get(key);
  if (kind === undefined) {
    try {
      const tokens = pg.scanSync(key).tokens;
      kind = tokens.length === 1 ? tokens[0]!.keywordName : 'NO_KEYWORD';
    } catch {
      kind = 'NO_KEYWORD';
    }
    keywordCache.set(key, kind);
  }
  return kind;
}

/**
 * Whether the PL/pgSQL bodies in a SQL text (DO blocks, LANGUAGE plpgsql functions) parse, with
 * the SQL statements inside them; true when the text has none. `isValidSql` does not look inside
 * them: to PostgreSQL's SQL grammar a body is only a string.
 */
export function isValidPlpgsql(sql: string): boolean {
  ensureLoaded();
  if (lex(sql).statements.length === 0) return true;
  try {
    pg.parsePlPgSQLSync(sql);
    return true;
  } catch {
    return false;
  }
}
