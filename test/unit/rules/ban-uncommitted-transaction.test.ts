import * as assert from 'node:assert/strict';
import { isValidSql } from '../../../server/src/engine/parsing/parser';
import { banUncommittedTransaction as rule } from '../../../server/src/engine/rules/all/ban-uncommitted-transaction';
import { applyEdits, runRule, ruleTester } from './tester';

ruleTester(rule, {
  valid: [
    'BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;',
    'BEGIN;\nCREATE TABLE t (id int);\nEND;',
    'START TRANSACTION;\nSELECT 1;\nROLLBACK;',
    'BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\nSELECT 2;\nCOMMIT;',
    'CREATE TABLE t (id int);',
    "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;",
    '',
  ],
  invalid: [
    {
      code: 'BEGIN;\nCREATE TABLE t (id int);\n',
      errors: [
        {
          messageId: 'uncommitted',
          range: '0:0-0:5',
          message:
            'BEGIN has no COMMIT after it: the transaction stays open when the file ends, and what happens to its statements depends on what runs next on the connection.',
        },
      ],
      // golang-migrate already runs the file in one transaction: the fix removes the BEGIN.
      output: 'CREATE TABLE t (id int);\n',
    },
    {
      name: 'no final line break, last statement without `;`, a trailing comment',
      code: 'START TRANSACTION;\nCREATE TABLE t (id int) -- the table',
      errors: [{ messageId: 'uncommitted', range: '0:0-0:17' }],
      output: 'CREATE TABLE t (id int) -- the table',
    },
    {
      name: 'CRLF; COMMIT AND CHAIN leaves a transaction open',
      code: 'BEGIN;\r\nSELECT 1;\r\nCOMMIT AND CHAIN;\r\nSELECT 2;\r\n',
      errors: [{ messageId: 'uncommitted', range: '0:0-0:5' }],
      output: 'SELECT 1;\r\nCOMMIT AND CHAIN;\r\nSELECT 2;\r\n',
    },
    {
      name: 'a second BEGIN after a COMMIT',
      code: 'BEGIN;\nSELECT 1;\nCOMMIT;\n-- à suivre 🚀\nBEGIN;\nSELECT 2;',
      errors: [{ messageId: 'uncommitted', range: '4:0-4:5' }],
      output: 'BEGIN;\nSELECT 1;\nCOMMIT;\n-- à suivre 🚀\nSELECT 2;',
    },
    {
      name: 'goose NO TRANSACTION: the statements run alone, so the fix ends the transaction instead',
      fileName: '00001_x.sql',
      code: '-- +goose NO TRANSACTION\n-- +goose Up\nBEGIN;\nCREATE TABLE t (id int) -- the table\n',
      errors: [{ messageId: 'uncommitted', range: '2:0-2:5' }],
      output: '-- +goose NO TRANSACTION\n-- +goose Up\nBEGIN;\nCREATE TABLE t (id int); -- the table\nCOMMIT;\n',
    },
  ],
});

describe('ban-uncommitted-transaction: the fix', () => {
  it('the fixed file parses and the rule no longer fires on it', () => {
    for (const code of ['BEGIN;\nCREATE TABLE t (id int)', 'BEGIN;\nSELECT 1; -- x\n/* y */', 'BEGIN;\nSELECT 1 /* a\nb */']) {
      const found = runRule(rule, { code });
      assert.equal(found.length, 1);
      const fixed = applyEdits(code, found[0]!.fix!.edits);
      assert.ok(isValidSql(fixed), fixed);
      assert.deepEqual(runRule(rule, { code: fixed }), []);
    }
  });
});
