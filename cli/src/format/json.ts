/** The versioned JSON report: `{"version":1,"findings":[...]}` (0-based lines, UTF-16 characters, like LSP). */
import type { Finding, Severity } from '../../../server/src/engine/rules/types';
import type { FormatInput } from './types';

/** One finding as the JSON output has it. */
export interface JsonFinding {
  file: string;
  rule: string;
  severity: Severity;
  message: string;
  range: Finding['range'];
}

export interface JsonReport {
  version: 1;
  findings: JsonFinding[];
}

export function formatJson(input: FormatInput): string {
  const report: JsonReport = {
    version: 1,
    findings: input.findings.map(({ file, finding: f }) => ({ file: file.display, rule: f.ruleId, severity: f.severity, message: f.message, range: f.range })),
  };
  return `${JSON.stringify(report)}\n`;
}
