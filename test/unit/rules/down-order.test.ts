import * as assert from 'node:assert/strict';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { downOrder as rule } from '../../../server/src/engine/rules/all/down-order';
import { applyEdits, runRule, ruleTester } from './tester';

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
      // "Reorder the down": the drop moves right after the statement dropping what depends on it.
      output: 'DROP VIEW user_ids;\nDROP TABLE posts;\nDROP TYPE status;\nDROP TABLE users;',
    },
  ],
});

describe('down-order: "Reorder the down" finishes the job', () => {
  it('after the fix, the down has no down-order finding and parses as before', () => {
    const code = 'DROP TABLE users;\nDROP VIEW user_ids;\nDROP TABLE posts;\nDROP TYPE status;';
    const found = runRule(rule, { fileName: DOWN, files: { [UP]: up }, code });
    assert.deepEqual(found.map((f) => f.fix?.title), [
      'Reorder the down: drop table users after table posts (foreign key posts_user_id_fkey)',
      'Reorder the down: drop table users after view user_ids',
    ]);
    // Each fix alone moves users after the last statement dropping something that depends on it.
    for (const f of found) {
      const fixed = applyEdits(code, f.fix!.edits);
      assert.equal(fixed, 'DROP VIEW user_ids;\nDROP TABLE posts;\nDROP TABLE users;\nDROP TYPE status;');
      assert.deepEqual(parseSql(fixed).errors, []);
      assert.deepEqual(runRule(rule, { fileName: DOWN, files: { [UP]: up }, code: fixed }), []);
    }
  });
});
