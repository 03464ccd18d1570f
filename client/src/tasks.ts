/**
 * The CLI as a VS Code task (`{ "type": "migration-guard" }` in tasks.json, or "Run Task" →
 * "migration-guard"): runs the bundled `migration-guard check` on the workspace folder with VS Code's
 * own Node, and the `$migration-guard` problem matcher puts its findings in the Problems panel, as CI
 * would see them (the same engine and config file).
 */
import * as vscode from 'vscode';
import { PROBLEM_MATCHER, TASK_TYPE } from '../../shared/src/protocol';

interface CheckTaskDefinition extends vscode.TaskDefinition {
  paths?: string[];
  args?: string[];
}

function checkTask(context: vscode.ExtensionContext, folder: vscode.WorkspaceFolder, definition: CheckTaskDefinition): vscode.Task {
  const cli = context.asAbsolutePath('dist/cli.js');
  const paths = Array.isArray(definition.paths) ? definition.paths.filter((p): p is string => typeof p === 'string') : [];
  const args = Array.isArray(definition.args) ? definition.args.filter((a): a is string => typeof a === 'string') : [];
  // VS Code's executable runs as plain Node with ELECTRON_RUN_AS_NODE (code-server's is Node itself).
  const execution = new vscode.ProcessExecution(process.execPath, [cli, 'check', ...args, ...(paths.length > 0 ? paths : ['.'])], {
    cwd: folder.uri.fsPath,
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  const task = new vscode.Task(definition, folder, 'check', TASK_TYPE, execution, [PROBLEM_MATCHER]);
  task.group = vscode.TaskGroup.Test;
  task.detail = 'migration-guard check: every migration of the folder, as CI checks it';
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
  return task;
}

export function registerTasks(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.tasks.registerTaskProvider(TASK_TYPE, {
      provideTasks: () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => checkTask(context, f, { type: TASK_TYPE })),
      resolveTask: (task) => {
        const scope = task.scope;
        const folder = typeof scope === 'object' && scope !== null && 'uri' in scope ? scope : vscode.workspace.workspaceFolders?.[0];
        return folder ? checkTask(context, folder, task.definition as CheckTaskDefinition) : undefined;
      },
    }),
  );
}
