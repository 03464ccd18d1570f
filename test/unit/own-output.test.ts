/**
 * Our own output passes our own checks. Every generator (generated downs, the backup copy, the
 * rules' safe rewrites, "Move to a new migration", "Validate in a new migration", the snippets)
 * writes its SQL into a folder with a real history, and `check` (every rule, default settings) runs
 * over the result. A finding is allowed only when it is inherent to what the SQL must do, and then
 * the generated text says so: a comment line right above the statement names the rule
 * (`-- Inherent to undoing the up, reported by <rule>: <why>.`). Anything else fails the test.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planBackupCopy } from '../../server/src/engine/actions/backup';
import { planDown } from '../../server/src/engine/actions/down-plan';
import { planMoveToOwnMigration } from '../../server/src/engine/actions/move-statement';
import { inherentRules } from '../../server/src/engine/actions/own-output';
import { analyzeFile } from '../../server/src/engine/analyze';
import { MemoryFileHost } from '../../server/src/engine/host';
import { parseSql } from '../../server/src/engine/parsing/parser';
import type { Finding } from '../../server/src/engine/rules/types';
import { validateLaterEdit } from '../../server/src/lsp/code-actions/validate-later';
import { applyEdits } from './rules/tester';
import { expandSnippet } from './snippets.test';
import { GENERATOR_HISTORY as HISTORY } from './fixtures/history';

const DIR = path.resolve('/virtual/own/migrations');
const p = (n: string): string => path.join(DIR, n);
const NOW = new Date(Date.UTC(2026, 2, 5, 9, 7, 3));


type Files = Record<string, string>;

function check(files: Files, name: string): Finding[] {
  const host = new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [p(n), t])));
  return analyzeFile({ filePath: p(name), text: files[name]!, host }).findings;
}

/**
 * The findings of `name` that its text does not explain: a finding is explained when one of the
 * comment lines right above its statement names its rule as inherent.
 */
function unexplained(files: Files, name: string, ignore: readonly string[] = []): string[] {
  const text = files[name]!;
  const parsed = parseSql(text);
  const lines = text.split(/\r?\n/);
  return check(files, name)
    .filter((f) => !ignore.includes(f.ruleId))
    .filter((f) => {
      const stmt = parsed.statements.find((s) => f.span.start >= s.span.start && f.span.start <= s.span.end);
      let line = parsed.lines.positionAt(stmt ? stmt.span.start : f.span.start).line - 1;
      while (line >= 0 && /^\s*--/.test(lines[line]!)) {
        if (inherentRules(lines[line]!).includes(f.ruleId)) return false;
        line--;
      }
      return true;
    })
    .map((f) => `${f.ruleId} ${f.range.start.line + 1}: ${f.message}`);
}

function memory(files: Files): MemoryFileHost {
  return new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [p(n), t])));
}

/** The generated down of `up` (named 000002_x.up.sql) after the history. */
function generatedDown(up: string, extra: Files = {}): { files: Files; down: string } {
  const files: Files = { ...HISTORY, ...extra, '000002_x.up.sql': up };
  const plan = planDown({ upPath: p('000002_x.up.sql'), upText: up, host: memory(files), useSchema: true });
  assert.ok(plan.ok && plan.plan.kind === 'file', plan.ok ? '' : plan.message);
  return { files: { ...files, '000002_x.down.sql': plan.plan.text }, down: plan.plan.text };
}

