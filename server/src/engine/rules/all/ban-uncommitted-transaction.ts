import { eolOf } from '../../text';
import type { ParsedFile, Statement } from '../../parsing/parser';
import { statementEndWithSemicolon, statementRemovalSpan } from '../statement-edits';
import { statementSections } from '../transaction-sections';
import type { Rule, TextEdit } from '../types';

/**
 * Reports a BEGIN / START TRANSACTION with no COMMIT, END, ROLLBACK or ABORT after it in the file.
 * The range is the BEGIN statement. The fix, where the tool already runs the section in a
 * transaction, removes the BEGIN (a COMMIT would only draw transaction-nesting); where it runs each
 * statement on its own, it appends `COMMIT;` at the end of the section.
 */
export const banUncommittedTransaction: Rule = {
  meta: {
    id: 'ban-uncommitted-transaction',
    category: 'correctness',
    description: 'BEGIN without a matching COMMIT leaves the transaction open when the migration file ends.',
    defaultSeverity: 'warning',
    messages: {
      uncommitted:
        '{{keyword}} has no COMMIT after it: the transaction stays open when the file ends, and what happens to its statements depends on what runs next on the connection.',
    },
    help: [
      '**Impact:** after a `BEGIN` with no `COMMIT`, the file ends with the transaction still open. Whether its statements are',
      "committed then depends on what the migration tool happens to run next on the same connection (golang-migrate's own",
      'version update commits them by accident; a tool that closes the connection rolls them back). Locks stay held meanwhile.',
      '',
      '**Lock:** every lock the statements took is held until the transaction ends.',
      '',
      '**Safe alternative:** golang-migrate already runs the file as one transaction: remove `BEGIN`. If you keep it, end the',
      'file with `COMMIT;`.',
    ].join('\n'),
  },
  check(ctx) {
    const text = ctx.parsed.text;
    const eol = eolOf(text);
    for (const section of statementSections(ctx)) {
      let open: Statement | undefined;
      for (const stmt of section.statements) {
        const t = stmt.ast && 'TransactionStmt' in stmt.ast ? stmt.ast.TransactionStmt : undefined;
        if (!t) continue;
        if (t.kind === 'TRANS_STMT_BEGIN' || t.kind === 'TRANS_STMT_START') open ??= stmt;
        else if ((t.kind === 'TRANS_STMT_COMMIT' || t.kind === 'TRANS_STMT_ROLLBACK') && !t.chain) open = undefined;
      }
      if (!open) continue;
      const last = section.statements[section.statements.length - 1]!;
      const keyword = open.text.trim().split(/\s+/)[0]!.toUpperCase().startsWith('START') ? 'START TRANSACTION' : 'BEGIN';
      const fix =
        section.mode === 'none'
          ? { title: 'Add COMMIT after the last statement', edits: commitEdits(ctx.parsed, last, eol) }
          : { title: `Remove ${keyword}: ${ctx.convention.unknownTool ? 'the file' : ctx.convention.displayName} already runs the statements in one transaction`, edits: [{ span: statementRemovalSpan(ctx.parsed, open), newText: '' }] };
      ctx.report({ messageId: 'uncommitted', data: { keyword }, span: open.span, statement: open, fix });
    }
  },
};

/**
 * `COMMIT;` on a line of its own after the last statement (after a comment ending its line), and the
 * last statement's missing `;`. One edit when both go at the same place.
 */
function commitEdits(parsed: ParsedFile, last: Statement, eol: string): TextEdit[] {
  const end = statementEndWithSemicolon(parsed, last);
  const semicolon = end === last.span.end;
  const line = parsed.lines.positionAt(end).line;
  let at = parsed.lines.lineEnd(line);
  // A block comment running past the line end: COMMIT goes right after the statement instead.
  if (parsed.comments.some((c) => c.span.start >= end && c.span.start < at && c.span.end > at)) at = end;
  const commit = `${eol}COMMIT;`;
  if (semicolon && at === last.span.end) return [{ span: { start: at, end: at }, newText: `;${commit}` }];
  return [...(semicolon ? [{ span: { start: last.span.end, end: last.span.end }, newText: ';' }] : []), { span: { start: at, end: at }, newText: commit }];
}
