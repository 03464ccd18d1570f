/**
 * Hovers on flagged statements: for each finding at the position, the rule's `help` (written by the
 * rule's author: the lock the statement takes, what that lock blocks, whether the table is
 * rewritten, the safe alternative) and a link to the rule's docs page. Plain data in, markdown
 * out: no LSP connection here.
 */
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { ruleById } from '../engine/rules/registry';
import type { Finding } from '../engine/rules/types';
import type { Position, Range } from '../engine/text';

const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character < b.character);
const samePosition = (a: Position, b: Position): boolean => a.line === b.line && a.character === b.character;

/** Whether `position` is inside `range` (start included, end excluded; an empty range holds its start). */
export function rangeContains(range: Range, position: Position): boolean {
  if (samePosition(range.start, range.end)) return samePosition(range.start, position);
  return !before(position, range.start) && before(position, range.end);
}

/** The findings whose range holds the position, narrowest first. */
export function findingsAt(findings: readonly Finding[], position: Position): Finding[] {
  const size = (f: Finding): number => f.span.end - f.span.start;
  return findings.filter((f) => rangeContains(f.range, position)).sort((a, b) => size(a) - size(b) || a.ruleId.localeCompare(b.ruleId));
}

/** One finding's section: rule id and severity, the message, the rule's help, the docs link. */
export function findingMarkdown(finding: Finding, docsUri: string | undefined): string {
  const rule = ruleById(finding.ruleId);
  const parts = [`**${finding.ruleId}** (${finding.severity}): ${finding.message}`];
  const help = rule?.meta.help?.trim();
  if (help) parts.push(help);
  if (docsUri) parts.push(`[Documentation for ${finding.ruleId}](${docsUri})`);
  return parts.join('\n\n');
}

/**
 * The hover for a position: every finding there, separated by rules; undefined when there is none.
 * The hover's range is the narrowest finding's range.
 */
export function hoverFor(findings: readonly Finding[], position: Position, docsUri: (ruleId: string) => string | undefined): Hover | undefined {
  const here = findingsAt(findings, position);
  if (here.length === 0) return undefined;
  const contents: MarkupContent = { kind: 'markdown', value: here.map((f) => findingMarkdown(f, docsUri(f.ruleId))).join('\n\n---\n\n') };
  return { contents, range: here[0]!.range };
}
