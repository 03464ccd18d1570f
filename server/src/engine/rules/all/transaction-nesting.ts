import type { TransactionStmt } from '@pgsql/types';
import type { Statement } from '../../parsing/parser';
import { statementRemovalSpan } from '../statement-edits';
import { statementSections } from '../transaction-sections';
import type { Rule } from '../types';

const BEGIN = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START']);
const END = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK']);

function transaction(stmt: Statement): TransactionStmt | undefined {
  return stmt.ast && 'TransactionStmt' in stmt.ast ? stmt.ast.TransactionStmt : undefined;
}

/**
 * Reports transaction control in a migration file, which the tool already runs as one transaction:
 * - BEGIN / START TRANSACTION: redundant (fix: remove it);
 * - COMMIT / END as the last statement: redundant (fix: remove it);
 * - COMMIT / END before other statements: commits half the migration;
 * - ROLLBACK / ABORT: silently undoes the statements before it, and the migration is still recorded as applied;
 * - SAVEPOINT / RELEASE / ROLLBACK TO without an earlier BEGIN: PostgreSQL refuses them in the implicit transaction.
 * The range is the statement.
 */
export const transactionNesting: Rule = {
  meta: {
    id: 'transaction-nesting',
    category: 'correctness',
    description: 'BEGIN, COMMIT or ROLLBACK inside a migration that the tool already runs as one transaction.',
    defaultSeverity: 'warning',
    messages: {
      begin: '{{tool}} already runs this file as one transaction: {{keyword}} is redundant, and it lets a later COMMIT end the migration half way.',
      commitAtEnd: '{{tool}} already runs this file as one transaction and commits it: this {{keyword}} is redundant.',
      commitMidway:
        '{{keyword}} commits the statements before it on its own: if a statement after it fails, the migration stops half applied and {{tool}} marks the database dirty.',
      rollback:
        '{{keyword}} silently undoes every statement before it, yet {{tool}} records the migration as applied.',
      savepoint: '{{keyword}} is refused outside a transaction block that BEGIN started: the migration fails at deploy time.',
    },
    help: [
      "**Impact:** golang-migrate's PostgreSQL driver sends the whole file in one query, which PostgreSQL runs as one implicit",
      'transaction: every statement is applied, or none. A `COMMIT` in the middle commits what comes before it, so a later failure',
      'leaves the migration half applied and the database dirty (manual `migrate force`). A `ROLLBACK` throws away what comes',
      'before it while the migration is still recorded as applied. `BEGIN` at the top and `COMMIT` at the end are only redundant.',
      '',
      '**Lock:** locks taken before a `COMMIT` are released there; the ones after it are taken again in a new transaction.',
      '',
      '**Safe alternative:** write no transaction control in migration files. Split work that must commit separately into',
      'migrations of its own.',
    ].join('\n'),
  },
  check(ctx) {
    // An unrecognised tool: whether it runs the file in a transaction is not known.
    if (ctx.convention.unknownTool) return;
    const tool = ctx.convention.displayName;
    for (const section of statementSections(ctx)) {
      // Outside the tool's transaction, BEGIN ... COMMIT is how the author groups statements.
      if (section.mode === 'none') continue;
      const statements = section.statements;
      // BEGIN first and COMMIT last around a file sent as one query is the very transaction PostgreSQL
      // runs it in anyway (the usual idiom of files written for psql too): nothing to say.
      if (section.mode === 'implicit' && wrapsWhole(statements)) continue;
      let explicitBlock = false;
      statements.forEach((stmt, i) => {
        const t = transaction(stmt);
        if (!t?.kind) return;
        const keyword = keywordOf(stmt);
        const remove = { title: `Remove ${keyword}`, edits: [{ span: statementRemovalSpan(ctx.parsed, stmt), newText: '' }] };
        const base = { data: { tool, keyword }, span: stmt.span, statement: stmt };
        if (BEGIN.has(t.kind)) {
          explicitBlock = true;
          ctx.report({ messageId: 'begin', ...base, fix: remove });
        } else if (END.has(t.kind)) {
          explicitBlock = false;
          if (t.kind === 'TRANS_STMT_ROLLBACK') ctx.report({ messageId: 'rollback', ...base });
          else if (i === statements.length - 1 && !t.chain) ctx.report({ messageId: 'commitAtEnd', ...base, fix: remove });
          else ctx.report({ messageId: 'commitMidway', ...base });
        } else if (t.kind === 'TRANS_STMT_SAVEPOINT' || t.kind === 'TRANS_STMT_RELEASE' || t.kind === 'TRANS_STMT_ROLLBACK_TO') {
          // In the tool's explicit transaction, savepoints work.
          if (!explicitBlock && section.mode === 'implicit') ctx.report({ messageId: 'savepoint', ...base });
        }
      });
    }
  },
};

/** Whether the statements are `BEGIN; ...; COMMIT;` with no other transaction control than savepoints between. */
function wrapsWhole(statements: readonly Statement[]): boolean {
  const controls = statements.filter((s) => s.ast).map(transaction);
  const first = controls[0];
  const last = controls[controls.length - 1];
  if (controls.length < 2 || !first?.kind || !BEGIN.has(first.kind) || last?.kind !== 'TRANS_STMT_COMMIT' || last.chain) return false;
  return controls.slice(1, -1).every((t) => !t?.kind || t.kind === 'TRANS_STMT_SAVEPOINT' || t.kind === 'TRANS_STMT_RELEASE' || t.kind === 'TRANS_STMT_ROLLBACK_TO');
}

/** The statement's leading keywords as written, upper-cased: `START TRANSACTION`, `COMMIT AND CHAIN`, `ROLLBACK TO`. */
function keywordOf(stmt: Statement): string {
  const words = stmt.text.trim().split(/\s+/).map((w) => w.toUpperCase());
  const first = words[0] ?? '';
  if (first === 'START') return 'START TRANSACTION';
  if (first === 'ROLLBACK' && (words[1] === 'TO' || (words[1] === 'WORK' || words[1] === 'TRANSACTION') && words[2] === 'TO')) return 'ROLLBACK TO SAVEPOINT';
  if ((first === 'COMMIT' || first === 'END') && words.includes('CHAIN') && !words.includes('NO')) return `${first} AND CHAIN`;
  return first.replace(/;$/, '');
}
