/**
 * "Create paired migration": which folder (argument, the active file's migrations folder, a pick
 * of the workspace's migrations folders, or a folder picker), which title (argument or input box),
 * then the server names the pair and the client applies its edit and opens the up file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GOLANG_MIGRATE_PATTERN, slugifyTitle } from '../../shared/src/naming';
import { CreatePairedMigrationRequest } from '../../shared/src/protocol';
import type { Prompter } from './api';

export interface CreateArgs {
  directory?: string | vscode.Uri;
  title?: string;
}

export interface Created {
  upUri: string;
  downUri: string;
}

const MIGRATION_DIR_NAME = /migrat/i;

/** A command argument as a folder URI: a Uri (explorer menu), a `file:` URI string, or a path. */
export function toFolderUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  // `c:\x` is a path, `file:///x` a URI.
  if (/^[a-z][a-z0-9+.-]+:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) return vscode.Uri.parse(value);
  return vscode.Uri.file(value);
}

function parseArgs(arg: unknown): CreateArgs {
  if (arg instanceof vscode.Uri || typeof arg === 'string') return { directory: arg };
  if (arg !== null && typeof arg === 'object') {
    const o = arg as Record<string, unknown>;
    const out: CreateArgs = {};
    if (typeof o.directory === 'string' || o.directory instanceof vscode.Uri) out.directory = o.directory;
    if (typeof o.title === 'string') out.title = o.title;
    return out;
  }
  return {};
}

async function isMigrationFolder(folder: vscode.Uri): Promise<boolean> {
  if (MIGRATION_DIR_NAME.test(path.basename(folder.path))) return true;
  try {
    // Any tool's migrations: golang-migrate names, versioned .sql files (goose, dbmate, sql-migrate),
    // Flyway's V1__/U1__, or folders holding up.sql (folder-per-migration). The server decides the
    // convention; this only tells whether the active file's folder is a migrations folder.
    const entries = await vscode.workspace.fs.readDirectory(folder);
    return entries.some(
      ([name, type]) =>
        (type === vscode.FileType.File && (GOLANG_MIGRATE_PATTERN.test(name) || /^(?:[VU]\d[\d._]*__.+|\d+[-_].*|\d+\.(?:up|down))\.sql$/i.test(name))) ||
        (type === vscode.FileType.Directory && /^\d[\d-]*_/.test(name)),
    );
  } catch {
    return false;
  }
}

async function findMigrationFolders(): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles('{**/*.up.sql,**/*.down.sql,**/migrations/*.sql,**/migrate/*.sql}', '**/node_modules/**', 5000);
  const byPath = new Map<string, vscode.Uri>();
  for (const f of files) {
    const dir = vscode.Uri.joinPath(f, '..');
    byPath.set(dir.toString(), dir);
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

async function pickFolder(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Create migration here',
    title: 'Folder for the new migration',
  });
  return picked?.[0];
}

async function resolveFolder(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file') {
    const dir = vscode.Uri.joinPath(active, '..');
    if (await isMigrationFolder(dir)) return dir;
  }
  const folders = await findMigrationFolders();
  if (folders.length === 0) return pickFolder();
  type Item = vscode.QuickPickItem & { folder?: vscode.Uri };
  const items: Item[] = folders.map((folder) => ({ label: vscode.workspace.asRelativePath(folder, true), folder }));
  items.push({ label: 'Choose another folder…', alwaysShow: true });
  const choice = await vscode.window.showQuickPick(items, { title: 'Create paired migration', placeHolder: 'Migrations folder' });
  if (!choice) return undefined;
  return choice.folder ?? pickFolder();
}

export async function createPairedMigration(client: LanguageClient, prompter: Prompter, arg: unknown): Promise<Created | undefined> {
  const args = parseArgs(arg);
  const folder = args.directory !== undefined ? toFolderUri(args.directory) : await resolveFolder();
  if (!folder) return undefined;
  let title = args.title;
  if (title === undefined) {
    title = await prompter({
      title: 'Create paired migration',
      prompt: `Title of the new migration in ${vscode.workspace.asRelativePath(folder, true)}`,
      placeHolder: 'add users email',
      // The server names the files (next version, the folder's convention): shown as the title is typed.
      validateInput: async (value) => {
        const slug = slugifyTitle(value);
        if (slug === '') return value.trim() === '' ? undefined : 'Type a title with letters or digits.';
        try {
          const preview = await client.sendRequest(CreatePairedMigrationRequest.type, { directory: folder.toString(), title: value, preview: true });
          if (!preview.ok) return { message: preview.message, severity: vscode.InputBoxValidationSeverity.Error };
          return { message: `Creates ${preview.names.join(' and ')} (${preview.convention})`, severity: vscode.InputBoxValidationSeverity.Info };
        } catch {
          return { message: `Creates the migration <version>_${slug} in this folder's convention`, severity: vscode.InputBoxValidationSeverity.Info };
        }
      },
    });
    if (title === undefined) return undefined;
  }
  if (slugifyTitle(title) === '') {
    void vscode.window.showErrorMessage('Migration Guard: the migration needs a title with letters or digits.');
    return undefined;
  }

  const result = await client.sendRequest(CreatePairedMigrationRequest.type, { directory: folder.toString(), title });
  if (!result.ok) {
    void vscode.window.showErrorMessage(`Migration Guard: ${result.message}`);
    return undefined;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`Migration Guard: could not create ${path.basename(vscode.Uri.parse(result.upUri).path)}.`);
    return undefined;
  }
  await vscode.window.showTextDocument(vscode.Uri.parse(result.upUri), { preview: false });
  return { upUri: result.upUri, downUri: result.downUri };
}
