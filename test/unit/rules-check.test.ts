/**
 * Every rule is complete: registered, documented, tested, named consistently, and listed in the
 * README's table. Adding a rule file without the rest fails here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TABLE_END, TABLE_START, replaceRulesTable, rulesTable } from '../../scripts/rules-table';
import { RULES } from '../../server/src/engine/rules/registry';
import { SEVERITIES, type Rule } from '../../server/src/engine/rules/types';

/** The package root: this file runs from out/test/unit/. */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const RULES_DIR = path.join(ROOT, 'server', 'src', 'engine', 'rules', 'all');
const LISTS = new Set(['statement-rules.ts', 'file-rules.ts', 'locking-rules.ts', 'safety-rules.ts', 'reversibility-rules.ts', 'verify-rules.ts']);
const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const REQUIRED_SECTIONS = ['## Problem', '## Safe alternative', '## Examples', '## Suppress'];

const isRule = (v: unknown): v is Rule =>
  typeof v === 'object' && v !== null && typeof (v as Rule).check === 'function' && typeof (v as Rule).meta?.id === 'string';

const ruleFiles = (): string[] =>
  fs
    .readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !LISTS.has(f))
    .sort();

/** Problems with one docs page, empty when it is complete. */
function docsProblems(id: string, text: string): string[] {
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  if (lines[0] !== `# ${id}`) problems.push(`first line must be "# ${id}"`);
  const summary = lines.slice(1).find((l) => l.trim() !== '');
  if (summary === undefined || summary.startsWith('#')) problems.push('a one-line summary must follow the title');
  let last = -1;
  for (const section of REQUIRED_SECTIONS) {
    const at = lines.indexOf(section);
    if (at < 0) problems.push(`missing section "${section}"`);
    else if (at < last) problems.push(`section "${section}" is out of order`);
    else last = at;
  }
  const suppress = lines.indexOf('## Suppress');
  if (suppress >= 0) {
    const body = lines.slice(suppress + 1).join('\n');
    const directive = new RegExp(`-- migration-guard-ignore(?:-file)? [^\\n]*\\b${id.replace(/-/g, '\\-')}\\b`);
    if (!directive.test(body)) problems.push(`"## Suppress" must show a migration-guard-ignore comment for ${id}`);
  }
  return problems;
}

