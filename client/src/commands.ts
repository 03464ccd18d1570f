/** The commands contributed in package.json (ids in shared/src/protocol.ts). */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CheckWorkspaceRequest, Commands, RuleListRequest, ServerInfoRequest, type RuleInfo } from '../../shared/src/protocol';
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

/** The first line after the title of a rule's page: its one-sentence summary. */
function summaryOf(context: vscode.ExtensionContext, id: string): string {
  try {
    const lines = fs.readFileSync(context.asAbsolutePath(`docs/rules/${id}.md`), 'utf8').split(/\r?\n/).slice(1);
    return lines.find((l) => l.trim() !== '')?.trim() ?? '';
  } catch {
    return '';
  }
}

/** The rules, each with its description (asked of the server; the pages' summaries when it is not running). */
async function ruleList(context: vscode.ExtensionContext, client: LanguageClient): Promise<RuleInfo[]> {
  if (client.isRunning()) {
    try {
      return await client.sendRequest(RuleListRequest.type);
    } catch {
      // Fall back to the bundled pages.
    }
  }
  try {
    return fs
      .readdirSync(context.asAbsolutePath('docs/rules'))
      .filter((n) => n.endsWith('.md'))
      .map((n) => n.slice(0, -3))
      .filter((id) => RULE_ID.test(id))
      .sort()
      .map((id) => ({ id, description: summaryOf(context, id), defaultSeverity: '', category: '' }));
  } catch {
    return [];
  }
}

async function pickRule(context: vscode.ExtensionContext, client: LanguageClient): Promise<string | undefined> {
  const rules = await ruleList(context, client);
  const items = rules.map((r) => ({ label: r.id, description: r.defaultSeverity, detail: r.description }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Show documentation for a Migration Guard rule', placeHolder: 'Rule', matchOnDescription: true, matchOnDetail: true });
  return picked?.label;
}

/** Opens a rule's bundled page in the Markdown preview (rendered, inside VS Code). */
export async function showRuleDocumentation(context: vscode.ExtensionContext, id: string): Promise<void> {
  const page = docsPage(context, id);
  if (!page) {
    void vscode.window.showErrorMessage(`Migration Guard: there is no documentation for "${id}".`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(page));
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
      const id = typeof ruleId === 'string' ? ruleId : await pickRule(context, state.client);
      if (id === undefined) return;
      await showRuleDocumentation(context, id);
    }),

    vscode.commands.registerCommand(Commands.checkAllMigrations, async () => {
      if (!state.client.isRunning()) {
        void vscode.window.showErrorMessage('Migration Guard: the language server is not running; see "Migration Guard: Show server logs".');
        return undefined;
      }
      try {
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Migration Guard: checking all migrations', cancellable: false },
          () => state.client.sendRequest(CheckWorkspaceRequest.type, {}),
        );
        const parts = [
          result.errors > 0 ? `${result.errors} error${result.errors === 1 ? '' : 's'}` : '',
          result.warnings > 0 ? `${result.warnings} warning${result.warnings === 1 ? '' : 's'}` : '',
          result.infos > 0 ? `${result.infos} info` : '',
          result.hints > 0 ? `${result.hints} hint${result.hints === 1 ? '' : 's'}` : '',
        ].filter((x) => x !== '');
        const folders = result.folders.length;
        const summary = `Migration Guard checked ${result.files} migration file${result.files === 1 ? '' : 's'} in ${folders} folder${folders === 1 ? '' : 's'}: ${parts.length > 0 ? parts.join(', ') : 'no problems'}.`;
        state.output.info(summary);
        for (const f of result.folders) state.output.info(`  ${vscode.workspace.asRelativePath(f.folder, true)} (${f.convention}): ${f.files} files, ${f.errors} errors, ${f.warnings} warnings, ${f.infos} info, ${f.hints} hints`);
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        void vscode.window.showInformationMessage(summary);
        return result;
      } catch (e) {
        report('could not check the migrations', e);
        return undefined;
      }
    }),

    vscode.commands.registerCommand(Commands.showServerLogs, () => {
      state.client.outputChannel.show(true);
    }),

    vscode.commands.registerCommand(Commands.showServerVersion, async () => {
      const client = context.extension.packageJSON as { version?: string };
      if (!state.client.isRunning()) {
        void vscode.window.showWarningMessage(`Migration Guard ${client.version ?? ''}: the language server is not running.`);
        return undefined;
      }
      try {
        const info = await state.client.sendRequest(ServerInfoRequest.type);
        const message = `Migration Guard server ${info.version} (extension ${client.version ?? '?'}), ${info.parser ?? 'PostgreSQL parser'}, Node ${info.node ?? '?'}, process ${info.pid}.`;
        state.output.info(message);
        void vscode.window.showInformationMessage(message);
        return info;
      } catch (e) {
        report('could not reach the language server', e);
        return undefined;
      }
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

    vscode.commands.registerCommand(Commands.applyEditAndOpen, async (lspEdit?: unknown, uri?: unknown, how?: unknown) => {
      if (!lspEdit || typeof lspEdit !== 'object') return false;
      try {
        const edit = await state.client.protocol2CodeConverter.asWorkspaceEdit(lspEdit as Parameters<typeof state.client.protocol2CodeConverter.asWorkspaceEdit>[0]);
        if (!edit || !(await vscode.workspace.applyEdit(edit))) {
          void vscode.window.showErrorMessage('Migration Guard: the change could not be applied (a file it creates may already exist).');
          return false;
        }
        const target = toUri(uri);
        // `beside`: show the file it also edited next to the one being worked on, keeping the focus there.
        const options = how !== null && typeof how === 'object' ? (how as { beside?: unknown; preserveFocus?: unknown }) : {};
        if (target) {
          await vscode.window.showTextDocument(target, {
            preview: false,
            ...(options.beside === true ? { viewColumn: vscode.ViewColumn.Beside } : {}),
            ...(options.preserveFocus === true ? { preserveFocus: true } : {}),
          });
        }
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
