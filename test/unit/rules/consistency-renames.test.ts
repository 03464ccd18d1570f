/**
 * Renames carried into what reads the renamed table or column (views on their AST; index
 * predicates, CHECK constraints and trigger WHEN clauses on their tokens): a rename and its rename
 * back leave every definition as it was, and a down that recreates a view is judged by what
 * PostgreSQL would have.
 */
import { missingInverse } from '../../../server/src/engine/rules/all/missing-inverse';
import { unexpectedDownStatement } from '../../../server/src/engine/rules/all/unexpected-down-statement';
import { ruleTester } from './tester';

const INIT = {
  '000001_init.up.sql': [
    "CREATE TABLE users (id int PRIMARY KEY, name text CHECK (name <> ''), boss int);",
    'CREATE INDEX users_live ON users (id) WHERE name IS NOT NULL;',
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
    'CREATE TRIGGER users_touch BEFORE UPDATE OF name ON users FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION touch();',
    'CREATE VIEW named AS SELECT id, name FROM users WHERE name IS NOT NULL;',
    'CREATE VIEW bosses AS SELECT users.id, b.name AS boss FROM users JOIN users b ON b.id = users.boss;',
  ].join('\n'),
  '000001_init.down.sql': 'DROP VIEW bosses;\nDROP VIEW named;\nDROP TABLE users;\nDROP FUNCTION touch();',
};
const UP = '000002_x.up.sql';
const DOWN = '000002_x.down.sql';
const RENAME = 'ALTER TABLE users RENAME COLUMN name TO full_name;';

ruleTester(missingInverse, {
  valid: [
    { name: 'a column renamed and renamed back: views, index predicate, CHECK and trigger as they were', fileName: UP, files: { ...INIT, [DOWN]: 'ALTER TABLE users RENAME COLUMN full_name TO name;' }, code: RENAME },
    {
      name: 'a column a USING join matches on, renamed and renamed back: the view (whose text could not follow) is as it was',
      fileName: UP,
      files: { ...INIT, '000001_init.up.sql': `${INIT['000001_init.up.sql']}\nCREATE TABLE badges (name text, label text);\nCREATE VIEW labelled AS SELECT id, label FROM users JOIN badges USING (name);`, [DOWN]: 'ALTER TABLE users RENAME COLUMN full_name TO name;' },
      code: RENAME,
    },
    { name: 'a table renamed and renamed back: the views that qualify columns with it as they were', fileName: UP, files: { ...INIT, [DOWN]: 'ALTER TABLE people RENAME TO users;' }, code: 'ALTER TABLE users RENAME TO people;' },
    {
      name: 'a view dropped after a rename, recreated as PostgreSQL has it (the column keeps its output name)',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'CREATE VIEW named AS SELECT id, full_name AS name FROM users WHERE full_name IS NOT NULL;\nALTER TABLE users RENAME COLUMN full_name TO name;' },
      code: `${RENAME}\nDROP VIEW named;`,
    },
  ],
  invalid: [
    {
      name: 'a view recreated under the new column name: its output column is no longer `name`',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'CREATE VIEW named AS SELECT id, full_name FROM users WHERE full_name IS NOT NULL;\nALTER TABLE users RENAME COLUMN full_name TO name;' },
      code: `${RENAME}\nDROP VIEW named;`,
      errors: [{ messageId: 'notUndone', range: '1:0-1:15', message: 'The down migration does not undo this statement: view named is not restored as it was.' }],
    },
  ],
});

ruleTester(unexpectedDownStatement, {
  valid: [
    { name: 'the rename back changes only what the up renamed', fileName: DOWN, files: { ...INIT, [UP]: RENAME }, code: 'ALTER TABLE users RENAME COLUMN full_name TO name;' },
  ],
  invalid: [],
});