describe('rules check', () => {
  it('rule ids are unique and kebab-case', () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'duplicate rule ids');
    assert.deepEqual(ids.filter((id) => !KEBAB.test(id)), [], 'rule ids that are not kebab-case');
  });

  it('every file in rules/all/ exports exactly one registered rule whose id is the file name', () => {
    const problems: string[] = [];
    for (const file of ruleFiles()) {
      const id = file.slice(0, -'.ts'.length);
      // The compiled module beside this test's compiled tree.
      const mod = require(path.join(__dirname, '..', '..', 'server', 'src', 'engine', 'rules', 'all', `${id}.js`)) as Record<string, unknown>;
      const rules = Object.values(mod).filter(isRule);
      if (rules.length !== 1) {
        problems.push(`${file} exports ${rules.length} rules (expected 1)`);
        continue;
      }
      const rule = rules[0]!;
      if (rule.meta.id !== id) problems.push(`${file} exports rule id "${rule.meta.id}" (expected "${id}")`);
      if (!RULES.includes(rule)) problems.push(`${file} is not registered in any rule list of rules/all`);
    }
    assert.deepEqual(problems, []);
  });

  it('every registered rule has a file in rules/all/ named after its id', () => {
    const files = new Set(ruleFiles().map((f) => f.slice(0, -'.ts'.length)));
    assert.deepEqual(RULES.map((r) => r.meta.id).filter((id) => !files.has(id)), []);
  });

  it('every registered rule has metadata: category, description, severity, messages, help', () => {
    const problems: string[] = [];
    for (const r of RULES) {
      const m = r.meta;
      if (!SEVERITIES.includes(m.defaultSeverity)) problems.push(`${m.id}: default severity "${m.defaultSeverity}"`);
      if (!m.description.trim()) problems.push(`${m.id}: empty description`);
      if (/\n/.test(m.description)) problems.push(`${m.id}: description must be one line`);
      if (Object.keys(m.messages).length === 0) problems.push(`${m.id}: no messages`);
      for (const [k, v] of Object.entries(m.messages)) if (!v.trim()) problems.push(`${m.id}: empty message ${k}`);
      if (!m.help?.trim()) problems.push(`${m.id}: no help`);
    }
    assert.deepEqual(problems, []);
  });

  it('every registered rule has docs/rules/<id>.md with the required sections', () => {
    const problems: string[] = [];
    for (const r of RULES) {
      const file = path.join(ROOT, 'docs', 'rules', `${r.meta.id}.md`);
      if (!fs.existsSync(file)) {
        problems.push(`docs/rules/${r.meta.id}.md is missing`);
        continue;
      }
      for (const p of docsProblems(r.meta.id, fs.readFileSync(file, 'utf8'))) problems.push(`docs/rules/${r.meta.id}.md: ${p}`);
    }
    assert.deepEqual(problems, []);
  });

  it('every page in docs/rules/ belongs to a registered rule', () => {
    const ids = new Set(RULES.map((r) => r.meta.id));
    const pages = fs.readdirSync(path.join(ROOT, 'docs', 'rules')).filter((f) => f.endsWith('.md'));
    assert.deepEqual(pages.filter((f) => !ids.has(f.slice(0, -'.md'.length))), []);
  });

  it('every registered rule has test/unit/rules/<id>.test.ts', () => {
    const missing = RULES.map((r) => r.meta.id).filter(
      (id) => !fs.existsSync(path.join(ROOT, 'test', 'unit', 'rules', `${id}.test.ts`)),
    );
    assert.deepEqual(missing, []);
  });

  it('README.md lists every rule in the generated table', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const expected = replaceRulesTable(readme, rulesTable());
    assert.ok(expected !== undefined, `README.md must contain ${TABLE_START} and ${TABLE_END}`);
    assert.ok(readme === expected, 'README.md rule table is out of date: run `npm run docs:rules`');
  });

  describe('the checks themselves', () => {
    const good = '# x-y\n\nSummary.\n\n## Problem\n\n## Safe alternative\n\n## Examples\n\n## Suppress\n\n```sql\n-- migration-guard-ignore x-y -- why\n```\n';

    it('accept a complete page', () => {
      assert.deepEqual(docsProblems('x-y', good), []);
    });

    it('reject a wrong title, a missing summary, missing or misordered sections, no suppression example', () => {
      assert.deepEqual(docsProblems('x-z', good), ['first line must be "# x-z"', '"## Suppress" must show a migration-guard-ignore comment for x-z']);
      assert.deepEqual(docsProblems('x-y', good.replace('Summary.\n\n', '')), ['a one-line summary must follow the title']);
      assert.deepEqual(docsProblems('x-y', good.replace('## Examples\n\n', '')), ['missing section "## Examples"']);
      assert.deepEqual(
        docsProblems('x-y', good.replace('## Problem\n\n## Safe alternative', '## Safe alternative\n\n## Problem')),
        ['section "## Safe alternative" is out of order'],
      );
    });

    it('the table links each id to its page, with severity and description; the README markers are required', () => {
      const table = rulesTable(RULES.slice(0, 1));
      const r = RULES[0]!;
      assert.equal(
        table,
        `| Rule | Default severity | Description |\n| --- | --- | --- |\n| [${r.meta.id}](docs/rules/${r.meta.id}.md) | ${r.meta.defaultSeverity} | ${r.meta.description.replace(/\|/g, '\\|')} |`,
      );
      assert.equal(replaceRulesTable('# no markers\n', table), undefined);
      assert.equal(replaceRulesTable(`a\r\n${TABLE_START}\r\nold\r\n${TABLE_END}\r\nb`, 'x\ny'), `a\r\n${TABLE_START}\r\nx\r\ny\r\n${TABLE_END}\r\nb`);
    });
  });
});
