/** Options the engine takes from the editor settings or the CLI. */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export type RuleSetting = Severity | 'off';

export interface EngineOptions {
  /** Per-rule severity overrides, or 'off'. */
  rules?: Record<string, RuleSetting>;
  /** The PostgreSQL major version migrations run on (lock and rewrite behaviour depends on it). */
  postgresVersion?: number;
  /**
   * Migrations at or below this version are history already applied everywhere (`"baseline"` in
   * `.migration-guard.json`, `--baseline` on the CLI): they feed the schema model and keep the
   * file-level rules (syntax, names, duplicate versions), while statement rules report nothing there.
   */
  baseline?: string;
}

export const DEFAULT_POSTGRES_VERSION = 14;

export function isRuleSetting(v: unknown): v is RuleSetting {
  return v === 'off' || v === 'error' || v === 'warning' || v === 'info' || v === 'hint';
}
