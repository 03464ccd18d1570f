/** `--changed-since <ref>` in a temporary git repository with two commits. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { changedFilesSince } from '../../cli/src/git';
import { filesToReport, migrationKey } from '../../cli/src/changed';
import { migrationKeys } from '../../cli/src/check';
import { collectFiles } from '../../cli/src/files';
import * as analyzeModule from '../../server/src/engine/analyze';
import { NodeFileHost } from '../../server/src/engine/host';
import { loadParser } from '../../server/src/engine/parsing/parser';
import { flyway } from '../../server/src/engine/migrations/flyway';
import { changedSinceRepo, cli, git, M, type Finding } from './changed-since-repo';
import { writeTree } from './golden-folder';

describe('--changed-since', () => {
  let root: string;
  let base: string;
  before(() => {
    ({ root, base } = changedSinceRepo());
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('git reports the added, modified and renamed files (under the new name), not the unchanged ones', () => {
    const c = changedFilesSince('base', root);
    assert.ok(c.ok);
    const has = (f: string): boolean => c.files.has(path.join(root, M, f));
    assert.deepEqual(
      ['000001_create_users.up.sql', '000001_create_users.down.sql', '000002_create_accounts.up.sql', '000003_add_nick.up.sql', '000003_add_nick.down.sql', '000003_old_name.up.sql', '000004_shorten_label.up.sql'].map(has),
      [true, false, false, true, true, false, true],
    );
    assert.equal(c.base, base);
  });

  it('check reports only the changed migrations, while the unchanged ones still feed the schema model', async () => {
    const all = await cli(root, 'check', '--format', 'json', M);
    const changed = await cli(root, 'check', '--format', 'json', '--changed-since', 'base', M);
    assert.equal(changed.stderr, '');
    const files = (r: { stdout: string }): string[] => [...new Set((JSON.parse(r.stdout) as { findings: Finding[] }).findings.map((f) => path.basename(f.file)))].sort();
    // Without the flag, 000002's missing down is reported; with it, not.
    assert.ok(files(all).includes('000002_create_accounts.up.sql'));
    assert.deepEqual(files(changed), ['000001_create_users.up.sql', '000003_add_nick.down.sql', '000003_add_nick.up.sql', '000004_shorten_label.up.sql']);
    const rules = (JSON.parse(changed.stdout) as { findings: Finding[] }).findings.map((f) => `${path.basename(f.file)} ${f.rule}`);
    // The narrowing is judged against 000002's text column: only the schema of an unchanged file knows it.
    assert.ok(rules.includes('000004_shorten_label.up.sql narrowing-column-type'), rules.join('\n'));
    assert.ok(rules.includes('000001_create_users.up.sql ban-drop-column'), rules.join('\n'));
    assert.equal(changed.code, 1);
    const text = await cli(root, 'check', '--changed-since=base', M, '--rule', 'narrowing-column-type=off', '--rule', 'missing-down-migration=off', '--rule', 'require-lock-timeout=off', '--rule', 'changing-column-type=off', '--rule', 'ban-drop-column=off', '--rule', 'unexpected-down-statement=off');
    assert.equal(text.code, 0);
    assert.match(text.stdout, /in 5 changed files\.\n$/);
  });

  it('check analyses the changed migrations only: their files, not the history that feeds their schema', async () => {
    const analysed: string[] = [];
    // The CLI's thread calls the module's export at each use (CommonJS), so a spy sees every analysis.
    const mod = analyzeModule as { analyzeFile: typeof analyzeModule.analyzeFile };
    const real = mod.analyzeFile;
    mod.analyzeFile = (input) => {
      analysed.push(path.basename(input.filePath));
      return real(input);
    };
    try {
      const r = await cli(root, 'check', '--format', 'json', '--changed-since', 'base', M);
      assert.equal(r.stderr, '');
    } finally {
      mod.analyzeFile = real;
    }
    // 000001's down is analysed with its changed up (the consistency rules report on the pair); 000002 is not.
    assert.deepEqual(analysed.sort(), ['000001_create_users.down.sql', '000001_create_users.up.sql', '000003_add_nick.down.sql', '000003_add_nick.up.sql', '000004_shorten_label.up.sql']);
  });

  it("each file's key, from its name and folder, is the one its analysis gives, whatever the tool", async () => {
    await loadParser();
    const tree = writeTree(
      {
        'golang/000001_a.up.sql': 'CREATE TABLE a (id int);\n',
        'golang/000001_a.down.sql': 'DROP TABLE a;\n',
        'golang/000002_b.up.sql': 'CREATE TABLE b (id int);\n',
        'goose/20240101000000_a.sql': '-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n',
        'goose/20240102000000_b.sql': '-- +goose Up\nCREATE TABLE b (id int);\n',
        'flyway/V1.2__a.sql': 'CREATE TABLE a (id int);\n',
        'flyway/U1.2.0__a.sql': 'DROP TABLE a;\n',
        'flyway/V1.3__b.sql': 'CREATE TABLE b (id int);\n',
        'pop/20200101000000_a.postgres.up.sql': 'CREATE TABLE a (id int);\n',
        'pop/20200101000000_a.mysql.up.sql': 'CREATE TABLE a (id int);\n',
        'pop/20200101000000_a.postgres.down.sql': 'DROP TABLE a;\n',
        'scripts/seed.sql': 'SELECT 1;\n',
      },
      'mg-keys-',
    );
    try {
      const files = collectFiles([tree], tree);
      assert.ok(files.ok);
      const keys = migrationKeys(files.files, {});
      const fromAnalysis = new Map(files.files.map((f) => [f.path, migrationKey(analyzeModule.analyzeFile({ filePath: f.path, text: fs.readFileSync(f.path, 'utf8'), host: new NodeFileHost() }))] as const));
      assert.deepEqual([...keys], [...fromAnalysis]);
      // Versions group a migration's files.
      const v = (f: string): string | undefined => keys.get(path.join(tree, f));
      assert.equal(v('golang/000001_a.up.sql'), v('golang/000001_a.down.sql'));
      assert.notEqual(v('golang/000001_a.up.sql'), v('golang/000002_b.up.sql'));
      assert.equal(v('flyway/V1.2__a.sql'), v('flyway/U1.2.0__a.sql'));
      assert.equal(v('pop/20200101000000_a.postgres.up.sql'), v('pop/20200101000000_a.postgres.down.sql'));
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  it('the note on a folder whose tool is not recognised counts its files, for the folders a change touches', async () => {
    const tree = writeTree(
      {
        'db/migrations/001-a.sql': 'CREATE TABLE a (id int);\n',
        'db/migrations/002-b.sql': 'CREATE TABLE b (id int);\n',
        'db/migrations/003-c.sql': 'CREATE TABLE c (id int);\n',
        'other/migrations/001-a.sql': 'CREATE TABLE a (id int);\n',
        'other/migrations/002-b.sql': 'CREATE TABLE b (id int);\n',
      },
      'mg-note-',
    );
    try {
      git(tree, 'init', '-q');
      git(tree, 'add', '-A');
      git(tree, 'commit', '-q', '-m', 'first');
      fs.appendFileSync(path.join(tree, 'db/migrations/002-b.sql'), 'CREATE INDEX b_id ON b (id);\n');
      const r = await cli(tree, 'check', '--changed-since', 'HEAD', '.');
      const notes = r.stderr.split('\n').filter(Boolean).map((l) => l.replace(/;.*/, ''));
      assert.deepEqual(notes, ['migration-guard: note: db/migrations: no supported migration tool recognised from the names of its 3 .sql files']);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  it('an uncommitted or untracked migration counts as changed', async () => {
    fs.writeFileSync(path.join(root, M, '000005_new.up.sql'), 'DROP TABLE accounts;\n');
    try {
      const r = await cli(root, 'check', '--format', 'json', '--changed-since', 'HEAD', M);
      const files = [...new Set((JSON.parse(r.stdout) as { findings: Finding[] }).findings.map((f) => path.basename(f.file)))];
      assert.deepEqual(files, ['000005_new.up.sql']);
    } finally {
      fs.rmSync(path.join(root, M, '000005_new.up.sql'));
    }
  });

  it('an unknown ref exits 2 with one line on stderr and nothing on stdout (check, review and verify)', async () => {
    const r = await cli(root, 'check', '--changed-since', 'no-such-branch', M);
    assert.deepEqual(r, { code: 2, stdout: '', stderr: 'migration-guard: --changed-since: unknown git ref "no-such-branch" (fetch it first, e.g. git fetch origin main)\n' });
    const review = await cli(root, 'review', '--changed-since', 'no-such-branch', M);
    assert.deepEqual(review, { code: 2, stdout: '', stderr: 'migration-guard: --changed-since: unknown git ref "no-such-branch" (fetch it first, e.g. git fetch origin main)\n' });
    const verify = await cli(root, 'verify', M, '--changed-since', 'no-such-branch');
    assert.deepEqual(verify, { code: 2, stdout: '', stderr: 'migration-guard verify: --changed-since: unknown git ref "no-such-branch" (fetch it first, e.g. git fetch origin main)\n' });
  });

  it('outside a git repository it exits 2 and says so', async () => {
    const outside = writeTree({ 'm/000001_a.up.sql': 'SELECT 1;\n' }, 'mg-nogit-');
    const ceiling = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = os.tmpdir();
    try {
      const r = await cli(outside, 'check', '--changed-since', 'main', 'm');
      assert.deepEqual(r, { code: 2, stdout: '', stderr: `migration-guard: --changed-since needs a git repository, and ${outside} is not in one\n` });
    } finally {
      if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = ceiling;
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('review --changed-since reviews only the changed migrations', async () => {
    const r = await cli(root, 'review', '--changed-since', 'base', M);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const sections = [...r.stdout.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(sections, ['000001_create_users', '000003_add_nick', '000004_shorten_label']);
    assert.match(r.stdout, /^Migrations that differ from `base`\.$/m);
  });

});

describe('--changed-since: which files of a migration go together', () => {
  const key = (file: string): string | undefined => {
    const m = flyway.parse(path.join('/repo/db', file));
    return migrationKey({ migration: m, directory: { dir: '/repo/db' } } as unknown as Parameters<typeof migrationKey>[0]);
  };

  it('Flyway dotted versions are keyed by every part (1.2.3 and 1.2.4 are two migrations; 1.2 and 1.2.0 are one)', () => {
    assert.notEqual(key('V1.2.3__a.sql'), key('V1.2.4__b.sql'));
    assert.notEqual(key('V1.2__a.sql'), key('V1__b.sql'));
    assert.equal(key('V1.2.3__a.sql'), key('U1.2.3__a.sql'));
    assert.equal(key('V1.2__a.sql'), key('U1.2.0__a.sql'));
    assert.equal(key('V1_2__a.sql'), key('U1.2__a.sql'));
    const files = ['V1.2.3__a.sql', 'U1.2.3__a.sql', 'V1.2.4__b.sql', 'U1.2.4__b.sql', 'V1__c.sql'].map((f) => path.join('/repo/db', f));
    const keys = new Map(files.map((f) => [f, key(path.basename(f))]));
    const changed = new Set([path.join('/repo/db', 'U1.2.3__a.sql')]);
    const report = filesToReport(keys, { has: (f: string) => changed.has(f) } as unknown as Parameters<typeof filesToReport>[1]);
    assert.deepEqual([...report].map((f) => path.basename(f)).sort(), ['U1.2.3__a.sql', 'V1.2.3__a.sql']);
  });
});
