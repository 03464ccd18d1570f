import { downOrder as rule } from '../../../server/src/engine/rules/all/down-order';
import { ruleTester } from './tester';

const UP = '000001_init.up.sql';
const DOWN = '000001_init.down.sql';
const up = [
  "CREATE TYPE status AS ENUM ('new', 'done');",
  'CREATE TABLE users (id int PRIMARY KEY);',
  'CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id), status status);',
  'CREATE VIEW user_ids AS SELECT id FROM users;',
].join('\n');

ruleTester(rule, {
  valid: [
    { name: 'reverse order', fileName: DOWN, files: { [UP]: up }, code: 'DROP VIEW user_ids;\nDROP TABLE posts;\nDROP TABLE users;\nDROP TYPE status;' },
    { name: 'CASCADE takes the dependents along', fileName: DOWN, files: { [UP]: up }, code: 'DROP TABLE users CASCADE;\nDROP TABLE posts;\nDROP TYPE status;' },
    { name: 'in the up file, nothing', fileName: UP, files: { [DOWN]: 'DROP TABLE users;\nDROP TABLE posts;' }, code: up },
  ],
  invalid: [
    {
      name: 'a table dropped before the table whose foreign key references it, and before a view reading it',
      fileName: DOWN,
      files: { [UP]: up },
      code: 'DROP TABLE users;\nDROP VIEW user_ids;\nDROP TABLE posts;\nDROP TYPE status;',
      errors: [
        {
          messageId: 'wrongOrder',
          range: '0:0-0:16',
          message:
            'This drops table users while table posts (foreign key posts_user_id_fkey) still depends on it (it is dropped later, on line 3); PostgreSQL refuses this, so the down fails: move this statement after that one.',
        },
        {
          messageId: 'wrongOrder',
          range: '0:0-0:16',
          message:
            'This drops table users while view user_ids still depends on it (it is dropped later, on line 2); PostgreSQL refuses this, so the down fails: move this statement after that one.',
        },
      ],
    },
    {
      name: 'a type dropped before the table using it',
      fileName: DOWN,
      files: { [UP]: up },
      code: 'DROP VIEW user_ids;\nDROP TYPE status;\nDROP TABLE posts;\nDROP TABLE users;',
      errors: [{ messageId: 'wrongOrder', range: '1:0-1:16' }],
    },
  ],
});
