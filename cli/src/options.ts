/**
 * The engine options for a CLI run: the project config file (`.migration-guard.json`, the nearest
 * one above each checked file, read exactly as the editor reads it) with the command line's
 * `--rule` flags layered on top (a flag wins over the file).
 */
import * as path from 'node:path';
import type { EngineOptions, RuleSetting } from '../../server/src/engine/config';
import { ConfigResolver, configOptions, formatConfigProblem, type LoadedConfig } from '../../server/src/engine/config-file';
import type { FileHost } from '../../server/src/engine/host';
import type { Convention } from '../../server/src/engine/migrations/convention';
import { RULES, ruleById } from '../../server/src/engine/rules/registry';
import type { RuleOverride } from './args';

export type FileOptions = EngineOptions & { convention?: Convention };

export type OptionsResult = { ok: true; options: EngineOptions } | { ok: false; message: string };

/** The `--rule` flags as options; an unknown rule id is an error. */
export function resolveOptions(overrides: readonly RuleOverride[], baseline?: string): OptionsResult {
  const rules: Record<string, RuleSetting> = {};
  for (const o of overrides) {
    if (!ruleById(o.id)) return { ok: false, message: `unknown rule ${JSON.stringify(o.id)} in --rule` };
    rules[o.id] = o.setting;
  }
  return { ok: true, options: { rules, ...(baseline !== undefined ? { baseline } : {}) } };
}

/** A config's options with the command line on top: rules merge (flags win), the rest comes from the config. */
export function layerOptions(config: LoadedConfig | undefined, flags: EngineOptions): FileOptions {
  const fromConfig = configOptions(config);
  return { ...fromConfig, ...flags, rules: { ...fromConfig.rules, ...flags.rules } };
}

export type ProjectOptionsResult =
  | { ok: true; optionsFor: (filePath: string) => FileOptions; warnings: string[] }
  | { ok: false; message: string; warnings: string[] };

/**
 * The options of every file to check. Every config file that applies is read first: warnings are
 * returned for stderr; a broken config fails the run (exit 2) with its problems at their positions.
 */
export function projectOptions(files: readonly string[], flags: EngineOptions, host: FileHost, display: (abs: string) => string): ProjectOptionsResult {
  const resolver = new ConfigResolver(host, RULES.map((r) => r.meta.id));
  const configs = new Map<string, LoadedConfig>();
  for (const f of files) {
    const c = resolver.forFile(f);
    if (c) configs.set(c.path, c);
  }
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const c of [...configs.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    for (const p of c.problems) (p.severity === 'error' ? errors : warnings).push(formatConfigProblem(display(c.path), p));
  }
  if (errors.length > 0) return { ok: false, message: `invalid configuration:\n${errors.join('\n')}`, warnings };
  return { ok: true, optionsFor: (filePath) => layerOptions(resolver.forFile(path.resolve(filePath)), flags), warnings };
}
