import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, fixtureUri, openInEditor, waitFor } from './helpers';

/**
 * "Review migration" on services/catalog/migrations/000002_add_product_price (its down forgets the
 * index its up creates): the command opens VS Code's Markdown preview of a `migration-guard-review:`
 * document holding the review the CLI prints.
 */
const REVIEW = 'migrationGuard.reviewMigration';
const REVIEW_SCHEME = 'migration-guard-review';

const catalog = (name: string): vscode.Uri => fixtureUri('services', 'catalog', 'migrations', name);

/** A Markdown preview tab is open (VS Code shows previews as webview tabs of type markdown.preview). */
function previewTabs(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType))
    .map((t) => t.label);
}

describe('Review migration', () => {
  before(async () => {
    await activateExtension();
  });

  it('is a command of the palette and opens the rendered review of the active migration', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes(REVIEW));
    await openInEditor(catalog('000002_add_product_price.up.sql'));
    const result = (await vscode.commands.executeCommand(REVIEW)) as { uri: string; markdown: string } | undefined;
    assert.ok(result, 'the command returns the review');
    assert.equal(result.uri, `${REVIEW_SCHEME}:/000002_add_product_price.md`);
    assert.match(result.markdown, /^## 000002_add_product_price$/m);
    assert.match(result.markdown, /\*\*Down migration:\*\* does not undo the up:/);
    assert.match(result.markdown, /missing-inverse/);
    const doc = await waitFor('the review document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === REVIEW_SCHEME));
    assert.equal(doc.getText(), result.markdown);
    await waitFor('a Markdown preview tab', () => (previewTabs().length > 0 ? true : undefined), { describe: () => JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label))) });
  });

  it('takes a file as argument (explorer and editor title menus): the down file reviews its migration', async () => {
    const result = (await vscode.commands.executeCommand(REVIEW, catalog('000001_create_products.down.sql'))) as { markdown: string } | undefined;
    assert.ok(result);
    assert.match(result.markdown, /^## 000001_create_products$/m);
    assert.match(result.markdown, /✅ Looks safe/);
  });
});
