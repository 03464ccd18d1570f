import * as assert from 'node:assert/strict';
import { missingInverse as rule } from '../../../server/src/engine/rules/all/missing-inverse';
import { formatRange, ruleTester, runRule } from './tester';

const INIT = {
  '000001_init.up.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, name text);\nCREATE INDEX users_name_idx ON users (name);',
  '000001_init.down.sql': 'DROP TABLE users;',
};
const UP = '000002_posts.up.sql';
const DOWN = '000002_posts.down.sql';
const up = [
  'CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id));',
  'CREATE INDEX posts_user_id_idx ON posts (user_id);',
  'ALTER TABLE users ADD COLUMN bio text;',
  'DROP INDEX users_name_idx;',
].join('\n');

ruleTester(rule, {
  valid: [
    { name: 'a down that undoes everything, in reverse order', fileName: UP, files: { ...INIT, [DOWN]: 'CREATE INDEX users_name_idx ON users (name);\nALTER TABLE users DROP COLUMN bio;\nDROP TABLE posts;' }, code: up },
    { name: 'dropping the table takes its index along', fileName: UP, files: { ...INIT, [DOWN]: 'DROP TABLE posts;' }, code: 'CREATE TABLE posts (id int);\nCREATE INDEX posts_id_idx ON posts (id);' },
    { name: 'the same definition written differently', fileName: UP, files: { ...INIT, [DOWN]: "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'x'::text;" }, code: 'ALTER TABLE users ALTER COLUMN name DROP DEFAULT;', },
    { name: 'no down file: missing-down-migration says so', fileName: UP, files: INIT, code: up },
    { name: 'an empty down: nothing to compare', fileName: UP, files: { ...INIT, [DOWN]: '-- nothing\n' }, code: up },
    { name: 'a down the model cannot read (DO block): no verdict', fileName: UP, files: { ...INIT, [DOWN]: "DO $$ BEGIN EXECUTE 'DROP TABLE posts'; END $$;" }, code: 'CREATE TABLE posts (id int);' },
    { name: 'data changes are not schema changes', fileName: UP, files: { ...INIT, [DOWN]: 'DROP TABLE posts;' }, code: "CREATE TABLE posts (id int);\nINSERT INTO users (id, email) VALUES (1, 'a');" },
    { name: 'in the down file, nothing', fileName: DOWN, files: { ...INIT, [UP]: up }, code: 'DROP TABLE posts;' },
    { name: 'not a migration', fileName: 'schema.sql', code: 'CREATE TABLE t (id int);' },
  ],
  invalid: [
    {
      name: 'an index, a column and a dropped index the down forgets',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'DROP TABLE posts;' },
      code: up,
      errors: [
        { messageId: 'notUndone', range: '2:0-2:37', message: 'The down migration does not undo this statement: column users.bio is still there after the down.' },
        { messageId: 'notUndone', range: '3:0-3:25', message: 'The down migration does not undo this statement: index users_name_idx is not restored.' },
      ],
    },
    {
      name: 'a table the down never drops',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'ALTER TABLE users DROP COLUMN bio;' },
      code: 'CREATE TABLE tags (id int PRIMARY KEY);\nALTER TABLE users ADD COLUMN bio text;',
      errors: [{ messageId: 'notUndone', range: '0:0-0:38', message: 'The down migration does not undo this statement: table tags is still there after the down.' }],
    },
    {
      name: 'a dropped column with a unique constraint: its index is named once, with the constraint',
      fileName: UP,
      files: { '000001_init.up.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);', [DOWN]: 'SELECT 1;' },
      code: 'ALTER TABLE users DROP COLUMN email;',
      errors: [{ messageId: 'notUndone', message: 'The down migration does not undo this statement: column users.email is not restored; constraint users_email_key on users is not restored.' }],
    },
    {
      name: 'a column type the down restores wrongly',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(10);' },
      code: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200);',
      errors: [{ messageId: 'notUndone', range: '0:0-0:53', message: 'The down migration does not undo this statement: column users.name is not restored as it was (type character varying(10) where it was text).' }],
    },
    {
      name: 'a dropped NOT NULL column added back with a default it never had; one added back as another type, without its index',
      fileName: UP,
      files: { ...INIT, [DOWN]: "ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';\nALTER TABLE users ADD COLUMN name varchar(50);" },
      code: 'ALTER TABLE users DROP COLUMN email;\nALTER TABLE users DROP COLUMN name;',
      errors: [
        { messageId: 'notUndone', range: '0:0-0:35', message: "The down migration does not undo this statement: column users.email is not restored as it was (default '' where it had none)." },
        { messageId: 'notUndone', range: '1:0-1:34', message: 'The down migration does not undo this statement: column users.name is not restored as it was (type character varying(50) where it was text); index users_name_idx is not restored.' },
      ],
    },
    {
      name: 'goose: the up section against the down section of the same file',
      fileName: '00002_posts.sql',
      files: { '00001_init.sql': '-- +goose Up\nCREATE TABLE users (id int PRIMARY KEY);\n-- +goose Down\nDROP TABLE users;\n' },
      code: '-- +goose Up\nCREATE TABLE posts (id int);\nCREATE INDEX posts_id_idx ON users (id);\n\n-- +goose Down\nDROP TABLE posts;\n',
      errors: [{ messageId: 'notUndone', range: '2:0-2:39' }],
    },
  ],
});

describe('missing-inverse: the action', () => {
  it('offers "Add inverse to <down file>" with the statement index, only when the statement has an inverse', () => {
    const found = runRule(rule, {
      fileName: UP,
      files: { ...INIT, [DOWN]: 'SELECT 1;' },
      code: 'CREATE TABLE tags (id int);\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\nALTER TYPE nope ADD VALUE \'x\';',
    });
    assert.deepEqual(
      found.map((f) => [formatRange(f), f.actions]),
      [
        ['0:0-0:26', [{ kind: 'addInverse', statementIndex: 0, title: 'Add inverse to 000002_posts.down.sql' }]],
        ['1:0-1:50', [{ kind: 'addInverse', statementIndex: 1, title: 'Add inverse to 000002_posts.down.sql' }]],
      ],
    );
  });
});
