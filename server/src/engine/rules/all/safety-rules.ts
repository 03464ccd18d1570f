/** Rules about the migration tool's transaction, breaking changes and data loss beyond the drops. */
import type { Rule } from '../types';

export const SAFETY_RULES: Rule[] = [];
