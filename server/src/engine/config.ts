/** Options the engine takes from the editor settings or the CLI. */
import type { Severity } from './rules/types';

export type RuleSetting = Severity | 'off';

export interface EngineOptions {
  /** Per-rule severity overrides, or 'off'. */
  rules?: Record<string, RuleSetting>;
}

export function isRuleSetting(v: unknown): v is RuleSetting {
  return v === 'off' || v === 'error' || v === 'warning' || v === 'info' || v === 'hint';
}
