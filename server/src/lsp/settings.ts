/**
 * Settings per resource, pulled with `workspace/configuration` (scopeUri) and cached until the
 * client says the configuration changed. Clients without that request get the pushed settings.
 */
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, normalizeSettings, type MigrationGuardSettings } from '../../../shared/src/settings';

export class SettingsStore {
  private readonly cache = new Map<string, Promise<MigrationGuardSettings>>();
  private pushed: MigrationGuardSettings = normalizeSettings(DEFAULT_SETTINGS);
  pullSupported = false;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<MigrationGuardSettings> {
    if (!this.pullSupported) return Promise.resolve(this.pushed);
    let hit = this.cache.get(uri);
    if (!hit) {
      hit = this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(
        (raw: unknown) => normalizeSettings(raw),
        (e: unknown) => {
          this.connection.console.warn(`Migration Guard: could not read settings for ${uri}: ${String(e)}`);
          this.cache.delete(uri);
          return normalizeSettings(undefined);
        },
      );
      this.cache.set(uri, hit);
    }
    return hit;
  }

  /** `workspace/didChangeConfiguration`: forget everything; keep pushed settings for old clients. */
  changed(pushedSettings: unknown): void {
    this.cache.clear();
    if (pushedSettings !== null && typeof pushedSettings === 'object') {
      const section = (pushedSettings as Record<string, unknown>)[SETTINGS_SECTION];
      if (section !== undefined) this.pushed = normalizeSettings(section);
    }
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