describe('own output: generated downs', () => {
  const CASES: { name: string; up: string; clean?: boolean; mentions?: string[] }[] = [
    {
      name: 'the issue\'s table and its index: the index goes with the table, no lock findings',
      up: 'CREATE TABLE notes (id bigint PRIMARY KEY, body text);\nCREATE INDEX notes_body_idx ON notes (body);\n',
      clean: true,
    },
    { name: 'a lone index on an existing table: DROP INDEX CONCURRENTLY (a one-statement file runs outside a transaction)', up: 'CREATE INDEX customers_email_idx ON customers (email);\n', clean: true },
    { name: 'a column added to an existing table: dropped with lock_timeout first', up: 'ALTER TABLE customers ADD COLUMN phone text;\n', clean: true },
    { name: 'an index dropped by the up comes back CONCURRENTLY when alone', up: 'DROP INDEX orders_note_idx;\n', clean: true },
    { name: 'a dropped column comes back (empty, said so), with lock_timeout', up: 'ALTER TABLE customers DROP COLUMN fax;\n', clean: true },
    { name: 'a rename is undone by the rename back', up: 'ALTER TABLE users RENAME COLUMN name TO full_name;\n', mentions: ['renaming-column'] },
    {
      name: 'a type widened by the up is narrowed back: inherent, and said so',
      up: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);\n',
      mentions: ['changing-column-type', 'narrowing-column-type'],
    },
    {
      name: 'two indexes dropped in one down: no CONCURRENTLY inside its transaction, said so',
      up: 'CREATE INDEX customers_email_idx ON customers (email);\nCREATE INDEX customers_status_idx ON customers (status);\n',
      mentions: ['require-concurrent-index-deletion'],
    },
    {
      name: 'a foreign key added NOT VALID and validated: dropped again with lock_timeout',
      up: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n',
      clean: true,
    },
    {
      name: 'a column and an index the up creates, and an existing index it drops',
      up: 'ALTER TABLE customers ADD COLUMN region text;\nCREATE INDEX customers_region_idx ON customers (region);\nDROP INDEX orders_note_idx;\n',
      mentions: ['require-concurrent-index-creation', 'require-concurrent-index-deletion'],
    },
  ];

  for (const c of CASES) {
    it(c.name, () => {
      const { files, down } = generatedDown(c.up);
      assert.deepEqual(unexplained(files, '000002_x.down.sql'), [], down);
      const found = check(files, '000002_x.down.sql').map((f) => f.ruleId);
      if (c.clean) assert.deepEqual(found, [], down);
      for (const rule of c.mentions ?? []) {
        if (found.includes(rule)) assert.match(down, new RegExp(`-- Inherent to undoing the up, reported by [a-z, -]*${rule}`), down);
      }
    });
  }

  it('the issue\'s example, exactly', () => {
    const { down } = generatedDown('CREATE TABLE notes (id bigint PRIMARY KEY, body text);\nCREATE INDEX notes_body_idx ON notes (body);\n');
    assert.equal(
      down,
      [
        '-- Down migration for 000002_x.up.sql, generated by Migration Guard: review it before use.',
        '',
        '-- Nothing to undo: CREATE INDEX notes_body_idx ON notes (body) only changes notes, which this migration creates',
        '',
        'DROP TABLE notes;',
        '',
      ].join('\n'),
    );
    assert.equal(generatedDown('CREATE INDEX customers_email_idx ON customers (email);\n').down.split('\n').slice(2).join('\n'), 'DROP INDEX CONCURRENTLY customers_email_idx;\n');
  });

  it('a rule turned off by the project is not worked around: no lock_timeout line without require-lock-timeout', () => {
    const files: Files = { ...HISTORY, '000002_x.up.sql': 'ALTER TABLE customers ADD COLUMN phone text;\n' };
    const plan = planDown({ upPath: p('000002_x.up.sql'), upText: files['000002_x.up.sql']!, host: memory(files), useSchema: true, options: { rules: { 'require-lock-timeout': 'off' } } });
    assert.ok(plan.ok && plan.plan.kind === 'file');
    assert.doesNotMatch(plan.plan.text, /lock_timeout/);
  });
});

