/**
 * Rules whose findings come from "Verify migration" (engine/verify), which runs the migration in
 * PostgreSQL. They are registered like every rule (severities in `.migration-guard.json`, docs
 * pages, suppression comments), but static analysis never reports them: their `check` does nothing,
 * and `unused-suppression` leaves their suppressions to verify.
 */
import type { Rule } from '../types';
import { verifyColumnOrder } from './verify-column-order';
import { verifyDataLeftover } from './verify-data-leftover';
import { verifyDataLoss } from './verify-data-loss';
import { verifySchemaDifference } from './verify-schema-difference';
import { verifyStatementFailed } from './verify-statement-failed';

export const VERIFY_RULES: Rule[] = [verifyStatementFailed, verifySchemaDifference, verifyDataLoss, verifyDataLeftover, verifyColumnOrder];

export const VERIFY_RULE_IDS: ReadonlySet<string> = new Set(VERIFY_RULES.map((r) => r.meta.id));
