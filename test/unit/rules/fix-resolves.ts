/**
 * The fix check of the locking rules: a case's fix, applied, gives SQL that parses with no error the
 * original did not have, and on which the rule no longer fires. (ruleTester's `output` pins the text.)
 */
import * as assert from 'node:assert/strict';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { applyEdits, formatRange, runRule, type InvalidCase } from './tester';
import type { Rule } from '../../../server/src/engine/rules/types';

/** Applies every fix of the rule's findings on `c.code`; fails when there is none. */
export function applyRuleFixes(rule: Rule, c: InvalidCase): string {
  const found = runRule(rule, c).filter((f) => f.ruleId === rule.meta.id);
  const edits = found.flatMap((f) => f.fix?.edits ?? []);
  assert.ok(edits.length > 0, `${rule.meta.id} offers a fix`);
  return applyEdits(c.code, edits);
}

export function fixResolves(rule: Rule, cases: InvalidCase[]): void {
  describe(`${rule.meta.id}: fixes re-parse and resolve the finding`, () => {
    for (const c of cases) {
      if (c.output === undefined) continue;
      it(`fixed: ${c.name ?? c.code.slice(0, 60)}`, () => {
        const out = applyRuleFixes(rule, c);
        assert.equal(out, c.output);
        assert.deepEqual(parseSql(out).errors.map((e) => e.message), parseSql(c.code).errors.map((e) => e.message));
        const again = runRule(rule, { ...c, code: out }).filter((f) => f.ruleId === rule.meta.id);
        assert.deepEqual(again.map((f) => `${f.messageId} ${formatRange(f)}`), []);
      });
    }
  });
}
