import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, fixtureUri, ofRules, openInEditor, sortByPosition, view, waitForDiagnostics, ruleOf } from './helpers';

describe('diagnostics in a real editor', () => {
  before(async () => {
    await activateExtension();
  });

  it('an up migration without a down shows missing-down-migration and each destructive statement at its exact range', async () => {
    const uri = fixtureUri('db', 'migrations', '000002_retire_legacy.up.sql');
    await openInEditor(uri);
    const rules = ['missing-down-migration', 'ban-drop-column', 'ban-truncate'];
    const all = await waitForDiagnostics(uri, 'three findings', (d) => ofRules(d, ...rules).length >= 3);
    const ds = ofRules(all, ...rules);
    assert.deepEqual(sortByPosition(ds).map(view), [
      {
        rule: 'missing-down-migration',
        severity: 'Warning',
        range: [0, 0, 0, 29],
        message:
          'Version 000002 has no down migration: rolling it back makes golang-migrate record the older version without running any SQL. Add `000002_retire_legacy.down.sql`.',
      },
      {
        rule: 'ban-drop-column',
        severity: 'Warning',
        range: [1, 18, 1, 41],
        message: 'Dropping column legacy_name of users deletes its data; a down migration can add the column back but not its values.',
      },
      {
        rule: 'ban-truncate',
        severity: 'Warning',
        range: [2, 0, 2, 18],
        message: 'TRUNCATE audit_log deletes every row; a down migration cannot bring them back.',
      },
    ]);
    // Each diagnostic links to its rule's page through the extension's own URI (a click opens the rendered
    // page inside VS Code, not the raw markdown of the install folder).
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'migration-guard');
    assert.ok(ext);
    for (const d of ds) {
      const code = d.code;
      assert.ok(typeof code === 'object' && code.target instanceof vscode.Uri, `diagnostic ${ruleOf(d)} has no documentation link`);
      assert.equal(code.target.toString(), `${vscode.env.uriScheme}://${ext.id}/rule/${ruleOf(d)}`);
      // The page it opens is bundled with the extension.
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(ext.extensionUri, 'docs', 'rules', `${ruleOf(d)}.md`));
    }
  });

  it('a down migration may drop what its own up created, but not anything else', async () => {
    // 000001_create_users.down.sql: `DROP TABLE users;` (created by its up) then `DROP TABLE audit_log;` (not).
    const uri = fixtureUri('db', 'migrations', '000001_create_users.down.sql');
    await openInEditor(uri);
    const ds = await waitForDiagnostics(uri, 'down-drops-foreign-object', (d) => d.some((x) => ruleOf(x) === 'down-drops-foreign-object'));
    // No data-loss finding about `users` (line 0); one about `audit_log` (line 1), reported once, as an error.
    assert.deepEqual(ofRules(ds, 'ban-drop-table', 'down-drops-foreign-object').filter((d) => d.range.start.line === 0).map(view), []);
    assert.deepEqual(ofRules(ds, 'ban-drop-table', 'down-drops-foreign-object').map(view), [
      {
        rule: 'down-drops-foreign-object',
        severity: 'Error',
        range: [1, 0, 1, 20],
        message: 'This down migration drops table audit_log, which its up migration did not create: rolling back destroys data the migration never owned.',
      },
    ]);
  });
});
