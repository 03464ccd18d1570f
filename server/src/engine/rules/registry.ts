/**
 * Every rule, in the order the README's table lists them. A rule that is not here does not run;
 * `test/unit/rules-check.test.ts` fails when a rule file, its docs page or its tests are missing.
 */
import { FILE_RULES } from './all/file-rules';
import { LOCKING_RULES } from './all/locking-rules';
import { REVERSIBILITY_RULES } from './all/reversibility-rules';
import { SAFETY_RULES } from './all/safety-rules';
import { STATEMENT_RULES } from './all/statement-rules';
import { VERIFY_RULES } from './all/verify-rules';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [...STATEMENT_RULES, ...LOCKING_RULES, ...SAFETY_RULES, ...REVERSIBILITY_RULES, ...FILE_RULES, ...VERIFY_RULES];

const byId = new Map<string, Rule>();
for (const r of RULES) byId.set(r.meta.id, r);

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}

/** Where a rule's documentation lives, relative to the package root. */
export function ruleDocsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

/** The project's home (package.json's repository; a test keeps them equal). */
export const PROJECT_URL = 'https://github.com/migration-guard/migration-guard';

/** A rule's documentation page on the project's site (SARIF `helpUri`, links in reviews). */
export function ruleDocsUrl(id: string): string {
  return `${PROJECT_URL}/blob/main/${ruleDocsPath(id)}`;
}
