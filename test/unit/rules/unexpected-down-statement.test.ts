import { unexpectedDownStatement as rule } from '../../../server/src/engine/rules/all/unexpected-down-statement';
import { ruleTester } from './tester';

const INIT = {
  '000001_init.up.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE TABLE audit (id int);\nCREATE INDEX users_email_idx ON users (email);',
};
const UP = '000002_posts.up.sql';
const DOWN = '000002_posts.down.sql';
const up = 'CREATE TABLE IF NOT EXISTS audit (id int);\nCREATE TABLE posts (id int PRIMARY KEY);\nALTER TABLE users ADD COLUMN bio text;';

ruleTester(rule, {
  valid: [
    {
      name: 'a down that puts a dropped column back in its place: the later columns moved by copy and swap',
      fileName: '000002_drop_a.down.sql',
      files: { '000001_t.up.sql': "CREATE TABLE t (a int, b text NOT NULL DEFAULT 'x', c int);", '000002_drop_a.up.sql': 'ALTER TABLE t DROP COLUMN a;' },
      code: "ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b_new text DEFAULT 'x', ADD COLUMN c_new int;\nUPDATE t SET (b_new, c_new) = (b, c);\nALTER TABLE t DROP COLUMN b, DROP COLUMN c;\nALTER TABLE t RENAME COLUMN b_new TO b;\nALTER TABLE t RENAME COLUMN c_new TO c;\nALTER TABLE t ALTER COLUMN b SET NOT NULL;",
    },
    { name: 'a down that undoes its up', fileName: DOWN, files: { ...INIT, [UP]: up }, code: 'ALTER TABLE users DROP COLUMN bio;\nDROP TABLE posts;' },
    { name: 'data, grants and comments are not judged', fileName: DOWN, files: { ...INIT, [UP]: up }, code: "DELETE FROM users;\nGRANT SELECT ON users TO public;\nCOMMENT ON TABLE users IS 'x';\nDROP TABLE posts;" },
    { name: 'in the up file, nothing', fileName: UP, files: { ...INIT, [DOWN]: 'DROP TABLE audit;' }, code: up },
    {
      name: 'a table the up never names: down-drops-foreign-object reports it',
      fileName: DOWN,
      files: { ...INIT, [UP]: up },
      code: 'DROP TABLE posts;\nDROP TABLE users;',
    },
    { name: 'after an earlier DO block, a drop of an unknown object is not judged', fileName: DOWN, files: { '000001_init.up.sql': "DO $$ BEGIN EXECUTE 'CREATE TABLE x (id int)'; END $$;", [UP]: 'CREATE TABLE posts (id int);' }, code: 'DROP TABLE posts;\nDROP TABLE IF EXISTS x;' },
  ],
  invalid: [
    {
      name: 'changing a column the up never touched says how',
      fileName: DOWN,
      files: { ...INIT, [UP]: up },
      code: "ALTER TABLE users DROP COLUMN bio;\nDROP TABLE posts;\nALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN email SET DEFAULT '';",
      errors: [
        {
          messageId: 'unrelated',
          range: '2:0-2:84',
          message: "This statement undoes nothing of the up migration: it changes column users.email (NOT NULL where it was nullable, default '' where it had none), which the up migration does not change.",
        },
      ],
    },
    {
      name: 'dropping a table the up only pretends to create (IF NOT EXISTS of an existing table)',
      fileName: DOWN,
      files: { ...INIT, [UP]: up },
      code: 'ALTER TABLE users DROP COLUMN bio;\nDROP TABLE posts;\nDROP TABLE audit;',
      errors: [{ messageId: 'unrelated', range: '2:0-2:16', message: 'This statement undoes nothing of the up migration: it drops table audit, which the up migration does not change.' }],
    },
    {
      name: 'dropping an index the up never touches',
      fileName: DOWN,
      files: { ...INIT, [UP]: up },
      code: 'DROP INDEX users_email_idx;\nDROP TABLE posts;',
      errors: [{ messageId: 'unrelated', range: '0:0-0:26', message: 'This statement undoes nothing of the up migration: it drops index users_email_idx, which the up migration does not change.' }],
    },
    {
      name: 'dropping what does not exist after the up',
      fileName: DOWN,
      files: { ...INIT, [UP]: up },
      code: 'DROP TABLE posts;\nDROP INDEX IF EXISTS posts_title_idx;',
      errors: [{ messageId: 'undoesNothing', range: '1:0-1:36', message: 'This statement undoes nothing of the up migration: posts_title_idx does not exist once the up migration has run.' }],
    },
    {
      name: 'a statement that fails: a column that does not exist',
      fileName: DOWN,
      files: { ...INIT, [UP]: up },
      code: 'ALTER TABLE users DROP COLUMN token;',
      errors: [{ messageId: 'fails', range: '0:0-0:35', message: 'This statement fails after the up migration and the statements before it: column token does not exist in users.' }],
    },
    {
      name: 'creating what the up did not drop',
      fileName: DOWN,
      files: { ...INIT, [UP]: up },
      code: 'DROP TABLE posts;\nCREATE INDEX users_id_email ON users (id, email);',
      errors: [{ messageId: 'unrelated', range: '1:0-1:48', message: 'This statement undoes nothing of the up migration: it creates index users_id_email, which the up migration does not change.' }],
    },
  ],
});
