/** prefer-bigint-over-int (opt-in): each finding on the type as written. */
import { preferBigintOverInt } from '../../../server/src/engine/rules/all/prefer-bigint-over-int';
import { ruleTester } from './tester';

const TABLE =
  'CREATE TABLE t (\n  id serial PRIMARY KEY,\n  name varchar(40) NOT NULL,\n  code char(2),\n  at timestamp(3) without time zone,\n  tags character varying(10)[],\n  n int\n);';

ruleTester(preferBigintOverInt, {
  valid: ['CREATE TABLE t (a bigint, b bigserial, c smallint, d numeric);'],
  invalid: [
    {
      name: 'serial and int',
      code: TABLE,
      errors: [
        {
          messageId: 'int',
          range: '1:5-1:11',
          message: 't.id is serial (32-bit): it runs out at 2,147,483,647, and changing it to bigint later rewrites the table under an ACCESS EXCLUSIVE lock. Prefer bigint.',
        },
        { messageId: 'int', range: '6:4-6:7' },
      ],
    },
    { name: 'integer and int4 in ADD COLUMN', code: 'ALTER TABLE t ADD COLUMN a integer, ADD COLUMN b int4;', errors: [{ messageId: 'int', range: '0:27-0:34' }, { messageId: 'int', range: '0:49-0:53' }] },
  ],
});
