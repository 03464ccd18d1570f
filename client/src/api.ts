/** What `activate()` returns: for tests only. */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** Asks for a migration title; `window.showInputBox` unless a test replaced it. */
export type Prompter = (options: vscode.InputBoxOptions) => Thenable<string | undefined>;

export interface MigrationGuardApi {
  client: LanguageClient;
  /** Replaces the title input box of "Create paired migration" (undefined restores it). */
  setPrompter(prompter: Prompter | undefined): void;
}
