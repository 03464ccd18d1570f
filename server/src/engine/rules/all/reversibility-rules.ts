/** Rules that compare an up migration with its down: does the down undo the up? */
import type { Rule } from '../types';
import { downOrder } from './down-order';
import { missingInverse } from './missing-inverse';
import { unexpectedDownStatement } from './unexpected-down-statement';

export const REVERSIBILITY_RULES: Rule[] = [missingInverse, unexpectedDownStatement, downOrder];
