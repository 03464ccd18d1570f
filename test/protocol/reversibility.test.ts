/**
 * The reversibility code actions over stdio (run `npm run build` first): "Keep a backup copy" on
 * ban-drop-column / ban-drop-table (enabled with the exact edits of the up and the down, or disabled
 * with the reason), and "Add inverse to <down file>" on missing-inverse.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Command, Diagnostic } from 'vscode-languageserver-protocol';
import { textFingerprint } from '../../server/src/lsp/diagnostics';
import { SERVER, ServerUnderTest, uriOf } from './lsp-harness';

const INIT_UP = 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\nCREATE TABLE logs (message text);\n';
const INIT_DOWN = 'DROP TABLE logs;\nDROP TABLE users;\n';
const DROP_UP = 'ALTER TABLE users DROP COLUMN email;\nALTER TABLE logs DROP COLUMN message;\n';
const DROP_DOWN = 'ALTER TABLE logs ADD COLUMN message text;\nALTER TABLE users ADD COLUMN email text NOT NULL;\n';
const INDEX_UP = 'CREATE INDEX users_name_idx ON users (name);\nCREATE TABLE tags (id int);\n';
const INDEX_DOWN = 'DROP TABLE tags;\n';

const isAction = (a: CodeAction | Command): a is CodeAction => typeof (a as Command).command !== 'string';

function find(actions: (CodeAction | Command)[], title: string): CodeAction {
  const found = actions.find((a) => a.title === title);
  assert.ok(found && isAction(found), `no code action "${title}" among ${JSON.stringify(actions.map((a) => a.title))}`);
  return found;
}

const at = (line: number, character: number) => ({ line, character });

describe('reversibility code actions over stdio', () => {
  let server: ServerUnderTest;
  let dir: string;

  before(async () => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-reversibility-')));
    const files: Record<string, string> = {
      '000001_init.up.sql': INIT_UP,
      '000001_init.down.sql': INIT_DOWN,
      '000002_drop.up.sql': DROP_UP,
      '000002_drop.down.sql': DROP_DOWN,
      '000003_index.up.sql': INDEX_UP,
      '000003_index.down.sql': INDEX_DOWN,
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    server = new ServerUnderTest();
    await server.initialize(dir);
  });

  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('"Back up users.email before dropping it" on DROP COLUMN: copies key and column in the up, restores them in the down, then shows the down', async () => {
    const uri = await server.open(path.join(dir, '000002_drop.up.sql'), DROP_UP);
    const diagnostics = await server.pull(uri);
    const drop = diagnostics.find((d: Diagnostic) => d.code === 'ban-drop-column' && d.range.start.line === 0);
    assert.ok(drop, JSON.stringify(diagnostics.map((d) => d.code)));
    const action = find(await server.codeActions(uri, drop.range, [drop]), 'Back up users.email before dropping it');
    assert.equal(action.kind, 'quickfix');
    assert.equal(action.disabled, undefined);
    const downUri = uriOf(path.join(dir, '000002_drop.down.sql'));
    // The client applies the edit, then shows the down it edited beside the up (the focus stays).
    assert.equal(action.edit, undefined);
    assert.equal(action.command?.command, 'migrationGuard.applyEditAndOpen');
    assert.deepEqual(action.command?.arguments?.slice(1), [downUri, { beside: true, preserveFocus: true }]);
    assert.deepEqual(action.command?.arguments?.[0], {
      documentChanges: [
        {
          textDocument: { uri, version: 1 },
          edits: [{ range: { start: at(0, 0), end: at(0, 0) }, newText: 'CREATE TABLE users_email_backup_000002 AS SELECT id, email FROM users;\n' }],
        },
        {
          textDocument: { uri: downUri, version: null },
          edits: [
            {
              range: { start: at(1, 0), end: at(1, 49) },
              newText: [
                'ALTER TABLE users ADD COLUMN email text;',
                'UPDATE users SET email = b.email FROM users_email_backup_000002 AS b WHERE users.id = b.id;',
                '-- Inherent to undoing the up, reported by adding-not-nullable-field: NOT NULL is restored as it was before the up.',
                'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
                'DROP TABLE users_email_backup_000002;',
              ].join('\n'),
            },
          ],
        },
      ],
    });
  });

  it('"Keep a backup copy" is offered disabled, with the reason, on a table without a primary key', async () => {
    const uri = uriOf(path.join(dir, '000002_drop.up.sql'));
    const diagnostics = await server.pull(uri);
    const drop = diagnostics.find((d: Diagnostic) => d.code === 'ban-drop-column' && d.range.start.line === 1);
    assert.ok(drop);
    const action = find(await server.codeActions(uri, drop.range, [drop]), 'Keep a backup copy');
    assert.deepEqual(action.disabled, { reason: 'table logs has no primary key in the schema model, so the saved values could not be matched back to their rows' });
    assert.equal(action.edit, undefined);
  });

  it('missing-inverse on the up statement the down forgets; "Add inverse to <down file>" inserts it in reverse order', async () => {
    const uri = await server.open(path.join(dir, '000003_index.up.sql'), INDEX_UP);
    const diagnostics = (await server.pull(uri)).filter((d: Diagnostic) => d.code === 'missing-inverse');
    assert.deepEqual(
      diagnostics.map((d) => [d.range, d.data]),
      [
        [
          { start: at(0, 0), end: at(0, 43) },
          {
            ruleId: 'missing-inverse',
            actions: [{ kind: 'addInverse', statementIndex: 0, title: 'Add inverse to 000003_index.down.sql' }],
            suppress: {
              line: { range: { start: at(0, 0), end: at(0, 0) }, newText: '-- migration-guard-ignore missing-inverse\n' },
              file: { range: { start: at(0, 0), end: at(0, 0) }, newText: '-- migration-guard-ignore-file missing-inverse\n' },
            },
            fingerprint: textFingerprint(INDEX_UP),
          },
        ],
      ],
    );
    const action = find(await server.codeActions(uri, diagnostics[0]!.range, diagnostics), 'Add inverse to 000003_index.down.sql');
    assert.equal(action.isPreferred, true);
    assert.deepEqual(action.edit, {
      documentChanges: [
        {
          textDocument: { uri: uriOf(path.join(dir, '000003_index.down.sql')), version: null },
          edits: [{ range: { start: at(0, 16), end: at(0, 16) }, newText: '\n\nDROP INDEX users_name_idx;' }],
        },
      ],
    });
  });
});
