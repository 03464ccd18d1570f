/**
 * Suppression comments. The syntax (documented in README.md):
 *
 *   -- migration-guard-ignore ban-drop-table, ban-truncate -- the table was emptied in 000041
 *   DROP TABLE legacy_orders;
 *
 *   -- migration-guard-ignore-file ban-drop-column -- columns retired in the 2026 cleanup
 *
 * `migration-guard-ignore` silences the listed rules on the next statement (the first statement that
 * starts after the comment), or on the next line when no statement follows. `-ignore-file` silences
 * them in the whole file, wherever the comment stands. Anything after ` -- ` is the reason.
 */
import type { Comment, ParsedFile } from './parsing/parser';
import { eolOf, type Span } from './text';

export const IGNORE_DIRECTIVE = 'migration-guard-ignore';
export const IGNORE_FILE_DIRECTIVE = 'migration-guard-ignore-file';

export interface Suppression {
  kind: 'next' | 'file';
  rules: string[];
  /** Where each of `rules` is written inside the comment (same order). */
  ruleSpans: Span[];
  reason: string | undefined;
  comment: Comment;
  /** For `next`: the span the suppression covers (a statement, or the next line). */
  target: Span | undefined;
}

const DIRECTIVE = /^\s*(migration-guard-ignore(?:-file)?)(?=\s|$)(.*)$/s;

export function parseSuppressions(parsed: ParsedFile): Suppression[] {
  const out: Suppression[] = [];
  for (const comment of parsed.comments) {
    if (comment.kind !== 'line') continue;
    const m = DIRECTIVE.exec(comment.body);
    if (!m) continue;
    const kind = m[1] === IGNORE_FILE_DIRECTIVE ? 'file' : 'next';
    const rest = m[2] ?? '';
    const sep = rest.indexOf(' -- ');
    const list = sep >= 0 ? rest.slice(0, sep) : rest;
    const reason = sep >= 0 ? rest.slice(sep + 4).trim() || undefined : undefined;
    const rules: string[] = [];
    const ruleSpans: Span[] = [];
    // The body starts after `--`; the list after the leading blanks and the directive.
    const listStart = comment.span.start + 2 + (comment.body.length - comment.body.trimStart().length) + (m[1]?.length ?? 0);
    for (const r of list.matchAll(/[^\s,]+/g)) {
      rules.push(r[0]);
      ruleSpans.push({ start: listStart + r.index, end: listStart + r.index + r[0].length });
    }
    let target: Span | undefined;
    if (kind === 'next') {
      const next = parsed.statements.find((s) => s.span.start >= comment.span.end);
      if (next) target = next.span;
      else {
        const line = parsed.lines.positionAt(comment.span.end).line + 1;
        target = { start: parsed.lines.lineStart(line), end: parsed.lines.lineEnd(line) };
      }
    }
    out.push({ kind, rules, ruleSpans, reason, comment, target });
  }
  return out;
}

/** The suppression that silences `ruleId` at `span`, if any. */
export function findSuppression(suppressions: Suppression[], ruleId: string, span: Span): Suppression | undefined {
  return suppressions.find(
    (s) =>
      s.rules.includes(ruleId) &&
      (s.kind === 'file' || (s.target !== undefined && span.start >= s.target.start && span.start <= s.target.end)),
  );
}

/** Every suppression that silences `ruleId` at `span` (a file-wide and a next-statement one may both). */
export function suppressionsCovering(suppressions: Suppression[], ruleId: string, span: Span): Suppression[] {
  return suppressions.filter(
    (s) =>
      s.rules.includes(ruleId) &&
      (s.kind === 'file' || (s.target !== undefined && span.start >= s.target.start && span.start <= s.target.end)),
  );
}

/** The comment line a "Disable for this line" action inserts. */
export function ignoreComment(ruleId: string, reason?: string): string {
  return `-- ${IGNORE_DIRECTIVE} ${ruleId}${reason ? ` -- ${reason}` : ''}`;
}

export function ignoreFileComment(ruleId: string, reason?: string): string {
  return `-- ${IGNORE_FILE_DIRECTIVE} ${ruleId}${reason ? ` -- ${reason}` : ''}`;
}

/** An edit of the checked file, in UTF-16 offsets. */
export interface SuppressionEdit {
  span: Span;
  newText: string;
}

/**
 * The edit that silences a finding at `at` for the statement holding it ("Disable <rule> for this
 * line"): `-- migration-guard-ignore <rule>` above the statement, with its indentation, or (when
 * another statement shares the line) on a line of its own right before it. Undefined when no
 * statement holds `at`. The comment targets exactly that statement (see `parseSuppressions`), so
 * the finding is silenced without checking the file again.
 */
export function lineSuppressionEdit(parsed: ParsedFile, ruleId: string, at: number): SuppressionEdit | undefined {
  const stmt = statementAt(parsed, at);
  if (!stmt) return undefined;
  const eol = eolOf(parsed.text);
  const line = parsed.lines.positionAt(stmt.span.start).line;
  const lineStart = parsed.lines.lineStart(line);
  const before = parsed.text.slice(lineStart, stmt.span.start);
  const indent = /^[ \t]*/.exec(before)![0];
  const comment = ignoreComment(ruleId);
  // The statement starts its line: the comment goes on its own line above, same indentation.
  if (before.trim() === '') return { span: { start: lineStart, end: lineStart }, newText: `${indent}${comment}${eol}` };
  // Another statement shares the line: break the line so the comment sits right above this one.
  return { span: { start: stmt.span.start, end: stmt.span.start }, newText: `${eol}${indent}${comment}${eol}${indent}` };
}

/** `-- migration-guard-ignore-file <rule>` at the top of the file ("Disable <rule> for this file"). */
export function fileSuppressionEdit(parsed: ParsedFile, ruleId: string): SuppressionEdit {
  return { span: { start: 0, end: 0 }, newText: `${ignoreFileComment(ruleId)}${eolOf(parsed.text)}` };
}

/** The statement whose span holds an offset (binary search: statements are in order). */
function statementAt(parsed: ParsedFile, at: number): ParsedFile['statements'][number] | undefined {
  const list = parsed.statements;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid]!;
    if (at < s.span.start) hi = mid - 1;
    else if (at > s.span.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}
