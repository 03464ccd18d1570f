/**
 * Verify results as findings of registered rules (`verify-statement-failed`, `verify-schema-difference`,
 * `verify-data-loss`, `verify-data-leftover`, `verify-column-order`): severities come from the same
 * settings as every rule (`rules` of `.migration-guard.json`, `--rule`, the editor setting), and the
 * same suppression comments silence them (`-- migration-guard-ignore verify-data-loss` above the
 * statement a finding is on, or `-ignore-file` anywhere in the file).
 */
import type { RuleSetting } from '../config';
import { parseSql } from '../parsing/parser';
import { ruleById } from '../rules/registry';
import type { Severity } from '../rules/types';
import { parseSuppressions, suppressionsCovering, type Suppression } from '../suppressions';
import type { Span } from '../text';

export type VerifyRuleId = 'verify-statement-failed' | 'verify-schema-difference' | 'verify-data-loss' | 'verify-data-leftover' | 'verify-column-order';

export interface VerifyFinding {
  ruleId: VerifyRuleId;
  severity: Severity;
  /** Absolute path of the file the finding is on. */
  file: string;
  /** UTF-16 offsets in that file. */
  span: Span;
  /** One line (or a few) for people. */
  message: string;
  /** Evidence: rows, definitions (each one line, shown indented under the message). */
  details: string[];
  /** When in the round trip: replaying earlier migrations, the up, the down, the up run again. */
  phase: 'replay' | 'up' | 'down' | 'reup';
}

export type RawFinding = Omit<VerifyFinding, 'severity'>;

/**
 * Applies severities (`off` drops a finding) and suppression comments. `textOf` gives a file's text
 * (as verified). Returns the findings that remain and how many suppressions silenced.
 */
export function applyRuleSettings(
  raw: readonly RawFinding[],
  rules: Readonly<Record<string, RuleSetting>> | undefined,
  textOf: (file: string) => string | undefined,
): { findings: VerifyFinding[]; suppressed: number } {
  const suppressionsByFile = new Map<string, Suppression[]>();
  const suppressionsOf = (file: string): Suppression[] => {
    let list = suppressionsByFile.get(file);
    if (!list) {
      const text = textOf(file);
      list = text === undefined ? [] : parseSuppressions(parseSql(text));
      suppressionsByFile.set(file, list);
    }
    return list;
  };
  const findings: VerifyFinding[] = [];
  let suppressed = 0;
  for (const f of raw) {
    const setting = rules?.[f.ruleId];
    if (setting === 'off') continue;
    if (suppressionsCovering(suppressionsOf(f.file), f.ruleId, f.span).length > 0) {
      suppressed++;
      continue;
    }
    findings.push({ ...f, severity: setting ?? ruleById(f.ruleId)?.meta.defaultSeverity ?? 'error' });
  }
  return { findings, suppressed };
}
