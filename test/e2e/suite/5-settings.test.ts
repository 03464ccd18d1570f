import * as assert from 'node:assert/strict';
import { activateExtension, fixtureUri, openInEditor, ruleOf, setRuleSeverities, view, waitForDiagnostics } from './helpers';

describe('settings', () => {
  const uri = () => fixtureUri('db', 'migrations', '000002_retire_legacy.up.sql');
  before(async () => {
    await activateExtension();
    await openInEditor(uri());
  });
  after(async () => {
    await setRuleSeverities(undefined);
  });

  const severityOf = (rule: string) => (ds: import('vscode').Diagnostic[]) => ds.filter((d) => ruleOf(d) === rule).map((d) => view(d).severity);

  it('migrationGuard.rules changes a rule\'s severity and turns a rule off, live', async () => {
    await waitForDiagnostics(uri(), 'ban-truncate as a warning', (ds) => severityOf('ban-truncate')(ds).join() === 'Warning');

    await setRuleSeverities({ 'ban-truncate': 'error', 'ban-drop-column': 'off' });
    const ds = await waitForDiagnostics(
      uri(),
      'ban-truncate as an error and no ban-drop-column',
      (d) => severityOf('ban-truncate')(d).join() === 'Error' && severityOf('ban-drop-column')(d).length === 0,
    );
    assert.deepEqual(view(ds.find((d) => ruleOf(d) === 'ban-truncate')!).range, [2, 0, 2, 18]);

    await setRuleSeverities({ 'ban-truncate': 'info' });
    await waitForDiagnostics(
      uri(),
      'ban-truncate as information and ban-drop-column back as a warning',
      (d) => severityOf('ban-truncate')(d).join() === 'Information' && severityOf('ban-drop-column')(d).join() === 'Warning',
    );

    await setRuleSeverities(undefined);
    await waitForDiagnostics(uri(), 'ban-truncate back to a warning', (d) => severityOf('ban-truncate')(d).join() === 'Warning');
  });
});
