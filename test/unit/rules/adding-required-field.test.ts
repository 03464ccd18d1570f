import { addingRequiredField } from '../../../server/src/engine/rules/all/adding-required-field';
import { ruleTester } from './tester';

ruleTester(addingRequiredField, {
  valid: [
    'ALTER TABLE users ADD COLUMN age int;',
    "ALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT 0, ADD COLUMN name text DEFAULT '' NOT NULL;",
    'ALTER TABLE users ADD COLUMN id bigserial NOT NULL, ADD COLUMN n int NOT NULL GENERATED ALWAYS AS IDENTITY;',
    'ALTER TABLE users ADD COLUMN g int NOT NULL GENERATED ALWAYS AS (a + 1) STORED;',
    'CREATE TABLE users (id int);\nALTER TABLE users ADD COLUMN age int NOT NULL;',
    'CREATE TABLE users (age int NOT NULL);',
    'ALTER TABLE users ALTER COLUMN age SET NOT NULL;',
    '-- migration-guard-ignore adding-required-field -- the table is always empty here\nALTER TABLE users ADD COLUMN age int NOT NULL;',
  ],
  invalid: [
    {
      code: 'ALTER TABLE users ADD COLUMN age int NOT NULL;',
      errors: [
        {
          messageId: 'requiredColumn',
          range: '0:18-0:45',
          message:
            'Adding column age to users as NOT NULL without a DEFAULT fails as soon as users has a row ("column contains null values"), and the migration stops half way.',
        },
      ],
    },
    {
      name: 'DEFAULT NULL is no default; a PRIMARY KEY column is NOT NULL too; one finding per clause',
      code: 'ALTER TABLE app.users\n  ADD COLUMN a int DEFAULT NULL NOT NULL,\n  ADD COLUMN b uuid PRIMARY KEY,\n  ADD COLUMN c int NOT NULL DEFAULT 0;',
      errors: [
        { messageId: 'requiredColumn', range: '1:2-1:40' },
        {
          messageId: 'requiredColumn',
          range: '2:2-2:31',
          message:
            'Adding column b to app.users as NOT NULL without a DEFAULT fails as soon as app.users has a row ("column contains null values"), and the migration stops half way.',
        },
      ],
    },
  ],
});
