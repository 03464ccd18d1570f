/** The bundled executable, as users run it: `node dist/cli.js` (needs `npm run build`). */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'dist', 'cli.js');

describe('dist/cli.js', () => {
  it('runs check from any directory: loads the WASM parser beside it, prints JSON, exits 1 on an error finding (01 and 000001 are one version, paired with one down)', function () {
    assert.ok(fs.existsSync(BIN), `${BIN} exists (run npm run build first)`);
    assert.equal(fs.readFileSync(BIN, 'utf8').split('\n')[0], '#!/usr/bin/env node');
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bin-'));
    try {
      fs.mkdirSync(path.join(cwd, 'migrations'));
      fs.writeFileSync(path.join(cwd, 'migrations', '000001_a.up.sql'), 'CREATE TABLE a (id int);\n');
      fs.writeFileSync(path.join(cwd, 'migrations', '01_b.up.sql'), 'CREATE TABLE b (id int);\n');
      fs.writeFileSync(path.join(cwd, 'migrations', '000001_a.down.sql'), 'DROP TABLE a;\n');
      const r = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', '--rule', 'ban-drop-table=off', 'migrations'], { cwd, encoding: 'utf8' });
      assert.equal(r.stderr, '');
      assert.equal(r.status, 1);
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 24 } };
      const dup = (other: string): string =>
        `Version ${other === '01_b.up.sql' ? '000001' : '01'} has another up migration: \`${other}\`. golang-migrate refuses to load a directory with two up files for one version; give one of them a new version.`;
      assert.deepEqual(JSON.parse(r.stdout), {
        version: 1,
        findings: [
          { file: path.join('migrations', '000001_a.up.sql'), rule: 'duplicate-migration-version', severity: 'error', message: dup('01_b.up.sql'), range },
          { file: path.join('migrations', '01_b.up.sql'), rule: 'duplicate-migration-version', severity: 'error', message: dup('000001_a.up.sql'), range },
        ],
      });
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
