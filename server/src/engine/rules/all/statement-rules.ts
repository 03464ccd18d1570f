/** Rules that read the SQL of one file. */
import type { Rule } from '../types';
import { banDeleteWithoutWhere } from './ban-delete-without-where';
import { banDropColumn } from './ban-drop-column';
import { banDropDatabase } from './ban-drop-database';
import { banDropSchema } from './ban-drop-schema';
import { banDropTable } from './ban-drop-table';
import { banTruncate } from './ban-truncate';
import { banUpdateWithoutWhere } from './ban-update-without-where';
import { changingColumnType } from './changing-column-type';
import { syntaxError } from './syntax-error';
import { templatedSql } from './templated-sql';
import { identifierTooLong } from './identifier-too-long';
import { preferRobustStmts } from './prefer-robust-stmts';
import { preferTextField } from './prefer-text-field';
import { preferBigintOverInt } from './prefer-bigint-over-int';
import { preferTimestampTz } from './prefer-timestamp-tz';
import { preferIdentity } from './prefer-identity';
import { banCharField } from './ban-char-field';

export const STATEMENT_RULES: Rule[] = [
  banDropDatabase,
  banDropSchema,
  banDropTable,
  banDropColumn,
  banTruncate,
  banDeleteWithoutWhere,
  banUpdateWithoutWhere,
  changingColumnType,
  syntaxError,
  templatedSql,
  identifierTooLong,
  preferRobustStmts,
  preferTextField,
  preferBigintOverInt,
  preferTimestampTz,
  preferIdentity,
  banCharField,
];
