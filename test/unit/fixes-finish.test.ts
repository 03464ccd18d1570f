/**
 * Fixes finish the job: every quick fix the server offers, applied to the files (its WorkspaceEdit,
 * or the edit its command carries), re-parsed and re-checked, leaves no finding of its rule where it
 * was. Also: the order (the most severe finding's fixes first), titles that name the object, one
 * disable action per rule and scope, none for syntax-error. Code actions are computed from the
 * diagnostics alone, as the server's are.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, WorkspaceEdit } from 'vscode-languageserver';
import { analyzeFile } from '../../server/src/engine/analyze';
import { configOptions, ConfigResolver } from '../../server/src/engine/config-file';
import { MemoryFileHost } from '../../server/src/engine/host';
import { parseSql } from '../../server/src/engine/parsing/parser';
import { Workspace } from '../../server/src/engine/project/workspace';
import { RULES } from '../../server/src/engine/rules/registry';
import { LineIndex } from '../../server/src/engine/text';
import { codeActionsFor } from '../../server/src/lsp/code-actions/index';
import { textFingerprint, toDiagnostic } from '../../server/src/lsp/diagnostics';
import { pathToUri, uriToPath } from '../../server/src/lsp/uri';
import { GENERATOR_HISTORY as HISTORY } from './fixtures/history';

const ROOT = path.resolve('/virtual/project');
const DIR = path.join(ROOT, 'db', 'migrations');
const p = (n: string): string => path.join(DIR, n);
type Files = Record<string, string>;


/** Files by absolute path: `name` is relative to the migrations folder, or absolute. */
const abs = (files: Files): Record<string, string> => Object.fromEntries(Object.entries(files).map(([n, t]) => [path.isAbsolute(n) ? n : p(n), t]));

function findings(all: Record<string, string>, filePath: string) {
  const host = new MemoryFileHost(all);
  const config = new ConfigResolver(host, RULES.map((r) => r.meta.id)).forFile(filePath);
  return analyzeFile({ ...configOptions(config), filePath, text: all[filePath]!, host }).findings;
}

function actions(all: Record<string, string>, filePath: string, select: (d: Diagnostic) => boolean = () => true): CodeAction[] {
  const host = new MemoryFileHost(all);
  const workspace = new Workspace(host);
  const config = new ConfigResolver(host, RULES.map((r) => r.meta.id)).forFile(filePath);
  const diagnostics = findings(all, filePath).map((f) => toDiagnostic(f, textFingerprint(all[filePath]!))).filter(select);
  return codeActionsFor({
    doc: TextDocument.create(pathToUri(filePath), 'sql', 1, all[filePath]!),
    filePath,
    diagnostics,
    only: undefined,
    host,
    workspace,
    openVersion: () => undefined,
    canCreateFiles: true,
    canRenameFiles: true,
    log: (m) => assert.fail(m),
    options: {},
    project: {
      path: config?.path,
      text: config ? all[config.path] : undefined,
      version: undefined,
      newProjectPath: path.join(ROOT, '.migration-guard.json'),
      newBaselinePath: path.join(DIR, '.migration-guard.json'),
    },
  });
}

/** The WorkspaceEdit an action applies (its own, or the one its command carries). */
function editOf(a: CodeAction): WorkspaceEdit {
  if (a.edit) return a.edit;
  const arg = a.command?.arguments?.[0] as WorkspaceEdit | undefined;
  assert.ok(arg, `${a.title} carries an edit`);
  return arg;
}

function apply(all: Record<string, string>, edit: WorkspaceEdit): Record<string, string> {
  const out = { ...all };
  const textEdits = (filePath: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): void => {
    const text = out[filePath] ?? '';
    const lines = new LineIndex(text);
    let result = text;
    for (const e of [...edits].map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start)) {
      result = result.slice(0, e.start) + e.newText + result.slice(e.end);
    }
    out[filePath] = result;
  };
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) textEdits(uriToPath(uri)!, edits);
  for (const c of edit.documentChanges ?? []) {
    if ('kind' in c && c.kind === 'create') {
      const f = uriToPath(c.uri)!;
      assert.equal(out[f], undefined, `${f} is created, never overwritten`);
      out[f] = '';
    } else if ('kind' in c && c.kind === 'rename') {
      const from = uriToPath(c.oldUri)!;
      const to = uriToPath(c.newUri)!;
      assert.equal(out[to], undefined, `${to} is not overwritten`);
      out[to] = out[from]!;
      delete out[from];
    } else if ('textDocument' in c) textEdits(uriToPath(c.textDocument.uri)!, c.edits as never);
  }
  return out;
}

