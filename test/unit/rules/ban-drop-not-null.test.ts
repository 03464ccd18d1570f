import { banDropNotNull as rule } from '../../../server/src/engine/rules/all/ban-drop-not-null';
import { ruleTester } from './tester';

ruleTester(rule, {
  valid: [
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    'ALTER TABLE users ALTER COLUMN email DROP DEFAULT;',
    { name: 'a table created earlier in the same file', code: 'CREATE TABLE t (a int NOT NULL);\nALTER TABLE t ALTER COLUMN a DROP NOT NULL;' },
    { name: 'a column added earlier in the same file', code: 'ALTER TABLE t ADD COLUMN a int NOT NULL DEFAULT 0;\nALTER TABLE t ALTER a DROP NOT NULL;' },
    {
      name: 'a down file undoing SET NOT NULL of its up',
      fileName: '000004_x.down.sql',
      code: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
      files: { '000004_x.up.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
    },
    {
      name: 'a down file, column added by its up',
      fileName: '000004_x.down.sql',
      code: 'ALTER TABLE users ALTER COLUMN a DROP NOT NULL;\nALTER TABLE users DROP COLUMN a;',
      files: { '000004_x.up.sql': 'ALTER TABLE users ADD COLUMN a int NOT NULL DEFAULT 1;' },
    },
    'ALTER DOMAIN d DROP NOT NULL;',
    '',
  ],
  invalid: [
    {
      code: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
      errors: [
        {
          messageId: 'dropNotNull',
          range: '0:18-0:50',
          message:
            'Dropping NOT NULL on users.email lets NULLs in: code that reads email as always set breaks on the first NULL, and adding NOT NULL back later needs a full scan.',
        },
      ],
    },
    {
      name: 'one finding per subcommand; the range is the subcommand',
      code: 'ALTER TABLE app."Orders"\n  ALTER COLUMN "Total" DROP NOT NULL,\n  ADD COLUMN note text,\n  ALTER status DROP NOT NULL;',
      errors: [
        { messageId: 'dropNotNull', range: '1:2-1:36', message: 'Dropping NOT NULL on app."Orders"."Total" lets NULLs in: code that reads "Total" as always set breaks on the first NULL, and adding NOT NULL back later needs a full scan.' },
        { messageId: 'dropNotNull', range: '3:2-3:28' },
      ],
    },
    {
      name: 'a down file dropping NOT NULL its up did not set',
      fileName: '000004_x.down.sql',
      code: '-- zurück 🚀\nALTER TABLE users ALTER COLUMN name DROP NOT NULL;',
      files: { '000004_x.up.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
      errors: [{ messageId: 'dropNotNull', range: '1:18-1:49' }],
    },
  ],
});
