/**
 * Runs a migration file the way golang-migrate's PostgreSQL driver does: the whole file as ONE
 * simple-protocol query. PostgreSQL then runs its statements in one implicit transaction block,
 * so `CREATE INDEX CONCURRENTLY` beside another statement fails here exactly as in production.
 *
 * When the file fails, we say where: at PostgreSQL's error position when it gives one, else at
 * the statement that fails when the file is replayed statement by statement inside a transaction
 * block (which is what the implicit block amounts to).
 */
import { tokenize } from '../parsing/lexer';
import { isValidSql, nodeKind, parseSql, type Statement } from '../parsing/parser';
import { transactionIncompatibility } from '../rules/transaction-statements';
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
    return locateError(db, text, e, restore, false);
  }
}

export interface StepOptions {
  /**
   * The database is inside our own transaction block (verify's savepoints): the step runs under a
   * savepoint of its own, and a failure rolls back to it. Only for transactional steps without
   * transaction control statements (see `canRunInBlock`).
   */
  inBlock: boolean;
  /** Outside a block: a database in the state before the step (see runMigrationFile). */
  restore?: () => Promise<Database>;
  /** The database is PGlite, whose parser is libpg-query's (see parsesWhole); not a server of another release. */
  pglite?: boolean;
}

/**
 * Runs one step as its tool does: a transactional step as one query (one implicit transaction), a
 * non-transactional one statement by statement (each in its own implicit transaction; a failure
 * leaves the statements before it applied). Spans in the error are offsets in the step's file.
 */
export async function runStep(db: Database, step: { sql: string; transactional: boolean }, options: StepOptions): Promise<ExecError | undefined> {
  if (!step.transactional) return runStatementByStatement(db, step.sql, options.inBlock);
  if (!options.inBlock) return runMigrationFile(db, step.sql, options.restore);
  // The savepoint first: a step that does not parse is refused as a whole query, before any of it
  // runs, so a savepoint sent with it would not exist to roll back to. It goes in the same query only
  // on PGlite when its parser accepts the step (see parsesWhole); else on its own. Then the step and
  // what the tool's commit does here (deferred constraints are checked and their triggers fire).
  const together = options.pglite === true && parsesWhole(step);
  if (!together) await db.exec(STEP_PREFIX);
  try {
    await db.exec(`${together ? STEP_PREFIX : ''}${step.sql}\n;SET CONSTRAINTS ALL IMMEDIATE; RELEASE SAVEPOINT mg_step`);
  } catch (e) {
    await db.exec('ROLLBACK TO SAVEPOINT mg_step');
    const f = fieldsOf(e);
    // PostgreSQL's position counts characters of the whole query, the savepoint sent with it included.
    const position = Number(f.position) - (together ? STEP_PREFIX.length : 0);
    const shifted: PgErrorFields = { message: f.message ?? String(e), code: f.code, detail: f.detail, hint: f.hint };
    if (Number.isFinite(position) && position > 0) shifted.position = position;
    const error = await locateError(db, step.sql, shifted, undefined, true);
    await db.exec('RELEASE SAVEPOINT mg_step');
    return error;
  }
  return undefined;
}

/**
 * Each statement on its own, as in autocommit. In verify's block (only for steps `canEmulateAutocommit`
 * accepts), each statement runs under a savepoint released when it succeeds and rolled back to when it
 * fails, with what its commit would do (deferred constraints checked): the statements before a failing
 * one stay applied, as in autocommit.
 */
async function runStatementByStatement(db: Database, sql: string, inBlock: boolean): Promise<ExecError | undefined> {
  for (const s of parseSql(sql).statements) {
    let cut: ReturnType<typeof withoutConcurrently>;
    try {
      if (!inBlock) await db.exec(s.text);
      else {
        cut = withoutConcurrently(s);
        await db.exec(STEP_PREFIX);
        try {
          await db.exec(`${cut?.text ?? s.text}\n;SET CONSTRAINTS ALL IMMEDIATE; RELEASE SAVEPOINT mg_step`);
        } catch (e) {
          await db.exec('ROLLBACK TO SAVEPOINT mg_step; RELEASE SAVEPOINT mg_step');
          throw e;
        }
      }
    } catch (e) {
      const f = fieldsOf(e);
      const error: ExecError = { message: f.message ?? String(e), span: s.span, statementSpan: s.span, located: 'statement' };
      if (f.code) error.code = f.code;
      if (f.detail) error.detail = f.detail;
      if (f.hint) error.hint = f.hint;
      let position = Number(f.position);
      // A position in the text run without CONCURRENTLY, as a position in the statement.
      if (cut && Number.isFinite(position) && codePointToOffset(cut.text, position - 1) >= cut.at) position += [...s.text.slice(cut.at, cut.at + cut.length)].length;
      if (Number.isFinite(position) && position > 0) {
        const at = s.span.start + codePointToOffset(s.text, position - 1);
        error.span = tokenSpanAt(sql, at);
        error.located = 'position';
      }
      return error;
    }
  }
  return undefined;
}

