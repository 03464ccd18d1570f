import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, fileExists, fixtureUri, waitFor, type MigrationGuardApi } from './helpers';

const COMMAND = 'migrationGuard.createPairedMigration';

describe('Create paired migration', () => {
  let api: MigrationGuardApi;
  before(async () => {
    ({ api } = await activateExtension());
  });
  afterEach(() => api.setPrompter(undefined));

  async function expectPairCreated(name: string): Promise<void> {
    const up = fixtureUri('services', 'billing', 'migrations', `${name}.up.sql`);
    const down = fixtureUri('services', 'billing', 'migrations', `${name}.down.sql`);
    await waitFor(`${name}.up.sql and .down.sql on disk`, async () => ((await fileExists(up)) && (await fileExists(down)) ? true : undefined));
    await waitFor(
      `${name}.up.sql in the active editor`,
      () => (vscode.window.activeTextEditor?.document.uri.fsPath === up.fsPath ? true : undefined),
      { describe: () => String(vscode.window.activeTextEditor?.document.uri) },
    );
  }

  it('with {directory, title} arguments creates both files with the next version and asks nothing', async () => {
    const dir = fixtureUri('services', 'billing', 'migrations');
    let asked = 0;
    api.setPrompter(async () => {
      asked++;
      return undefined;
    });
    await vscode.commands.executeCommand(COMMAND, { directory: dir.fsPath, title: 'Add invoice lines' });
    await expectPairCreated('000002_add_invoice_lines');
    assert.equal(asked, 0);
  });

  it('without a title asks through the input box and uses the answer', async () => {
    const dir = fixtureUri('services', 'billing', 'migrations');
    const prompts: vscode.InputBoxOptions[] = [];
    api.setPrompter(async (options) => {
      prompts.push(options);
      return 'Add payments';
    });
    // The directory as a URI string this time (the command accepts an fsPath or a URI string).
    await vscode.commands.executeCommand(COMMAND, { directory: dir.toString() });
    await expectPairCreated('000003_add_payments');
    assert.equal(prompts.length, 1);
  });

  it('cancelling the input box creates nothing', async () => {
    const dir = fixtureUri('services', 'billing', 'migrations');
    const before = (await vscode.workspace.fs.readDirectory(dir)).map(([n]) => n).sort();
    let asked = 0;
    api.setPrompter(async () => {
      asked++;
      return undefined;
    });
    await vscode.commands.executeCommand(COMMAND, { directory: dir.fsPath });
    assert.equal(asked, 1);
    assert.deepEqual((await vscode.workspace.fs.readDirectory(dir)).map(([n]) => n).sort(), before);
  });
});
