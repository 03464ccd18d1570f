/**
 * GitLab's code quality report (a subset of the Code Climate format), for `artifacts: reports:
 * codequality:`: a JSON array with one issue per finding. The fingerprint identifies a finding across
 * pipelines without its line number (file, rule, message and its rank among equal ones), so an
 * unchanged finding that moved is not reported as new.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../../../server/src/engine/rules/types';
import { slashPath, type FormatInput } from './types';

export type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export function gitlabSeverity(severity: Severity): GitlabSeverity {
  return severity === 'error' ? 'major' : severity === 'warning' ? 'minor' : 'info';
}

export interface GitlabIssue {
  type: 'issue';
  check_name: string;
  description: string;
  severity: GitlabSeverity;
  fingerprint: string;
  location: { path: string; lines: { begin: number; end: number } };
}

export function formatGitlab(input: FormatInput): string {
  const seen = new Map<string, number>();
  const issues: GitlabIssue[] = input.findings.map(({ file, finding: f }) => {
    const filePath = slashPath(file.display);
    const key = `${filePath}\0${f.ruleId}\0${f.message}`;
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    return {
      type: 'issue',
      check_name: f.ruleId,
      description: f.message,
      severity: gitlabSeverity(f.severity),
      fingerprint: createHash('sha256').update(`${key}\0${rank}`).digest('hex').slice(0, 32),
      location: { path: filePath, lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
