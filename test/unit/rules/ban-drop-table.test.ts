import { banDropTable } from '../../../server/src/engine/rules/all/ban-drop-table';
import { ruleTester } from './tester';

ruleTester(banDropTable, {
  valid: [
    'CREATE TABLE users (id bigint);',
    'DROP INDEX users_email_idx;',
    'DROP VIEW active_users;',
    '',
    {
      name: 'a scratch table created earlier in the same file (corpus: lemmy comment_ltrees)',
      code: 'CREATE TEMPORARY TABLE comment_temp AS SELECT id FROM comment;\nUPDATE comment SET path = ct.path FROM comment_temp ct WHERE ct.id = comment.id;\nDROP TABLE comment_temp;',
    },
    { name: 'CREATE TABLE then DROP TABLE, schema-qualified', code: 'CREATE TABLE app.tmp (id int);\nDROP TABLE IF EXISTS app.tmp;' },
    { name: 'SELECT INTO creates the table', code: 'SELECT id INTO tmp_ids FROM users;\nDROP TABLE tmp_ids;' },
    { name: 'a backup copy of every row taken first ("Keep a backup copy" writes it)', code: 'CREATE TABLE users_backup_000002 AS TABLE users;\nDROP TABLE users CASCADE;' },
  ],
  invalid: [
    {
      code: 'DROP TABLE users;',
      errors: [{ messageId: 'dropTable', range: '0:0-0:16', message: 'DROP TABLE users deletes the table and every row in it; a down migration cannot bring the data back.' }],
    },
    {
      name: 'a copy of some columns is no backup of the table',
      code: 'CREATE TABLE users_ids AS SELECT id FROM users;\nDROP TABLE users;',
      errors: [{ messageId: 'dropTable', range: '1:0-1:16' }],
    },
    {
      name: 'several tables, schema-qualified, after non-ASCII text',
      code: '-- supprimé: ancien schéma 🚀\nCREATE TABLE a (id int);\n  DROP TABLE IF EXISTS app.orders, "Order Items" CASCADE;',
      errors: [{ messageId: 'dropTable', range: '2:2-2:56', message: 'DROP TABLE app.orders, "Order Items" deletes the table and every row in it; a down migration cannot bring the data back.' }],
    },
    {
      name: 'only the tables the file did not create are named',
      code: 'CREATE TABLE tmp (id int);\nDROP TABLE tmp, users;',
      errors: [{ messageId: 'dropTable', range: '1:0-1:21', message: 'DROP TABLE users deletes the table and every row in it; a down migration cannot bring the data back.' }],
    },
    {
      name: 'CREATE TABLE IF NOT EXISTS does not prove the table is new',
      code: 'CREATE TABLE IF NOT EXISTS users (id int);\nDROP TABLE users;',
      errors: [{ messageId: 'dropTable', range: '1:0-1:16' }],
    },
    {
      name: 'a table created after the DROP, or in another schema, does not count',
      code: 'CREATE TABLE app.users (id int);\nDROP TABLE users;\nCREATE TABLE users (id int);',
      errors: [{ messageId: 'dropTable', range: '1:0-1:16' }],
    },
    {
      name: 'a statement after a syntax error is still checked',
      code: 'CREATE TABLE (;\nDROP TABLE t',
      errors: [{ messageId: 'dropTable', range: '1:0-1:12' }],
    },
  ],
});