/**
 * Whether a step can run inside verify's transaction block (under savepoints): transactional, no
 * BEGIN/COMMIT/ROLLBACK of its own, and not a lone statement that PostgreSQL refuses inside a
 * block (a one-statement query runs outside any block, so `CREATE INDEX CONCURRENTLY` alone works).
 */
const STEP_PREFIX = 'SAVEPOINT mg_step;\n';

const parsesCache = new WeakMap<object, boolean>();

/**
 * Whether PostgreSQL's parser accepts a step's text as a whole, so that a savepoint sent in the same
 * query runs before anything can fail (one round trip instead of two). libpg-query is the parser of
 * the PostgreSQL PGlite runs (18): they accept the same texts. A text with a backslash is never
 * assumed to parse: a session whose migrations set standard_conforming_strings off lexes it otherwise.
 */
export function parsesWhole(step: { sql: string }): boolean {
  let hit = parsesCache.get(step);
  if (hit === undefined) parsesCache.set(step, (hit = !step.sql.includes('\\') && isValidSql(step.sql)));
  return hit;
}

const inBlockCache = new WeakMap<object, boolean>();
const statementsCache = new WeakMap<object, Statement[]>();

/** A step's statements, parsed once for every question asked of it here (a verification asks several per step). Read only. */
function statementsOfStep(step: { sql: string }): Statement[] {
  let hit = statementsCache.get(step);
  if (hit === undefined) statementsCache.set(step, (hit = parseSql(step.sql).statements));
  return hit;
}
const controlCache = new WeakMap<object, boolean>();

/** Whether a step has BEGIN, COMMIT or ROLLBACK of its own. */
export function hasTransactionControl(step: { sql: string }): boolean {
  let hit = controlCache.get(step);
  if (hit === undefined) controlCache.set(step, (hit = statementsOfStep(step).some(isTransactionControl)));
  return hit;
}

const dmlCache = new WeakMap<object, boolean>();

/**
 * Whether every statement of a step is plain DML (INSERT, UPDATE, DELETE, SELECT): such a step
 * normally writes no catalog row (a trigger or function it calls still may: this is a hint for
 * verify's change detection, which checks the catalogs' counters before trusting it).
 */
export function likelyWritesNoCatalog(step: { sql: string }): boolean {
  let hit = dmlCache.get(step);
  if (hit === undefined) {
    const statements = statementsOfStep(step);
    const kinds = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'SelectStmt']);
    dmlCache.set(step, (hit = statements.length > 0 && statements.every((s) => s.ast !== undefined && kinds.has(nodeKind(s.ast) ?? ''))));
  }
  return hit;
}

export function canRunInBlock(step: { sql: string; transactional: boolean }): boolean {
  let hit = inBlockCache.get(step);
  if (hit === undefined) inBlockCache.set(step, (hit = canRunInBlockNow(step)));
  return hit;
}

function canRunInBlockNow(step: { sql: string; transactional: boolean }): boolean {
  if (!step.transactional) return false;
  const statements = statementsOfStep(step);
  if (statements.some(isTransactionControl)) return false;
  if (statements.length === 1 && transactionIncompatibility(statements[0]!.ast, 18)) return false;
  // A value added to an enum cannot be used before the transaction that added it commits: the tool
  // commits the up before the down runs, so such a migration runs outside our block.
  if (statements.some((s) => s.ast !== undefined && 'AlterEnumStmt' in s.ast && !s.ast.AlterEnumStmt.oldVal)) return false;
  // Statements that commit on their own or cannot be rolled back to a savepoint.
  return !statements.some((s) => /^\s*(vacuum|create\s+database|drop\s+database|alter\s+system|create\s+tablespace|drop\s+tablespace)\b/i.test(s.text));
}

/**
 * Statements whose outcome is the same inside a transaction block as in a transaction of their own
 * (autocommit), apart from the time `now()` gives: no transaction control, nothing PostgreSQL refuses
 * in a block, no `SET` (SET LOCAL would outlive the statement), no `LOCK` (refused outside a block),
 * no `DO` or `CALL` (a procedure may COMMIT only outside a block), no enum value added (unusable
 * before its transaction commits).
 */
