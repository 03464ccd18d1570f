/** Rules that read the SQL of one file. */
import type { Rule } from '../types';
import { banDropTable } from './ban-drop-table';

export const STATEMENT_RULES: Rule[] = [banDropTable];
