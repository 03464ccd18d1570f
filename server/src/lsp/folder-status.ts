/**
 * What applies to a file's migrations folder, for the language status item and the output: the
 * convention (configured, detected, or the golang-migrate default; an unrecognised tool is said to
 * be one), the config file, the PostgreSQL version, the baseline. Read from the workspace's cached
 * facts (the folder's listing, the detected convention, the parsed config): nothing is analysed.
 */
import { DEFAULT_POSTGRES_VERSION } from '../engine/config';
import { configOptions } from '../engine/config-file';
import type { Workspace } from '../engine/project/workspace';
import type { FolderStatus } from '../../../shared/src/protocol';
import type { MigrationGuardSettings } from '../../../shared/src/settings';
import { isChecked } from './diagnostics';
import type { ProjectConfigs } from './project-config';

export interface FolderStatusContext {
  workspace: Workspace;
  configs: ProjectConfigs;
  settings: MigrationGuardSettings;
  workspaceRoots: readonly string[];
  log(message: string): void;
}

export function folderStatus(filePath: string, ctx: FolderStatusContext): FolderStatus {
  const config = ctx.configs.forFile(filePath);
  const options = configOptions(config);
  const configured = options.convention;
  const choice = ctx.workspace.conventionChoice(filePath, configured);
  const convention = choice.convention;
  const checked = isChecked(filePath, { settings: ctx.settings, workspaceRoots: ctx.workspaceRoots, workspace: ctx.workspace, configs: ctx.configs, log: ctx.log });
  const status: FolderStatus = {
    checked,
    enabled: ctx.settings.enable,
    convention: {
      id: convention.id,
      name: convention.displayName,
      recognised: !convention.unknownTool,
      // An unrecognised tool is detected too: from names no supported tool accepts.
      source: choice.state === 'configured' ? 'config' : choice.state === 'assumed' ? 'default' : 'detected',
    },
    postgresVersion: options.postgresVersion !== undefined ? { value: options.postgresVersion, source: 'config' } : { value: DEFAULT_POSTGRES_VERSION, source: 'default' },
  };
  if (config) {
    status.configFile = config.path;
    if (config.broken) status.configBroken = true;
  }
  if (options.baseline !== undefined) status.baseline = options.baseline;
  if (checked) {
    try {
      const folder = ctx.workspace.folderOf(filePath, convention);
      const ups = folder.directory().migrations.filter((m) => m.direction === 'up');
      status.folder = folder.dir;
      if (convention.nested) status.nested = true;
      status.migrations = ups.length;
      const newest = ups[ups.length - 1];
      if (newest) status.newest = newest.version;
    } catch {
      // The folder cannot be read: the status says what it knows.
    }
  }
  return status;
}

/** One line for the output: what was detected for a folder. */
export function describeStatus(s: FolderStatus): string {
  const how = s.convention.source === 'config' ? 'set in the config file' : s.convention.source === 'detected' ? 'detected from its file names' : 'the default: nothing in the folder names a tool';
  const tool = s.convention.recognised ? `${s.convention.name} (${how})` : `${s.convention.name}: names no supported tool accepts, so its names and versions are not judged (${how})`;
  const parts = [
    `${s.folder ?? '?'}: ${tool}`,
    `${s.migrations ?? 0} migration${s.migrations === 1 ? '' : 's'}${s.newest ? `, the newest ${s.newest}` : ''}`,
    s.configFile ? `config ${s.configFile}${s.configBroken ? ' (has errors: the defaults apply)' : ''}` : 'no .migration-guard.json',
    `PostgreSQL ${s.postgresVersion.value}${s.postgresVersion.source === 'default' ? ' (the default)' : ''}`,
    s.baseline ? `baseline ${s.baseline}` : 'no baseline',
  ];
  return `Migration Guard: ${parts.join('; ')}.`;
}

/** Logs a folder's facts once, and again whenever they change. */
export class DetectionLog {
  private readonly logged = new Map<string, string>();

  constructor(private readonly log: (message: string) => void) {}

  seen(status: FolderStatus): void {
    if (!status.folder) return;
    const line = describeStatus(status);
    if (this.logged.get(status.folder) === line) return;
    this.logged.set(status.folder, line);
    this.log(line);
  }
}
