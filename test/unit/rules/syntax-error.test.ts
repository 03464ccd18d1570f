import { syntaxError } from '../../../server/src/engine/rules/all/syntax-error';
import { ruleTester } from './tester';

ruleTester(syntaxError, {
  valid: [
    '',
    '-- only a comment',
    { name: 'two good statements', code: 'CREATE TABLE t (id bigint PRIMARY KEY);\nDROP TABLE t' },
    "DO $$ BEGIN RAISE NOTICE 'a;b'; END $$;",
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END;',
  ],
  invalid: [
    {
      code: 'SELEC 1;',
      errors: [{ messageId: 'syntaxError', range: '0:0-0:5', message: 'syntax error at or near "SELEC"' }],
    },
    {
      name: 'every bad statement reports, good ones between do not',
      code: 'CREATE TABLE (id int);\nCREATE TABLE ok (id int);\nALTER TABLE ok ADD COLUMN;',
      errors: [
        { messageId: 'syntaxError', range: '0:13-0:14', message: 'syntax error at or near "("' },
        { messageId: 'syntaxError', range: '2:25-2:26', message: 'syntax error at or near ";"' },
      ],
    },
    {
      name: 'non-ASCII text before and inside the statement',
      code: "-- clé 🚀\nINSERT INTO t VALUES ('é🚀', 2 3);",
      errors: [{ messageId: 'syntaxError', range: '1:31-1:32', message: 'syntax error at or near "3"' }],
    },
    {
      name: 'end of input is zero-width at the end of the last statement',
      code: 'CREATE TABLE t (id int',
      errors: [{ messageId: 'syntaxError', range: '0:22-0:22', message: 'syntax error at end of input' }],
    },
    {
      name: 'unterminated string: from the quote to the end of the file',
      code: "SELECT 1;\nSELECT 'abc;\nSELECT 2;",
      errors: [{ messageId: 'syntaxError', range: '1:7-2:9', message: 'unterminated quoted string at or near "\'abc;\nSELECT 2;"' }],
    },
    {
      name: 'unterminated block comment after the last statement',
      code: 'SELECT 1;\n/* never closed',
      errors: [{ messageId: 'syntaxError', range: '1:0-1:15', message: 'unterminated /* comment at or near "/* never closed"' }],
    },
  ],
});
