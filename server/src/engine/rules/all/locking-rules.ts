/** Rules about locks and table rewrites. */
import type { Rule } from '../types';

export const LOCKING_RULES: Rule[] = [];
