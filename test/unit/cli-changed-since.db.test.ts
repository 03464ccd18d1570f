/** `verify --changed-since` (the database tier: it runs PGlite). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { changedSinceRepo, cli, M } from './changed-since-repo';

describe('--changed-since (database tier)', () => {
  let root: string;
  before(() => {
    ({ root } = changedSinceRepo());
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('verify --changed-since verifies the changed versions that have a down, and skips the others', async function () {
    this.timeout(120000);
    const r = await cli(root, 'verify', M, '--changed-since', 'base', '--format', 'json', '--no-cache');
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as { results: { version: string }[]; skipped: { version: string }[] };
    assert.deepEqual(report.results.map((x) => x.version), ['000001', '000003']);
    assert.deepEqual(report.skipped.map((x) => x.version), ['000004']);
  });
});
