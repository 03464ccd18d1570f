/** Rules that compare an up migration with its down: does the down undo the up? */
import type { Rule } from '../types';

export const REVERSIBILITY_RULES: Rule[] = [];
