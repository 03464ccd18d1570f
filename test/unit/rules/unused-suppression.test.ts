import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { unusedSuppression } from '../../../server/src/engine/rules/all/unused-suppression';
import { formatRange, ruleTester } from './tester';

ruleTester(unusedSuppression, {
  valid: [
    { name: 'a suppression that silences its statement', code: '-- migration-guard-ignore ban-drop-table -- unused since 4.2\nDROP TABLE legacy;' },
    { name: 'a file suppression that silences two statements', code: 'DROP TABLE a;\n-- migration-guard-ignore-file ban-drop-table\nDROP TABLE b;' },
    { name: 'a file and a line suppression of the same finding are both used', code: '-- migration-guard-ignore-file ban-truncate\n-- migration-guard-ignore ban-truncate\nTRUNCATE t;' },
    { name: 'plain comments are not suppressions', code: '-- drop the migration-guard-ignore comments later\nCREATE TABLE a (id int);' },
    { name: 'suppressing unused-suppression itself is never judged', code: '-- migration-guard-ignore-file unused-suppression\nCREATE TABLE a (id int);' },
    { name: 'the file suppression of unused-suppression silences the others', code: '-- migration-guard-ignore-file unused-suppression\n-- migration-guard-ignore ban-truncate\nCREATE TABLE a (id int);' },
    { name: 'a suppression of a file rule that fires (missing down migration)', code: '-- migration-guard-ignore-file missing-down-migration\nCREATE TABLE a (id int);', fileName: '000002_a.up.sql' },
    '',
  ],
  invalid: [
    {
      name: 'the statement below has no finding of the rule',
      code: '-- migration-guard-ignore ban-drop-table\nCREATE TABLE t (id int);',
      errors: [{ messageId: 'unused', range: '0:26-0:40', message: 'This suppression of ban-drop-table silences nothing: there is no ban-drop-table finding on the next statement. Remove it.' }],
    },
    {
      name: 'one of two listed rules silenced nothing: only that id is reported',
      code: '-- migration-guard-ignore ban-drop-table, ban-truncate -- cleanup\nDROP TABLE t;',
      errors: [{ messageId: 'unused', range: '0:42-0:54' }],
    },
    {
      name: 'a line suppression covers only the next statement, not a later one',
      code: '-- migration-guard-ignore ban-drop-table\nCREATE TABLE a (id int);\nDROP TABLE b;',
      errors: [{ messageId: 'unused', range: '0:26-0:40' }],
    },
    {
      name: 'a file suppression that silenced nothing',
      code: 'CREATE TABLE a (id int);\n-- migration-guard-ignore-file ban-truncate -- not needed any more\n',
      errors: [{ messageId: 'unused', range: '1:31-1:43', message: 'This suppression of ban-truncate silences nothing: there is no ban-truncate finding in this file. Remove it.' }],
    },
    {
      name: 'an unknown rule id, with a suggestion',
      code: '-- migration-guard-ignore ban-drop-tabel\nDROP TABLE t;',
      errors: [{ messageId: 'unknownRule', range: '0:26-0:40', message: 'Unknown rule "ban-drop-tabel" in a suppression comment. Did you mean "ban-drop-table"?' }],
    },
    {
      name: 'an unknown rule id without anything close',
      code: '-- migration-guard-ignore-file squawk:prefer-robust-stmts\nCREATE TABLE a (id int);',
      errors: [{ messageId: 'unknownRule', range: '0:31-0:57', message: 'Unknown rule "squawk:prefer-robust-stmts" in a suppression comment.' }],
    },
    {
      name: 'a suppression that names no rule: the whole comment',
      code: '  -- migration-guard-ignore -- no list\nDROP TABLE t;',
      errors: [{ messageId: 'noRules', range: '0:2-0:38', message: 'This suppression comment names no rule, so it silences nothing: write the rule ids after `-- migration-guard-ignore`.' }],
    },
    {
      name: 'UTF-16 columns after non-ASCII text, CRLF line breaks',
      code: '-- é 🚀\r\n  -- migration-guard-ignore ban-truncate\r\nCREATE TABLE a (id int);',
      errors: [{ messageId: 'unused', range: '1:28-1:40' }],
    },
    {
      name: 'in a down file, dropping what the up created is not a finding: the suppression is unused',
      fileName: '000001_test.down.sql',
      files: { '000001_test.up.sql': 'CREATE TABLE users (id int);' },
      code: '-- migration-guard-ignore ban-drop-table\nDROP TABLE users;',
      errors: [{ messageId: 'unused', range: '0:26-0:40' }],
    },
  ],
});

describe('unused-suppression with every rule and the project settings', () => {
  const dir = path.resolve('/virtual/suppress/migrations');
  const file = path.join(dir, '000001_a.up.sql');
  /** Every rule runs; the findings of the rules these tests are about. */
  const analyze = (text: string, rules?: Record<string, 'off' | 'error' | 'warning' | 'info' | 'hint'>) =>
    analyzeFile({ filePath: file, text, host: new MemoryFileHost({ [file]: text, [path.join(dir, '000001_a.down.sql')]: '' }), ...(rules ? { rules } : {}) })
      .findings.filter((f) => ['unused-suppression', 'ban-drop-table', 'ban-truncate'].includes(f.ruleId))
      .map((f) => `${f.ruleId} ${f.severity} ${formatRange(f)}`);

  it('runs after every rule: a used suppression silences, an unused one is reported with its severity', () => {
    const text = '-- migration-guard-ignore ban-drop-table\nDROP TABLE a;\n-- migration-guard-ignore ban-truncate\nDROP TABLE b;';
    assert.deepEqual(analyze(text), ['unused-suppression warning 2:26-2:38', 'ban-drop-table warning 3:0-3:12']);
    assert.deepEqual(analyze(text, { 'unused-suppression': 'error' }), ['unused-suppression error 2:26-2:38', 'ban-drop-table warning 3:0-3:12']);
  });

  // Found by fuzzing (issue 14): the "did you mean" search compared the whole unknown id with every
  // rule id (an edit-distance table of its length × theirs): 20,000 characters cost 2.4 s per check.
  // A million would take minutes and gigabytes; candidates whose length is too far off are skipped.
  it('an unknown rule id of a million characters is reported at its exact range, without a suggestion', () => {
    const id = 'x'.repeat(1_000_000);
    const text = `DELETE FROM users; -- migration-guard-ignore ${id}\nDELETE FROM users;`;
    assert.deepEqual(analyze(text), [`unused-suppression warning 0:45-0:${45 + id.length}`]);
    const finding = analyzeFile({ filePath: file, text, host: new MemoryFileHost({ [file]: text }) }).findings.find((f) => f.ruleId === 'unused-suppression');
    assert.equal(finding?.message, `Unknown rule "${id}" in a suppression comment.`);
  });

  it('is not reported when off, and does not judge a rule that is off', () => {
    const text = '-- migration-guard-ignore ban-truncate\nCREATE TABLE a (id int);';
    assert.deepEqual(analyze(text), ['unused-suppression warning 0:26-0:38']);
    assert.deepEqual(analyze(text, { 'unused-suppression': 'off' }), []);
    assert.deepEqual(analyze(text, { 'ban-truncate': 'off' }), []);
  });
});
