/**
 * The README's rule table, generated from the registry so that it cannot drift from the code.
 *
 *   node out/scripts/rules-table.js           prints the table
 *   node out/scripts/rules-table.js --write   rewrites README.md between the markers
 *   node out/scripts/rules-table.js --check   exits 1 when README.md's table is out of date
 *
 * `npm run docs:rules` compiles and runs `--write`; `test/unit/rules-check.test.ts` fails when the
 * README differs from what this generates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES, ruleDocsPath } from '../server/src/engine/rules/registry';
import type { Rule } from '../server/src/engine/rules/types';

export const TABLE_START = '<!-- rules-table:start -->';
export const TABLE_END = '<!-- rules-table:end -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();

/** The markdown table: rule id linked to its docs page, default severity, description. */
export function rulesTable(rules: readonly Rule[] = RULES): string {
  const rows = rules.map(
    (r) => `| [${r.meta.id}](${ruleDocsPath(r.meta.id)}) | ${r.meta.optIn ? 'off (opt-in)' : r.meta.defaultSeverity} | ${cell(r.meta.description)} |`,
  );
  return ['| Rule | Default severity | Description |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * The README with the text between the markers replaced by `table`, keeping the README's line
 * breaks; undefined when the markers are missing or out of order.
 */
export function replaceRulesTable(readme: string, table: string): string | undefined {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start + TABLE_START.length) return undefined;
  const eol = readme.includes('\r\n') ? '\r\n' : '\n';
  const body = table.split('\n').join(eol);
  return `${readme.slice(0, start + TABLE_START.length)}${eol}${body}${eol}${readme.slice(end)}`;
}

/** The package root (this file runs from out/scripts/). */
export function packageRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

function main(argv: string[]): number {
  const table = rulesTable();
  if (!argv.includes('--write') && !argv.includes('--check')) {
    process.stdout.write(`${table}\n`);
    return 0;
  }
  const readmePath = path.join(packageRoot(), 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const updated = replaceRulesTable(readme, table);
  if (updated === undefined) {
    process.stderr.write(`README.md has no ${TABLE_START} ... ${TABLE_END} markers\n`);
    return 1;
  }
  if (updated === readme) {
    process.stdout.write('README.md rule table is up to date\n');
    return 0;
  }
  if (argv.includes('--check')) {
    process.stderr.write('README.md rule table is out of date: run `npm run docs:rules`\n');
    return 1;
  }
  fs.writeFileSync(readmePath, updated);
  process.stdout.write(`README.md rule table updated (${RULES.length} rules)\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
