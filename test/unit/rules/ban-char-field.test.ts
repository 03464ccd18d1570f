/** ban-char-field (opt-in): each finding on the type as written. */
import { banCharField } from '../../../server/src/engine/rules/all/ban-char-field';
import { ruleTester } from './tester';

const TABLE =
  'CREATE TABLE t (\n  id serial PRIMARY KEY,\n  name varchar(40) NOT NULL,\n  code char(2),\n  at timestamp(3) without time zone,\n  tags character varying(10)[],\n  n int\n);';

ruleTester(banCharField, {
  valid: ['CREATE TABLE t (a text, b varchar(2), c "char");'],
  invalid: [
    {
      name: 'char(n) and character',
      code: `${TABLE}\nALTER TABLE t ALTER COLUMN code TYPE character;`,
      errors: [
        {
          messageId: 'char',
          range: '3:7-3:14',
          message: 't.code is char(2): values are padded with spaces to the full length, and trailing spaces are ignored in comparisons. Prefer text (with a CHECK on the length if it matters).',
        },
        { messageId: 'char', range: '8:37-8:46' },
      ],
    },
  ],
});
