import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validator } from 'jsonschema';
import { packageVersion, run, type CliIO } from '../../cli/src/run';
import { escapeData, escapeProperty, formatGithub } from '../../cli/src/format/github';
import { formatGitlab } from '../../cli/src/format/gitlab';
import { artifactLocation, formatSarif, sarifRegion } from '../../cli/src/format/sarif';
import { PROJECT_URL, ruleHelpUri } from '../../cli/src/format/types';
import type { Finding } from '../../server/src/engine/rules/types';
import { RULES } from '../../server/src/engine/rules/registry';
import { GOLDEN_FILES, golden, writeTree } from './golden-folder';

const ROOT = path.resolve(__dirname, '../../..');
const SARIF_SCHEMA = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** SARIF 2.1.0 schema errors (the official schema, as the @microsoft/jest-sarif package ships it). */
function sarifErrors(log: unknown): string[] {
  return new Validator().validate(log, SARIF_SCHEMA).errors.map((e) => `${e.property}: ${e.message}`);
}

/** The run's absolute bits (working directory, tool version) as placeholders. */
function normalize(text: string, root: string): string {
  const version = packageVersion();
  return text
    .split(pathToFileURL(root).href + '/')
    .join('file:///WORKDIR/')
    .split(`"version": "${version}"`)
    .join('"version": "VERSION"')
    .split(`"semanticVersion": "${version}"`)
    .join('"semanticVersion": "VERSION"');
}

