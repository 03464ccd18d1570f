import { orphanDownMigration } from '../../../server/src/engine/rules/all/orphan-down-migration';
import { ruleTester } from './tester';

ruleTester(orphanDownMigration, {
  valid: [
    { name: 'the pair exists', code: 'DROP TABLE a;', fileName: '000001_init.down.sql', files: { '000001_init.up.sql': 'CREATE TABLE a ();' } },
    { name: 'the up has another padding', code: 'DROP TABLE a;', fileName: '01_init.down.sql', files: { '1_init.up.sql': '' } },
    { name: 'an up file is not checked', code: 'CREATE TABLE a ();', fileName: '000001_init.up.sql' },
  ],
  invalid: [
    {
      name: 'the up was renumbered',
      code: 'DROP TABLE a;\n',
      fileName: '000003_init.down.sql',
      files: { '000004_init.up.sql': '' },
      errors: [
        {
          messageId: 'orphanDown',
          range: '0:0-0:13',
          message:
            'Version 000003 has no up migration: migrating up makes golang-migrate record version 000003 without running any SQL, and rolling back runs this file. Add `000003_init.up.sql` or delete this file.',
        },
      ],
    },
    { name: 'empty file', code: '', fileName: '7_x.down.sql', errors: [{ messageId: 'orphanDown', range: '0:0-0:0' }] },
  ],
});
