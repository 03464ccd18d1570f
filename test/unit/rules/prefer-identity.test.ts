/** prefer-identity (opt-in): each finding on the type as written. */
import { preferIdentity } from '../../../server/src/engine/rules/all/prefer-identity';
import { ruleTester } from './tester';

const TABLE =
  'CREATE TABLE t (\n  id serial PRIMARY KEY,\n  name varchar(40) NOT NULL,\n  code char(2),\n  at timestamp(3) without time zone,\n  tags character varying(10)[],\n  n int\n);';

ruleTester(preferIdentity, {
  valid: ['CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n int);'],
  invalid: [
    {
      name: 'serial, bigserial',
      code: `${TABLE}\nALTER TABLE u ADD COLUMN id bigserial;`,
      errors: [
        {
          messageId: 'serial',
          range: '1:5-1:11',
          message: 't.id is serial: a default over a separate sequence, whose permissions and ownership need care. Prefer id bigint GENERATED ALWAYS AS IDENTITY (or BY DEFAULT).',
        },
        { messageId: 'serial', range: '8:28-8:37' },
      ],
    },
  ],
});
