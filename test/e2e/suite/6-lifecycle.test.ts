import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, fixtureUri, ofRules, openInEditor, ruleOf, view, waitFor, waitForDiagnostics, type MigrationGuardApi } from './helpers';

interface ServerInfo {
  pid: number;
  version: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('language server lifecycle', () => {
  let api: MigrationGuardApi;
  let ext: vscode.Extension<MigrationGuardApi>;
  before(async () => {
    ({ api, ext } = await activateExtension());
  });

  it('restarts the server after it is killed, and the new server analyses edits', async () => {
    const uri = fixtureUri('db', 'migrations', '000002_retire_legacy.up.sql');
    const editor = await openInEditor(uri);
    await waitForDiagnostics(uri, 'the findings', (ds) => ds.some((d) => ruleOf(d) === 'ban-truncate'));

    const before = await api.client.sendRequest<ServerInfo>('migrationGuard/serverInfo');
    assert.equal(typeof before.pid, 'number');
    assert.equal(before.version, (ext.packageJSON as { version: string }).version);
    assert.notEqual(before.pid, process.pid);
    process.kill(before.pid, 'SIGKILL');
    await waitFor(`server pid ${before.pid} to end`, () => (isAlive(before.pid) ? undefined : true));

    const after = await waitFor(
      'a restarted server answering serverInfo',
      async () => {
        const info = await api.client.sendRequest<ServerInfo>('migrationGuard/serverInfo');
        return info.pid !== before.pid ? info : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    assert.ok(isAlive(after.pid));

    // The new server analyses the document as it is edited now.
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    assert.equal(await editor.edit((b) => b.insert(end, 'DROP TABLE orders;\n')), true);
    const ds = await waitForDiagnostics(uri, 'ban-drop-table from the new server', (d) => d.some((x) => ruleOf(x) === 'ban-drop-table'));
    assert.deepEqual(view(ds.find((d) => ruleOf(d) === 'ban-drop-table')!).range, [3, 0, 3, 17]);
    assert.deepEqual(
      ofRules(ds, 'ban-drop-column', 'ban-drop-table', 'ban-truncate', 'missing-down-migration').map((d) => ruleOf(d)).sort(),
      ['ban-drop-column', 'ban-drop-table', 'ban-truncate', 'missing-down-migration'],
    );
    // Revert acts on the active editor: make it this one (a notification of the restart may have taken
    // focus), and tell a revert that did not happen from diagnostics that did not follow it.
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('the document reverted', () => (editor.document.isDirty ? undefined : true));
    await waitForDiagnostics(uri, 'the edit reverted', (d) => !d.some((x) => ruleOf(x) === 'ban-drop-table'));
  });
});
