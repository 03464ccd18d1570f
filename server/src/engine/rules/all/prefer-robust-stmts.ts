import { quoteIdent } from '../../parsing/ast';
import { commandSpan } from '../../parsing/clauses';
import { tokenize } from '../../parsing/lexer';
import type { Statement } from '../../parsing/parser';
import type { Span } from '../../text';
import { statementSections } from '../transaction-sections';
import type { Fix, Rule, RuleContext } from '../types';

/** The offset right after the leading words `words` (in order, each optional after the first) within `span`. */
function afterWords(stmt: Statement, span: Span, words: readonly string[]): number | undefined {
  const tokens = tokenize(stmt.text, span.start - stmt.span.start, span.end - stmt.span.start);
  let i = 0;
  let end: number | undefined;
  for (const w of words) {
    const t = tokens[i];
    if (t?.kind === 'word' && t.value === w) {
      end = t.end;
      i++;
    } else if (end === undefined) return undefined;
  }
  return end === undefined ? undefined : stmt.span.start + end;
}

const DROP_WORDS: Record<string, string[]> = {
  OBJECT_TABLE: ['DROP', 'TABLE'],
  OBJECT_INDEX: ['DROP', 'INDEX', 'CONCURRENTLY'],
  OBJECT_VIEW: ['DROP', 'VIEW'],
  OBJECT_MATVIEW: ['DROP', 'MATERIALIZED', 'VIEW'],
  OBJECT_SEQUENCE: ['DROP', 'SEQUENCE'],
  OBJECT_TYPE: ['DROP', 'TYPE'],
  OBJECT_DOMAIN: ['DROP', 'DOMAIN'],
  OBJECT_FUNCTION: ['DROP', 'FUNCTION'],
  OBJECT_SCHEMA: ['DROP', 'SCHEMA'],
  OBJECT_TRIGGER: ['DROP', 'TRIGGER'],
};

/**
 * In a section the tool runs statement by statement, outside a transaction (goose `NO TRANSACTION`,
 * sql-migrate `notransaction`, dbmate `transaction:false`), a failure leaves the statements before
 * it applied while the version stays unrecorded (or dirty): the rerun must get past them. Reports
 * `CREATE TABLE` / `CREATE INDEX` / `ADD COLUMN` without `IF NOT EXISTS` and `DROP ...` / `DROP
 * COLUMN` without `IF EXISTS` there; a `CREATE INDEX CONCURRENTLY` is robust after a `DROP INDEX
 * CONCURRENTLY IF EXISTS` of the same index (a failed concurrent build leaves an INVALID index that
 * `IF NOT EXISTS` would keep). The fix adds the clause (or that DROP). The range is the statement,
 * or the subcommand.
 */
export const preferRobustStmts: Rule = {
  meta: {
    id: 'prefer-robust-stmts',
    category: 'correctness',
    description: 'Outside a transaction, a statement without IF [NOT] EXISTS makes the rerun of a half-applied migration fail.',
    defaultSeverity: 'warning',
    messages: {
      create: '{{what}} without IF NOT EXISTS runs outside a transaction: if a later statement fails, this one stays applied and the rerun of the migration fails here.',
      drop: '{{what}} without IF EXISTS runs outside a transaction: if a later statement fails, this one stays applied and the rerun of the migration fails here.',
      concurrent:
        'CREATE INDEX CONCURRENTLY {{name}} runs outside a transaction: a failed build leaves an INVALID index behind, which makes the rerun fail (or, with IF NOT EXISTS, keeps it). Drop it first with DROP INDEX CONCURRENTLY IF EXISTS.',
    },
    help: [
      '**Why:** without a transaction, each statement commits on its own. When one fails, the ones before it stay applied, the',
      'tool does not record the version (golang-migrate marks it dirty), and the rerun starts from the first statement again.',
      '',
      '**Instead:** write each statement so that it can run twice: `CREATE ... IF NOT EXISTS`, `DROP ... IF EXISTS`,',
      '`ADD COLUMN IF NOT EXISTS`; before `CREATE INDEX CONCURRENTLY x`, `DROP INDEX CONCURRENTLY IF EXISTS x`.',
    ].join('\n'),
  },
  check(ctx) {
    for (const section of statementSections(ctx)) {
      // One statement cannot be left half applied: its rerun starts from a clean state.
      if (section.mode !== 'none' || section.statements.filter((st) => st.ast && !('TransactionStmt' in st.ast)).length < 2) continue;
      const droppedIndexes = new Set<string>();
      for (const stmt of section.statements) check(ctx, stmt, droppedIndexes);
    }
  },
};

