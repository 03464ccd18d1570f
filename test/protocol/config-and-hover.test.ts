/**
 * `.migration-guard.json` and hovers through the real server (`node dist/server.js --stdio`): the
 * config decides the rules, a broken config is reported on itself and noted on each migration,
 * changes on disk (watched files) and in the editor refresh diagnostics, hovers explain findings.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileChangeType, HoverRequest, type Diagnostic, type Hover } from 'vscode-languageserver-protocol';
import { RULES, ruleById } from '../../server/src/engine/rules/registry';
import { ROOT, SERVER, ServerUnderTest, uriOf, waitFor } from './lsp-harness';

const CONFIG = '.migration-guard.json';
const UP = '000001_retire_legacy.up.sql';
const UP_TEXT = '-- the old table is unused since 2024\nDROP TABLE legacy_users;\n';
const DROP_MESSAGE = 'DROP TABLE legacy_users deletes the table and every row in it; a down migration cannot bring the data back.';
const docsHref = (ruleId: string): string => uriOf(path.join(ROOT, 'docs', 'rules', `${ruleId}.md`));

/** `code severity line:col-line:col` of the diagnostics of the given rules (others' rules may fire too). */
function only(diagnostics: Diagnostic[], codes: (string | undefined)[]): string[] {
  return diagnostics
    .filter((d) => codes.includes(d.code as string | undefined))
    .map((d) => `${d.code ?? '-'} ${d.severity} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
}

describe('language server: .migration-guard.json and hovers', () => {
  let server: ServerUnderTest;
  let dir: string;
  let migrations: string;
  let upUri: string;

  const writeConfig = async (text: string, type: FileChangeType): Promise<void> => {
    fs.writeFileSync(path.join(dir, CONFIG), text);
    const before = server.refreshes;
    await server.filesChanged([{ uri: uriOf(path.join(dir, CONFIG)), type }]);
    await waitFor('a diagnostics refresh', () => server.refreshes > before);
  };

  before(async () => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-config-')));
    migrations = path.join(dir, 'db', 'migrations');
    fs.mkdirSync(migrations, { recursive: true });
    fs.writeFileSync(path.join(migrations, UP), UP_TEXT);
    fs.writeFileSync(path.join(migrations, '000001_retire_legacy.down.sql'), '-- nothing to undo\n');
    server = new ServerUnderTest();
    await server.initialize(dir);
    upUri = await server.open(path.join(migrations, UP), UP_TEXT);
  });

  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('without a config file, the migrationGuard.rules setting applies', async () => {
    assert.deepEqual(only(await server.pull(upUri), ['ban-drop-table']), ['ban-drop-table 2 1:0-1:23']);
    await server.changeSettings({ rules: { 'ban-drop-table': 'error' } });
    assert.deepEqual(only(await server.pull(upUri), ['ban-drop-table']), ['ban-drop-table 1 1:0-1:23']);
  });

  it('a config file created on disk turns the rule off (watched files refresh); it wins over the setting, logged once', async () => {
    await writeConfig('{ "rules": { "ban-drop-table": "off" } }\n', FileChangeType.Created);
    assert.deepEqual(only(await server.pull(upUri), ['ban-drop-table']), []);
    await server.pull(upUri);
    const logged = server.logs.filter((l) => l.includes('"migrationGuard.rules" setting is not used'));
    assert.deepEqual(logged, [
      `Migration Guard: ${path.join(dir, CONFIG)} applies, so the "migrationGuard.rules" setting is not used for the files it covers: ` +
        'the config file decides rule severities for the editor and the CLI alike. Move the rules there.',
    ]);
  });

  it('changing the config on disk refreshes: a severity from the config', async () => {
    await writeConfig('{ "rules": { "ban-drop-table": "hint" } }\n', FileChangeType.Changed);
    assert.deepEqual(only(await server.pull(upUri), ['ban-drop-table']), ['ban-drop-table 4 1:0-1:23']);
  });

  it('a broken config: its problems on the config document, defaults and one notice on each migration', async () => {
    const broken = '{\n  "rules": { "ban-drop-table": "of" },\n  "postgresVersion": 9\n}\n';
    await writeConfig(broken, FileChangeType.Changed);
    const diagnostics = await server.pull(upUri);
    assert.deepEqual(only(diagnostics, [undefined, 'ban-drop-table']), ['- 3 0:0-0:0', 'ban-drop-table 2 1:0-1:23']);
    const notice = diagnostics.find((d) => d.code === undefined)!;
    assert.equal(
      notice.message,
      '../../.migration-guard.json has an error (line 2, column 32: Invalid setting "of" for rule "ban-drop-table": expected "off", "error", "warning", "info" or "hint". Did you mean "off"?). ' +
        'Until it is fixed, this file is checked with the default settings.',
    );
    assert.equal(notice.source, 'migration-guard');
    assert.deepEqual(notice.relatedInformation, [
      {
        location: { uri: uriOf(path.join(dir, CONFIG)), range: { start: { line: 1, character: 31 }, end: { line: 1, character: 35 } } },
        message: 'Invalid setting "of" for rule "ban-drop-table": expected "off", "error", "warning", "info" or "hint". Did you mean "off"?',
      },
    ]);

    const configUri = await server.open(path.join(dir, CONFIG), broken, 'json');
    assert.deepEqual(
      (await server.pull(configUri)).map((d) => ({ range: d.range, severity: d.severity, source: d.source, message: d.message, code: d.code })),
      [
        {
          range: { start: { line: 1, character: 31 }, end: { line: 1, character: 35 } },
          severity: 1,
          source: 'migration-guard',
          message: 'Invalid setting "of" for rule "ban-drop-table": expected "off", "error", "warning", "info" or "hint". Did you mean "off"?',
          code: undefined,
        },
        {
          range: { start: { line: 2, character: 21 }, end: { line: 2, character: 22 } },
          severity: 1,
          source: 'migration-guard',
          message: '"postgresVersion" must be a PostgreSQL major version, an integer from 10 to 18, not 9.',
          code: undefined,
        },
      ],
    );
    assert.deepEqual(await server.codeActions(configUri, { start: { line: 1, character: 31 }, end: { line: 1, character: 35 } }, []), []);

    // Invalid JSON: the position of the syntax error; warnings (unknown rule) alone do not break it.
    await server.replaceText(configUri, '{ "rules": { "ban-drop-table": "off", } }');
    assert.deepEqual(
      (await server.pull(configUri)).map((d) => [d.severity, d.range.start, d.message]),
      [[1, { line: 0, character: 36 }, 'Invalid JSON: Trailing comma: JSON does not allow a comma before "}".']],
    );
    await server.close(configUri);
  });

  it('editing the open config document refreshes the migrations before it is saved', async () => {
    const configUri = await server.open(path.join(dir, CONFIG), fs.readFileSync(path.join(dir, CONFIG), 'utf8'), 'json');
    const before = server.refreshes;
    await server.replaceText(configUri, '{ "rules": { "ban-drop-tabel": "off", "ban-drop-table": "error" } }');
    await waitFor('a diagnostics refresh', () => server.refreshes > before);
    assert.deepEqual(only(await server.pull(upUri), [undefined, 'ban-drop-table']), ['ban-drop-table 1 1:0-1:23']);
    assert.deepEqual(
      (await server.pull(configUri)).map((d) => [d.severity, d.range, d.message]),
      [[2, { start: { line: 0, character: 13 }, end: { line: 0, character: 29 } }, 'Unknown rule "ban-drop-tabel"; it is ignored. Did you mean "ban-drop-table"?']],
    );
    await server.close(configUri);
    // Closed unsaved: the file on disk (broken) applies again.
    assert.deepEqual(only(await server.pull(upUri), [undefined]), ['- 3 0:0-0:0']);
  });

  it('deleting the config file: back to the settings', async () => {
    fs.rmSync(path.join(dir, CONFIG));
    const before = server.refreshes;
    await server.filesChanged([{ uri: uriOf(path.join(dir, CONFIG)), type: FileChangeType.Deleted }]);
    await waitFor('a diagnostics refresh', () => server.refreshes > before);
    assert.deepEqual(only(await server.pull(upUri), [undefined, 'ban-drop-table']), ['ban-drop-table 1 1:0-1:23']);
  });

  it('migrations.directories: .sql files there are checked even outside migrationGlobs', async () => {
    const seeds = path.join(dir, 'seeds');
    fs.mkdirSync(seeds, { recursive: true });
    const seedUri = await server.open(path.join(seeds, 'reset.sql'), 'TRUNCATE sessions;\n');
    await server.changeSettings({ migrationGlobs: [] });
    assert.deepEqual(only(await server.pull(seedUri), ['ban-truncate']), []);
    await writeConfig('{ "migrations": { "directories": ["seeds"] } }', FileChangeType.Created);
    assert.deepEqual(only(await server.pull(seedUri), ['ban-truncate']), ['ban-truncate 2 0:0-0:17']);
    await server.close(seedUri);
    await server.changeSettings({});
  });

  describe('hover', () => {
    const hover = (line: number, character: number): Promise<Hover | null> =>
      server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: upUri }, position: { line, character } });

    before(async () => {
      // Only the rules under test, so that rules added later do not change the hover.
      const tested = ['ban-drop-table', 'unused-suppression', 'missing-down-migration'];
      const rules = Object.fromEntries(RULES.map((r) => [r.meta.id, tested.includes(r.meta.id) ? 'warning' : 'off']));
      await writeConfig(JSON.stringify({ rules }), FileChangeType.Changed);
    });

    it('on a flagged statement: what the diagnostic does not say (the rule\'s help) and the docs link, not the message again', async () => {
      const h = await hover(1, 5);
      assert.ok(!JSON.stringify(h).includes(DROP_MESSAGE), 'the message is not repeated');
      assert.deepEqual(h, {
        contents: {
          kind: 'markdown',
          value: `**ban-drop-table**\n\n${ruleById('ban-drop-table')!.meta.help!.trim()}\n\n[Rule documentation](${docsHref('ban-drop-table')})`,
        },
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 23 } },
      });
    });

    it('nothing where nothing is flagged (the comment line, the end of the statement, past the end)', async () => {
      assert.equal(await hover(0, 3), null);
      assert.equal(await hover(1, 23), null);
      assert.equal(await hover(5, 0), null);
    });

    it('every finding at the position, narrowest first, separated by rules', async () => {
      // No down file: missing-down-migration covers the first line, unused-suppression the rule id in it.
      const file = path.join(migrations, '000002_add_index.up.sql');
      const uri = await server.open(file, '-- migration-guard-ignore ban-drop-table\nCREATE TABLE t (id int);\n');
      const h = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 30 } });
      const section = (ruleId: string): string => `**${ruleId}**\n\n${ruleById(ruleId)!.meta.help!.trim()}\n\n[Rule documentation](${docsHref(ruleId)})`;
      const diagnostics = await server.pull(uri);
      const missingDown = diagnostics.find((d) => d.code === 'missing-down-migration')!;
      assert.deepEqual(h, {
        contents: {
          kind: 'markdown',
          value: [
            section('unused-suppression'),
            section('missing-down-migration'),
          ].join('\n\n---\n\n'),
        },
        range: { start: { line: 0, character: 26 }, end: { line: 0, character: 40 } },
      });
      assert.deepEqual(missingDown.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 40 } });
      assert.ok(!JSON.stringify(h).includes(String(missingDown.message)), 'the message is not repeated');
      await server.close(uri);
    });
  });
});
