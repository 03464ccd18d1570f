import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { invalidMigrationFilename } from '../../../server/src/engine/rules/all/invalid-migration-filename';
import { runRule, ruleTester } from './tester';

const skip = (name: string, reason: string, rename: string): string =>
  `golang-migrate silently skips \`${name}\`: ${reason}. Rename it to \`${rename}\`.`;

ruleTester(invalidMigrationFilename, {
  valid: [
    { name: 'a valid up', code: 'SELECT 1;', fileName: '000001_init.up.sql' },
    { name: 'a valid down', code: 'SELECT 1;', fileName: '1_init.down.sql' },
    { name: 'an empty title is valid', code: '', fileName: '1_.up.sql' },
    { name: 'pop-style extra dots are valid', code: '', fileName: '20200101120000_init.postgres.up.sql' },
    {
      name: 'a folder of title-less names (an unrecognised tool): not judged by golang-migrate',
      code: 'CREATE TABLE a ();',
      fileName: '0157.up.sql',
      files: { '0155.up.sql': '', '0156.up.sql': '', '0156.down.sql': '', '0001_create_users.up.sql': '' },
    },
    {
      name: 'in that folder, other names are not judged either',
      code: 'CREATE TABLE a ();',
      fileName: '0115_create_table_favorite_repos_up.sql',
      files: { '0155.up.sql': '', '0156.up.sql': '', '0157.up.sql': '' },
    },
    // A folder that no supported tool runs as named is not judged by golang-migrate's names.
    { name: 'a seed file alone: no tool recognised', code: 'INSERT INTO a VALUES (1);', fileName: 'seed.sql' },
    { name: 'near misses only: no tool recognised', code: '', fileName: '1_init_down.sql', files: { '1_init_up.sql': '' } },
    { name: 'a runner that reads every numbered file (fider)', code: '', fileName: '0003_c.sql', files: { '0001_a.up.sql': '', '0002_b.sql': '' } },
  ],
  invalid: [
    {
      code: 'DROP TABLE a;',
      fileName: '1_init_down.sql',
      files: { '000009_other.up.sql': '' },
      errors: [{ messageId: 'rename', range: '0:0-0:13', message: skip('1_init_down.sql', 'the direction must be written `.down.`, between dots', '1_init.down.sql') }],
    },
    {
      name: '000001_down.sql takes its counterpart title',
      code: '',
      fileName: '000001_down.sql',
      files: { '000001_init.up.sql': '' },
      errors: [{ messageId: 'rename', range: '0:0-0:0', message: skip('000001_down.sql', 'the direction must be written `.down.`, between dots', '000001_init.down.sql') }],
    },
    {
      name: '000001_down.sql without a counterpart, beside a golang-migrate file',
      code: '',
      fileName: '000001_down.sql',
      files: { '000009_other.up.sql': '' },
      errors: [{ messageId: 'rename', message: skip('000001_down.sql', 'the direction must be written `.down.`, between dots', '000001_.down.sql') }],
    },
    {
      code: 'CREATE TABLE a ();',
      fileName: '1-init.up.sql',
      files: { '000009_other.up.sql': '' },
      errors: [{ messageId: 'rename', message: skip('1-init.up.sql', 'the version must be followed by `_`', '1_init.up.sql') }],
    },
    {
      code: 'CREATE TABLE a ();',
      fileName: '1_init.UP.sql',
      files: { '000009_other.up.sql': '' },
      errors: [{ messageId: 'rename', message: skip('1_init.UP.sql', 'the direction must be lower case: `.up.`', '1_init.up.sql') }],
    },
    {
      // A Flyway name among golang-migrate files (a directory of Flyway names alone is Flyway's).
      name: 'V1__init.sql in a golang-migrate directory',
      code: 'CREATE TABLE a ();',
      fileName: 'V1__init.sql',
      files: { '000002_b.up.sql': '', '000002_b.down.sql': '' },
      errors: [{ messageId: 'rename', message: skip('V1__init.sql', 'it is named the Flyway way; golang-migrate needs the version first', '1_init.up.sql') }],
    },
    {
      name: 'no direction, an up sibling exists: it is the down',
      code: 'DROP TABLE a;',
      fileName: '0002_users.sql',
      files: { '0002_users.up.sql': '' },
      errors: [{ messageId: 'rename', message: skip('0002_users.sql', 'its name has no `.up.` or `.down.` before the extension', '0002_users.down.sql') }],
    },
    {
      name: 'the suggested name is taken',
      code: 'DROP TABLE a;',
      fileName: '1_init_down.sql',
      files: { '1_init.up.sql': '', '1_init.down.sql': '' },
      errors: [
        {
          messageId: 'taken',
          message:
            'golang-migrate silently skips `1_init_down.sql`: the direction must be written `.down.`, between dots; `1_init.down.sql` already exists, so merge this file into it or delete it.',
        },
      ],
    },
    {
      name: 'a seed file in a golang-migrate migrations directory',
      code: 'INSERT INTO a VALUES (1);',
      fileName: 'seed.sql',
      files: { '000009_other.up.sql': '' },
      errors: [
        {
          messageId: 'notMigration',
          range: '0:0-0:25',
          message:
            'golang-migrate silently skips `seed.sql`: its name does not start with a numeric version. Migrations are named `{version}_{title}.up.sql / {version}_{title}.down.sql`.',
        },
      ],
    },
    {
      name: 'a version beyond uint64',
      code: '',
      fileName: '18446744073709551616_big.up.sql',
      files: { '000009_other.up.sql': '' },
      errors: [{ messageId: 'notMigration', message: 'golang-migrate silently skips `18446744073709551616_big.up.sql`: its version 18446744073709551616 does not fit in 64 bits. Migrations are named `{version}_{title}.up.sql / {version}_{title}.down.sql`.' }],
    },
    {
      name: 'suppressed for the file',
      code: '-- migration-guard-ignore-file invalid-migration-filename -- loaded by our seeder\nINSERT INTO a VALUES (1);',
      fileName: 'seed.sql',
      files: { '000009_other.up.sql': '' },
      errors: [],
    },
  ],
});

describe('invalid-migration-filename: "Rename to <name>"', () => {
  const dir = path.resolve('/virtual/migrations');
  it('offers the rename the message names, on an up and on a down', () => {
    for (const [fileName, to] of [['1_init_up.sql', '1_init.up.sql'], ['1_init_down.sql', '1_init.down.sql']] as const) {
      // In a golang-migrate folder (a lone near miss is no tool's for sure).
      const found = runRule(invalidMigrationFilename, { code: '', fileName, files: { '2_other.up.sql': '', '2_other.down.sql': '' } });
      assert.deepEqual(found[0]?.actions, [{ kind: 'renameFile', statementIndex: -1, title: `Rename to ${to}`, from: path.join(dir, fileName), to: path.join(dir, to) }]);
    }
  });

  it('offers no rename when the name is taken', () => {
    const found = runRule(invalidMigrationFilename, { code: '', fileName: '1_init_down.sql', files: { '1_init.down.sql': '' } });
    assert.equal(found[0]?.messageId, 'taken');
    assert.equal(found[0]?.actions, undefined);
  });

  it('two title-less files in a golang-migrate folder are misnamed files, reported', () => {
    const found = runRule(invalidMigrationFilename, { code: '', fileName: '0003.up.sql', files: { '0001_a.up.sql': '', '0002_b.up.sql': '', '0004.up.sql': '' } });
    assert.deepEqual(found.map((f) => f.messageId), ['rename']);
  });
});
