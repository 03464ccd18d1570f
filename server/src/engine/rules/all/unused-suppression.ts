import type { Suppression } from '../../suppressions';
import { closest } from '../../suggest';
import type { Rule, RuleContext } from '../types';
import { VERIFY_RULE_IDS } from './verify-rules';

/** What `analyze.ts` learnt while running the other rules, for the post-pass below. */
export interface SuppressionUsage {
  /** Whether `suppression` silenced at least one finding of `ruleId`. */
  used(suppression: Suppression, ruleId: string): boolean;
  /** Whether the rule ran on this file (a rule that is off cannot be judged). */
  ran(ruleId: string): boolean;
  /** Every registered rule id, for "unknown rule" and its suggestion. */
  knownRuleIds: readonly string[];
}

/**
 * `unused-suppression` runs after every other rule: `check` has nothing to do on its own, and
 * `analyze.ts` calls `reportUnusedSuppressions` with what the other rules reported. It stays a
 * registered rule so that its severity, docs and suppression work like any other's.
 */
export const unusedSuppression: Rule = {
  meta: {
    id: 'unused-suppression',
    category: 'correctness',
    description: 'A migration-guard-ignore comment that silences nothing, names an unknown rule, or names no rule at all.',
    defaultSeverity: 'warning',
    messages: {
      unused: 'This suppression of {{ruleId}} silences nothing: there is no {{ruleId}} finding {{where}}. Remove it.',
      unknownRule: 'Unknown rule "{{ruleId}}" in a suppression comment.{{suggestion}}',
      noRules: 'This suppression comment names no rule, so it silences nothing: write the rule ids after {{directive}}.',
    },
    help:
      'A suppression that silences nothing hides nothing today, but it will silently hide a real finding when the SQL it sits above changes. ' +
      'Remove the comment, fix the rule id, or move the comment right above the statement it is meant for.',
  },
  check() {
    // The work happens after the other rules ran: see reportUnusedSuppressions.
  },
};

/** Reports, for `unused-suppression`, every rule id of every suppression that silenced nothing. */
export function reportUnusedSuppressions(ctx: RuleContext, suppressions: readonly Suppression[], usage: SuppressionUsage): void {
  for (const s of suppressions) {
    if (s.rules.length === 0) {
      const directive = s.kind === 'file' ? '`-- migration-guard-ignore-file`' : '`-- migration-guard-ignore`';
      ctx.report({ messageId: 'noRules', data: { directive }, span: s.comment.span });
      continue;
    }
    s.rules.forEach((ruleId, i) => {
      const span = s.ruleSpans[i] ?? s.comment.span;
      if (!usage.knownRuleIds.includes(ruleId)) {
        const suggestion = closest(ruleId, usage.knownRuleIds);
        ctx.report({ messageId: 'unknownRule', data: { ruleId, suggestion: suggestion ? ` Did you mean "${suggestion}"?` : '' }, span });
        return;
      }
      // Suppressing this rule itself is judged by nobody (it would be circular); verify's rules are
      // reported by verify only, which applies their suppressions.
      if (ruleId === unusedSuppression.meta.id || VERIFY_RULE_IDS.has(ruleId) || !usage.ran(ruleId) || usage.used(s, ruleId)) return;
      const where = s.kind === 'file' ? 'in this file' : 'on the next statement';
      ctx.report({ messageId: 'unused', data: { ruleId, where }, span });
    });
  }
}
