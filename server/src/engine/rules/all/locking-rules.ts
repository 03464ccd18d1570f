/** Rules about locks and table rewrites. */
import type { Rule } from '../types';
import { addingFieldWithDefault } from './adding-field-with-default';
import { addingNotNullableField } from './adding-not-nullable-field';
import { addingRequiredField } from './adding-required-field';
import { addingSerialPrimaryKeyField } from './adding-serial-primary-key-field';
import { banExclusionConstraint } from './ban-exclusion-constraint';
import { banVacuumFullOrCluster } from './ban-vacuum-full-or-cluster';
import { constraintMissingNotValid } from './constraint-missing-not-valid';
import { disallowedUniqueConstraint } from './disallowed-unique-constraint';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation';
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion';
import { requireConcurrentReindex } from './require-concurrent-reindex';
import { requireLockTimeout } from './require-lock-timeout';
import { addingForeignKeyConstraint } from './adding-foreign-key-constraint';

export const LOCKING_RULES: Rule[] = [
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentReindex,
  constraintMissingNotValid,
  addingForeignKeyConstraint,
  disallowedUniqueConstraint,
  addingNotNullableField,
  addingRequiredField,
  addingFieldWithDefault,
  addingSerialPrimaryKeyField,
  banVacuumFullOrCluster,
  banExclusionConstraint,
  requireLockTimeout,
];
