import * as assert from 'node:assert/strict';
import { identifierTooLong as rule, truncateIdentifier } from '../../../server/src/engine/rules/all/identifier-too-long';
import { ruleTester } from './tester';

const N63 = 'a'.repeat(63);
const N64 = `${'b'.repeat(60)}_key`;

ruleTester(rule, {
  valid: [
    `CREATE TABLE ${N63} (${N63} int CONSTRAINT ${N63} CHECK (${N63} > 0));`,
    { name: 'a long name that is only referred to, not defined', code: `SELECT * FROM ${N64};` },
    { name: 'names PostgreSQL chooses itself (it truncates them without collisions)', code: `CREATE TABLE t (${N63} int UNIQUE);` },
    { name: 'a quoted name of 63 characters with spaces', code: `CREATE TABLE "${'x y'.repeat(21)}" (id int);` },
  ],
  invalid: [
    {
      name: 'an index name of 64 bytes; the range is the name',
      code: `CREATE INDEX ${N64} ON t (a);`,
      errors: [
        {
          messageId: 'tooLong',
          range: '0:13-0:77',
          message: `The name ${N64} is 64 bytes long: PostgreSQL keeps only its first 63 bytes (${N64.slice(0, 63)}), so another long name that starts the same way collides with it, and code that uses the full name finds nothing by it in the catalogs.`,
        },
      ],
    },
    {
      name: 'bytes, not characters: a quoted name of 32 two-byte letters; columns, constraints, renames',
      code: `CREATE TABLE t ("${'é'.repeat(32)}" int);\nALTER TABLE t ADD CONSTRAINT ${N64} CHECK (true), ADD COLUMN ${N64}x int;\nALTER TABLE t RENAME TO ${N64};`,
      errors: [
        { messageId: 'tooLong', range: '0:16-0:50' },
        { messageId: 'tooLong', range: '1:29-1:93' },
        { messageId: 'tooLong', range: '1:119-1:184' },
        { messageId: 'tooLong', range: '2:24-2:88' },
      ],
    },
    {
      name: 'a quoted name of 64 characters with spaces; the range is the quoted name',
      code: `CREATE TABLE "${'x y'.repeat(21)}z" (id int);`,
      errors: [{ messageId: 'tooLong', range: '0:13-0:79' }],
    },
    {
      name: 'a doubled quote is one character of the name (64 with it)',
      code: `CREATE TABLE "${'a'.repeat(30)}""${'b'.repeat(33)}" (id int);`,
      errors: [{ messageId: 'tooLong', range: '0:13-0:80' }],
    },
  ],
});

describe('identifier-too-long: truncation', () => {
  it('keeps the first 63 bytes without cutting a character', () => {
    assert.equal(truncateIdentifier('é'.repeat(32)), 'é'.repeat(31));
    assert.equal(truncateIdentifier(N64), N64.slice(0, 63));
    assert.equal(truncateIdentifier(N63), N63);
  });
});
