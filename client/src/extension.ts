/** Migration Guard for VS Code: activate starts the language server and registers the commands. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { MigrationGuardApi, Prompter } from './api';
import { registerCommands, showRuleDocumentation } from './commands';
import { registerStatus } from './status';
import { registerTasks } from './tasks';
import { CLIENT_NAME, createLanguageClient } from './language-client';
import { registerReview } from './review';
import { registerVerify } from './verify';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<MigrationGuardApi> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(output);
  const languageClient = createLanguageClient(context, output);
  client = languageClient;
  let prompter: Prompter | undefined;
  registerVerify(context, { client: languageClient, output });
  registerReview(context, { client: languageClient, output });
  registerCommands(context, {
    client: languageClient,
    output,
    prompter: () => prompter ?? ((options) => vscode.window.showInputBox(options)),
  });
  registerStatus(context, languageClient, output);
  registerTasks(context);
  // Rule links (`<scheme>://<extension id>/rule/<id>`, see language-client.ts) open the rendered page.
  context.subscriptions.push(
    vscode.window.registerUriHandler({
      handleUri: async (uri) => {
        const rule = /^\/rule\/([a-z0-9-]+)$/.exec(uri.path)?.[1];
        if (rule) await showRuleDocumentation(context, rule);
      },
    }),
  );
  try {
    await languageClient.start();
  } catch (e) {
    output.error(`The language server did not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void vscode.window.showErrorMessage('Migration Guard: the language server did not start. See the "Migration Guard" output.');
  }
  return {
    client: languageClient,
    setPrompter(p) {
      prompter = p;
    },
  };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c?.isRunning()) await c.stop();
}