describe('check output formats', () => {
  let root: string;
  before(() => {
    root = writeTree(GOLDEN_FILES);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('--format sarif: the golden SARIF log, valid against the SARIF 2.1.0 schema; exit 1 for the error finding', async () => {
    const r = await cli(root, 'check', 'db', '--format', 'sarif');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 1);
    const g = golden('check.sarif.json', normalize(r.stdout, root));
    assert.equal(g.actual, g.expected);
    const log = JSON.parse(r.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri: string; defaultConfiguration: { level: string } }[] } }; results: unknown[]; originalUriBaseIds: Record<string, { uri: string }> }[] };
    assert.deepEqual(sarifErrors(log), []);
    const run0 = log.runs[0]!;
    // Every registered rule is a reportingDescriptor, with its page and default level.
    assert.deepEqual(
      run0.tool.driver.rules.map((d) => d.id),
      RULES.map((rule) => rule.meta.id),
    );
    for (const d of run0.tool.driver.rules) {
      assert.equal(d.helpUri, `${PROJECT_URL}/blob/main/docs/rules/${d.id}.md`);
      assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', `${d.id}.md`)), d.id);
    }
    assert.equal(run0.originalUriBaseIds['%SRCROOT%']!.uri, `${pathToFileURL(root).href}/`);
    assert.equal(run0.results.length, 6);
  });

  it('SARIF of the examples (fixes, suppressions, syntax errors, every convention feature there) is valid too', async () => {
    const r = await cli(path.join(ROOT, 'examples', 'shop'), 'check', '--format', 'sarif');
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as { runs: { results: { fixes?: unknown[] }[] }[] };
    assert.ok(log.runs[0]!.results.some((x) => x.fixes), 'some result carries a fix');
    assert.deepEqual(sarifErrors(log), []);
  });

  it('the schema check can fail: a region with line 0 and a level SARIF does not know are rejected', async () => {
    const r = await cli(root, 'check', 'db', '--format', 'sarif');
    const log = JSON.parse(r.stdout) as { runs: { results: { level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    log.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    log.runs[0]!.results[1]!.level = 'info';
    const errors = sarifErrors(log);
    assert.equal(errors.length, 2, errors.join('\n'));
  });

  it('--format github: golden workflow commands; a finding over two lines gives no columns; notices for info', async () => {
    const r = await cli(root, 'check', 'db', '--format', 'github');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 1);
    const g = golden('check.github.txt', r.stdout);
    assert.equal(g.actual, g.expected);
    assert.match(r.stdout, /^::notice file=db\/migrations\/000005_purge_users\.up\.sql,line=1,endLine=2,title=ban-delete-without-where::DELETE FROM users has no WHERE clause/m);
    assert.match(r.stdout, /^::error file=db\/migrations\/000004_shorten%2Cemail\.up\.sql,line=2,col=3,endLine=2,endColumn=37,title=narrowing-column-type::/m);
  });

  it('--format gitlab: golden code quality report; fingerprints ignore line numbers', async () => {
    const r = await cli(root, 'check', 'db', '--format', 'gitlab');
    assert.equal(r.code, 1);
    const g = golden('check.gitlab.json', r.stdout);
    assert.equal(g.actual, g.expected);
    const moved = formatGitlab({ findings: [{ file: { path: '/x/a.sql', display: 'a.sql' }, finding: finding({ line: 9 }) }], fileCount: 1, cwd: '/x', toolVersion: '1' });
    const here = formatGitlab({ findings: [{ file: { path: '/x/a.sql', display: 'a.sql' }, finding: finding({ line: 2 }) }], fileCount: 1, cwd: '/x', toolVersion: '1' });
    const fp = (s: string): string => (JSON.parse(s) as { fingerprint: string }[])[0]!.fingerprint;
    assert.equal(fp(moved), fp(here));
  });

  it('escapes workflow command properties and data as the Actions toolkit does', () => {
    assert.equal(escapeData('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext: a, b');
    assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
    const out = formatGithub({ findings: [{ file: { path: '/x/a,b.sql', display: 'dir\\a,b.sql' }, finding: finding({ line: 0, message: 'line one\nline two: 100%' }) }], fileCount: 1, cwd: '/x', toolVersion: '1' });
    assert.equal(out, '::warning file=dir/a%2Cb.sql,line=1,col=1,endLine=1,endColumn=4,title=ban-drop-column::line one%0Aline two: 100%25\n');
  });

  it('SARIF regions are 1-based with an exclusive end column; paths outside the working directory are file: URIs', () => {
    assert.deepEqual(sarifRegion({ start: { line: 0, character: 0 }, end: { line: 2, character: 5 } }), { startLine: 1, startColumn: 1, endLine: 3, endColumn: 6 });
    assert.deepEqual(artifactLocation('db/a b#1.sql'), { uri: 'db/a%20b%231.sql', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('/elsewhere/x.sql'), { uri: 'file:///elsewhere/x.sql' });
    const log = JSON.parse(formatSarif({ findings: [], fileCount: 0, cwd: '/x', toolVersion: 'unknown' })) as { runs: { tool: { driver: Record<string, unknown> } }[] };
    assert.equal(log.runs[0]!.tool.driver.semanticVersion, undefined, 'no semanticVersion when the version is not semver');
    assert.deepEqual(sarifErrors(log), []);
  });

  it('the project URL of help URIs is the repository of package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
    assert.equal(pkg.repository.url, PROJECT_URL);
    assert.equal(ruleHelpUri('ban-drop-table'), `${PROJECT_URL}/blob/main/docs/rules/ban-drop-table.md`);
  });

  it('--max-warnings: more warnings than allowed exit 1 with a reason on stderr; as many pass', async () => {
    const r0 = await cli(root, 'check', 'db/migrations/000003_drop_fax.up.sql', '--max-warnings', '1', '--format', 'json');
    assert.equal(r0.code, 1);
    assert.equal(r0.stderr, 'migration-guard: 2 warnings, more than --max-warnings 1\n');
    assert.equal((JSON.parse(r0.stdout) as { findings: unknown[] }).findings.length, 2);
    const r1 = await cli(root, 'check', 'db/migrations/000003_drop_fax.up.sql', '--max-warnings=2');
    assert.equal(r1.code, 0);
    assert.equal(r1.stderr, '');
    const bad = await cli(root, 'check', '--max-warnings', 'many');
    assert.deepEqual(bad, { code: 2, stdout: '', stderr: 'migration-guard: --max-warnings expects a number of warnings (0 or more), not "many" (see migration-guard --help)\n' });
  });

  it('an unknown --format exits 2 with a one-line reason on stderr and nothing on stdout', async () => {
    const r = await cli(root, 'check', 'db', '--format', 'xml');
    assert.deepEqual(r, { code: 2, stdout: '', stderr: 'migration-guard: --format must be text, json, sarif, github, gitlab, not "xml" (see migration-guard --help)\n' });
  });
});

function finding(o: { line: number; message?: string }): Finding {
  const range = { start: { line: o.line, character: 0 }, end: { line: o.line, character: 4 } };
  return { ruleId: 'ban-drop-column', messageId: 'dropColumn', message: o.message ?? 'Dropping column fax.', severity: 'warning', span: { start: 0, end: 4 }, range };
}
