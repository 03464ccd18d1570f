/**
 * "Migration Guard: Review migration": the server reviews the migration of the active (or chosen)
 * file (`migrationGuard/reviewMigration`), and the Markdown is shown in VS Code's Markdown preview
 * of a read-only virtual document (`migration-guard-review:/<migration>.md`). Running it again
 * refreshes the same document and preview. The command returns the Markdown (for tests).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Commands, ReviewMigrationRequest } from '../../shared/src/protocol';

export const REVIEW_SCHEME = 'migration-guard-review';

class ReviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.path, text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') {
    try {
      return /^[a-z][a-z0-9+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg, true) : vscode.Uri.file(arg);
    } catch {
      return undefined;
    }
  }
  return vscode.window.activeTextEditor?.document.uri;
}

export function registerReview(context: vscode.ExtensionContext, state: { client: LanguageClient; output: vscode.LogOutputChannel }): void {
  const documents = new ReviewDocuments();
  context.subscriptions.push(
    documents,
    vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, documents),
    vscode.commands.registerCommand(Commands.reviewMigration, async (arg?: unknown) => {
      const uri = targetUri(arg);
      if (!uri || uri.scheme !== 'file') {
        void vscode.window.showErrorMessage('Migration Guard: open a migration file (.sql) to review it.');
        return undefined;
      }
      try {
        const result = await state.client.sendRequest(ReviewMigrationRequest.type, { uri: uri.toString() });
        if (!result.ok) {
          void vscode.window.showErrorMessage(`Migration Guard: ${result.message}`);
          return undefined;
        }
        const reviewUri = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${result.name}.md` });
        documents.set(reviewUri, result.markdown);
        await vscode.commands.executeCommand('markdown.showPreview', reviewUri);
        return { uri: reviewUri.toString(), markdown: result.markdown };
      } catch (e) {
        state.output.error(`Review migration: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        void vscode.window.showErrorMessage(`Migration Guard: could not review the migration: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }),
  );
}
