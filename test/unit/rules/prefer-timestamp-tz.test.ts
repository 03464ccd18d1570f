/** prefer-timestamp-tz (opt-in): each finding on the type as written. */
import { preferTimestampTz } from '../../../server/src/engine/rules/all/prefer-timestamp-tz';
import { ruleTester } from './tester';

const TABLE =
  'CREATE TABLE t (\n  id serial PRIMARY KEY,\n  name varchar(40) NOT NULL,\n  code char(2),\n  at timestamp(3) without time zone,\n  tags character varying(10)[],\n  n int\n);';

ruleTester(preferTimestampTz, {
  valid: ['CREATE TABLE t (a timestamptz, b timestamp with time zone, c date);'],
  invalid: [
    {
      name: 'timestamp(3) without time zone, and a plain timestamp',
      code: `${TABLE}\nALTER TABLE t ADD COLUMN b timestamp;`,
      errors: [
        {
          messageId: 'timestamp',
          range: '4:5-4:35',
          message: 't.at is timestamp(3) without time zone: it stores a wall-clock time without its zone, so sessions and servers in other zones read it differently. Prefer timestamptz.',
        },
        { messageId: 'timestamp', range: '8:27-8:36' },
      ],
    },
  ],
});
