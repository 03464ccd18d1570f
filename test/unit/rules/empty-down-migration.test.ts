import { emptyDownMigration } from '../../../server/src/engine/rules/all/empty-down-migration';
import { ruleTester } from './tester';

ruleTester(emptyDownMigration, {
  valid: [
    { name: 'a down with SQL', code: 'CREATE TABLE a ();', fileName: '000001_init.up.sql', files: { '000001_init.down.sql': 'DROP TABLE a;' } },
    { name: 'a down with only a comment says why on purpose', code: 'UPDATE a SET b = 1 WHERE b IS NULL;', fileName: '000001_fill.up.sql', files: { '000001_fill.down.sql': '-- Nothing to undo.\n' } },
    { name: 'no down at all is missing-down-migration, not this', code: 'CREATE TABLE a ();', fileName: '000001_init.up.sql' },
    { name: 'the down file itself is not reported', code: '', fileName: '000001_init.down.sql', files: { '000001_init.up.sql': 'CREATE TABLE a ();' } },
    { name: 'goose: a down section with SQL', code: '-- +goose Up\nCREATE TABLE a ();\n-- +goose Down\nDROP TABLE a;\n', fileName: '00001_init.sql' },
    { name: 'goose: no down section is missing-down-migration', code: '-- +goose Up\nCREATE TABLE a ();\n', fileName: '00001_init.sql' },
  ],
  invalid: [
    {
      name: 'an empty down, as Create paired migration leaves it',
      code: 'CREATE TABLE orders (id bigint);\n',
      fileName: '000002_create_orders.up.sql',
      files: { '000002_create_orders.down.sql': '' },
      errors: [
        {
          messageId: 'emptyDown',
          range: '0:0-0:32',
          message:
            '`000002_create_orders.down.sql` is empty: rolling version 000002 back runs no SQL and undoes nothing. Write the down (the quick fix generates it), or a comment saying why nothing needs undoing.',
        },
      ],
    },
    { name: 'whitespace only counts as empty', code: 'CREATE TABLE a ();', fileName: '000001_init.up.sql', files: { '000001_init.down.sql': '\n  \r\n' }, errors: [{ messageId: 'emptyDown' }] },
    {
      name: 'folder-per-migration: an empty down.sql',
      code: 'CREATE TABLE a ();',
      fileName: '2024-01-01-000000_init/up.sql',
      files: { '2024-01-01-000000_init/down.sql': '', '2024-01-02-000000_b/up.sql': '' },
      errors: [{ messageId: 'emptyDown', message: '`down.sql` is empty: rolling version 2024-01-01-000000 back runs no SQL and undoes nothing. Write the down (the quick fix generates it), or a comment saying why nothing needs undoing.' }],
    },
    {
      name: 'goose: an empty down section',
      code: '-- +goose Up\nCREATE TABLE a ();\n-- +goose Down\n',
      fileName: '00001_init.sql',
      errors: [{ messageId: 'emptyDown', range: '0:0-0:12' }],
    },
    {
      name: 'suppressed for the file',
      code: '-- migration-guard-ignore-file empty-down-migration -- rolled back from a snapshot\nCREATE TABLE a ();',
      fileName: '000001_init.up.sql',
      files: { '000001_init.down.sql': '' },
      errors: [],
    },
  ],
});
