/**
 * Custom requests between the client and the server, each declared once (`method` + `type`).
 * Only protocol types here: no `vscode`, no `vscode-languageserver`.
 */
import { RequestType, RequestType0, type Diagnostic, type ProgressToken, type WorkspaceEdit } from 'vscode-languageserver-protocol';

export interface CreatePairedMigrationParams {
  /** The migrations folder, as a `file:` URI. */
  directory: string;
  /** Free-form title; the server slugifies it (`Add users email` → `add_users_email`). */
  title: string;
  /** Only name the files (the input box shows them as the title is typed); `edit` is still returned. */
  preview?: boolean;
}

export type CreatePairedMigrationResult =
  | {
      ok: true;
      upUri: string;
      downUri: string;
      edit: WorkspaceEdit;
      /** The names it creates, relative to the migrations folder: `000042_add_users_email.up.sql`. */
      names: string[];
      version: string;
      /** The folder's convention, as the language status names it. */
      convention: string;
    }
  | { ok: false; message: string };

/** Computes the next version and the file names of a new up/down pair; the client applies `edit`. */
export namespace CreatePairedMigrationRequest {
  export const method = 'migrationGuard/createPairedMigration' as const;
  export const type = new RequestType<CreatePairedMigrationParams, CreatePairedMigrationResult, void>(method);
}

export interface ServerInfo {
  pid: number;
  version: string;
  /** Whether the embedded PostgreSQL (PGlite) has been loaded: only a verification loads it. */
  pgliteLoaded: boolean;
  /** `process.version` of the server's Node. */
  node?: string;
  /** The PostgreSQL version whose parser the server uses (libpg-query). */
  parser?: string;
}

export namespace ServerInfoRequest {
  export const method = 'migrationGuard/serverInfo' as const;
  export const type = new RequestType0<ServerInfo, void>(method);
}

export interface VerifyMigrationParams {
  /** An up or down file (`file:` URI) of the version to verify. */
  uri: string;
  /** Progress (`$/progress` begin/report/end) is reported on this token when given. */
  workDoneToken?: ProgressToken;
}

/** The verification's findings on one file (an empty list clears the file). */
export interface VerifyFileDiagnostics {
  uri: string;
  diagnostics: Diagnostic[];
}

export type VerifyMigrationStatus =
  | 'passed'
  | 'failed'
  | 'replay-failed'
  | 'fixture-failed'
  | 'no-down'
  | 'not-found'
  | 'error'
  /** The file is not a migration of its directory's convention. */
  | 'not-a-migration'
  | 'cancelled';

export interface VerifyMigrationResult {
  ok: boolean;
  status: VerifyMigrationStatus;
  /** One line for a notification. */
  summary: string;
  version?: string;
  upUris: string[];
  downUris: string[];
  /** The version's up and down files (cleared when clean) and any earlier file that failed. */
  files: VerifyFileDiagnostics[];
  /** Normalized schema text at each step, for "Show schema change". */
  snapshots: { before?: string; afterUp?: string; afterDown?: string; afterReup?: string };
  /** The rows of each table the migration touches, as text tables, for "Show data change". */
  data?: { table: string; before?: string; afterUp?: string; afterDown?: string }[];
  /** Things worth knowing that are not findings (rows the up rejected, tables left empty...). */
  /** How the synthetic rows went in (`9 synthetic rows in 3 tables, inserted with the schema's triggers and rules off ...`). */
  seed?: string;
  notes?: string[];
  /** `PGlite (embedded PostgreSQL)` or `postgres://me@host:5432/postgres (scratch database ...)`. */
  backend: string;
  durationMs: number;
  cache?: { hit: boolean; fromCache: number; baseFiles: number };
}

/** Runs up → down → up of the version of `uri` (PGlite, or the configured server) and returns diagnostics per file. */
export namespace VerifyMigrationRequest {
  export const method = 'migrationGuard/verifyMigration' as const;
  export const type = new RequestType<VerifyMigrationParams, VerifyMigrationResult, void>(method);
}

export interface ReviewMigrationParams {
  /** An up or down file (`file:` URI) of the migration to review. */
  uri: string;
}

export type ReviewMigrationResult =
  /** `name`: the migration (`000003_drop_customers_fax`); `markdown`: the review, as `migration-guard review` prints it. */
  | { ok: true; name: string; markdown: string }
  | { ok: false; message: string };

/** The review of the migration a file belongs to (engine: server/src/engine/review/). */
export namespace ReviewMigrationRequest {
  export const method = 'migrationGuard/reviewMigration' as const;
  export const type = new RequestType<ReviewMigrationParams, ReviewMigrationResult, void>(method);
}

export interface MigrationSectionsParams {
  /** A `.sql` file (`file:` URI). */
  uri: string;
}

export interface MigrationSectionInfo {
  direction: 'up' | 'down';
  /** The line the CodeLens goes on: 0 for a file of its own, the annotation line of a section. */
  line: number;
}

export interface MigrationSectionsResult {
  /** Whether the file is a migration of its directory's convention. */
  migration: boolean;
  /** The convention's id (`goose`, ...), when it is one. */
  convention?: string;
  sections: MigrationSectionInfo[];
}

/**
 * Whether a file is a migration, and where its up and down are, as the engine's Convention sees it
 * (the client places its CodeLenses with this; it never decides from a file name itself).
 */
export namespace MigrationSectionsRequest {
  export const method = 'migrationGuard/migrationSections' as const;
  export const type = new RequestType<MigrationSectionsParams, MigrationSectionsResult, void>(method);
}

export interface FolderStatusParams {
  /** A file (`file:` URI), usually the active editor's. */
  uri: string;
}

