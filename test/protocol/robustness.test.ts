/**
 * What editors other than VS Code (and careless clients) send, found by the fuzz tier (issue 14,
 * `npm run test:fuzz`): ranges past the end of the document, and code action requests carrying the
 * diagnostics of an older text. Each test is the shrunk reproduction of a defect.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Command, Diagnostic, Range, TextEdit } from 'vscode-languageserver-protocol';
import { STALE_FIX_REASON } from '../../server/src/lsp/code-actions/index';
import { SERVER, ServerUnderTest } from './lsp-harness';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const codesAndRanges = (ds: Diagnostic[]): [unknown, string][] =>
  ds.map((d) => [d.code, `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`]);

describe('language server: input other clients send (found by the fuzz tier)', () => {
  let server: ServerUnderTest;
  let dir: string;
  let version = 1;

  before(async () => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-robust-')));
    fs.mkdirSync(path.join(dir, 'migrations'));
    server = new ServerUnderTest();
    await server.initialize(dir);
  });

  after(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const change = async (uri: string, contentChanges: { range: Range; text: string }[]): Promise<void> => {
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges });
  };

  it('an edit whose range starts past the last line and spans lines leaves the document as the client has it', async () => {
    // Defect 1: the line table of the document went out of step with its text, so the next edit
    // landed elsewhere and a second ban-drop-table appeared at 2:9-2:21 on a 9-character line.
    const uri = await server.open(path.join(dir, 'migrations', '000001_a.up.sql'), 'DROP TABLE a;\nSELECT 2;');
    await change(uri, [{ range: r(2, 0, 3, 0), text: '\n' }]);
    await change(uri, [{ range: r(2, 0, 2, 0), text: 'SELECT 3;' }]);
    const expected: [unknown, string][] = [
      ['ban-drop-table', '0:0-0:12'],
      ['missing-down-migration', '0:0-0:13'],
      ['require-lock-timeout', '0:0-0:12'],
    ];
    assert.deepEqual(codesAndRanges(await server.pull(uri)), expected);
    // The text the client has, sent whole, gives the same diagnostics.
    await server.replaceText(uri, 'DROP TABLE a;\nSELECT 2;\nSELECT 3;');
    assert.deepEqual(codesAndRanges(await server.pull(uri)), expected);
    await server.close(uri);
  });

  it('positions past a line end, negative and huge ones mean the nearest place in the document', async () => {
    const uri = await server.open(path.join(dir, 'migrations', '000002_b.up.sql'), 'SELECT 1;\r\nSELECT 2;');
    // Past the end of line 0: at its end, before the CRLF.
    await change(uri, [{ range: r(0, 50, 0, 60), text: ' DROP TABLE b;' }]);
    // A negative line: the start of the document.
    await change(uri, [{ range: r(-1, 0, -1, 0), text: 'DROP TABLE c;\n' }]);
    // From the end of line 1 to a line past the end: the CRLF and the last line go.
    await change(uri, [{ range: r(1, 2147483647, 9, 0), text: '' }]);
    // Two changes in one notification, the second past the end of the text the first left.
    await change(uri, [
      { range: r(5, 5, 5, 5), text: '\nDROP TABLE d;' },
      { range: r(3, 0, 3, 100), text: ' -- d' },
    ]);
    const text = 'DROP TABLE c;\nSELECT 1; DROP TABLE b;\nDROP TABLE d; -- d';
    const drops = (ds: Diagnostic[]): [unknown, string][] => codesAndRanges(ds).filter(([code]) => code === 'ban-drop-table');
    const expected: [unknown, string][] = [
      ['ban-drop-table', '0:0-0:12'],
      ['ban-drop-table', '1:10-1:22'],
      ['ban-drop-table', '2:0-2:12'],
    ];
    const incremental = await server.pull(uri);
    assert.deepEqual(drops(incremental), expected);
    await server.replaceText(uri, text);
    assert.deepEqual(await server.pull(uri), incremental);
    await server.close(uri);
  });

  it('a code action request with diagnostics of an older text gets their fixes disabled, with the reason, never their edits', async () => {
    // Defect 3: a require-lock-timeout fix editing line 40 came back for a one-line document.
    const text = `${'-- note\n'.repeat(39)}SELECT 1;\nDROP TABLE a;\n`;
    const uri = await server.open(path.join(dir, 'migrations', '000003_c.up.sql'), text);
    const lock = (await server.pull(uri)).find((d) => d.code === 'require-lock-timeout');
    assert.ok(lock);
    assert.deepEqual(lock.range, r(40, 0, 40, 12));
    const fixTitle = "Set lock_timeout = '5s' before this statement";

    await server.replaceText(uri, 'SELECT 1;');
    const stale = await server.codeActions(uri, r(0, 0, 0, 0), [lock]);
    assert.deepEqual(
      stale.map((a) => [a.title, (a as CodeAction).disabled?.reason]),
      [
        [fixTitle, STALE_FIX_REASON],
        ['Disable require-lock-timeout for this line', STALE_FIX_REASON],
        ['Disable require-lock-timeout for this file', STALE_FIX_REASON],
        // The project's config does not depend on the file's text.
        ['Disable require-lock-timeout for this project', undefined],
        ['Show documentation for require-lock-timeout', undefined],
      ],
    );
    const edits = (a: CodeAction | Command): TextEdit[] => Object.values((a as CodeAction).edit?.changes ?? {}).flat();
    assert.deepEqual(stale.flatMap(edits), [], 'no edit computed on the older text');

    // Back to the text the diagnostic was found on: the fix is offered with its edit again.
    await server.replaceText(uri, text);
    const current = await server.codeActions(uri, lock.range, [lock]);
    const fix = current.find((a) => a.title === fixTitle) as CodeAction;
    assert.equal(fix.disabled, undefined);
    assert.deepEqual(edits(fix), [{ range: r(40, 0, 40, 0), newText: "SET lock_timeout = '5s';\n" }]);
    await server.close(uri);
  });
});
