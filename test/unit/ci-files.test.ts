/** The ready-to-copy CI files: the pre-commit hooks and the GitHub Actions workflow name real commands. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseArgs } from '../../cli/src/args';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

describe('CI files', () => {
  it('.pre-commit-hooks.yaml: node hooks whose entry is the package\'s bin with a command that parses', () => {
    const hooks = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string }[];
    assert.deepEqual(hooks.map((h) => h.id), ['migration-guard', 'migration-guard-review']);
    for (const h of hooks) {
      assert.equal(h.language, 'node');
      const [bin, ...args] = h.entry.split(/\s+/);
      assert.ok(bin && bin in pkg.bin, `${bin} is a bin of package.json`);
      assert.ok(new RegExp(h.files).test('db/migrations/000001_a.up.sql'));
      const parsed = parseArgs([...args, 'db/migrations/000001_a.up.sql']);
      assert.ok(parsed.ok, JSON.stringify(parsed));
    }
    // pre-commit installs the repository with npm: the prepack script must build the CLI.
    assert.equal(pkg.scripts.prepack, 'node esbuild.mjs');
  });

  it('docs/ci/github-actions.yml: every migration-guard command of its steps parses', () => {
    const wf = parse(fs.readFileSync(path.join(ROOT, 'docs', 'ci', 'github-actions.yml'), 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
    const commands = Object.values(wf.jobs)
      .flatMap((j) => j.steps)
      .flatMap((s) => (s.run ?? '').split('\n'))
      .filter((l) => /^\s*migration-guard /.test(l))
      .map((l) => l.trim().replace(/\s*(>>?|\|\|).*$/, ''));
    assert.equal(commands.length, 4);
    for (const c of commands) {
      const argv = c.split(/\s+/).slice(1).map((a) => a.replace(/^"\$(\w+)"$/, (_, v: string) => (v === 'MIGRATIONS' ? 'db/migrations' : 'origin/main')));
      if (argv[0] === 'verify') continue; // verify parses its own arguments (cli/src/verify.ts); test:workflow runs it
      const parsed = parseArgs(argv);
      assert.ok(parsed.ok, `${c}: ${JSON.stringify(parsed)}`);
    }
  });
});
