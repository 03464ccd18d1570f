/**
 * The `migrationGuard.*` settings, declared once for the client, the server and package.json's
 * `contributes.configuration` (whose defaults must equal `DEFAULT_SETTINGS`). Plain types only:
 * this module imports neither `vscode` nor `vscode-languageserver`.
 */

export const SETTINGS_SECTION = 'migrationGuard';

export type RuleSeveritySetting = 'off' | 'error' | 'warning' | 'info' | 'hint';
export const RULE_SEVERITY_SETTINGS: readonly RuleSeveritySetting[] = ['off', 'error', 'warning', 'info', 'hint'];

export type TraceSetting = 'off' | 'messages' | 'verbose';

export interface MigrationGuardSettings {
  /** Check SQL migration files at all. */
  enable: boolean;
  /** Per-rule severity overrides, or 'off'. */
  rules: Record<string, RuleSeveritySetting>;
  /** Which .sql files are migrations (files in a migrations directory always are). */
  migrationGlobs: string[];
  trace: { server: TraceSetting };
  /** "Verify migration" (up → down → up). */
  verify: {
    /** Show the "Verify up → down → up" CodeLens above up and down files. */
    codeLens: boolean;
    /** Verify on this PostgreSQL server (scratch database, created and dropped) instead of PGlite; '' for PGlite. */
    databaseUrl: string;
  };
}

export const DEFAULT_MIGRATION_GLOBS: readonly string[] = [
  '**/migrations/**/*.sql',
  '**/migrate/**/*.sql',
  '**/*.up.sql',
  '**/*.down.sql',
];

export const DEFAULT_SETTINGS: Readonly<MigrationGuardSettings> = {
  enable: true,
  rules: {},
  migrationGlobs: [...DEFAULT_MIGRATION_GLOBS],
  trace: { server: 'off' },
  verify: { codeLens: true, databaseUrl: '' },
};

function isRuleSeveritySetting(v: unknown): v is RuleSeveritySetting {
  return typeof v === 'string' && (RULE_SEVERITY_SETTINGS as readonly string[]).includes(v);
}

/**
 * Settings as the editor sent them (any JSON, possibly hand-edited and wrong) → well-typed
 * settings. Wrong values fall back to their defaults one by one; unknown severities are dropped.
 */
export function normalizeSettings(raw: unknown): MigrationGuardSettings {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const enable = typeof o.enable === 'boolean' ? o.enable : DEFAULT_SETTINGS.enable;
  const rules: Record<string, RuleSeveritySetting> = {};
  if (o.rules !== null && typeof o.rules === 'object' && !Array.isArray(o.rules)) {
    for (const [id, v] of Object.entries(o.rules as Record<string, unknown>)) {
      if (isRuleSeveritySetting(v)) rules[id] = v;
    }
  }
  const migrationGlobs = Array.isArray(o.migrationGlobs)
    ? o.migrationGlobs.filter((g): g is string => typeof g === 'string' && g.trim() !== '')
    : [...DEFAULT_SETTINGS.migrationGlobs];
  const traceRaw = o.trace !== null && typeof o.trace === 'object' ? (o.trace as Record<string, unknown>).server : undefined;
  const server: TraceSetting = traceRaw === 'messages' || traceRaw === 'verbose' ? traceRaw : 'off';
  const verifyRaw = o.verify !== null && typeof o.verify === 'object' ? (o.verify as Record<string, unknown>) : {};
  const verify = {
    codeLens: typeof verifyRaw.codeLens === 'boolean' ? verifyRaw.codeLens : DEFAULT_SETTINGS.verify.codeLens,
    databaseUrl: typeof verifyRaw.databaseUrl === 'string' ? verifyRaw.databaseUrl.trim() : DEFAULT_SETTINGS.verify.databaseUrl,
  };
  return { enable, rules, migrationGlobs, trace: { server }, verify };
}
