import { banDropTable } from '../../../server/src/engine/rules/all/ban-drop-table';
import { ruleTester } from '../../../server/src/engine/rules/tester';

ruleTester(banDropTable, {
  valid: ['CREATE TABLE users (id bigint);', 'DROP INDEX users_email_idx;', 'DROP VIEW active_users;', ''],
  invalid: [
    {
      code: 'DROP TABLE users;',
      errors: [{ messageId: 'dropTable', range: '0:0-0:16', message: 'DROP TABLE users deletes the table and every row in it; a down migration cannot bring the data back.' }],
    },
    {
      name: 'several tables, schema-qualified, after non-ASCII text',
      code: '-- supprimé: ancien schéma 🚀\nCREATE TABLE a (id int);\n  DROP TABLE IF EXISTS app.orders, "Order Items" CASCADE;',
      errors: [{ messageId: 'dropTable', range: '2:2-2:56', message: 'DROP TABLE app.orders, "Order Items" deletes the table and every row in it; a down migration cannot bring the data back.' }],
    },
    {
      name: 'a statement after a syntax error is still checked',
      code: 'CREATE TABLE (;\nDROP TABLE t',
      errors: [{ messageId: 'dropTable', range: '1:0-1:12' }],
    },
  ],
});
