/** The commands contributed in package.json (ids in shared/src/protocol.ts). */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Commands } from '../../shared/src/protocol';
import type { Prompter } from './api';
import { createPairedMigration } from './create-migration';

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface CommandState {
  client: LanguageClient;
  output: vscode.LogOutputChannel;
  prompter(): Prompter;
}

function docsPage(context: vscode.ExtensionContext, ruleId: string): string | undefined {
  if (!RULE_ID.test(ruleId)) return undefined;
  const file = context.asAbsolutePath(`docs/rules/${ruleId}.md`);
  return fs.existsSync(file) ? file : undefined;
}

async function pickRule(context: vscode.ExtensionContext): Promise<string | undefined> {
  let ids: string[] = [];
  try {
    ids = fs
      .readdirSync(context.asAbsolutePath('docs/rules'))
      .filter((n) => n.endsWith('.md'))
      .map((n) => n.slice(0, -3))
      .filter((id) => RULE_ID.test(id))
      .sort();
  } catch {
    ids = [];
  }
  return vscode.window.showQuickPick(ids, { title: 'Show documentation for a Migration Guard rule', placeHolder: 'Rule' });
}

function toUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return vscode.Uri.parse(value, true);
  } catch {
    return undefined;
  }
}

export function registerCommands(context: vscode.ExtensionContext, state: CommandState): void {
  const report = (what: string, e: unknown): void => {
    state.output.error(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void vscode.window.showErrorMessage(`Migration Guard: ${what}: ${e instanceof Error ? e.message : String(e)}`);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.createPairedMigration, async (arg?: unknown) => {
      try {
        return await createPairedMigration(state.client, state.prompter(), arg);
      } catch (e) {
        report('could not create the migration', e);
        return undefined;
      }
    }),

    vscode.commands.registerCommand(Commands.showRuleDocumentation, async (ruleId?: unknown) => {
      const id = typeof ruleId === 'string' ? ruleId : await pickRule(context);
      if (id === undefined) return;
      const page = docsPage(context, id);
      if (!page) {
        void vscode.window.showErrorMessage(`Migration Guard: there is no documentation for "${id}".`);
        return;
      }
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(page));
    }),

    vscode.commands.registerCommand(Commands.restartServer, async () => {
      try {
        if (state.client.isRunning()) await state.client.restart();
        else await state.client.start();
        vscode.window.setStatusBarMessage('Migration Guard: language server restarted', 3000);
      } catch (e) {
        report('the language server did not restart', e);
      }
    }),

    vscode.commands.registerCommand(Commands.applyEditAndOpen, async (lspEdit?: unknown, uri?: unknown) => {
      if (!lspEdit || typeof lspEdit !== 'object') return false;
      try {
        const edit = await state.client.protocol2CodeConverter.asWorkspaceEdit(lspEdit as Parameters<typeof state.client.protocol2CodeConverter.asWorkspaceEdit>[0]);
        if (!edit || !(await vscode.workspace.applyEdit(edit))) {
          void vscode.window.showErrorMessage('Migration Guard: the change could not be applied (a file it creates may already exist).');
          return false;
        }
        const target = toUri(uri);
        if (target) await vscode.window.showTextDocument(target, { preview: false });
        return true;
      } catch (e) {
        report('could not apply the change', e);
        return false;
      }
    }),

    vscode.commands.registerCommand(Commands.openFile, async (uri?: unknown) => {
      const target = toUri(uri);
      if (!target) return;
      try {
        await vscode.window.showTextDocument(target, { preview: false });
      } catch (e) {
        report(`could not open ${target.fsPath}`, e);
      }
    }),
  );
}
