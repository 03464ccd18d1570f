/** prefer-text-field (opt-in): each finding on the type as written. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { banCharField } from '../../../server/src/engine/rules/all/ban-char-field';
import { preferBigintOverInt } from '../../../server/src/engine/rules/all/prefer-bigint-over-int';
import { preferIdentity } from '../../../server/src/engine/rules/all/prefer-identity';
import { preferTextField } from '../../../server/src/engine/rules/all/prefer-text-field';
import { preferTimestampTz } from '../../../server/src/engine/rules/all/prefer-timestamp-tz';
import { ruleTester } from './tester';

const TABLE =
  'CREATE TABLE t (\n  id serial PRIMARY KEY,\n  name varchar(40) NOT NULL,\n  code char(2),\n  at timestamp(3) without time zone,\n  tags character varying(10)[],\n  n int\n);';

ruleTester(preferTextField, {
  valid: [
    'CREATE TABLE t (a text, b varchar, c character varying);',
    { name: 'a down file puts back what was there', fileName: '000001_test.down.sql', code: 'ALTER TABLE t ADD COLUMN name varchar(40);' },
    { name: 'a goose Down section too', fileName: '00001_t.sql', code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE t ADD COLUMN name varchar(40);' },
  ],
  invalid: [
    {
      name: 'varchar(n) in CREATE TABLE, arrays too; the range is the type as written',
      code: TABLE,
      errors: [
        {
          messageId: 'varchar',
          range: '2:7-2:18',
          message:
            't.name is varchar(40): changing the limit later takes an ACCESS EXCLUSIVE lock (and shrinking it rewrites the table). Prefer text with a CHECK (length(name) <= n) constraint, which can be replaced NOT VALID.',
        },
        { messageId: 'varchar', range: '5:7-5:30' },
      ],
    },
    {
      name: 'ADD COLUMN and ALTER COLUMN TYPE',
      code: 'ALTER TABLE t ADD COLUMN a varchar(5), ALTER COLUMN b TYPE VARCHAR (8);',
      errors: [
        { messageId: 'varchar', range: '0:27-0:37' },
        { messageId: 'varchar', range: '0:59-0:70' },
      ],
    },
  ],
});

describe('type-preference rules are opt-in', () => {
  it('they report nothing unless the configuration sets a severity, then report with it', () => {
    const rules = [preferTextField, preferBigintOverInt, preferTimestampTz, preferIdentity, banCharField];
    const file = path.resolve('/virtual/migrations/000001_t.up.sql');
    const run = (settings?: Record<string, 'warning' | 'error'>) =>
      analyzeFile({ filePath: file, text: TABLE, host: new MemoryFileHost({ [file]: TABLE }), only: rules, ...(settings ? { rules: settings } : {}) }).findings;
    assert.deepEqual(run(), []);
    assert.deepEqual(
      run({ 'prefer-text-field': 'error' }).map((f) => `${f.ruleId} ${f.severity}`),
      ['prefer-text-field error', 'prefer-text-field error'],
    );
    for (const r of rules) assert.equal(r.meta.optIn, true, r.meta.id);
  });
});
