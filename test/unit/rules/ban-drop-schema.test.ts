import { banDropSchema } from '../../../server/src/engine/rules/all/ban-drop-schema';
import { ruleTester } from './tester';

ruleTester(banDropSchema, {
  valid: ['CREATE SCHEMA reporting;', 'DROP TABLE reporting.daily;', 'ALTER SCHEMA reporting RENAME TO reports;', ''],
  invalid: [
    {
      code: 'DROP SCHEMA reporting;',
      errors: [
        { messageId: 'dropSchema', range: '0:0-0:21', message: 'DROP SCHEMA reporting deletes the schema; it fails if the schema still contains objects.' },
      ],
    },
    {
      name: 'CASCADE, several schemas, non-ASCII text before the statement',
      code: "COMMENT ON SCHEMA a IS 'données 🚀';\n  DROP SCHEMA IF EXISTS a, \"Ünïcode\" CASCADE;",
      errors: [
        {
          messageId: 'dropSchemaCascade',
          range: '1:2-1:44',
          message:
            'DROP SCHEMA a, "Ünïcode" CASCADE deletes the schema with every table, view, function and row in it; a down migration cannot bring the data back.',
        },
      ],
    },
    {
      name: 'after a syntax error earlier in the file',
      code: 'DROP SCHEMA;\nDROP SCHEMA s CASCADE',
      errors: [{ messageId: 'dropSchemaCascade', range: '1:0-1:21' }],
    },
  ],
});
