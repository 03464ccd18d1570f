import { changingColumnType } from '../../../server/src/engine/rules/all/changing-column-type';
import { ruleTester } from '../../../server/src/engine/rules/tester';

ruleTester(changingColumnType, {
  valid: [
    'ALTER TABLE users ADD COLUMN age integer;',
    'ALTER TABLE users ALTER COLUMN age SET DEFAULT 0, ALTER COLUMN age SET NOT NULL;',
    'CREATE TABLE users (age integer);',
    'ALTER TYPE address ALTER ATTRIBUTE zip TYPE text;',
    '',
  ],
  invalid: [
    {
      code: 'ALTER TABLE users ALTER COLUMN age TYPE bigint;',
      errors: [
        {
          messageId: 'changeType',
          range: '0:18-0:46',
          message: 'Changing the type of users.age to bigint takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
        },
      ],
    },
    {
      name: 'SET DATA TYPE, USING, several subcommands: one finding per type change',
      code: "ALTER TABLE app.orders\n  ALTER total SET DATA TYPE numeric(12, 2) USING total::numeric,\n  ADD COLUMN note text DEFAULT 'a, b',\n  ALTER COLUMN tags TYPE varchar(40)[];",
      errors: [
        {
          messageId: 'changeType',
          range: '1:2-1:63',
          message: 'Changing the type of app.orders.total to numeric(12,2) takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
        },
        {
          messageId: 'changeType',
          range: '3:2-3:38',
          message: 'Changing the type of app.orders.tags to character varying(40)[] takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
        },
      ],
    },
    {
      name: 'non-ASCII text before the statement and in names',
      code: '/* ✓ größer 🚀 */\nALTER TABLE "café" ALTER COLUMN "prix€" TYPE public.money_amount;',
      errors: [
        {
          messageId: 'changeType',
          range: '1:19-1:64',
          message: 'Changing the type of "café"."prix€" to public.money_amount takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
        },
      ],
    },
    {
      name: 'after a syntax error earlier in the file',
      code: 'ALTER TABLE users ALTER COLUMN age TYP bigint;\nALTER TABLE users ALTER COLUMN age TYPE bigint',
      errors: [{ messageId: 'changeType', range: '1:18-1:46' }],
    },
  ],
});
