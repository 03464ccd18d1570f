/**
 * The suppression edits a finding carries (so that code actions never analyse the file again) do
 * what they say: applied, the finding is gone. Checked on written cases and on a sample of the
 * real corpus (when it is present).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { MemoryFileHost, NodeFileHost, type FileHost } from '../../server/src/engine/host';
import { Workspace } from '../../server/src/engine/project/workspace';
import type { Finding } from '../../server/src/engine/rules/types';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');

function apply(text: string, edit: { span: { start: number; end: number }; newText: string }): string {
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

/** The findings of a rule, as `line:character` of their start (a suppression shifts lines by one). */
function count(findings: Finding[], ruleId: string): number {
  return findings.filter((f) => f.ruleId === ruleId).length;
}

function checkFile(filePath: string, text: string, host: FileHost, workspace?: Workspace): number {
  const analyze = (t: string): Finding[] => analyzeFile({ filePath, text: t, host, ...(workspace ? { workspace } : {}) }).findings;
  const findings = analyze(text);
  let checked = 0;
  for (const f of findings) {
    if (!f.suppress) continue;
    const before = count(findings, f.ruleId);
    const whole = analyze(apply(text, f.suppress.file));
    assert.equal(count(whole, f.ruleId), 0, `${filePath}: the file suppression of ${f.ruleId} silences it`);
    if (f.suppress.line) {
      const after = analyze(apply(text, f.suppress.line));
      // It silences the rule for the whole statement: this finding and any other of the same statement.
      const sameStatement = findings.filter((g) => g.ruleId === f.ruleId && g.suppress?.line?.span.start === f.suppress!.line!.span.start).length;
      assert.equal(count(after, f.ruleId), before - sameStatement, `${filePath}:${f.range.start.line + 1}: the line suppression of ${f.ruleId} silences its statement's findings`);
    }
    checked++;
  }
  return checked;
}

describe('suppression edits carried by findings', () => {
  it('silence their finding: the statement for a line, the rule for the file', () => {
    const dir = path.resolve('/p/migrations');
    const up = path.join(dir, '000002_cleanup.up.sql');
    const text = [
      'CREATE TABLE t (id int);',
      'ALTER TABLE users DROP COLUMN fax; DROP TABLE legacy;',
      '  UPDATE users SET active = true;',
      'DELETE FROM sessions;',
      '',
    ].join('\n');
    const host = new MemoryFileHost({
      [path.join(dir, '000001_init.up.sql')]: 'CREATE TABLE users (id int PRIMARY KEY, fax text, active boolean);\nCREATE TABLE legacy (id int);\nCREATE TABLE sessions (id int);\n',
      [path.join(dir, '000001_init.down.sql')]: 'DROP TABLE sessions;\nDROP TABLE legacy;\nDROP TABLE users;\n',
      [up]: text,
    });
    const findings = analyzeFile({ filePath: up, text, host }).findings;
    const rules = new Set(findings.map((f) => f.ruleId));
    for (const id of ['ban-drop-column', 'ban-drop-table', 'ban-update-without-where', 'ban-delete-without-where', 'missing-down-migration']) assert.ok(rules.has(id), id);
    // The file-level finding sits on line 0 whatever it holds: silenced for the file only.
    assert.equal(findings.find((f) => f.ruleId === 'missing-down-migration')!.suppress!.line, undefined);
    // A statement sharing its line gets the comment on a line of its own right before it.
    const dropTable = findings.find((f) => f.ruleId === 'ban-drop-table')!;
    assert.equal(apply(text, dropTable.suppress!.line!).split('\n').slice(1, 4).join('\n'), 'ALTER TABLE users DROP COLUMN fax; \n-- migration-guard-ignore ban-drop-table\nDROP TABLE legacy;');
    assert.ok(checkFile(up, text, host) >= 5);
  });

  it('silence their finding on a sample of the real corpus', function () {
    if (!fs.existsSync(CORPUS)) this.skip();
    const host = new NodeFileHost();
    // One workspace for the sample: each folder's history is replayed once, not per analysis.
    const workspace = new Workspace(host);
    const files: string[] = [];
    (function walk(d: string): void {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.sql')) files.push(p);
      }
    })(CORPUS);
    // Every 40th file with findings, smallest first: a spread of repositories and rules, in seconds.
    let checked = 0;
    for (let i = 0; i < files.length && checked < 120; i += 40) {
      const text = fs.readFileSync(files[i]!, 'utf8');
      if (text.length > 20000) continue;
      checked += checkFile(files[i]!, text, host, workspace);
    }
    assert.ok(checked > 30, `checked ${checked} findings`);
  });
});