function check(ctx: RuleContext, stmt: Statement, droppedIndexes: Set<string>): void {
  const ast = stmt.ast;
  if (!ast) return;
  const insert = (at: number | undefined, text: string, title: string): Fix | undefined => (at === undefined ? undefined : { title, edits: [{ span: { start: at, end: at }, newText: text }] });
  const report = (messageId: string, data: Record<string, string>, span: Span, fix: Fix | undefined): void =>
    ctx.report({ messageId, data, span, statement: stmt, ...(fix ? { fix } : {}) });
  if ('CreateStmt' in ast) {
    if (ast.CreateStmt.if_not_exists || ast.CreateStmt.relation?.relpersistence === 't') return;
    const at = afterWords(stmt, stmt.span, ['CREATE', 'UNLOGGED', 'TABLE']);
    report('create', { what: 'CREATE TABLE' }, stmt.span, insert(at, ' IF NOT EXISTS', 'Add IF NOT EXISTS'));
  } else if ('IndexStmt' in ast) {
    const ix = ast.IndexStmt;
    if (ix.concurrent) {
      if (!ix.idxname || droppedIndexes.has(ix.idxname)) return;
      const line = `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(ix.idxname)};\n`;
      report('concurrent', { name: quoteIdent(ix.idxname) }, stmt.span, insert(stmt.span.start, line, `Drop ${ix.idxname} first if a failed build left it`));
      return;
    }
    if (ix.if_not_exists || !ix.idxname) return;
    const at = afterWords(stmt, stmt.span, ['CREATE', 'UNIQUE', 'INDEX']);
    report('create', { what: 'CREATE INDEX' }, stmt.span, insert(at, ' IF NOT EXISTS', 'Add IF NOT EXISTS'));
  } else if ('DropStmt' in ast) {
    const d = ast.DropStmt;
    const words = DROP_WORDS[d.removeType ?? ''];
    if (d.removeType === 'OBJECT_INDEX' && d.concurrent) {
      for (const o of d.objects ?? []) {
        const names = 'List' in o ? (o.List.items ?? []).map((n) => ('String' in n ? (n.String.sval ?? '') : '')) : [];
        const last = names[names.length - 1];
        if (last) droppedIndexes.add(last);
      }
    }
    if (d.missing_ok || !words) return;
    const at = afterWords(stmt, stmt.span, words);
    report('drop', { what: words.join(' ').replace(' CONCURRENTLY', d.concurrent ? ' CONCURRENTLY' : '') }, stmt.span, insert(at, ' IF EXISTS', 'Add IF EXISTS'));
  } else if ('AlterTableStmt' in ast && ast.AlterTableStmt.objtype === 'OBJECT_TABLE') {
    (ast.AlterTableStmt.cmds ?? []).forEach((node, i) => {
      if (!('AlterTableCmd' in node)) return;
      const cmd = node.AlterTableCmd;
      const span = commandSpan(stmt, ast.AlterTableStmt, i);
      if (cmd.subtype === 'AT_AddColumn' && !cmd.missing_ok) {
        report('create', { what: 'ADD COLUMN' }, span ?? stmt.span, insert(span ? afterWords(stmt, span, ['ADD', 'COLUMN']) : undefined, ' IF NOT EXISTS', 'Add IF NOT EXISTS'));
      } else if (cmd.subtype === 'AT_DropColumn' && !cmd.missing_ok) {
        report('drop', { what: 'DROP COLUMN' }, span ?? stmt.span, insert(span ? afterWords(stmt, span, ['DROP', 'COLUMN']) : undefined, ' IF EXISTS', 'Add IF EXISTS'));
      }
    });
  }
}
