import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, fixtureUri, openInEditor, waitFor } from './helpers';

/**
 * "Verify migration" (up → down → up in PGlite, run by the language server in a child process),
 * "Show schema change" and "Show data change", in the fixture's services/catalog/migrations:
 *   000001_create_products: a pair that round-trips;
 *   000002_add_product_price: the up adds a column and creates index products_sku_idx, the down drops
 *   the column only (it forgets the index), so the down leaves the index behind and the up fails when
 *   run again;
 * and in services/people/migrations (goose, one file per migration with Up and Down sections):
 *   00002_drop_nick: the down brings the dropped column back empty, so every nick is lost.
 * The first verification starts PGlite (several seconds, more on a cold cache): every wait allows 60 s.
 */
const VERIFY = 'migrationGuard.verifyMigration';
const SHOW_SCHEMA_CHANGE = 'migrationGuard.showSchemaChange';
const SHOW_DATA_CHANGE = 'migrationGuard.showDataChange';
const DATA_SCHEME = 'migration-guard-data';
const VERIFY_SOURCE = 'migration-guard-verify';
const SCHEMA_SCHEME = 'migration-guard-schema';
const VERIFY_WAIT = { timeoutMs: 60_000, intervalMs: 100 };

const catalog = (name: string): vscode.Uri => fixtureUri('services', 'catalog', 'migrations', name);
const up1 = () => catalog('000001_create_products.up.sql');
const down1 = () => catalog('000001_create_products.down.sql');
const up2 = () => catalog('000002_add_product_price.up.sql');
const down2 = () => catalog('000002_add_product_price.down.sql');
const goose2 = () => fixtureUri('services', 'people', 'migrations', '00002_drop_nick.sql');

/** What the command returns (VerifyMigrationResult of shared/src/protocol.ts, the fields the tests read). */
interface VerifyResult {
  ok: boolean;
  status: string;
  summary: string;
  version?: string;
  backend: string;
}

interface VerifySeen {
  code: string | undefined;
  severity: string;
  range: [number, number, number, number];
  message: string;
}

function verifyDiagnostics(uri: vscode.Uri): VerifySeen[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === VERIFY_SOURCE)
    .map((d) => ({
      code: d.code === undefined ? undefined : typeof d.code === 'object' ? String(d.code.value) : String(d.code),
      severity: vscode.DiagnosticSeverity[d.severity],
      range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
      message: d.message,
    }));
}

const describeVerify = (...uris: vscode.Uri[]) => () =>
  JSON.stringify(Object.fromEntries(uris.map((u) => [path.basename(u.fsPath), verifyDiagnostics(u)])));

/**
 * Starts the verify command without awaiting it (the test polls the diagnostics meanwhile); the
 * returned promise is the command's result. A rejection is kept for whoever awaits it.
 */
function startVerify(arg: vscode.Uri | string): Promise<VerifyResult | undefined> & { outcome: () => string } {
  let outcome = 'the command is still running';
  const running = Promise.resolve(vscode.commands.executeCommand<VerifyResult | undefined>(VERIFY, arg));
  running.then(
    (r) => (outcome = r ? `the command returned ${r.status}: ${r.summary}` : 'the command returned nothing'),
    (e: unknown) => (outcome = `the command failed: ${e instanceof Error ? e.message : String(e)}`),
  );
  return Object.assign(running, { outcome: () => outcome });
}

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

const lensView = (l: vscode.CodeLens) => ({
  line: l.range.start.line,
  title: l.command?.title,
  command: l.command?.command,
  arguments: l.command?.arguments,
});

const BROKEN_DOWN_DIAGNOSTIC: VerifySeen = {
  code: 'verify-schema-difference',
  severity: 'Error',
  // The down never names the index: the difference is reported on its first statement (line 1, after the comment).
  range: [1, 0, 1, 44],
  message:
    'The down does not drop index products_sku_idx, which did not exist before the up\n' +
    '  CREATE INDEX products_sku_idx ON public.products USING btree (sku)',
};

const BROKEN_UP_DIAGNOSTIC: VerifySeen = {
  code: 'verify-statement-failed',
  severity: 'Error',
  range: [1, 0, 1, 47],
  message: 'The up fails when run again after the down: relation "products_sku_idx" already exists (SQLSTATE 42P07)',
};

const INDEX_LINE = '  CREATE INDEX products_sku_idx ON public.products USING btree (sku)';

