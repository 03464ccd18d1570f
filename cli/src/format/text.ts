/** `path:line:column: severity rule-id message` (1-based), then a one-line summary. */
import type { Finding, Severity } from '../../../server/src/engine/rules/types';
import type { FormatInput } from './types';

export function formatText(input: FormatInput): string {
  let text = '';
  for (const { file, finding: f } of input.findings) {
    text += `${file.display}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.ruleId} ${f.message}\n`;
  }
  return text + summary(input.findings.map((f) => f.finding), input.fileCount, input.changedSince !== undefined);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `3 problems (1 error, 2 warnings) in 12 files.` or `No problems in 12 files.` (`changed files` with --changed-since). */
export function summary(findings: readonly Finding[], fileCount: number, changed = false): string {
  const files = plural(fileCount, changed ? 'changed file' : 'file');
  if (findings.length === 0) return `No problems in ${files}.\n`;
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const parts = [
    [count('error'), 'error', 'errors'],
    [count('warning'), 'warning', 'warnings'],
    [count('info'), 'info', 'info'],
    [count('hint'), 'hint', 'hints'],
  ] as const;
  const detail = parts.filter(([n]) => n > 0).map(([n, one, many]) => plural(n, one, many));
  return `${plural(findings.length, 'problem')} (${detail.join(', ')}) in ${files}.\n`;
}
