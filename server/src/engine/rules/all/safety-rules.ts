/** Rules about the migration tool's transaction, breaking changes and data loss beyond the drops. */
import type { Rule } from '../types';
import { banDropCascade } from './ban-drop-cascade';
import { banDropNotNull } from './ban-drop-not-null';
import { banUncommittedTransaction } from './ban-uncommitted-transaction';
import { downDropsForeignObject } from './down-drops-foreign-object';
import { narrowingColumnType } from './narrowing-column-type';
import { renamingColumn } from './renaming-column';
import { renamingTable } from './renaming-table';
import { transactionIncompatibleStatement } from './transaction-incompatible-statement';
import { transactionNesting } from './transaction-nesting';

export const SAFETY_RULES: Rule[] = [
  transactionIncompatibleStatement,
  transactionNesting,
  banUncommittedTransaction,
  renamingColumn,
  renamingTable,
  banDropNotNull,
  banDropCascade,
  narrowingColumnType,
  downDropsForeignObject,
];
