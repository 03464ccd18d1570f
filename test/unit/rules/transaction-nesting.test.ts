import * as assert from 'node:assert/strict';
import { isValidSql } from '../../../server/src/engine/parsing/parser';
import { transactionNesting as rule } from '../../../server/src/engine/rules/all/transaction-nesting';
import { applyEdits, runRule, ruleTester } from './tester';

ruleTester(rule, {
  valid: [
    'CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);',
    "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$;\nSELECT 1;",
    'CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; END;',
    "DO $$ BEGIN PERFORM 1; END $$;",
    '',
    { name: 'START TRANSACTION with options first, END last, CRLF, indented: the author chose the isolation level', code: 'START TRANSACTION ISOLATION LEVEL SERIALIZABLE;\r\nALTER TABLE t ADD COLUMN a int;\r\n  END TRANSACTION;' },
    { name: 'BEGIN first and COMMIT last: the transaction golang-migrate\'s one query runs in anyway', code: '-- header\nbegin;\nCREATE TABLE t (id int);\nSAVEPOINT s;\nCREATE INDEX i ON t (id);\ncommit;\n' },
  ],
  invalid: [
    {
      name: 'BEGIN at the top without its COMMIT at the end: redundant, removed by the fix',
      code: 'BEGIN;\nCREATE TABLE t (id int);\n',
      errors: [
        {
          messageId: 'begin',
          range: '0:0-0:5',
          message: 'golang-migrate already runs this file as one transaction: BEGIN is redundant, and it lets a later COMMIT end the migration half way.',
        },
      ],
      output: 'CREATE TABLE t (id int);\n',
    },
    {
      name: 'COMMIT in the middle commits half the migration (no fix: splitting is a new migration)',
      code: 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n',
      errors: [
        { messageId: 'begin', range: '0:0-0:5' },
        {
          messageId: 'commitMidway',
          range: '2:0-2:6',
          message:
            'COMMIT commits the statements before it on its own: if a statement after it fails, the migration stops half applied and golang-migrate marks the database dirty.',
        },
      ],
      output: 'CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n',
    },
    {
      name: 'COMMIT AND CHAIN at the end is not redundant: it starts another transaction',
      code: 'SELECT 1;\nCOMMIT AND CHAIN;',
      errors: [{ messageId: 'commitMidway', range: '1:0-1:16', message: 'COMMIT AND CHAIN commits the statements before it on its own: if a statement after it fails, the migration stops half applied and golang-migrate marks the database dirty.' }],
      output: 'SELECT 1;\nCOMMIT AND CHAIN;',
    },
    {
      name: 'ROLLBACK and ABORT undo the statements before them, silently',
      code: 'UPDATE t SET a = 1 WHERE id = 1;\nROLLBACK;\nabort;',
      errors: [
        { messageId: 'rollback', range: '1:0-1:8', message: 'ROLLBACK silently undoes every statement before it, yet golang-migrate records the migration as applied.' },
        { messageId: 'rollback', range: '2:0-2:5', message: 'ABORT silently undoes every statement before it, yet golang-migrate records the migration as applied.' },
      ],
    },
    {
      name: 'SAVEPOINT, RELEASE and ROLLBACK TO without BEGIN are refused',
      code: 'SAVEPOINT a;\nSELECT 1;\nROLLBACK TO SAVEPOINT a;\nRELEASE a;',
      errors: [
        { messageId: 'savepoint', range: '0:0-0:11', message: 'SAVEPOINT is refused outside a transaction block that BEGIN started: the migration fails at deploy time.' },
        { messageId: 'savepoint', range: '2:0-2:23', message: 'ROLLBACK TO SAVEPOINT is refused outside a transaction block that BEGIN started: the migration fails at deploy time.' },
        { messageId: 'savepoint', range: '3:0-3:9' },
      ],
    },
    {
      name: 'a SAVEPOINT after BEGIN is fine; BEGIN on the same line as another statement keeps that statement',
      code: 'SELECT 1; BEGIN;\nSAVEPOINT a;\nSELECT 2;',
      errors: [{ messageId: 'begin', range: '0:10-0:15' }],
      output: 'SELECT 1;\nSAVEPOINT a;\nSELECT 2;',
    },
    {
      name: 'after a syntax error and non-ASCII text',
      code: '-- Änderung 🚀\nCREATE TABL x;\nBEGIN;\nSELECT 1;',
      errors: [{ messageId: 'begin', range: '2:0-2:5' }],
      output: '-- Änderung 🚀\nCREATE TABL x;\nSELECT 1;',
    },
  ],
});

describe('transaction-nesting: the fix', () => {
  it('the fixed file parses and the rule no longer fires on it', () => {
    const code = 'BEGIN;\nCREATE TABLE t (id int);\nCREATE INDEX i ON t (id);\n';
    const found = runRule(rule, { code });
    assert.equal(found.length, 1);
    const fixed = applyEdits(code, found.flatMap((f) => f.fix?.edits ?? []));
    assert.ok(isValidSql(fixed));
    assert.deepEqual(runRule(rule, { code: fixed }), []);
  });
});

describe('transaction-nesting under other conventions', () => {
  it('goose: inside its transaction BEGIN is reported, the last COMMIT of each section is the section\'s own end', () => {
    const code = '-- +goose Up\nBEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n-- +goose Down\nDROP TABLE t;\n';
    assert.deepEqual(runRule(rule, { code, fileName: '00003_t.sql' }).map((f) => `${f.messageId} ${f.range.start.line}`), ['begin 1', 'commitAtEnd 3']);
  });

  it('goose NO TRANSACTION: BEGIN ... COMMIT is how the author groups statements; SAVEPOINT in a tool transaction works', () => {
    const off = '-- +goose NO TRANSACTION\n-- +goose Up\nBEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (id);\n';
    assert.deepEqual(runRule(rule, { code: off, fileName: '00003_t.sql' }), []);
    const savepoint = '-- +goose Up\nSAVEPOINT a;\nSELECT 1;\nRELEASE a;\n';
    assert.deepEqual(runRule(rule, { code: savepoint, fileName: '00003_t.sql' }), []);
  });
});
