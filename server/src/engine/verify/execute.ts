/**
 * Runs a migration file the way golang-migrate's PostgreSQL driver does: the whole file as ONE
 * simple-protocol query. PostgreSQL then runs its statements in one implicit transaction block,
 * so `CREATE INDEX CONCURRENTLY` beside another statement fails here exactly as in production.
 *
 * When the file fails, we say where: at PostgreSQL's error position when it gives one, else at
 * the statement that fails when the file is replayed statement by statement inside a transaction
 * block (which is what the implicit block amounts to).
 */
import { nodeKind, parseSql, type Statement } from '../parsing/parser';
import { codePointToOffset, type Span } from '../text';
import type { Database } from './pglite';

export interface ExecError {
  message: string;
  /** SQLSTATE, e.g. `25001`. */
  code?: string;
  detail?: string;
  hint?: string;
  /** UTF-16 span in the file: the token PostgreSQL pointed at, else the failing statement. */
  span: Span;
  /** The failing statement's span, when known. */
  statementSpan?: Span;
  /** How the span was found: PostgreSQL's error `position`, replaying statement by statement, or not at all. */
  located: 'position' | 'statement' | 'file';
}

interface PgErrorFields {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string | number;
}

/** Sends the file as one query. Returns undefined on success, else the located error. */
export async function runMigrationFile(
  db: Database,
  text: string,
  /** A database in the state before this file, for files whose COMMITs keep part of their work after a failure. */
  restore?: () => Promise<Database>,
): Promise<ExecError | undefined> {
  try {
    await db.exec(text);
    return undefined;
  } catch (e) {
    return locateError(db, text, e, restore);
  }
}

function fieldsOf(e: unknown): PgErrorFields {
  if (e && typeof e === 'object') return e as PgErrorFields;
  return { message: String(e) };
}

async function locateError(db: Database, text: string, e: unknown, restore?: () => Promise<Database>): Promise<ExecError> {
  const f = fieldsOf(e);
  const base: ExecError = { message: f.message ?? String(e), span: { start: 0, end: 0 }, located: 'file' };
  if (f.code) base.code = f.code;
  if (f.detail) base.detail = f.detail;
  if (f.hint) base.hint = f.hint;
  const statements = parseSql(text).statements;

  const position = Number(f.position);
  if (Number.isFinite(position) && position > 0) {
    const at = codePointToOffset(text, position - 1);
    const stmt = statements.find((s) => at >= s.span.start && at <= s.span.end);
    return { ...base, span: tokenSpanAt(text, at), ...(stmt ? { statementSpan: stmt.span } : {}), located: 'position' };
  }
  if (statements.length === 0) return base;
  if (statements.length === 1) return { ...base, span: statements[0]!.span, statementSpan: statements[0]!.span, located: 'statement' };

  // Replay statement by statement. Without transaction control in the file, the failed query
  // rolled back entirely, so the same database is in the state before the file.
  const controls = statements.some(isTransactionControl);
  let target: Database | undefined = db;
  let owned = false;
  if (controls) {
    target = undefined;
    if (restore) {
      try {
        target = await restore();
        owned = true;
      } catch {
        target = undefined;
      }
    }
  }
  if (!target) return { ...base, span: statements[0]!.span, statementSpan: statements[0]!.span };
  try {
    const failing = await firstFailingStatement(target, statements);
    if (failing) return { ...base, span: failing.span, statementSpan: failing.span, located: 'statement' };
    return { ...base, span: statements[0]!.span, statementSpan: statements[0]!.span };
  } finally {
    if (owned) await target.close().catch(() => undefined);
  }
}

const CONTROL_TEXT = /^(begin|commit|end|rollback|abort|start\s+transaction)\b/i;

function isTransactionControl(s: Statement): boolean {
  if (s.ast) return nodeKind(s.ast) === 'TransactionStmt' && /^(begin|start|commit|end|rollback|abort)\b/i.test(s.text);
  return CONTROL_TEXT.test(s.text);
}

/**
 * Emulates the implicit transaction block of a multi-statement query: always inside a block; the
 * file's BEGIN turns it explicit (no-op here), its COMMIT/ROLLBACK end it and a new block starts.
 * Everything is rolled back at the end.
 */
async function firstFailingStatement(db: Database, statements: Statement[]): Promise<Statement | undefined> {
  await db.exec('BEGIN');
  try {
    for (const s of statements) {
      try {
        if (isTransactionControl(s)) {
          if (/^(commit|end)\b/i.test(s.text)) await db.exec('COMMIT; BEGIN');
          else if (/^(rollback|abort)\b/i.test(s.text)) await db.exec('ROLLBACK; BEGIN');
          continue;
        }
        await db.exec(s.text);
      } catch {
        return s;
      }
    }
    return undefined;
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined);
  }
}

const TOKEN = /"(?:[^"]|"")*"|'(?:[^']|'')*'|[\p{L}\p{N}_$]+|\S/uy;

/** The span of the token at `at` (zero-width at the end of the text). */
function tokenSpanAt(text: string, at: number): Span {
  if (at >= text.length) return { start: text.length, end: text.length };
  TOKEN.lastIndex = at;
  const m = TOKEN.exec(text);
  return { start: at, end: at + Math.max(1, m ? m[0].length : 1) };
}

/** Extension names a file creates (`CREATE EXTENSION [IF NOT EXISTS] name`), lower-cased. */
export function extensionsIn(text: string): string[] {
  const names = new Set<string>();
  const re = /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?(?:"([^"]+)"|([A-Za-z0-9_-]+))/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) names.add((m[1] ?? m[2] ?? '').toLowerCase());
  return [...names].filter((n) => n !== '');
}
