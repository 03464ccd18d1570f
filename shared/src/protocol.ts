/**
 * Custom requests between the client and the server, each declared once (`method` + `type`).
 * Only protocol types here: no `vscode`, no `vscode-languageserver`.
 */
import { RequestType, RequestType0, type WorkspaceEdit } from 'vscode-languageserver-protocol';

export interface CreatePairedMigrationParams {
  /** The migrations folder, as a `file:` URI. */
  directory: string;
  /** Free-form title; the server slugifies it (`Add users email` → `add_users_email`). */
  title: string;
}

export type CreatePairedMigrationResult =
  | { ok: true; upUri: string; downUri: string; edit: WorkspaceEdit }
  | { ok: false; message: string };

/** Computes the next version and the file names of a new up/down pair; the client applies `edit`. */
export namespace CreatePairedMigrationRequest {
  export const method = 'migrationGuard/createPairedMigration' as const;
  export const type = new RequestType<CreatePairedMigrationParams, CreatePairedMigrationResult, void>(method);
}

export interface ServerInfo {
  pid: number;
  version: string;
}

export namespace ServerInfoRequest {
  export const method = 'migrationGuard/serverInfo' as const;
  export const type = new RequestType0<ServerInfo, void>(method);
}

/** What a Migration Guard diagnostic carries in `data`, so code actions never read messages. */
export interface DiagnosticData {
  ruleId: string;
  fix?: { title: string; edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[] };
}

/** Command ids contributed in package.json. */
export const Commands = {
  createPairedMigration: 'migrationGuard.createPairedMigration',
  showRuleDocumentation: 'migrationGuard.showRuleDocumentation',
  restartServer: 'migrationGuard.restartServer',
  openFile: 'migrationGuard.openFile',
} as const;

export const DIAGNOSTIC_SOURCE = 'migration-guard';
