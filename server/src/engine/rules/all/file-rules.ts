/** Rules about migration files: names, pairing, versions. */
import type { Rule } from '../types';

export const FILE_RULES: Rule[] = [];
