import { missingDownMigration } from '../../../server/src/engine/rules/all/missing-down-migration';
import { ruleTester } from './tester';

ruleTester(missingDownMigration, {
  valid: [
    { name: 'the pair exists', code: 'CREATE TABLE a (id int);', fileName: '000001_init.up.sql', files: { '000001_init.down.sql': 'DROP TABLE a;' } },
    { name: 'a down with another title and padding still pairs (versions are numbers)', code: 'CREATE TABLE a ();', fileName: '1_init.up.sql', files: { '0001_other.down.sql': '' } },
    { name: 'a down file is not checked', code: 'DROP TABLE a;', fileName: '000001_init.down.sql' },
    { name: 'not a migration name', code: 'CREATE TABLE a ();', fileName: 'schema.sql' },
  ],
  invalid: [
    {
      name: 'no down beside the up; the range is the first line',
      code: 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);',
      fileName: '000002_add_tables.up.sql',
      files: { '000001_init.up.sql': '', '000001_init.down.sql': '' },
      errors: [
        {
          messageId: 'missingDown',
          range: '0:0-0:24',
          message:
            'Version 000002 has no down migration: rolling it back makes golang-migrate record the older version without running any SQL. Add `000002_add_tables.down.sql`.',
        },
      ],
    },
    {
      name: 'an empty up file: zero-width at 0:0',
      code: '',
      fileName: '5_empty.up.sql',
      errors: [{ messageId: 'missingDown', range: '0:0-0:0' }],
    },
    {
      name: 'CRLF and non-ASCII first line',
      code: '-- créer 🚀\r\nCREATE TABLE a ();',
      fileName: '20240101120000_init.up.sql',
      errors: [{ messageId: 'missingDown', range: '0:0-0:11' }],
    },
    {
      name: 'a down that golang-migrate skips does not count',
      code: 'CREATE TABLE a ();',
      fileName: '000001_init.up.sql',
      files: { '000001_init_down.sql': 'DROP TABLE a;' },
      errors: [{ messageId: 'missingDown', range: '0:0-0:18' }],
    },
    {
      name: 'suppressed for the file',
      code: '-- migration-guard-ignore-file missing-down-migration -- we never roll back\nCREATE TABLE a ();',
      fileName: '000001_init.up.sql',
      errors: [],
    },
  ],
});