describe('own output: the backup copy', () => {
  for (const [name, up, offset, rule] of [
    ['a dropped column', 'ALTER TABLE customers DROP COLUMN fax;\n', 0, 'ban-drop-column'],
    ['a dropped table', 'DROP TABLE users;\n', 0, 'ban-drop-table'],
  ] as const) {
    it(`${name}: the up draws no ${rule} any more, adds no finding, and the down it writes explains what it draws`, () => {
      const files: Files = { ...HISTORY, '000002_x.up.sql': up };
      const before = check(files, '000002_x.up.sql').map((f) => f.ruleId);
      assert.ok(before.includes(rule));
      const plan = planBackupCopy({ filePath: p('000002_x.up.sql'), text: up, host: memory(files), offset });
      assert.ok(plan.ok, plan.ok ? '' : plan.reason);
      const out: Files = { ...files, '000002_x.up.sql': applyEdits(up, plan.edits.filter((e) => e.path === p('000002_x.up.sql'))) };
      if (plan.create) out[path.basename(plan.create.path)] = plan.create.text;
      const after = check(out, '000002_x.up.sql').map((f) => f.ruleId);
      assert.deepEqual(after, before.filter((r) => r !== rule && r !== 'missing-down-migration'), out['000002_x.up.sql']);
      assert.deepEqual(unexplained(out, '000002_x.down.sql'), [], out['000002_x.down.sql']);
    });
  }
});

describe('own output: "Move to a new migration" and "Validate in a new migration"', () => {
  it('the moved CREATE INDEX CONCURRENTLY: its new pair draws nothing, and the old file no longer draws transaction-incompatible-statement', () => {
    const up = 'ALTER TABLE customers ADD COLUMN region text;\nCREATE INDEX CONCURRENTLY customers_region_idx ON customers (region);\n';
    const files: Files = { ...HISTORY, '000002_x.up.sql': up, '000002_x.down.sql': 'DROP INDEX CONCURRENTLY customers_region_idx;\nALTER TABLE customers DROP COLUMN region;\n' };
    assert.ok(check(files, '000002_x.up.sql').some((f) => f.ruleId === 'transaction-incompatible-statement'));
    const plan = planMoveToOwnMigration({ filePath: p('000002_x.up.sql'), text: up, host: memory(files), statementIndex: 1, now: NOW });
    assert.ok(plan.ok, plan.ok ? '' : plan.message);
    const out: Files = { ...files, [plan.newUp.fileName]: plan.newUp.text, [plan.newDown.fileName]: plan.newDown.text, '000002_x.up.sql': applyEdits(up, plan.editOfCurrentFile) };
    if (plan.counterpart) out[plan.counterpart.fileName] = applyEdits(files[plan.counterpart.fileName]!, plan.counterpart.edits);
    assert.deepEqual(unexplained(out, plan.newUp.fileName), [], plan.newUp.text);
    assert.deepEqual(unexplained(out, plan.newDown.fileName), [], plan.newDown.text);
    assert.deepEqual(check(out, '000002_x.up.sql').map((f) => f.ruleId).filter((r) => r === 'transaction-incompatible-statement'), []);
  });

  it('the validation pair of a constraint added NOT VALID draws nothing', () => {
    const up = 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n';
    const files: Files = { ...HISTORY, '000002_x.up.sql': up, '000002_x.down.sql': "SET lock_timeout = '5s';\nALTER TABLE orders DROP CONSTRAINT orders_customer_fk;\n" };
    const r = validateLaterEdit({ filePath: p('000002_x.up.sql'), text: up, host: memory(files), statementIndex: 0, openVersion: () => undefined, now: NOW });
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    const out: Files = { ...files };
    for (const c of r.edit.documentChanges ?? []) {
      if (!('textDocument' in c)) continue;
      const name = path.basename(new URL(c.textDocument.uri).pathname);
      const text = out[name] ?? '';
      const lines = text.split('\n');
      const offset = (pos: { line: number; character: number }): number => lines.slice(0, pos.line).reduce((n, l) => n + l.length + 1, 0) + pos.character;
      out[name] = applyEdits(text, c.edits.map((e) => ({ span: { start: offset(e.range.start), end: offset(e.range.end) }, newText: 'newText' in e ? e.newText : '' })));
    }
    const created = Object.keys(out).filter((n) => !(n in files));
    assert.equal(created.length, 2);
    for (const name of created) assert.deepEqual(unexplained(out, name), [], out[name]);
    assert.deepEqual(check(out, '000002_x.up.sql').map((f) => f.ruleId).filter((x) => x === 'constraint-missing-not-valid'), []);
  });
});

