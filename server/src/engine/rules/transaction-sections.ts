/**
 * How the migration tool wraps the statements of a file in a transaction, per section (a whole file
 * for pair conventions; the up and down sections of goose, dbmate and sql-migrate files):
 * - `implicit`: the section is sent as one query; PostgreSQL wraps a query of several statements in
 *   one implicit transaction, a query of one statement in none (golang-migrate, Flyway for what it
 *   concerns here, dbmate `transaction:false`).
 * - `explicit`: the tool opens a transaction around the section, even for one statement (goose,
 *   sql-migrate, dbmate by default, diesel-style folder migrations).
 * - `none`: the tool runs each statement on its own, outside any transaction (goose
 *   `NO TRANSACTION`, sql-migrate `notransaction`).
 */
import type { Direction } from '../migrations/convention';
import type { Statement } from '../parsing/parser';
import type { Span } from '../text';
import type { RuleContext } from './types';

export type TransactionMode = 'implicit' | 'explicit' | 'none';

export interface StatementSection {
  direction: Direction | undefined;
  span: Span;
  mode: TransactionMode;
  /** The statements that start inside the section, in file order. */
  statements: Statement[];
  /** True when the convention splits a file into annotated sections (goose, dbmate, sql-migrate). */
  annotated: boolean;
}

const EXPLICIT_WHEN_TRANSACTIONAL = new Set(['goose', 'sql-migrate', 'dbmate', 'folder-per-migration', 'pop', 'popx']);
/** Outside a transaction, the section is still sent as one query (popx `.autocommit.`: one Exec). */
const ONE_QUERY_WHEN_NOT = new Set(['dbmate', 'folder-per-migration', 'popx']);

export function transactionMode(conventionId: string, transactional: boolean): TransactionMode {
  if (transactional) return EXPLICIT_WHEN_TRANSACTIONAL.has(conventionId) ? 'explicit' : 'implicit';
  return ONE_QUERY_WHEN_NOT.has(conventionId) ? 'implicit' : 'none';
}

/** The file's sections with their statements; a file outside the convention is one implicit section. */
export function statementSections(ctx: RuleContext): StatementSection[] {
  const statements = ctx.parsed.statements;
  const text = ctx.parsed.text;
  const annotated = ctx.convention.layout === 'single';
  let sections: { direction: Direction | undefined; span: Span; transactional: boolean }[] = ctx.sections;
  if (!ctx.migration || (sections.length === 0 && !annotated)) {
    sections = [{ direction: ctx.migration?.direction, span: { start: 0, end: text.length }, transactional: true }];
  }
  return sections.map((s) => ({
    direction: s.direction,
    span: s.span,
    mode: transactionMode(ctx.convention.id, s.transactional),
    statements: statements.filter((st) => st.span.start >= s.span.start && st.span.start < s.span.end),
    annotated,
  }));
}

/** What to write to take a section out of the tool's transaction, for messages. */
export function noTransactionRemedy(conventionId: string, direction: Direction | undefined): string {
  switch (conventionId) {
    case 'goose':
      return 'Put it in a migration of its own marked `-- +goose NO TRANSACTION`.';
    case 'dbmate':
      return `Put it in a migration of its own whose section reads \`-- migrate:${direction ?? 'up'} transaction:false\`.`;
    case 'sql-migrate':
      return `Put it in a migration of its own whose section reads \`-- +migrate ${direction === 'down' ? 'Down' : 'Up'} notransaction\`.`;
    case 'popx':
      return 'Put it in a migration of its own named `….autocommit.up.sql` (and `….autocommit.down.sql`), which popx runs outside a transaction.';
    default:
      return 'Put it in a migration of its own that the tool runs without a transaction.';
  }
}
