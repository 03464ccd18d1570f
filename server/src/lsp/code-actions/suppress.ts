/**
 * "Disable <rule> for this line / for this file": edits that insert a suppression comment
 * (syntax in engine/suppressions.ts). The line action is offered only where the comment would
 * silence the finding: the engine runs the rule again on the edited text to make sure.
 */
import type { TextEdit } from 'vscode-languageserver';
import { analyzeFile } from '../../engine/analyze';
import type { FileHost } from '../../engine/host';
import type { ParsedFile } from '../../engine/parsing/parser';
import { ruleById } from '../../engine/rules/registry';
import { ignoreComment, ignoreFileComment } from '../../engine/suppressions';
import { eolOf, type Range } from '../../engine/text';

/** Inserts `-- migration-guard-ignore <rule>` above the first line of the statement holding `range`. */
export function disableForLineEdit(parsed: ParsedFile, ruleId: string, range: Range): TextEdit | undefined {
  const offset = parsed.lines.offsetAt(range.start);
  const stmt = parsed.statements.find((s) => offset >= s.span.start && offset <= s.span.end);
  if (!stmt) return undefined;
  const eol = eolOf(parsed.text);
  const start = parsed.lines.positionAt(stmt.span.start);
  const lineStart = parsed.lines.lineStart(start.line);
  const before = parsed.text.slice(lineStart, stmt.span.start);
  const indent = /^[ \t]*/.exec(before)![0];
  const comment = ignoreComment(ruleId);
  if (before.trim() === '') {
    // The statement starts its line: the comment goes on its own line above, same indentation.
    const at = { line: start.line, character: 0 };
    return { range: { start: at, end: at }, newText: `${indent}${comment}${eol}` };
  }
  // Another statement shares the line: break the line so the comment sits right above this one.
  return { range: { start, end: start }, newText: `${eol}${indent}${comment}${eol}${indent}` };
}

/** Inserts `-- migration-guard-ignore-file <rule>` at the top of the file. */
export function disableForFileEdit(parsed: ParsedFile, ruleId: string): TextEdit {
  const at = { line: 0, character: 0 };
  return { range: { start: at, end: at }, newText: `${ignoreFileComment(ruleId)}${eolOf(parsed.text)}` };
}

/** Applies non-overlapping edits to a text (positions are in the original text). */
export function applyEdits(parsed: ParsedFile, edits: TextEdit[]): string {
  const spans = edits
    .map((e) => ({ start: parsed.lines.offsetAt(e.range.start), end: parsed.lines.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let text = parsed.text;
  for (const s of spans) text = text.slice(0, s.start) + s.text + text.slice(s.end);
  return text;
}

/** Whether an edit removes a finding of `ruleId` (checked by running that rule again on the edited text). */
export function silences(
  filePath: string,
  parsed: ParsedFile,
  edit: TextEdit,
  ruleId: string,
  host: FileHost,
): boolean {
  const rule = ruleById(ruleId);
  if (!rule) return false;
  const count = (text: string): number =>
    analyzeFile({ filePath, text, host, only: [rule] }).findings.filter((f) => f.ruleId === ruleId).length;
  const before = count(parsed.text);
  if (before === 0) return false;
  return count(applyEdits(parsed, [edit])) < before;
}
