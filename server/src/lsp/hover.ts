/**
 * Hovers on flagged statements: for each rule with a finding at the position, what its diagnostic
 * does not say: the rule's `help` (written by the rule's author: the lock the statement takes, what
 * that lock blocks, whether the table is rewritten, the safe alternative) and a link to the rule's
 * page. The message itself is not repeated: VS Code shows the diagnostic in the same hover. Plain
 * data in, markdown out: no LSP connection here.
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

/** One rule's section: its id, its help and the docs link; undefined when the rule has no help. */
export function findingMarkdown(finding: Finding, docsUri: string | undefined): string | undefined {
  const help = ruleById(finding.ruleId)?.meta.help?.trim();
  if (!help) return undefined;
  const parts = [`**${finding.ruleId}**`, help];
  if (docsUri) parts.push(`[Rule documentation](${docsUri})`);
  return parts.join('\n\n');
}

/**
 * The hover for a position: one section per rule with a finding there (a rule's help once, however
 * many of its findings are there); undefined when none has help. The hover's range is the narrowest
 * finding's range.
 */
export function hoverFor(findings: readonly Finding[], position: Position, docsUri: (ruleId: string) => string | undefined): Hover | undefined {
  const here = findingsAt(findings, position);
  const seen = new Set<string>();
  const sections: string[] = [];
  for (const f of here) {
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    const md = findingMarkdown(f, docsUri(f.ruleId));
    if (md) sections.push(md);
  }
  if (sections.length === 0) return undefined;
  const contents: MarkupContent = { kind: 'markdown', value: sections.join('\n\n---\n\n') };
  return { contents, range: here[0]!.range };
}