/** What applies to a file's migrations folder: the language status item shows it. */
export interface FolderStatus {
  /** Whether Migration Guard checks this file (setting `migrationGuard.enable`, a migrations folder or glob). */
  checked: boolean;
  enabled: boolean;
  /** The migrations folder (absolute path), and whether its migrations are folders (`<version>_<title>/up.sql`). */
  folder?: string;
  nested?: boolean;
  convention: {
    id: string;
    /** As messages name it: `golang-migrate`, `an unrecognised tool`. */
    name: string;
    /** False for a tool Migration Guard does not know: tool-specific file rules are silent there. */
    recognised: boolean;
    /** `config`: `.migration-guard.json` names it; `detected`: from the folder's file names; `default`: nothing says. */
    source: 'config' | 'detected' | 'default';
  };
  /** The `.migration-guard.json` that applies (absolute path), and whether it has errors (then the defaults apply). */
  configFile?: string;
  configBroken?: boolean;
  postgresVersion: { value: number; source: 'config' | 'default' };
  baseline?: string;
  /** Migrations (up files) in the folder, and the newest one's version. */
  migrations?: number;
  newest?: string;
}

/** The folder status of a file (convention, config, PostgreSQL version, baseline). */
export namespace FolderStatusRequest {
  export const method = 'migrationGuard/folderStatus' as const;
  export const type = new RequestType<FolderStatusParams, FolderStatus, void>(method);
}

export interface CheckWorkspaceParams {
  workDoneToken?: ProgressToken;
}

/** What "Check all migrations" found; the findings themselves go to the Problems panel (workspace diagnostics). */
export interface CheckWorkspaceResult {
  files: number;
  folders: { folder: string; convention: string; files: number; errors: number; warnings: number; infos: number; hints: number }[];
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  durationMs: number;
}

/** Checks every migration file of the workspace now ("Migration Guard: Check all migrations"). */
export namespace CheckWorkspaceRequest {
  export const method = 'migrationGuard/checkWorkspace' as const;
  export const type = new RequestType<CheckWorkspaceParams, CheckWorkspaceResult, void>(method);
}

export interface RuleInfo {
  id: string;
  description: string;
  defaultSeverity: string;
  category: string;
}

/** Every rule with its description (the rule picker of "Show rule documentation"). */
export namespace RuleListRequest {
  export const method = 'migrationGuard/rules' as const;
  export const type = new RequestType0<RuleInfo[], void>(method);
}

/** What the client tells the server at start (`initializationOptions`). */
export interface InitializationOptions {
  /**
   * Rule links point here, the rule id appended (VS Code: `<scheme>://<extension id>/rule/`, which the
   * extension opens in the Markdown preview); without it, the bundled page's `file:` URI.
   */
  ruleDocumentationUri?: string;
}

/** What a Migration Guard diagnostic carries in `data`, so code actions never read messages. */
export interface DiagnosticData {
  ruleId: string;
  fix?: { title: string; edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[] };
  /** Fixes that create or rename files; the server computes them when code actions are requested. */
  actions?: { kind: 'moveToOwnMigration' | 'addInverse' | 'validateInNewMigration' | 'renameFile'; statementIndex: number; title: string; from?: string; to?: string }[];
  /** The comments that silence the finding, for its statement (when it is in one) and for the file. */
  suppress?: { line?: DiagnosticEdit; file: DiagnosticEdit };
  /**
   * Fingerprint of the text the diagnostic was computed on (`textFingerprint`): code actions offer
   * its fix, actions and suppressions only while the document still has that text.
   */
  fingerprint?: string;
}

export interface DiagnosticEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

/** Command ids contributed in package.json. */
export const Commands = {
  createPairedMigration: 'migrationGuard.createPairedMigration',
  showRuleDocumentation: 'migrationGuard.showRuleDocumentation',
  restartServer: 'migrationGuard.restartServer',
  openFile: 'migrationGuard.openFile',
  /**
   * Internal: applies a WorkspaceEdit (LSP form, first argument), then opens a file (uri, second).
   * Code actions that create files use this command instead of `edit` + `command`: VS Code drops a
   * code action's command when the edit makes it recompute the code actions (the new file changes
   * the diagnostics), so the file would not open.
   */
  applyEditAndOpen: 'migrationGuard.applyEditAndOpen',
  verifyMigration: 'migrationGuard.verifyMigration',
  showSchemaChange: 'migrationGuard.showSchemaChange',
  reviewMigration: 'migrationGuard.reviewMigration',
  showDataChange: 'migrationGuard.showDataChange',
  checkAllMigrations: 'migrationGuard.checkAllMigrations',
  showServerLogs: 'migrationGuard.showServerLogs',
  showServerVersion: 'migrationGuard.showServerVersion',
  /** Internal: what the language status item runs (shows the folder's facts in the output and offers the config). */
  showFolderStatus: 'migrationGuard.showFolderStatus',
} as const;

/** The task type of the CLI's check (`tasks.json`: `{ "type": "migration-guard" }`) and its problem matcher. */
export const TASK_TYPE = 'migration-guard';
export const PROBLEM_MATCHER = '$migration-guard';

export const DIAGNOSTIC_SOURCE = 'migration-guard';
/** Source (and client diagnostic collection name) of verification results, apart from the pull diagnostics. */
export const VERIFY_DIAGNOSTIC_SOURCE = 'migration-guard-verify';
/** `code` of verification diagnostics that are not findings of a rule: a fixture that fails. */
export const VerifyCodes = {
  fixtureFailed: 'verify-fixture-failed',
} as const;
