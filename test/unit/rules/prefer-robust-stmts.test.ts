import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { preferRobustStmts as rule } from '../../../server/src/engine/rules/all/prefer-robust-stmts';
import { applyEdits, runRule, ruleTester, type InvalidCase } from './tester';

const GOOSE = '00002_x.sql';
const noTx = (body: string): string => `-- +goose NO TRANSACTION\n-- +goose Up\n${body}`;

const invalid: InvalidCase[] = [
  {
    name: 'CREATE TABLE, CREATE INDEX, ADD COLUMN, DROP ... outside a transaction; the fix adds the clause',
    fileName: GOOSE,
    code: noTx('CREATE TABLE t (id int);\nCREATE UNIQUE INDEX t_id ON t (id);\nALTER TABLE u ADD COLUMN a int, DROP COLUMN b;\nDROP TABLE old;\nDROP INDEX CONCURRENTLY old_idx;'),
    errors: [
      { messageId: 'create', range: '2:0-2:23', message: 'CREATE TABLE without IF NOT EXISTS runs outside a transaction: if a later statement fails, this one stays applied and the rerun of the migration fails here.' },
      { messageId: 'create', range: '3:0-3:34' },
      { messageId: 'create', range: '4:14-4:30' },
      { messageId: 'drop', range: '4:32-4:45', message: 'DROP COLUMN without IF EXISTS runs outside a transaction: if a later statement fails, this one stays applied and the rerun of the migration fails here.' },
      { messageId: 'drop', range: '5:0-5:14' },
      { messageId: 'drop', range: '6:0-6:31', message: 'DROP INDEX CONCURRENTLY without IF EXISTS runs outside a transaction: if a later statement fails, this one stays applied and the rerun of the migration fails here.' },
    ],
    output: noTx(
      'CREATE TABLE IF NOT EXISTS t (id int);\nCREATE UNIQUE INDEX IF NOT EXISTS t_id ON t (id);\nALTER TABLE u ADD COLUMN IF NOT EXISTS a int, DROP COLUMN IF EXISTS b;\nDROP TABLE IF EXISTS old;\nDROP INDEX CONCURRENTLY IF EXISTS old_idx;',
    ),
  },
  {
    name: 'CREATE INDEX CONCURRENTLY: drop a leftover INVALID index first',
    fileName: GOOSE,
    code: noTx('CREATE INDEX CONCURRENTLY t_a ON t (a);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_b ON t (b);'),
    errors: [
      {
        messageId: 'concurrent',
        range: '2:0-2:38',
        message:
          'CREATE INDEX CONCURRENTLY t_a runs outside a transaction: a failed build leaves an INVALID index behind, which makes the rerun fail (or, with IF NOT EXISTS, keeps it). Drop it first with DROP INDEX CONCURRENTLY IF EXISTS.',
      },
      { messageId: 'concurrent', range: '3:0-3:52' },
    ],
    output: noTx('DROP INDEX CONCURRENTLY IF EXISTS t_a;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nDROP INDEX CONCURRENTLY IF EXISTS t_b;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_b ON t (b);'),
  },
];

ruleTester(rule, {
  valid: [
    { name: 'in a transaction a failure undoes everything', fileName: GOOSE, code: '-- +goose Up\nCREATE TABLE t (id int);\nDROP TABLE old;' },
    { name: 'golang-migrate runs the file as one query', code: 'CREATE TABLE t (id int);\nDROP TABLE old;' },
    { name: 'one statement cannot be left half applied', fileName: GOOSE, code: noTx('CREATE INDEX CONCURRENTLY t_a ON t (a);') },
    { name: 'robust already', fileName: GOOSE, code: noTx('DROP INDEX CONCURRENTLY IF EXISTS t_a;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nCREATE TABLE IF NOT EXISTS t (id int);\nCREATE TEMP TABLE x (id int);') },
  ],
  invalid,
});

describe('prefer-robust-stmts: the fix', () => {
  it('the fixed text draws no finding of the rule', () => {
    for (const c of invalid) {
      const fixed = applyEdits(c.code, runRule(rule, c).flatMap((f) => f.fix?.edits ?? []));
      assert.deepEqual(runRule(rule, { ...c, code: fixed }), [], fixed);
    }
  });
});

describe('prefer-robust-stmts: own output', () => {
  it('the fixed section draws no finding of any rule that the original did not', () => {
    const dir = path.resolve('/virtual/migrations');
    const history = '-- +goose Up\nCREATE TABLE t (id int, a int);\nCREATE TABLE u (a int, b int);\nCREATE INDEX old_idx ON t (a);\n-- +goose Down\nDROP TABLE u;\nDROP TABLE t;\n';
    const run = (code: string) =>
      analyzeFile({ filePath: path.join(dir, GOOSE), text: code, host: new MemoryFileHost({ [path.join(dir, GOOSE)]: code, [path.join(dir, '00001_init.sql')]: history }) }).findings;
    const code = `${noTx('CREATE TABLE t2 (id int);\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nALTER TABLE u ADD COLUMN c int, DROP COLUMN b;\nDROP INDEX CONCURRENTLY old_idx;')}\n-- +goose Down\nSELECT 1;\n`;
    const before = run(code);
    const fixed = applyEdits(code, before.filter((f) => f.ruleId === rule.meta.id).flatMap((f) => f.fix?.edits ?? []));
    const rules = (list: { ruleId: string }[]): string[] => list.map((f) => f.ruleId).sort();
    assert.deepEqual(rules(run(fixed)), rules(before).filter((r) => r !== rule.meta.id));
  });
});
