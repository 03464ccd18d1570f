/**
 * The project config file (`.migration-guard.json`, see engine/config-file.ts) in the editor.
 *
 * Precedence: the config file decides what the CLI decides too: rules, `postgresVersion`, the
 * convention. When a config file applies to a migration, the `migrationGuard.rules` setting is not
 * used for it (logged once per config file), so the editor and CI never disagree. The settings
 * `migrationGuard.enable` and `migrationGuard.migrationGlobs` stay editor-only; a config's
 * `migrations.directories` add to `migrationGlobs`.
 *
 * A broken config is never a silent fallback: the config document gets its problems as
 * diagnostics, and each migration it applies to is checked with the defaults and gets one
 * information diagnostic at 0:0 saying so.
 */
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { EngineOptions } from '../engine/config';
import { CONFIG_FILE_NAME, ConfigResolver, configOptions, firstError, type LoadedConfig } from '../engine/config-file';
import type { FileHost } from '../engine/host';
import type { Convention } from '../engine/migrations/convention';
import { RULES } from '../engine/rules/registry';
import { DIAGNOSTIC_SOURCE } from '../../../shared/src/protocol';
import type { MigrationGuardSettings } from '../../../shared/src/settings';
import { globToRegExp } from './glob';
import { pathToUri } from './uri';

export class ProjectConfigs {
  readonly resolver: ConfigResolver;
  private readonly loggedOverrides = new Set<string>();

  constructor(host: FileHost, private readonly log: (message: string) => void) {
    this.resolver = new ConfigResolver(host, RULES.map((r) => r.meta.id));
  }

  /** A config file was created, changed (on disk or in an editor) or deleted. */
  invalidate(): void {
    this.resolver.invalidate();
  }

  forFile(filePath: string): LoadedConfig | undefined {
    return this.resolver.forFile(filePath);
  }

  /** The engine options for a migration: the config file's when one applies, else the settings'. */
  optionsFor(config: LoadedConfig | undefined, settings: MigrationGuardSettings): EngineOptions & { convention?: Convention } {
    if (!config) return { rules: settings.rules };
    if (Object.keys(settings.rules).length > 0 && !this.loggedOverrides.has(config.path)) {
      this.loggedOverrides.add(config.path);
      this.log(
        `Migration Guard: ${config.path} applies, so the "migrationGuard.rules" setting is not used for the files it covers: ` +
          'the config file decides rule severities for the editor and the CLI alike. Move the rules there.',
      );
    }
    return configOptions(config);
  }
}

/** The problems of a config file as diagnostics on the config document. */
export function configDiagnostics(config: LoadedConfig): Diagnostic[] {
  return config.problems.map((p) => ({
    range: p.range,
    severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    message: p.message,
  }));
}

/** The one notice a migration gets while the config that applies to it is broken. */
export function brokenConfigNotice(config: LoadedConfig, filePath: string): Diagnostic {
  const error = firstError(config);
  const rel = path.relative(path.dirname(filePath), config.path) || CONFIG_FILE_NAME;
  const where = error ? ` (line ${error.range.start.line + 1}, column ${error.range.start.character + 1}: ${error.message})` : '';
  const at = { line: 0, character: 0 };
  const diagnostic: Diagnostic = {
    range: { start: at, end: at },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    message: `${rel} has an error${where}. Until it is fixed, this file is checked with the default settings.`,
  };
  if (error) diagnostic.relatedInformation = [{ location: { uri: pathToUri(config.path), range: error.range }, message: error.message }];
  return diagnostic;
}

/** Whether a file is directly in one of the config's `migrations.directories`. */
export function inConfiguredDirectory(filePath: string, config: LoadedConfig | undefined): boolean {
  const dirs = config?.config.migrations.directories;
  if (!dirs || dirs.length === 0) return false;
  const rel = path.relative(config!.dir, path.dirname(filePath)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
  const ci = process.platform === 'win32' || process.platform === 'darwin';
  return dirs.some((g) => globToRegExp(g, ci)?.test(rel === '' ? '.' : rel) === true);
}
