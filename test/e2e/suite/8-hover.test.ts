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
    const link = /\n\n\[Documentation for ban-truncate\]\(([^)]+)\)$/.exec(section);
    assert.ok(link, `no documentation link at the end of: ${section}`);
    assert.equal(
      section,
      [
        '**ban-truncate** (warning): TRUNCATE audit_log deletes every row; a down migration cannot bring them back.',
        BAN_TRUNCATE_HELP,
        `[Documentation for ban-truncate](${link[1]})`,
      ].join('\n\n'),
    );
    // The link is the page bundled with the installed extension.
    const target = vscode.Uri.parse(link[1]!);
    assert.equal(target.scheme, 'file');
    assert.ok(target.path.endsWith('/docs/rules/ban-truncate.md'), target.toString());
    const page = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(page, /^# ban-truncate/m);
  });
});
