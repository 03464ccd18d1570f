import { duplicateMigrationVersion } from '../../../server/src/engine/rules/all/duplicate-migration-version';
import { ruleTester } from './tester';

ruleTester(duplicateMigrationVersion, {
  valid: [
    { name: 'an up and a down of one version', code: 'CREATE TABLE a ();', fileName: '000001_init.up.sql', files: { '000001_init.down.sql': '' } },
    { name: 'the same version in a down file only', code: 'CREATE TABLE a ();', fileName: '000001_init.up.sql', files: { '000001_other.down.sql': '', '000002_x.up.sql': '' } },
    { name: 'not a migration', code: 'SELECT 1;', fileName: 'seed.sql', files: { 'seed.up.sql': '' } },
  ],
  invalid: [
    {
      name: 'two branches took the same number',
      code: 'CREATE TABLE a ();',
      fileName: '000002_add_users.up.sql',
      files: { '000002_add_orders.up.sql': '', '000002_add_orders.down.sql': '', '000002_add_users.down.sql': '' },
      errors: [
        {
          messageId: 'duplicate',
          range: '0:0-0:18',
          message:
            'Version 000002 has another up migration: `000002_add_orders.up.sql`. golang-migrate refuses to load a directory with two up files for one version; give one of them a new version.',
        },
      ],
    },
    {
      name: '2 and 002 are one version; every other file is named',
      code: '',
      fileName: '002_b.down.sql',
      files: { '2_a.down.sql': '', '0002_c.down.sql': '', '2_a.up.sql': '' },
      errors: [
        {
          messageId: 'duplicate',
          range: '0:0-0:0',
          message:
            'Version 002 has another down migration: `0002_c.down.sql`, `2_a.down.sql`. golang-migrate refuses to load a directory with two down files for one version; give one of them a new version.',
        },
      ],
    },
    {
      name: 'a backup copy golang-migrate also loads (`.up.sql.bak` matches its pattern)',
      code: 'CREATE TABLE a ();',
      fileName: '000001_init.up.sql',
      files: { '000001_init.up.sql.bak': '' },
      errors: [{ messageId: 'duplicate', message: 'Version 000001 has another up migration: `000001_init.up.sql.bak`. golang-migrate refuses to load a directory with two up files for one version; give one of them a new version.' }],
    },
  ],
});
