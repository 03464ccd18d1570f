import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, type CliIO } from '../../cli/src/run';
import { generateDownSql } from '../../server/src/engine/inverse/index';
import { parseSql } from '../../server/src/engine/parsing/parser';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(cwd: string, ...argv: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** A temporary tree: `{ 'db/migrations/1_a.up.sql': 'SQL' }`. */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-'));
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), text);
  }
  return root;
}

const range = (l1: number, c1: number, l2: number, c2: number): object => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

const MISSING_DOWN_2 =
  'Version 000002 has no down migration: rolling it back makes golang-migrate record the older version without running any SQL. Add `000002_add_email.down.sql`.';
/** The same, in a folder where no migration has a down (reported on the newest only). */
const UP_ONLY_2 =
  'No migration in this folder has a down migration (reported on the newest one only): version 000002 cannot be rolled back. Add `000002_add_email.down.sql`, or turn missing-down-migration off in .migration-guard.json if this project never rolls back.';

describe('cli', () => {
  const roots: string[] = [];
  const make = (files: Record<string, string>): string => {
    const r = tree(files);
    roots.push(r);
    return r;
  };
  after(() => {
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  });

  describe('check', () => {
    it('--jobs: folders checked by worker threads give exactly the one-thread output, in input order', async function () {
      this.timeout(60000);
      const root = make({
        'svc/a/migrations/000001_init.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, fax text);\n',
        'svc/a/migrations/000002_drop.up.sql': 'ALTER TABLE users DROP COLUMN fax;\nALTER TABLE users ALTER COLUMN id TYPE int;\n',
        'svc/b/migrations/00001_init.sql': '-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n',
        'svc/b/migrations/00002_more.sql': '-- +goose Up\nCREATE INDEX t_id ON t (id);\nDELETE FROM t;\n',
        'svc/c/migrations/2020-01-01-000000_init/up.sql': 'CREATE TABLE c (id int);\n',
        'svc/c/migrations/2020-01-01-000000_init/down.sql': 'DROP TABLE c;\nDROP TABLE other;\n',
        'svc/c/migrations/2020-02-01-000000_x/up.sql': 'UPDATE c SET id = 1;\n',
      });
      const one = await cli(root, 'check', '--format', 'json', '--jobs', '1', 'svc');
      const three = await cli(root, 'check', '--format', 'json', '--jobs', '3', 'svc');
      assert.equal(one.stderr, '');
      assert.equal(three.stderr, '');
      assert.equal(three.code, one.code);
      assert.equal(three.stdout, one.stdout);
      const files = new Set((JSON.parse(one.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file.split(path.sep)[1]));
      assert.deepEqual([...files].sort(), ['a', 'b', 'c'], 'every folder has findings');
      assert.match((await cli(root, 'check', '--jobs', '0', 'svc')).stderr, /--jobs expects a number of threads \(1 or more\), not "0"/);
    });

    it('prints exact JSON: relative paths, 0-based lines, UTF-16 characters; warnings exit 0', async () => {
      const root = make({
        'db/migrations/000001_init.up.sql': 'CREATE TABLE users (id bigint);\n',
        'db/migrations/000001_init.down.sql': 'DROP TABLE users;\n',
        'db/migrations/000002_add_email.up.sql': '-- é 🚀\nALTER TABLE users ADD COLUMN email text;\n',
      });
      const r = await cli(root, 'check', '--format', 'json', '--rule', 'ban-drop-table=off', '--rule', 'require-lock-timeout=off', 'db');
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      assert.equal(
        r.stdout,
        JSON.stringify({
          version: 1,
          findings: [
            { file: path.join('db', 'migrations', '000002_add_email.up.sql'), rule: 'missing-down-migration', severity: 'warning', message: MISSING_DOWN_2, range: range(0, 0, 0, 7) },
          ],
        }) + '\n',
      );
    });

    it('an error-severity finding exits 1; the text format is path:line:col with 1-based numbers and a summary', async () => {
      const root = make({
        'migrations/000001_a.up.sql': 'CREATE TABLE a (id int);',
        'migrations/000001_b.up.sql': '\n\n  DROP TABLE a;',
        'migrations/000001_a.down.sql': '-- nothing to undo\n',
        'migrations/000001_b.down.sql': '-- nothing to undo\n',
      });
      const r = await cli(root, 'check', '--rule', 'ban-drop-table=info', '--rule', 'syntax-error=off', '--rule', 'require-lock-timeout=off');
      assert.equal(r.code, 1);
      assert.equal(r.stderr, '');
      const dup = (other: string): string =>
        `Version 000001 has another up migration: \`${other}\`. golang-migrate refuses to load a directory with two up files for one version; give one of them a new version.`;
      const downDup = (other: string): string =>
        `Version 000001 has another down migration: \`${other}\`. golang-migrate refuses to load a directory with two down files for one version; give one of them a new version.`;
      const p = (n: string): string => path.join('migrations', n);
      assert.equal(
        r.stdout,
        [
          `${p('000001_a.down.sql')}:1:1: error duplicate-migration-version ${downDup('000001_b.down.sql')}`,
          `${p('000001_a.up.sql')}:1:1: error duplicate-migration-version ${dup('000001_b.up.sql')}`,
          `${p('000001_b.down.sql')}:1:1: error duplicate-migration-version ${downDup('000001_a.down.sql')}`,
          `${p('000001_b.up.sql')}:1:1: error duplicate-migration-version ${dup('000001_a.up.sql')}`,
          `${p('000001_b.up.sql')}:3:3: info ban-drop-table DROP TABLE a deletes the table and every row in it; a down migration cannot bring the data back.`,
          '5 problems (4 errors, 1 info) in 4 files.',
          '',
        ].join('\n'),
      );
    });

    it('--rule can make a warning an error, and turn rules off', async () => {
      const root = make({ 'm/000002_add_email.up.sql': 'SELECT 1;' });
      const asError = await cli(root, 'check', '--rule', 'missing-down-migration=error', '--format=json', 'm/000002_add_email.up.sql');
      assert.equal(asError.code, 1);
      assert.deepEqual(JSON.parse(asError.stdout), {
        version: 1,
        findings: [{ file: path.join('m', '000002_add_email.up.sql'), rule: 'missing-down-migration', severity: 'error', message: UP_ONLY_2, range: range(0, 0, 0, 9) }],
      });
      const off = await cli(root, 'check', '--rule', 'missing-down-migration=error', '--rule', 'missing-down-migration=off', 'm');
      assert.deepEqual(off, { code: 0, stdout: 'No problems in 1 file.\n', stderr: '' });
    });

    it('--baseline: migrations at or below it are history (statement rules quiet), above it judged; a bad version is bad usage', async () => {
      const root = make({
        'm/000001_init.up.sql': 'CREATE TABLE a (id int, b text);\n',
        'm/000001_init.down.sql': 'DROP TABLE a;\n',
        'm/000002_drop_b.up.sql': 'ALTER TABLE a DROP COLUMN b;\n',
        'm/000002_drop_b.down.sql': 'ALTER TABLE a ADD COLUMN b text;\n',
        'm/000003_drop_a.up.sql': 'DROP TABLE a;\n',
        'm/000003_drop_a.down.sql': 'CREATE TABLE a (id int);\n',
      });
      const rules = async (...args: string[]): Promise<string[]> =>
        (JSON.parse((await cli(root, 'check', '--format', 'json', '--rule', 'require-lock-timeout=off', ...args, 'm')).stdout) as { findings: { file: string; rule: string }[] }).findings.map((f) => `${path.basename(f.file)} ${f.rule}`);
      assert.deepEqual(await rules(), ['000002_drop_b.up.sql ban-drop-column', '000003_drop_a.up.sql ban-drop-table']);
      assert.deepEqual(await rules('--baseline', '2'), ['000003_drop_a.up.sql ban-drop-table']);
      assert.deepEqual(await rules('--baseline=000003'), []);
      const bad = await cli(root, 'check', '--baseline', 'latest', 'm');
      assert.deepEqual(bad, { code: 2, stdout: '', stderr: 'migration-guard: --baseline expects a migration version such as 000042 or 20240101120000, not "latest" (see migration-guard --help)\n' });
    });

    it('walks directories recursively for .sql, skipping node_modules and dot-directories; no paths = the working directory', async () => {
      const root = make({
        'a/migrations/000001_x.up.sql': 'SELECT 1;',
        'a/migrations/000001_x.down.sql': 'SELECT 1;',
        'a/notes.txt': '-- not a migration, but named explicitly below',
        'b/deep/er/Query.SQL': 'SELECT 1;',
        'node_modules/pkg/migrations/1_bad_name.sql': 'SELECT 1;',
        '.git/migrations/1_bad_name.sql': 'SELECT 1;',
        'c.sql': 'SELECT 1;',
      });
      const r = await cli(root, 'check');
      assert.deepEqual(r, { code: 0, stdout: 'No problems in 4 files.\n', stderr: '' });
      // An explicit file is checked whatever its extension and is counted once.
      const again = await cli(path.join(root, 'a'), 'check', '.', 'migrations/000001_x.up.sql', '../a/notes.txt');
      assert.deepEqual(again, { code: 0, stdout: 'No problems in 3 files.\n', stderr: '' });
    });

    it('paths outside the working directory are shown absolute', async () => {
      const root = make({ 'migrations/1_init.up.sql': '', 'migrations/1_init_down.sql': '' });
      const elsewhere = make({});
      const file = path.join(root, 'migrations', '1_init_down.sql');
      const r = await cli(elsewhere, 'check', '--format', 'json', '--rule', 'require-lock-timeout=off', file);
      assert.equal(r.code, 0);
      assert.deepEqual(JSON.parse(r.stdout).findings.map((f: { file: string; rule: string }) => [f.file, f.rule]), [[file, 'invalid-migration-filename']]);
    });

    it('strips a byte order mark so positions match the editor', async () => {
      const root = make({ 'migrations/000001_a.up.sql': '\uFEFFDROP TABLE a;', 'migrations/000001_a.down.sql': '-- nothing to undo\n' });
      const r = await cli(root, 'check', '--format', 'json');
      assert.deepEqual(JSON.parse(r.stdout).findings.map((f: { rule: string; range: object }) => [f.rule, f.range]), [['ban-drop-table', range(0, 0, 0, 12)], ['require-lock-timeout', range(0, 0, 0, 12)]]);
    });

    it('bad usage and unreadable input exit 2 with a message on stderr and nothing on stdout', async () => {
      const root = make({ 'empty/readme.md': '# no sql here' });
      const cases: [string[], string][] = [
        [['check', 'missing.sql'], 'migration-guard: cannot read missing.sql: no such file or directory\n'],
        [['check', 'empty'], 'migration-guard: no .sql files found in empty\n'],
        [['check', '--rule', 'no-such-rule=off'], 'migration-guard: unknown rule "no-such-rule" in --rule\n'],
      ];
      for (const [argv, stderr] of cases) assert.deepEqual(await cli(root, ...argv), { code: 2, stdout: '', stderr }, argv.join(' '));
      const usage = await cli(root, 'check', '--format', 'xml');
      assert.equal(usage.code, 2);
      assert.equal(usage.stdout, '');
      assert.equal(usage.stderr, 'migration-guard: --format must be text, json, sarif, github, gitlab, not "xml" (see migration-guard --help)\n');
      const none = await cli(root);
      assert.equal(none.code, 2);
      assert.equal(none.stderr, 'migration-guard: missing command (check, review, down or verify) (see migration-guard --help)\n');
    });

    it('an unreadable file exits 2 and names the file', async function () {
      if (process.getuid?.() === 0) this.skip(); // root reads everything
      const root = make({ 'migrations/000001_a.up.sql': 'SELECT 1;' });
      fs.chmodSync(path.join(root, 'migrations/000001_a.up.sql'), 0o000);
      const r = await cli(root, 'check');
      fs.chmodSync(path.join(root, 'migrations/000001_a.up.sql'), 0o644);
      assert.deepEqual(r, { code: 2, stdout: '', stderr: `migration-guard: cannot read ${path.join('migrations', '000001_a.up.sql')}: permission denied\n` });
    });
  });

  describe('down', () => {
    it('prints the engine\'s down SQL for an up file, keeping its line breaks', async () => {
      const up = 'CREATE TABLE users (id bigint);\r\nCREATE INDEX users_id_idx ON users (id);\r\n';
      const root = make({ 'migrations/000001_init.up.sql': up });
      const r = await cli(root, 'down', 'migrations/000001_init.up.sql');
      const options = { eol: '\r\n', upFileName: '000001_init.up.sql' };
      assert.deepEqual(r, { code: 0, stdout: generateDownSql(parseSql(up), options), stderr: '' });
      // The up file's name reaches the header; the statements come back in reverse order, with CRLF.
      assert.match(r.stdout, /^-- .*000001_init\.up\.sql.*\r\n/);
      // The index goes with its table: no DROP INDEX of its own (it would only draw a lock finding).
      assert.match(r.stdout, /\r\n-- Nothing to undo: CREATE INDEX users_id_idx ON users \(id\) only changes users, which this migration creates\r\n(\r\n)*DROP TABLE users;\r\n$/);
      assert.ok(!/[^\r]\n/.test(r.stdout), 'CRLF kept');
    });

    it('a missing file, a directory or a file that is not an up migration exits 2', async () => {
      const root = make({ 'migrations/000001_init.down.sql': 'DROP TABLE a;', 'migrations/notes.sql': '' });
      const cases: [string, string][] = [
        ['migrations/000009_x.up.sql', 'migration-guard: cannot read migrations/000009_x.up.sql: no such file or directory\n'],
        ['migrations', 'migration-guard: migrations is a directory, not an up migration file\n'],
        ['migrations/000001_init.down.sql', 'migration-guard: 000001_init.down.sql is not an up migration (expected a name like 000001_title.up.sql)\n'],
        ['migrations/notes.sql', 'migration-guard: notes.sql is not an up migration (expected a name like 000001_title.up.sql)\n'],
      ];
      for (const [file, stderr] of cases) assert.deepEqual(await cli(root, 'down', file), { code: 2, stdout: '', stderr }, file);
    });
  });

  it('--help prints the usage on stdout; --version the package version', async () => {
    const root = make({});
    const help = await cli(root, '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage:\n {2}migration-guard check \[paths\.\.\.\] \[--format text\|json\|sarif\|github\|gitlab\]/);
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    assert.deepEqual(await cli(root, '--version'), { code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});