function action(list: CodeAction[], title: string | RegExp): CodeAction {
  const found = list.find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  assert.ok(found, `no action ${String(title)} among ${JSON.stringify(list.map((a) => a.title))}`);
  assert.equal(found.disabled, undefined, `${found.title} is enabled`);
  return found;
}

const ruleIds = (all: Record<string, string>, filePath: string): string[] => findings(all, filePath).map((f) => f.ruleId);

/** Applies the action and checks: the files still parse as before, the rule's finding is gone from `filePath`. */
function appliedAndGone(all: Record<string, string>, filePath: string, title: string | RegExp, ruleId: string, select?: (d: Diagnostic) => boolean): Record<string, string> {
  const before = ruleIds(all, filePath).filter((r) => r === ruleId).length;
  assert.ok(before > 0, `${ruleId} is reported before the fix`);
  const list = actions(all, filePath, select ?? ((d) => d.code === ruleId));
  const out = apply(all, editOf(action(list, title)));
  const target = out[filePath] !== undefined ? filePath : Object.keys(out).find((f) => !(f in all))!;
  for (const [f, t] of Object.entries(out)) if (/\.sql$/.test(f) && all[f] !== undefined) assert.ok(parseSql(t).errors.length <= parseSql(all[f]!).errors.length, `${f} still parses`);
  assert.deepEqual(ruleIds(out, target).filter((r) => r === ruleId), [], `${ruleId} is gone after "${String(title)}":\n${out[target]}`);
  return out;
}