describe('own output: the snippets', () => {
  const snippets = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'snippets', 'sql.json'), 'utf8')) as Record<string, { prefix: string; body: string[] }>;
  for (const [name, s] of Object.entries(snippets)) {
    it(`${s.prefix} (${name}), expanded with its defaults into a migration of its own, draws no finding`, () => {
      const sql = expandSnippet(s.body.join('\n'));
      const files: Files = { ...HISTORY, '000002_x.up.sql': sql, '000002_x.down.sql': '-- nothing to undo in this test\n' };
      assert.deepEqual(unexplained(files, '000002_x.up.sql'), [], sql);
    });
  }
});

describe('own output: the rules\' safe rewrites', () => {
  /**
   * [rule, SQL, findings the rewrite may add, why]. A rewrite that needs a second migration says so
   * in its title and leaves the finding whose own quick fix does that step.
   */
  const CASES: [string, string, string[], string][] = [
    ['adding-not-nullable-field', 'ALTER TABLE customers ALTER COLUMN status SET NOT NULL;', [], ''],
    ['ban-drop-cascade', 'DROP TABLE users CASCADE;', [], ''],
    ['ban-uncommitted-transaction', 'BEGIN;\nALTER TABLE customers ADD COLUMN a int;', [], ''],
    ['constraint-missing-not-valid', 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);', [], ''],
    [
      'disallowed-unique-constraint',
      'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);',
      ['transaction-incompatible-statement'],
      'the unique index is built CONCURRENTLY, which needs a migration of its own: the title says so, and "Move to a new migration" does it',
    ],
    ['renaming-column', 'ALTER TABLE users RENAME COLUMN name TO full_name;', [], ''],
    ['renaming-table', 'ALTER TABLE users RENAME TO people;', [], ''],
    ['require-concurrent-index-creation', 'CREATE INDEX customers_email_idx ON customers (email);', [], ''],
    [
      'require-concurrent-index-creation',
      'ALTER TABLE customers ADD COLUMN b int;\nCREATE INDEX customers_email_idx ON customers (email);',
      ['transaction-incompatible-statement'],
      'CONCURRENTLY beside another statement: the title says to move it, and "Move to a new migration" does it',
    ],
    ['require-concurrent-index-deletion', 'DROP INDEX orders_note_idx;', [], ''],
    ['require-concurrent-reindex', 'REINDEX INDEX orders_note_idx;', [], ''],
    ['require-lock-timeout', 'ALTER TABLE customers ADD COLUMN c int;', [], ''],
    ['transaction-nesting', 'BEGIN;\nALTER TABLE customers ADD COLUMN d int;', [], ''],
  ];
  for (const [rule, sql, allowed, why] of CASES) {
    it(`${rule}: ${sql.split('\n').pop()}${allowed.length > 0 ? ` (adds only ${allowed.join(', ')}: ${why})` : ' adds no finding'}`, () => {
      const files: Files = { ...HISTORY, '000002_x.up.sql': `${sql}\n`, '000002_x.down.sql': '-- nothing to undo in this test\n' };
      const before = check(files, '000002_x.up.sql');
      let text = files['000002_x.up.sql']!;
      const fixes = before.filter((f) => f.ruleId === rule && f.fix);
      assert.ok(fixes.length > 0, `${rule} offers a fix`);
      text = applyEdits(text, fixes.flatMap((f) => f.fix!.edits));
      const after = check({ ...files, '000002_x.up.sql': text }, '000002_x.up.sql').map((f) => f.ruleId);
      const added = after.filter((r) => !before.some((f) => f.ruleId === r));
      assert.deepEqual(added, allowed, text);
      assert.equal(after.includes(rule), false, text);
    });
  }
});
