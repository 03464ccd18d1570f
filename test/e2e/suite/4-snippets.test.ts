import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, waitFor } from './helpers';

interface SnippetFile {
  [name: string]: { prefix: string; body: string[]; description: string };
}

describe('snippets', () => {
  let ext: vscode.Extension<unknown>;
  let snippets: SnippetFile;
  before(async () => {
    ({ ext } = await activateExtension());
    const contributed = (ext.packageJSON as { contributes?: { snippets?: { language: string; path: string }[] } }).contributes?.snippets;
    assert.deepEqual(contributed, [{ language: 'sql', path: './snippets/sql.json' }]);
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, 'snippets', 'sql.json'));
    snippets = JSON.parse(new TextDecoder().decode(bytes)) as SnippetFile;
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('ships the mg-* SQL snippets, each with a prefix, a body and a description', () => {
    const prefixes = Object.values(snippets).map((s) => s.prefix).sort();
    assert.deepEqual(prefixes, [
      'mg-backfill-batched',
      'mg-foreign-key-not-valid',
      'mg-index-concurrently',
      'mg-lock-timeout',
      'mg-not-null-check',
      'mg-rename-soft',
    ]);
    for (const [name, s] of Object.entries(snippets)) {
      assert.ok(s.body.length > 0 && s.description.length > 0, name);
    }
  });

  it('VS Code inserts the contributed "Lock timeout preamble" snippet by name, with its defaults', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: '' });
    await vscode.window.showTextDocument(doc);
    // Goes through VS Code's snippet service: it only finds the snippet if the contribution loaded.
    await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'sql', name: 'Lock timeout preamble' });
    const expected = [
      '-- Give up instead of queueing behind a long transaction: while a DDL statement waits for its lock,',
      '-- every query on the table waits behind it. If this times out, retry the migration later.',
      "SET lock_timeout = '5s';",
      "SET statement_timeout = '60s';",
      '',
    ].join('\n');
    await waitFor('the inserted snippet', () => (doc.getText() === expected ? true : undefined), { describe: () => JSON.stringify(doc.getText()) });
  });

  it('editor.insertSnippet expands "Batched backfill" with literal dollar quotes and the default names', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: '' });
    const editor = await vscode.window.showTextDocument(doc);
    const body = snippets['Batched backfill']?.body;
    assert.ok(body);
    assert.equal(await editor.insertSnippet(new vscode.SnippetString(body.join('\n'))), true);
    const lines = doc.getText().split('\n');
    assert.equal(lines[3], 'DO $backfill$');
    assert.equal(lines[9], '  SELECT min(id) - 1, max(id) INTO last_id, max_id FROM users;');
    assert.equal(lines[12], '       SET email_normalized = lower(email)');
    assert.equal(lines[20], '$backfill$;');
  });
});