describe('fixes finish the job', () => {
  it('"Rename to <name>" on a misnamed up and on its misnamed down; then nothing is misnamed or missing', () => {
    let all = abs({ ...HISTORY, '000002_add_fax_index_up.sql': 'CREATE INDEX customers_fax_idx ON customers (fax);\n', '000002_add_fax_index_down.sql': 'DROP INDEX customers_fax_idx;\n' });
    const up = p('000002_add_fax_index_up.sql');
    const upActions = actions(all, up, (d) => d.code === 'invalid-migration-filename');
    assert.deepEqual(upActions[0]?.title, 'Rename to 000002_add_fax_index.up.sql');
    assert.equal(upActions[0]?.isPreferred, true);
    all = appliedAndGone(all, up, 'Rename to 000002_add_fax_index.up.sql', 'invalid-migration-filename');
    const down = p('000002_add_fax_index_down.sql');
    all = appliedAndGone(all, down, 'Rename to 000002_add_fax_index.down.sql', 'invalid-migration-filename');
    assert.deepEqual(ruleIds(all, p('000002_add_fax_index.up.sql')), ['require-concurrent-index-creation']);
  });

  it('a misnamed down: the up offers the rename, never a second down beside it', () => {
    const all = abs({ ...HISTORY, '000002_x.up.sql': 'CREATE INDEX customers_fax_idx ON customers (fax);\n', '000002_x_down.sql': 'DROP INDEX customers_fax_idx;\n' });
    const list = actions(all, p('000002_x.up.sql'), (d) => d.code === 'missing-down-migration');
    assert.deepEqual(list.map((a) => a.title).filter((t) => /Generate|Rename/.test(t)), ['Rename 000002_x_down.sql to 000002_x.down.sql']);
    appliedAndGone(all, p('000002_x.up.sql'), 'Rename 000002_x_down.sql to 000002_x.down.sql', 'missing-down-migration');
  });

  it('"Generate <down file>" for a missing down, "Generate down migration into <down file>" for an empty one', () => {
    const missing = abs({ ...HISTORY, '000002_create_orders_archive.up.sql': 'CREATE TABLE orders_archive (id bigint PRIMARY KEY);\n' });
    appliedAndGone(missing, p('000002_create_orders_archive.up.sql'), 'Generate 000002_create_orders_archive.down.sql', 'missing-down-migration');
    const empty = abs({ ...HISTORY, '000002_x.up.sql': 'ALTER TABLE customers ADD COLUMN phone text;\n', '000002_x.down.sql': '' });
    const out = appliedAndGone(empty, p('000002_x.up.sql'), 'Generate down migration into 000002_x.down.sql', 'empty-down-migration');
    assert.equal(out[p('000002_x.down.sql')], "-- Down migration for 000002_x.up.sql, generated by Migration Guard: review it before use.\n\nSET lock_timeout = '5s';\nALTER TABLE customers DROP COLUMN phone;\n");
  });

  it('"Reorder the down" (down-order)', () => {
    const all = abs({ ...HISTORY, '000002_x.up.sql': 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int, a_id int REFERENCES a (id));\n', '000002_x.down.sql': 'DROP TABLE a;\nDROP TABLE b;\n' });
    appliedAndGone(all, p('000002_x.down.sql'), /^Reorder the down: drop table a after table b/, 'down-order');
  });

  it('"Back up customers.fax before dropping it": no ban-drop-column afterwards, and the down restores it', () => {
    const all = abs({ ...HISTORY, '000002_x.up.sql': 'ALTER TABLE customers DROP COLUMN fax;\n', '000002_x.down.sql': 'ALTER TABLE customers ADD COLUMN fax text;\n' });
    const list = actions(all, p('000002_x.up.sql'), (d) => d.code === 'ban-drop-column');
    const backup = action(list, 'Back up customers.fax before dropping it');
    // Applied by the client, which then shows the down it edited beside the up.
    assert.deepEqual(backup.command?.arguments?.slice(1), [pathToUri(p('000002_x.down.sql')), { beside: true, preserveFocus: true }]);
    const out = appliedAndGone(all, p('000002_x.up.sql'), 'Back up customers.fax before dropping it', 'ban-drop-column');
    assert.match(out[p('000002_x.down.sql')]!, /UPDATE customers SET fax = b.fax FROM customers_fax_backup_000002 AS b/);
  });

  it('"Back up table users before dropping it" (ban-drop-table)', () => {
    const all = abs({ ...HISTORY, '000002_x.up.sql': 'DROP TABLE users;\n', '000002_x.down.sql': '-- TODO\n' });
    appliedAndGone(all, p('000002_x.up.sql'), 'Back up table users before dropping it', 'ban-drop-table');
  });

  it('"Add inverse" (missing-inverse), "Move to a new migration" and "Validate in a new migration"', () => {
    const inverse = abs({ ...HISTORY, '000002_x.up.sql': 'ALTER TABLE customers ADD COLUMN a int;\nALTER TABLE customers ADD COLUMN b int;\n', '000002_x.down.sql': 'ALTER TABLE customers DROP COLUMN b;\n' });
    appliedAndGone(inverse, p('000002_x.up.sql'), /^Add inverse/, 'missing-inverse');
    const move = abs({ ...HISTORY, '000002_x.up.sql': "SET lock_timeout = '5s';\nALTER TABLE customers ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY customers_a_idx ON customers (a);\n", '000002_x.down.sql': 'DROP INDEX CONCURRENTLY customers_a_idx;\nALTER TABLE customers DROP COLUMN a;\n' });
    appliedAndGone(move, p('000002_x.up.sql'), /^Move /, 'transaction-incompatible-statement');
    const validate = abs({ ...HISTORY, '000002_x.up.sql': 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n', '000002_x.down.sql': "SET lock_timeout = '5s';\nALTER TABLE orders DROP CONSTRAINT orders_customer_fk;\n" });
    appliedAndGone(validate, p('000002_x.up.sql'), /validate it in a new migration/i, 'constraint-missing-not-valid');
  });

  it('every rule fix (the rule\'s own edit) removes its finding', () => {
    const cases: [string, string][] = [
      ['adding-not-nullable-field', 'ALTER TABLE customers ALTER COLUMN status SET NOT NULL;'],
      ['ban-drop-cascade', 'DROP TABLE users CASCADE;'],
      ['ban-uncommitted-transaction', 'BEGIN;\nALTER TABLE customers ADD COLUMN a int;'],
      ['constraint-missing-not-valid', 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);'],
      ['disallowed-unique-constraint', 'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);'],
      ['renaming-column', 'ALTER TABLE users RENAME COLUMN name TO full_name;'],
      ['renaming-table', 'ALTER TABLE users RENAME TO people;'],
      ['require-concurrent-index-creation', 'CREATE INDEX customers_email_idx ON customers (email);'],
      ['require-concurrent-index-deletion', 'DROP INDEX orders_note_idx;'],
      ['require-concurrent-reindex', 'REINDEX INDEX orders_note_idx;'],
      ['require-lock-timeout', 'ALTER TABLE customers ADD COLUMN c int;'],
      ['transaction-nesting', 'BEGIN;\nALTER TABLE customers ADD COLUMN d int;\nCOMMIT;'],
    ];
    for (const [ruleId, sql] of cases) {
      let all = abs({ ...HISTORY, '000002_x.up.sql': `${sql}\n`, '000002_x.down.sql': '-- nothing to undo here\n' });
      // A rule may report more than once (BEGIN and COMMIT): each fix in turn.
      for (let i = 0; i < 3 && ruleIds(all, p('000002_x.up.sql')).includes(ruleId); i++) {
        const fix = actions(all, p('000002_x.up.sql'), (d) => d.code === ruleId).find((a) => a.isPreferred && a.edit);
        assert.ok(fix, `${ruleId} offers a fix`);
        all = apply(all, editOf(fix));
      }
      assert.deepEqual(ruleIds(all, p('000002_x.up.sql')).filter((r) => r === ruleId), [], `${ruleId}:\n${all[p('000002_x.up.sql')]}`);
    }
  });

  it('"Disable <rule> for this line / file / project" each silence it; the project one creates or edits .migration-guard.json', () => {
    const all = abs({ ...HISTORY, '000002_x.up.sql': 'ALTER TABLE customers DROP COLUMN fax;\n', '000002_x.down.sql': 'ALTER TABLE customers ADD COLUMN fax text;\n' });
    for (const scope of ['line', 'file', 'project']) appliedAndGone(all, p('000002_x.up.sql'), `Disable ban-drop-column for this ${scope}`, 'ban-drop-column');
    const created = apply(all, editOf(action(actions(all, p('000002_x.up.sql')), 'Disable ban-drop-column for this project')));
    assert.equal(created[path.join(ROOT, '.migration-guard.json')], '{\n  "rules": {\n    "ban-drop-column": "off"\n  }\n}\n');
    const config = { ...all, [path.join(ROOT, '.migration-guard.json')]: '{\n  "postgresVersion": 16\n}\n' };
    const edited = appliedAndGone(config, p('000002_x.up.sql'), 'Disable ban-drop-column for this project', 'ban-drop-column');
    assert.equal(edited[path.join(ROOT, '.migration-guard.json')], '{\n  "postgresVersion": 16,\n  "rules": {\n    "ban-drop-column": "off"\n  }\n}\n');
  });

  it('"Set the baseline to the newest migration" on findings in older migrations', () => {
    const all = abs({ ...HISTORY, '000002_x.up.sql': 'ALTER TABLE customers DROP COLUMN fax;\n', '000002_x.down.sql': 'ALTER TABLE customers ADD COLUMN fax text;\n', '000003_y.up.sql': 'SELECT 1;\n', '000003_y.down.sql': 'SELECT 1;\n' });
    const out = appliedAndGone(all, p('000002_x.up.sql'), 'Set the baseline to the newest migration (000003)', 'ban-drop-column');
    assert.equal(out[p('.migration-guard.json')], '{\n  "baseline": "000003"\n}\n');
    // The newest migration's own findings get no such offer.
    const newest = abs({ ...HISTORY, '000002_x.up.sql': 'ALTER TABLE customers DROP COLUMN fax;\n', '000002_x.down.sql': 'ALTER TABLE customers ADD COLUMN fax text;\n' });
    assert.equal(actions(newest, p('000002_x.up.sql')).some((a) => /baseline/.test(a.title)), false);
  });

  it('the most severe finding\'s fixes come first; one disable per rule and scope; none for syntax-error', () => {
    const all = abs({ ...HISTORY, '000002_x.up.sql': 'ALTER TABLE customers DROP COLUMN fax;\nSELEC 1;\n', '000002_x.down.sql': 'ALTER TABLE customers ADD COLUMN fax text;\n' });
    const titles = actions(all, p('000002_x.up.sql')).map((a) => a.title);
    // syntax-error (an error) has no fix; ban-drop-column (a warning) comes before require-lock-timeout (info).
    assert.ok(titles.indexOf('Back up customers.fax before dropping it') < titles.indexOf("Set lock_timeout = '5s' before this statement"), JSON.stringify(titles));
    assert.deepEqual(titles.filter((t) => /syntax-error/.test(t)), ['Show documentation for syntax-error']);
    for (const t of titles) assert.equal(titles.filter((x) => x === t).length, 1, `"${t}" offered once`);
    const downOrder = abs({ ...HISTORY, '000002_x.up.sql': 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE VIEW av AS SELECT id FROM a;\nCREATE TABLE b (a_id int REFERENCES a (id));\n', '000002_x.down.sql': 'DROP TABLE a;\nDROP VIEW av;\nDROP TABLE b;\n' });
    const disables = actions(downOrder, p('000002_x.down.sql')).map((a) => a.title).filter((t) => t.startsWith('Disable down-order'));
    assert.deepEqual(disables, ['Disable down-order for this line', 'Disable down-order for this file', 'Disable down-order for this project']);
  });
});