const SAME_IN_A_BLOCK = new Set([
  'AlterDomainStmt',
  'AlterEnumStmt',
  'AlterFunctionStmt',
  'AlterObjectSchemaStmt',
  'AlterOwnerStmt',
  'AlterSeqStmt',
  'AlterTableStmt',
  'CommentStmt',
  'CompositeTypeStmt',
  'CreateDomainStmt',
  'CreateEnumStmt',
  'CreateExtensionStmt',
  'CreateFunctionStmt',
  'CreateSchemaStmt',
  'CreateSeqStmt',
  'CreateStmt',
  'CreateTableAsStmt',
  'CreateTrigStmt',
  'DeleteStmt',
  'DropStmt',
  'GrantStmt',
  'IndexStmt',
  'InsertStmt',
  'RenameStmt',
  'TruncateStmt',
  'UpdateStmt',
  'ViewStmt',
]);

/**
 * Whether a step its tool runs outside a transaction, statement by statement, can run statement by
 * statement inside verify's block instead (`runStep` with `inBlock`) with the same outcome: every
 * statement is one of SAME_IN_A_BLOCK and PostgreSQL accepts it in a block.
 */
export function canEmulateAutocommit(step: { sql: string; transactional: boolean }): boolean {
  if (step.transactional) return false;
  const statements = statementsOfStep(step);
  return statements.every((s) => {
    if (!s.ast) return false;
    const kind = nodeKind(s.ast);
    if (kind === undefined || !SAME_IN_A_BLOCK.has(kind)) return false;
    if ('AlterEnumStmt' in s.ast && !s.ast.AlterEnumStmt.oldVal) return false;
    return transactionIncompatibility(s.ast, 18) === undefined || concurrentIndex(s);
  });
}

/**
 * CREATE INDEX CONCURRENTLY and DROP INDEX CONCURRENTLY build or drop the same index as without the
 * word, only without blocking writes (which nothing here does): in verify's block they run without it.
 */
function concurrentIndex(s: Statement): boolean {
  const ast = s.ast;
  if (!ast) return false;
  return ('IndexStmt' in ast && ast.IndexStmt.concurrent === true) || ('DropStmt' in ast && ast.DropStmt.concurrent === true && ast.DropStmt.removeType === 'OBJECT_INDEX');
}

/** The statement's text without its CONCURRENTLY (and where it was cut), for a concurrent index statement. */
function withoutConcurrently(s: Statement): { text: string; at: number; length: number } | undefined {
  if (!concurrentIndex(s)) return undefined;
  const tokens = tokenize(s.text);
  const i = tokens.findIndex((t) => t.kind === 'word' && t.value.toUpperCase() === 'CONCURRENTLY');
  if (i < 0) return undefined;
  const at = tokens[i]!.start;
  const end = tokens[i + 1]?.start ?? tokens[i]!.end;
  return { text: s.text.slice(0, at) + s.text.slice(end), at, length: end - at };
}

function fieldsOf(e: unknown): PgErrorFields {
  if (e && typeof e === 'object') return e as PgErrorFields;
  return { message: String(e) };
}

async function locateError(db: Database, text: string, e: unknown, restore: (() => Promise<Database>) | undefined, inBlock: boolean): Promise<ExecError> {
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
  // rolled back entirely (in a block: the caller rolled back to the step's savepoint), so the same
  // database is in the state before the file.
  const controls = !inBlock && statements.some(isTransactionControl);
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
    const failing = await firstFailingStatement(target, statements, inBlock);
    if (failing) return { ...base, span: failing.span, statementSpan: failing.span, located: 'statement' };
    return { ...base, span: statements[0]!.span, statementSpan: statements[0]!.span };
  } finally {
    if (owned) await target.close().catch(() => undefined);
  }
}

const CONTROL_TEXT = /^(begin|commit|end|rollback|abort|start\s+transaction)\b/i;

export function isTransactionControl(s: Statement): boolean {
  if (s.ast) return nodeKind(s.ast) === 'TransactionStmt' && /^(begin|start|commit|end|rollback|abort)\b/i.test(s.text);
  return CONTROL_TEXT.test(s.text);
}

/**
 * Emulates the implicit transaction block of a multi-statement query: always inside a block; the
 * file's BEGIN turns it explicit (no-op here), its COMMIT/ROLLBACK end it and a new block starts.
 * Everything is rolled back at the end.
 */
async function firstFailingStatement(db: Database, statements: Statement[], inBlock: boolean): Promise<Statement | undefined> {
  if (inBlock) {
    await db.exec('SAVEPOINT mg_locate');
    try {
      for (const s of statements) {
        try {
          await db.exec(s.text);
        } catch {
          return s;
        }
      }
      return undefined;
    } finally {
      await db.exec('ROLLBACK TO SAVEPOINT mg_locate; RELEASE SAVEPOINT mg_locate');
    }
  }
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
