/** The LanguageClient: starts `dist/server.js` over stdio and syncs SQL documents, `.migration-guard.json` and settings. */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SETTINGS_SECTION } from '../../shared/src/settings';
import type { InitializationOptions } from '../../shared/src/protocol';

export const CLIENT_ID = 'migrationGuard';
export const CLIENT_NAME = 'Migration Guard';

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sql' },
      { scheme: 'untitled', language: 'sql' },
      // The project config file: the server reports its problems on it.
      { scheme: 'file', language: 'json', pattern: '**/.migration-guard.json' },
      { scheme: 'file', language: 'jsonc', pattern: '**/.migration-guard.json' },
    ],
    // `migrationGuard.trace.server` is read by the client itself (it is `<id>.trace.server`).
    synchronize: { configurationSection: SETTINGS_SECTION },
    diagnosticPullOptions: { onChange: true, onSave: true },
    outputChannel: output,
    // Rule links come back to this extension, which opens the rendered page (not the raw Markdown).
    initializationOptions: { ruleDocumentationUri: `${vscode.env.uriScheme}://${context.extension.id}/rule/` } satisfies InitializationOptions,
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
