import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import type { RuleSetting } from '../../../server/src/engine/config';
import { downDropsForeignObject as rule } from '../../../server/src/engine/rules/all/down-drops-foreign-object';
import { formatRange, ruleTester } from './tester';

const UP = '000007_orders.up.sql';
const DOWN = '000007_orders.down.sql';
const up = 'CREATE SCHEMA billing;\nCREATE TABLE orders (id bigint);\nALTER TABLE users ADD COLUMN plan text;\nCREATE TABLE archive AS SELECT 1 AS x;';

ruleTester(rule, {
  valid: [
    // A down without an up is orphan-down-migration's finding; its drops are judged like any file's.
    { name: 'a down without an up', fileName: '000009_x.down.sql', code: 'DROP TABLE t;' },
    { name: 'in an up file, nothing', fileName: UP, code: 'DROP TABLE users;' },
    { name: 'a file that is not a migration', fileName: 'cleanup.sql', code: 'DROP TABLE users;' },
    {
      name: 'dropping what the up created',
      fileName: DOWN,
      files: { [UP]: up },
      code: 'TRUNCATE orders;\nALTER TABLE users DROP COLUMN plan;\nDROP TABLE IF EXISTS orders, archive;\nDROP SCHEMA billing;',
    },
    {
      name: 'columns of a table the up created',
      fileName: DOWN,
      files: { [UP]: up },
      code: 'ALTER TABLE orders DROP COLUMN id;',
    },
    {
      name: 'what the down itself created earlier',
      fileName: DOWN,
      files: { [UP]: up },
      code: 'CREATE TABLE tmp (id int);\nALTER TABLE tmp DROP COLUMN id;\nTRUNCATE tmp;\nDROP TABLE tmp;',
    },
    { name: 'other drops', fileName: DOWN, files: { [UP]: up }, code: 'DROP INDEX users_plan_idx;\nDROP VIEW v;' },
    { fileName: DOWN, files: { [UP]: up }, code: '' },
    {
      name: 'copy and swap of a column: its values go into the column that takes its name',
      fileName: DOWN,
      files: { [UP]: up },
      code: 'ALTER TABLE users ADD COLUMN bio_new text;\nUPDATE users SET (bio_new) = (bio);\nALTER TABLE users DROP COLUMN bio;\nALTER TABLE users RENAME COLUMN bio_new TO bio;',
    },
    {
      name: 'split parts: DROP TABLE IF EXISTS of what a later part creates does nothing (unexpected-down-statement says so)',
      fileName: '000001_a.down.sql',
      files: { '000001_a.up.sql': 'CREATE TABLE a (id int);', '000002_b.up.sql': 'CREATE TABLE b (id int);', '000002_b.down.sql': 'DROP TABLE a;' },
      code: 'DROP TABLE IF EXISTS b;',
    },
  ],
  invalid: [
    {
      name: 'a copy that skips rows (WHERE), or no rename back, is no copy and swap',
      fileName: DOWN,
      files: { [UP]: up },
      code: 'ALTER TABLE users ADD COLUMN bio_new text, ADD COLUMN nick_new text;\nUPDATE users SET bio_new = bio WHERE id > 10;\nUPDATE users SET nick_new = nick;\nALTER TABLE users DROP COLUMN bio, DROP COLUMN nick;\nALTER TABLE users RENAME COLUMN bio_new TO bio;',
      errors: [
        { messageId: 'dropColumn', range: '3:18-3:33' },
        { messageId: 'dropColumn', range: '3:35-3:51' },
      ],
    },
    {
      name: 'a table the up did not create',
      fileName: DOWN,
      files: { [UP]: up },
      code: 'DROP TABLE orders, users;',
      errors: [
        {
          messageId: 'dropTable',
          range: '0:0-0:24',
          message: 'This down migration drops table users, which its up migration did not create: rolling back destroys data the migration never owned.',
        },
      ],
    },
    {
      name: 'a column the up did not add; the range is the subcommand',
      fileName: DOWN,
      files: { [UP]: up },
      code: '-- zurück 🚀\nALTER TABLE users DROP COLUMN plan, DROP COLUMN "E-Mail";',
      errors: [
        {
          messageId: 'dropColumn',
          range: '1:36-1:56',
          message: 'This down migration drops column users."E-Mail", which its up migration did not add: rolling back destroys data the migration never owned.',
        },
      ],
    },
    {
      name: 'TRUNCATE and DROP SCHEMA',
      fileName: DOWN,
      files: { [UP]: up },
      code: 'TRUNCATE app.users, orders CASCADE;\nDROP SCHEMA IF EXISTS reporting CASCADE;',
      errors: [
        { messageId: 'truncate', range: '0:0-0:34', message: 'This down migration empties app.users, which its up migration did not create: rolling back destroys data the migration never owned.' },
        { messageId: 'dropSchema', range: '1:0-1:39', message: 'This down migration drops schema reporting, which its up migration did not create: rolling back destroys everything in it.' },
      ],
    },
    {
      name: 'split parts: a later part creates the table, so the drop fails instead of losing data',
      fileName: '000001_a.down.sql',
      files: { '000001_a.up.sql': 'CREATE TABLE a (id int);', '000002_b.up.sql': '-- the next part\nCREATE TABLE b (id int);', '000002_b.down.sql': 'DROP TABLE a;' },
      code: 'DROP TABLE b;',
      errors: [
        {
          messageId: 'missing',
          range: '0:0-0:12',
          message: 'This down migration drops table b, which does not exist once its up migration has run (000002_b.up.sql creates it later): rolling back this version alone fails here. Is this the down of another migration?',
        },
      ],
    },
    {
      name: 'split parts: a later part adds the column; the range is the statement',
      fileName: '000002_b.down.sql',
      files: { '000001_a.up.sql': 'CREATE TABLE a (id int);', '000002_b.up.sql': 'CREATE INDEX a_id ON a (id);', '000003_c.up.sql': 'ALTER TABLE a ADD COLUMN note text;' },
      code: 'DROP INDEX a_id;\nALTER TABLE a DROP COLUMN note;',
      errors: [
        {
          messageId: 'missing',
          range: '1:0-1:30',
          message: 'This down migration drops column a.note, which does not exist once its up migration has run (000003_c.up.sql creates it later): rolling back this version alone fails here. Is this the down of another migration?',
        },
      ],
    },
    {
      name: 'no later migration proves the table absent (never created, or created IF NOT EXISTS): it may predate the folder, so dropping it loses data',
      fileName: '000001_a.down.sql',
      files: { '000001_a.up.sql': 'CREATE TABLE a (id int);', '000002_b.up.sql': 'CREATE TABLE IF NOT EXISTS b (id int);' },
      code: 'DROP TABLE b;\nDROP TABLE c;',
      errors: [
        { messageId: 'dropTable', range: '0:0-0:12' },
        { messageId: 'dropTable', range: '1:0-1:12' },
      ],
    },
    {
      name: 'goose: the down section owns what the up section of the same file created',
      fileName: '00007_orders.sql',
      code: '-- +goose Up\nCREATE TABLE orders (id bigint);\nDROP TABLE legacy;\n\n-- +goose Down\nDROP TABLE orders;\nDROP TABLE users;\n',
      errors: [{ messageId: 'dropTable', range: '6:0-6:16' }],
    },
  ],
});

