import { banDropColumn } from '../../../server/src/engine/rules/all/ban-drop-column';
import { ruleTester } from './tester';

ruleTester(banDropColumn, {
  valid: [
    'ALTER TABLE users ADD COLUMN email text;',
    'ALTER TABLE users DROP CONSTRAINT users_email_key;',
    'ALTER TABLE users ALTER COLUMN email DROP NOT NULL, ALTER COLUMN email DROP DEFAULT;',
    'ALTER TYPE address DROP ATTRIBUTE zip;',
    'ALTER FOREIGN TABLE remote_users DROP COLUMN email;',
    '-- ALTER TABLE users DROP COLUMN email;',
    {
      name: 'a suppression comment covers a clause of the next statement',
      code: '-- migration-guard-ignore ban-drop-column -- unused since 4.2\nALTER TABLE users\n  ADD COLUMN a int,\n  DROP COLUMN email;',
    },
    {
      name: 'a backup copy of the column taken first keeps its values ("Keep a backup copy" writes it)',
      code: 'CREATE TABLE customers_fax_backup_000003 AS SELECT id, fax FROM customers;\nALTER TABLE customers DROP COLUMN fax;',
    },
    { name: 'a copy of the whole table keeps every column', code: 'CREATE TABLE customers_backup AS TABLE customers;\nALTER TABLE customers DROP COLUMN fax;' },
    { name: 'SELECT ... INTO a backup table', code: 'SELECT id, fax INTO customers_fax_backup FROM app.customers;\nALTER TABLE app.customers DROP COLUMN fax;' },
    '',
    {
      name: 'copy and swap of a column (moved to the end): its values go into the column that takes its name',
      code: 'ALTER TABLE users ADD COLUMN email_new text;\nUPDATE users SET email_new = lower(email);\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users RENAME COLUMN email_new TO email;',
    },
  ],
  invalid: [
    {
      name: 'a copy of other columns, of some rows or of another table keeps nothing of this one (a copy before the next drop does)',
      code: [
        'CREATE TABLE b1 AS SELECT id, phone FROM customers;',
        "CREATE TABLE b2 AS SELECT id, fax FROM customers WHERE country = 'DE';",
        'CREATE TABLE b3 AS SELECT id, fax FROM other;',
        'ALTER TABLE customers DROP COLUMN fax;',
        'CREATE TABLE b4 AS SELECT id, email FROM customers;',
        'ALTER TABLE customers DROP COLUMN email;',
      ].join('\n'),
      errors: [{ messageId: 'dropColumn', range: '3:22-3:37' }],
    },
    {
      name: 'a single DROP COLUMN: the range is the clause',
      code: 'ALTER TABLE users DROP COLUMN email;',
      errors: [
        {
          messageId: 'dropColumn',
          range: '0:18-0:35',
          message: 'Dropping column email of users deletes its data; a down migration can add the column back but not its values.',
        },
      ],
    },
    {
      name: 'one finding per dropped column, each at its own clause',
      code: 'ALTER TABLE ONLY app.users\n  ADD COLUMN full_name text DEFAULT concat(\'a\', \'b\'),\n  DROP COLUMN IF EXISTS first_name CASCADE,\n  DROP last_name;',
      errors: [
        { messageId: 'dropColumn', range: '2:2-2:42', message: 'Dropping column first_name of app.users deletes its data; a down migration can add the column back but not its values.' },
        { messageId: 'dropColumn', range: '3:2-3:16' },
      ],
    },
    {
      name: 'quoted names with commas and non-ASCII text before the statement',
      code: '-- 🚀 retire les colonnes « é »\nALTER TABLE "Über" DROP COLUMN "a,b", DROP COLUMN "prénom";',
      errors: [
        { messageId: 'dropColumn', range: '1:19-1:36', message: 'Dropping column "a,b" of "Über" deletes its data; a down migration can add the column back but not its values.' },
        { messageId: 'dropColumn', range: '1:38-1:58' },
      ],
    },
    {
      name: 'after a syntax error earlier in the file',
      code: 'ALTER TABLE users ADD COLUMN;\nALTER TABLE users DROP COLUMN email;',
      errors: [{ messageId: 'dropColumn', range: '1:18-1:35' }],
    },
    {
      name: 'comments between clauses',
      code: 'ALTER TABLE t /* , */ DROP a, -- , DROP b\n DROP c;',
      errors: [
        { messageId: 'dropColumn', range: '0:22-0:28' },
        { messageId: 'dropColumn', range: '1:1-1:7' },
      ],
    },
  ],
});
