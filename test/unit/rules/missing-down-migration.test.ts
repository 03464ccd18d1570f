import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { missingDownMigration } from '../../../server/src/engine/rules/all/missing-down-migration';
import { runRule, ruleTester } from './tester';

ruleTester(missingDownMigration, {
  valid: [
    { name: 'the pair exists', code: 'CREATE TABLE a (id int);', fileName: '000001_init.up.sql', files: { '000001_init.down.sql': 'DROP TABLE a;' } },
    { name: 'a down with another title and padding still pairs (versions are numbers)', code: 'CREATE TABLE a ();', fileName: '1_init.up.sql', files: { '0001_other.down.sql': '' } },
    { name: 'a down file is not checked', code: 'DROP TABLE a;', fileName: '000001_init.down.sql' },
    { name: 'not a migration name', code: 'CREATE TABLE a ();', fileName: 'schema.sql' },
    {
      name: 'an up-only folder: an older migration is not reported (the newest one stands for all)',
      code: 'CREATE TABLE a ();',
      fileName: '000001_init.up.sql',
      files: { '000002_b.up.sql': '', '000003_c.up.sql': '' },
    },
    {
      name: 'at or below the baseline: applied history, not reported',
      code: 'CREATE TABLE a ();',
      fileName: '000002_b.up.sql',
      files: { '000001_init.up.sql': '', '000001_init.down.sql': '' },
      baseline: '2',
    },
    {
      name: 'an up-only folder with a baseline: migrations at or below it are history',
      code: 'CREATE TABLE a ();',
      fileName: '000003_c.up.sql',
      files: { '000001_init.up.sql': '', '000004_d.up.sql': '' },
      baseline: '000003',
    },
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
      name: 'an empty up file alone in its folder (up-only, the newest): zero-width at 0:0',
      code: '',
      fileName: '5_empty.up.sql',
      errors: [{ messageId: 'upOnly', range: '0:0-0:0' }],
    },
    {
      name: 'CRLF and non-ASCII first line',
      code: '-- créer 🚀\r\nCREATE TABLE a ();',
      fileName: '20240101120000_init.up.sql',
      files: { '20230101120000_a.up.sql': '', '20230101120000_a.down.sql': '' },
      errors: [{ messageId: 'missingDown', range: '0:0-0:11' }],
    },
    {
      name: 'an up-only folder: the newest migration, once, saying so',
      code: 'CREATE TABLE c ();',
      fileName: '000003_c.up.sql',
      files: { '000001_init.up.sql': '', '000002_b.up.sql': '' },
      errors: [
        {
          messageId: 'upOnly',
          message:
            'No migration in this folder has a down migration (reported on the newest one only): version 000003 cannot be rolled back. Add `000003_c.down.sql`, or turn missing-down-migration off in .migration-guard.json if this project never rolls back.',
        },
      ],
    },
    {
      name: 'an up-only folder with a baseline: each migration above it',
      code: 'CREATE TABLE c ();',
      fileName: '000003_c.up.sql',
      files: { '000001_init.up.sql': '', '000004_d.up.sql': '' },
      baseline: '2',
      errors: [{ messageId: 'missingDown' }],
    },
    {
      name: 'a down golang-migrate skips for its name: rename it, do not write a second one',
      code: 'CREATE TABLE a ();',
      fileName: '000001_init.up.sql',
      files: { '000001_init_down.sql': 'DROP TABLE a;' },
      errors: [
        {
          messageId: 'misnamedDown',
          range: '0:0-0:18',
          message: 'Version 000001 has no down migration that golang-migrate loads: `000001_init_down.sql` is skipped for its name. Rename it to `000001_init.down.sql`.',
        },
      ],
    },
    {
      name: 'an unrecognised tool: the message names no tool',
      code: 'CREATE TABLE d ();',
      fileName: '0004.up.sql',
      files: { '0001.up.sql': '', '0001.down.sql': '', '0002.up.sql': '', '0002.down.sql': '', '0003.up.sql': '', '0003.down.sql': '' },
      errors: [{ messageId: 'missingDownUnknown', message: 'Version 0004 has no down migration, so it cannot be rolled back. Add `0004.down.sql`.' }],
    },
    {
      name: 'suppressed for the file',
      code: '-- migration-guard-ignore-file missing-down-migration -- we never roll back\nCREATE TABLE a ();',
      fileName: '000001_init.up.sql',
      errors: [],
    },
  ],
});

describe('missing-down-migration: the rename it offers', () => {
  it('a misnamed down: renameFile from the misnamed file to the expected name', () => {
    const found = runRule(missingDownMigration, { code: 'CREATE TABLE a ();', fileName: '000001_init.up.sql', files: { '000001_init_down.sql': 'DROP TABLE a;' } });
    const dir = path.resolve('/virtual/migrations');
    assert.deepEqual(found[0]?.actions, [
      { kind: 'renameFile', statementIndex: -1, title: 'Rename 000001_init_down.sql to 000001_init.down.sql', from: path.join(dir, '000001_init_down.sql'), to: path.join(dir, '000001_init.down.sql') },
    ]);
  });
});
