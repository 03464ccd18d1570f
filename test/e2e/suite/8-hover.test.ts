import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, fixtureUri, openInEditor, ruleOf, waitFor, waitForDiagnostics } from './helpers';

/** ban-truncate's `help` (server/src/engine/rules/all/ban-truncate.ts), as the hover shows it. */
const BAN_TRUNCATE_HELP = [
  '**Impact:** `TRUNCATE` empties the table at once under an `ACCESS EXCLUSIVE` lock, fires no `ON DELETE` triggers, and',
  'its rows cannot be restored by a down migration. With `CASCADE` it also empties every table that has a foreign key to it,',
  'and the tables referencing those, without listing them.',
  '',
  '**Safe alternative:** if the data really must go, delete it explicitly (in batches, with a `WHERE` clause) and name every',
  'table; keep a copy first. Never use `CASCADE` in a migration.',
].join('\n');

function hoverText(h: vscode.Hover): string {
  return h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n\n');
}

describe('hovers', () => {
  before(async () => {
    await activateExtension();
  });

  it('hovering a flagged statement shows the rule\'s message, its help and a link to its bundled documentation', async () => {
    // 000002_retire_legacy.up.sql, line 2: `TRUNCATE audit_log;` (ban-truncate at [2, 0, 2, 18]).
    const uri = fixtureUri('db', 'migrations', '000002_retire_legacy.up.sql');
    await openInEditor(uri);
    await waitForDiagnostics(uri, 'ban-truncate', (ds) => ds.some((d) => ruleOf(d) === 'ban-truncate'));
    const position = new vscode.Position(2, 4);
    let seen: string[] = [];
    const hover = await waitFor(
      'a Migration Guard hover on TRUNCATE audit_log',
      async () => {
        const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
        seen = hovers.map(hoverText);
        return hovers.find((h) => hoverText(h).includes('**ban-truncate**'));
      },
      { describe: () => JSON.stringify(seen) },
    );
    assert.ok(hover.range, 'the hover has no range');
    assert.deepEqual([hover.range.start.line, hover.range.start.character, hover.range.end.line, hover.range.end.character], [2, 0, 2, 18]);

    // One section per finding at the position, separated by rules; ban-truncate's section exactly.
    const sections = hoverText(hover).split('\n\n---\n\n');
    const section = sections.find((s) => s.startsWith('**ban-truncate**'));
    assert.ok(section, JSON.stringify(sections));
    // The message is in the diagnostic VS Code shows in the same hover: the hover adds the help and the link.
    assert.ok(!section.includes('TRUNCATE audit_log deletes every row'), section);
    const link = /\n\n\[Rule documentation\]\(([^)]+)\)$/.exec(section);
    assert.ok(link, `no documentation link at the end of: ${section}`);
    assert.equal(section, ['**ban-truncate**', BAN_TRUNCATE_HELP, `[Rule documentation](${link[1]})`].join('\n\n'));
    // The link is the extension's own URI: a click opens the rendered page inside VS Code, not raw markdown.
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'migration-guard');
    assert.ok(ext);
    assert.equal(link[1], `${vscode.env.uriScheme}://${ext.id}/rule/ban-truncate`);
    // "Show rule documentation" (what the link runs) opens the Markdown preview of the bundled page.
    await vscode.commands.executeCommand('migrationGuard.showRuleDocumentation', 'ban-truncate');
    await waitFor('the rendered ban-truncate page', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview && /ban-truncate/.test(t.label)) ? true : undefined,
    );
  });
});
