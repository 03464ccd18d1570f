/**
 * The engine options for a CLI run. Today they come from the command line only; the project config
 * file (`.migration-guard.json`) will be read here and layered under the command line.
 */
import type { EngineOptions, RuleSetting } from '../../server/src/engine/config';
import { ruleById } from '../../server/src/engine/rules/registry';
import type { RuleOverride } from './args';

export type OptionsResult = { ok: true; options: EngineOptions } | { ok: false; message: string };

export function resolveOptions(overrides: readonly RuleOverride[]): OptionsResult {
  const rules: Record<string, RuleSetting> = {};
  for (const o of overrides) {
    if (!ruleById(o.id)) return { ok: false, message: `unknown rule ${JSON.stringify(o.id)} in --rule` };
    rules[o.id] = o.setting;
  }
  return { ok: true, options: { rules } };
}
