/**
 * Entry point of the extension-host suite (the `extensionTestsPath` of VS Code's test runner, under
 * @vscode/test-electron as in code-server): runs every compiled `*.test.js` beside this file with mocha.
 * MG_E2E_GREP (environment of the extension host) narrows the run to matching test titles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 90_000, reporter: 'spec' });
  if (process.env.MG_E2E_GREP) mocha.grep(process.env.MG_E2E_GREP);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const passed = runner.stats?.passes ?? 0;
        // A plain closing line that CI logs and people can read at a glance.
        console.log(`e2e: ${passed} passed, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else if (passed === 0) reject(new Error('no extension-host test ran'));
        else resolve();
      });
    } catch (e) {
      reject(e);
    }
  });
}