describe('down-drops-foreign-object beside unexpected-down-statement: one finding per statement', () => {
  const DIR = path.resolve('/virtual/migrations');
  // Parts of one migration split in two, with the downs shifted by one (as ory's popx folders are).
  const files = {
    [path.join(DIR, '000001_a.up.sql')]: 'CREATE TABLE a (id int);',
    [path.join(DIR, '000002_b.up.sql')]: 'CREATE TABLE b (id int);',
    [path.join(DIR, '000002_b.down.sql')]: 'DROP TABLE a;',
  };
  const DOWN = path.join(DIR, '000001_a.down.sql');
  const check = (text: string, rules: Record<string, RuleSetting> = {}): string[] =>
    analyzeFile({ filePath: DOWN, text, host: new MemoryFileHost({ ...files, [DOWN]: text }), rules: { 'require-lock-timeout': 'off', ...rules } })
      .findings.filter((f) => f.ruleId === 'down-drops-foreign-object' || f.ruleId === 'unexpected-down-statement' || f.ruleId === 'missing-inverse')
      .map((f) => `${f.ruleId} ${formatRange(f)}`);

  it('the drop of what a later part creates: this rule says the rollback fails; unexpected-down-statement gives way on the same statement', () => {
    assert.deepEqual(check('DROP TABLE b;'), ['down-drops-foreign-object 0:0-0:12']);
  });

  it('with this rule off, unexpected-down-statement reports the statement again', () => {
    assert.deepEqual(check('DROP TABLE b;', { 'down-drops-foreign-object': 'off' }), ['unexpected-down-statement 0:0-0:12']);
  });

  it('with IF EXISTS nothing fails and nothing is lost: unexpected-down-statement alone says the statement undoes nothing', () => {
    assert.deepEqual(check('DROP TABLE IF EXISTS b;'), ['unexpected-down-statement 0:0-0:22']);
  });
});
