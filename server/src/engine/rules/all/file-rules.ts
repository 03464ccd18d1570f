/**
 * Rules about migration files: names, pairing, versions. Each runs for the file being analysed and
 * reports on that file (the first line), so a finding shows on the file it is about.
 */
import type { Rule } from '../types';
import { duplicateMigrationVersion } from './duplicate-migration-version';
import { emptyDownMigration } from './empty-down-migration';
import { invalidMigrationFilename } from './invalid-migration-filename';
import { missingDownMigration } from './missing-down-migration';
import { orphanDownMigration } from './orphan-down-migration';
import { unusedSuppression } from './unused-suppression';

export const FILE_RULES: Rule[] = [missingDownMigration, emptyDownMigration, orphanDownMigration, duplicateMigrationVersion, invalidMigrationFilename, unusedSuppression];
