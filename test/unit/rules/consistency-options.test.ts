/**
 * Up/down consistency for what ALTER SEQUENCE and ALTER FUNCTION set (parameters, OWNED BY,
 * attributes): the schema model holds them, so a down that sets them back is consistent, one that
 * forgets them or sets other values is not, and two spellings of one state compare equal.
 */
import { missingInverse } from '../../../server/src/engine/rules/all/missing-inverse';
import { unexpectedDownStatement } from '../../../server/src/engine/rules/all/unexpected-down-statement';
import { ruleTester } from './tester';

const INIT = {
  '000001_init.up.sql': [
    'CREATE TABLE invoices (no bigint);',
    'CREATE SEQUENCE invoice_no START 1000;',
    'CREATE FUNCTION add_one(i integer) RETURNS integer LANGUAGE sql AS $$ SELECT i + 1 $$;',
    "CREATE FUNCTION tagged() RETURNS int LANGUAGE sql STABLE SET search_path = public AS $$ SELECT 1 $$;",
  ].join('\n'),
  '000001_init.down.sql': 'DROP FUNCTION tagged();\nDROP FUNCTION add_one(integer);\nDROP SEQUENCE invoice_no;\nDROP TABLE invoices;',
};
const UP = '000002_x.up.sql';
const DOWN = '000002_x.down.sql';

ruleTester(missingInverse, {
  valid: [
    { name: 'ALTER SEQUENCE parameters set back in the down', fileName: UP, files: { ...INIT, [DOWN]: 'ALTER SEQUENCE invoice_no INCREMENT BY 1 CACHE 1;' }, code: 'ALTER SEQUENCE invoice_no INCREMENT BY 5 CACHE 20;' },
    { name: 'a default spelled out is the default (NO MAXVALUE = the type\'s bound)', fileName: UP, files: { ...INIT, [DOWN]: 'ALTER SEQUENCE invoice_no NO MAXVALUE;' }, code: 'ALTER SEQUENCE invoice_no MAXVALUE 5000;' },
    { name: 'RESTART changes the value, not a parameter: nothing for the model to miss', fileName: UP, files: { ...INIT, [DOWN]: 'SELECT 1;' }, code: 'ALTER SEQUENCE invoice_no RESTART WITH 5000;' },
    { name: 'OWNED BY undone with OWNED BY NONE', fileName: UP, files: { ...INIT, [DOWN]: 'ALTER SEQUENCE invoice_no OWNED BY NONE;' }, code: 'ALTER SEQUENCE invoice_no OWNED BY invoices.no;' },
    { name: 'ALTER FUNCTION attributes set back', fileName: UP, files: { ...INIT, [DOWN]: 'ALTER FUNCTION add_one(integer) VOLATILE SECURITY INVOKER RESET search_path;' }, code: 'ALTER FUNCTION add_one(integer) IMMUTABLE SECURITY DEFINER SET search_path = public;' },
    {
      name: 'ALTER FUNCTION undone by CREATE OR REPLACE with the old attributes',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer LANGUAGE sql AS $$ SELECT i + 1 $$;' },
      code: 'ALTER FUNCTION add_one(integer) STABLE;',
    },
    { name: 'RESET ALL undone by setting the setting again', fileName: UP, files: { ...INIT, [DOWN]: "ALTER FUNCTION tagged() SET search_path TO 'public';" }, code: 'ALTER FUNCTION tagged() RESET ALL;' },
  ],
  invalid: [
    {
      name: 'ALTER SEQUENCE the down forgets',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'SELECT 1;' },
      code: 'ALTER SEQUENCE invoice_no INCREMENT BY 5;',
      errors: [{ messageId: 'notUndone', range: '0:0-0:40', message: 'The down migration does not undo this statement: sequence invoice_no is not restored as it was.' }],
    },
    {
      name: 'ALTER SEQUENCE set back to another value',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'ALTER SEQUENCE invoice_no CACHE 10;' },
      code: 'ALTER SEQUENCE invoice_no CACHE 20;',
      errors: [{ messageId: 'notUndone', range: '0:0-0:34', message: 'The down migration does not undo this statement: sequence invoice_no is not restored as it was.' }],
    },
    {
      name: 'ALTER FUNCTION the down forgets',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'SELECT 1;' },
      code: 'ALTER FUNCTION add_one(integer) SECURITY DEFINER;',
      errors: [{ messageId: 'notUndone', range: '0:0-0:48', message: 'The down migration does not undo this statement: function add_one(integer) is not restored as it was.' }],
    },
    {
      name: 'ALTER FUNCTION half undone',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'ALTER FUNCTION add_one(integer) VOLATILE;' },
      code: 'ALTER FUNCTION add_one(integer) IMMUTABLE STRICT;',
      errors: [{ messageId: 'notUndone', range: '0:0-0:48', message: 'The down migration does not undo this statement: function add_one(integer) is not restored as it was.' }],
    },
  ],
});

ruleTester(unexpectedDownStatement, {
  valid: [{ name: 'a down that sets the sequence back changes what the up changed', fileName: DOWN, files: { ...INIT, [UP]: 'ALTER SEQUENCE invoice_no CACHE 20;' }, code: 'ALTER SEQUENCE invoice_no CACHE 1;' }],
  invalid: [],
});
