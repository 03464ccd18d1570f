/**
 * Code actions answer at once whatever is selected: the actions that plan files (a backup copy, a
 * generated down) are prepared for the diagnostics at the cursor; when a request carries hundreds of
 * diagnostics, those past the planning budget come disabled, saying how to get them, while fixes and
 * suppressions are all there. (The fuzz tier holds the timing: every request within 1 s.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Command } from 'vscode-languageserver-protocol';
import { SERVER, ServerUnderTest } from './lsp-harness';

const isAction = (a: CodeAction | Command): a is CodeAction => typeof (a as Command).command !== 'string';
const N = 600;

describe('code actions on many diagnostics', () => {
  let server: ServerUnderTest;
  let dir: string;
  let uri: string;

  before(async () => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-budget-')));
    const cols = Array.from({ length: N }, (_, i) => `c${i}`);
    fs.writeFileSync(path.join(dir, '000001_wide.up.sql'), `CREATE TABLE wide (id bigint PRIMARY KEY, ${cols.map((c) => `${c} int`).join(', ')});\n`);
    fs.writeFileSync(path.join(dir, '000001_wide.down.sql'), 'DROP TABLE wide;\n');
    // A down that is not empty (an empty one would put "Generate down migration" first, which takes the budget).
    fs.writeFileSync(path.join(dir, '000002_drop.down.sql'), 'SELECT 1;\n');
    server = new ServerUnderTest();
    await server.initialize(dir);
    uri = await server.open(path.join(dir, '000002_drop.up.sql'), cols.map((c) => `ALTER TABLE wide DROP COLUMN ${c};\n`).join(''));
  });

  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prepares the backup copy at the cursor', async () => {
    const diagnostics = (await server.pull(uri)).filter((d) => d.code === 'ban-drop-column');
    assert.equal(diagnostics.length, N);
    const here = diagnostics[3]!;
    const actions = (await server.codeActions(uri, here.range, [here])).filter(isAction);
    const backup = actions.find((a) => a.title === 'Back up wide.c3 before dropping it');
    assert.ok(backup, actions.map((a) => a.title).join('\n'));
    assert.equal(backup.disabled, undefined);
    // Applied by the client, which then shows the down file it edited.
    assert.equal(backup.command?.command, 'migrationGuard.applyEditAndOpen');
    assert.ok(backup.command?.arguments?.[0], 'the backup copy comes with its edit');
  });

  it('offers every fix and suppression for a whole-file request, and the planned actions past the budget disabled with the reason', async () => {
    const diagnostics = await server.pull(uri);
    const all = { start: { line: 0, character: 0 }, end: { line: N, character: 0 } };
    const actions = (await server.codeActions(uri, all, diagnostics)).filter(isAction);
    // Prepared ones name the column; those past the budget have the generic title.
    const backups = actions.filter((a) => a.title === 'Keep a backup copy' || /^Back up wide\.c[0-9]+ before dropping it$/.test(a.title));
    assert.equal(backups.length, N, 'one backup action per DROP COLUMN');
    const disabled = backups.filter((a) => a.disabled);
    assert.ok(disabled.every((a) => a.title === 'Keep a backup copy'));
    assert.ok(disabled.length > 0 && disabled.length < N, `some prepared, the rest not (${disabled.length} of ${N} disabled)`);
    assert.match(disabled[0]!.disabled!.reason, new RegExp(`^not prepared: ${diagnostics.length} diagnostics are selected; ask with the cursor on this statement$`));
    assert.equal(actions.filter((a) => a.title === 'Disable ban-drop-column for this line' && a.edit).length, N);
  });
});