describe('verify migration (up → down → up in PGlite)', function () {
  this.timeout(180_000);

  before(async () => {
    await activateExtension();
  });

  it('CodeLenses above each up and down run "Verify up → down → up", "Show schema change" (ups) and "Show data change"', async () => {
    for (const [uri, direction] of [
      [up1(), 'up'],
      [down2(), 'down'],
    ] as const) {
      await vscode.workspace.openTextDocument(uri);
      const lenses = await waitFor(`the verify CodeLenses of ${path.basename(uri.fsPath)}`, async () => {
        const ls = (await lensesOf(uri)).filter((l) => [VERIFY, SHOW_SCHEMA_CHANGE, SHOW_DATA_CHANGE].includes(l.command?.command ?? ''));
        return ls.length >= 2 ? ls : undefined;
      });
      assert.deepEqual(lenses.map(lensView), [
        { line: 0, title: '$(beaker) Verify up → down → up', command: VERIFY, arguments: [uri.toString()] },
        ...(direction === 'up' ? [{ line: 0, title: '$(diff) Show schema change', command: SHOW_SCHEMA_CHANGE, arguments: [uri.toString()] }] : []),
        { line: 0, title: '$(table) Show data change', command: SHOW_DATA_CHANGE, arguments: [uri.toString(), direction] },
      ]);
    }
  });

  it('a goose file gets the CodeLenses on the lines of its Up and Down annotations', async () => {
    await vscode.workspace.openTextDocument(goose2());
    const lenses = await waitFor('the CodeLenses of the goose file', async () => {
      const ls = (await lensesOf(goose2())).filter((l) => l.command?.command === VERIFY || l.command?.command === SHOW_DATA_CHANGE);
      return ls.length >= 4 ? ls : undefined;
    });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.command, l.command?.arguments]),
      [
        [0, VERIFY, [goose2().toString()]],
        [0, SHOW_DATA_CHANGE, [goose2().toString(), 'up']],
        [3, VERIFY, [goose2().toString()]],
        [3, SHOW_DATA_CHANGE, [goose2().toString(), 'down']],
      ],
    );
  });

  it('a pair that round-trips passes and gets no verification problem', async () => {
    const result = await startVerify(up1());
    assert.ok(result, 'the verify command returned nothing');
    assert.equal(result.status, 'passed', result.summary);
    assert.equal(result.ok, true);
    assert.equal(result.version, '000001');
    assert.equal(result.summary, 'up → down → up round-trips');
    assert.equal(result.backend, 'PGlite (embedded PostgreSQL)');
    // Results are published before the command resolves.
    assert.deepEqual(verifyDiagnostics(up1()), []);
    assert.deepEqual(verifyDiagnostics(down1()), []);
    // The file's CodeLens reports the pass.
    const titles = (await lensesOf(up1())).map((l) => l.command?.title ?? '');
    assert.ok(titles.some((t) => /^\$\(pass\) round trip passed \(\d+\.\d s\)$/.test(t)), JSON.stringify(titles));
  });

  it('a down that forgets the index its up created: the difference on the down, the failing re-up on the up, gone once the file is edited', async () => {
    const running = startVerify(down2());
    const seen = await waitFor(
      'a verify-schema-difference on 000002_add_product_price.down.sql and a verify item on the up',
      () => {
        const down = verifyDiagnostics(down2());
        const up = verifyDiagnostics(up2());
        return down.some((d) => d.code === 'verify-schema-difference') && up.length > 0 ? { down, up } : undefined;
      },
      { ...VERIFY_WAIT, describe: () => `${describeVerify(down2(), up2())()}; ${running.outcome()}` },
    );
    assert.deepEqual(seen.down, [BROKEN_DOWN_DIAGNOSTIC]);
    assert.deepEqual(seen.up, [BROKEN_UP_DIAGNOSTIC]);
    const result = await running;
    assert.ok(result, 'the verify command returned nothing');
    assert.equal(result.status, 'failed');
    assert.equal(result.ok, false);
    assert.equal(result.summary, '2 problems: The up fails when run again after the down: relation "products_sku_idx" already exists (SQLSTATE 42P07); and 1 more');
    // The CodeLens counts the problems of the last verification.
    const titles = (await lensesOf(down2())).map((l) => l.command?.title);
    assert.ok(titles.includes('$(error) 2 problems'), JSON.stringify(titles));

    // Editing a file of the verification makes its results stale: they go, from both files.
    const editor = await openInEditor(down2());
    const original = editor.document.getText();
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    assert.equal(await editor.edit((b) => b.insert(end, 'DROP INDEX products_sku_idx;\n')), true);
    await waitFor('no verify diagnostics on 000002 once the down is edited', () =>
      verifyDiagnostics(down2()).length === 0 && verifyDiagnostics(up2()).length === 0 ? true : undefined,
      { ...VERIFY_WAIT, describe: describeVerify(down2(), up2()) },
    );

    // Verifying again checks the edited, unsaved text: now the round trip passes.
    const fixed = await startVerify(down2());
    assert.ok(fixed, 'the verify command returned nothing');
    assert.equal(fixed.status, 'passed', fixed.summary);
    assert.deepEqual(verifyDiagnostics(down2()), []);
    assert.deepEqual(verifyDiagnostics(up2()), []);

    // Back to the broken down, saved (the text on disk is the fixture's again).
    const whole = new vscode.Range(new vscode.Position(0, 0), editor.document.lineAt(editor.document.lineCount - 1).range.end);
    assert.equal(await editor.edit((b) => b.replace(whole, original)), true);
    assert.equal(await editor.document.save(), true);
    assert.equal(editor.document.getText(), original);
  });

  it('the "Verify up → down → up" CodeLens of a goose file reports the lossy down on its Down section, with the rows', async () => {
    const lens = (await lensesOf(goose2())).find((l) => l.command?.command === VERIFY && l.range.start.line === 3);
    assert.ok(lens?.command, 'no Verify CodeLens on the Down annotation line');
    const running = Promise.resolve(vscode.commands.executeCommand<VerifyResult | undefined>(lens.command.command, ...(lens.command.arguments ?? [])));
    const loss = await waitFor(
      'a verify-data-loss on the Down section of 00002_drop_nick.sql',
      () => {
        const found = verifyDiagnostics(goose2()).filter((d) => d.code === 'verify-data-loss');
        return found.length > 0 ? found : undefined;
      },
      { ...VERIFY_WAIT, describe: describeVerify(goose2()) },
    );
    assert.deepEqual(loss, [
      {
        code: 'verify-data-loss',
        severity: 'Error',
        // `ALTER TABLE people ADD COLUMN nick text NOT NULL DEFAULT ''` on line 4, in the Down section.
        range: [4, 0, 4, 59],
        message:
          "The down does not restore the values of `people.nick` (3 of 3 rows differ: 'nick-1' → '')\n" +
          "  row id=1001: 'nick-1' → ''\n  row id=1003: 'nick-3' → ''\n  row id=2147483647: 'nick-2-é中😀' → ''",
      },
    ]);
    const result = await running;
    assert.equal(result?.status, 'failed');
  });

  it('"Show data change" opens a diff of the rows before and after the up, with the rows of the tables the migration touches', async () => {
    await openInEditor(up2());
    const shown = await vscode.commands.executeCommand<boolean>(SHOW_DATA_CHANGE, up2().toString(), 'up');
    assert.equal(shown, true);
    const input = await waitFor(
      'a diff editor of rows as the active tab',
      () => {
        const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
        return tab?.input instanceof vscode.TabInputTextDiff && tab.input.original.scheme === DATA_SCHEME ? { label: tab.label, diff: tab.input } : undefined;
      },
      { ...VERIFY_WAIT, describe: () => String(vscode.window.tabGroups.activeTabGroup.activeTab?.label) },
    );
    assert.equal(input.label, '000002_add_product_price: rows before the up ↔ after the up');
    const before = (await vscode.workspace.openTextDocument(input.diff.original)).getText();
    const after = (await vscode.workspace.openTextDocument(input.diff.modified)).getText();
    assert.match(before, /^products \(3 rows\)\n {2}id +\| sku +\| name\n/);
    assert.match(before, /^ {2}1001 +\| 'sku-1' +\| 'name-1'$/m);
    // After the up every row has the new column, empty.
    assert.match(after, /^products \(3 rows\)\n {2}id +\| sku +\| name +\| price_cents\n/);
    assert.match(after, /^ {2}1001 +\| 'sku-1' +\| 'name-1' +\| NULL$/m);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('"Show schema change" opens a diff editor of the schema before and after the up', async () => {
    await openInEditor(up2());
    const shown = await vscode.commands.executeCommand<boolean>(SHOW_SCHEMA_CHANGE, up2());
    assert.equal(shown, true);
    const input = await waitFor(
      'a diff editor as the active tab',
      () => {
        const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
        return tab?.input instanceof vscode.TabInputTextDiff ? { label: tab.label, diff: tab.input } : undefined;
      },
      { ...VERIFY_WAIT, describe: () => String(vscode.window.tabGroups.activeTabGroup.activeTab?.label) },
    );
    assert.equal(input.label, '000002_add_product_price: schema before ↔ after the up');
    assert.equal(input.diff.original.scheme, SCHEMA_SCHEME);
    assert.equal(input.diff.modified.scheme, SCHEMA_SCHEME);
    const before = await vscode.workspace.openTextDocument(input.diff.original);
    const after = await vscode.workspace.openTextDocument(input.diff.modified);
    const beforeLines = before.getText().split('\n');
    const afterLines = after.getText().split('\n');
    // Both hold the products table of 000001; only the after-document has the index and the new column.
    assert.ok(beforeLines.includes('table public.products'), before.getText());
    assert.ok(afterLines.includes('table public.products'), after.getText());
    assert.ok(afterLines.includes('index public.products_sku_idx'), after.getText());
    assert.ok(afterLines.includes(INDEX_LINE), after.getText());
    assert.ok(!beforeLines.includes(INDEX_LINE), before.getText());
    assert.ok(afterLines.some((l) => /^ {2}column price_cents integer\b/.test(l)), after.getText());
    assert.ok(!beforeLines.some((l) => /price_cents/.test(l)), before.getText());
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
