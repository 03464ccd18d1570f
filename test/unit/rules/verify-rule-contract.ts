/**
 * What every verify rule (`verify-*`) promises without a database: static analysis never reports it
 * (verify does, by running the SQL; see test/unit/verify/*.db.test.ts), a suppression that names it
 * is not judged unused by static analysis, and verify's findings of it get the configured severity
 * and are silenced by the same suppression comments as any rule.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { ruleById } from '../../../server/src/engine/rules/registry';
import { applyRuleSettings, type RawFinding, type VerifyRuleId } from '../../../server/src/engine/verify/findings';

const DIR = path.resolve('/virtual/verify-rules');
const UP = path.join(DIR, '000002_full_name.up.sql');
const DOWN = path.join(DIR, '000002_full_name.down.sql');
const UP_TEXT = 'ALTER TABLE accounts DROP COLUMN first_name;\n';

export function verifyRuleContract(id: VerifyRuleId, defaultSeverity: string): void {
  describe(id, () => {
    it('is registered with its default severity and is never reported by the static checks', () => {
      assert.equal(ruleById(id)?.meta.defaultSeverity, defaultSeverity);
      const down = "ALTER TABLE accounts ADD COLUMN first_name text NOT NULL DEFAULT '';\n";
      const host = new MemoryFileHost({ [UP]: UP_TEXT, [DOWN]: down, [path.join(DIR, '000001_accounts.up.sql')]: 'CREATE TABLE accounts (id int PRIMARY KEY, first_name text NOT NULL);\n' });
      const findings = analyzeFile({ filePath: DOWN, text: down, host }).findings;
      assert.deepEqual(findings.filter((f) => f.ruleId.startsWith('verify-')), []);
    });

    it('a suppression naming it is left to verify: static analysis does not call it unused', () => {
      const down = `-- migration-guard-ignore ${id} -- restored from the backup\nALTER TABLE accounts ADD COLUMN first_name text;\n-- migration-guard-ignore-file ${id}\n`;
      const host = new MemoryFileHost({ [UP]: UP_TEXT, [DOWN]: down });
      const findings = analyzeFile({ filePath: DOWN, text: down, host }).findings;
      assert.deepEqual(findings.filter((f) => f.ruleId === 'unused-suppression'), []);
    });

    it('verify findings get the default or configured severity, drop when off, and are silenced by suppression comments', () => {
      const down = "ALTER TABLE accounts ADD COLUMN first_name text NOT NULL DEFAULT '';\nSELECT 1;\n";
      const raw: RawFinding[] = [{ ruleId: id, file: DOWN, span: { start: 0, end: 66 }, message: 'm', details: ['d'], phase: 'down' }];
      const textOf = (text: string) => (file: string) => (file === DOWN ? text : undefined);
      assert.deepEqual(applyRuleSettings(raw, undefined, textOf(down)), { findings: [{ ...raw[0]!, severity: defaultSeverity }], suppressed: 0 });
      assert.deepEqual(applyRuleSettings(raw, { [id]: 'hint' }, textOf(down)).findings.map((f) => f.severity), ['hint']);
      assert.deepEqual(applyRuleSettings(raw, { [id]: 'off' }, textOf(down)), { findings: [], suppressed: 0 });
      // Above the statement: the finding's span moves with the text.
      const comment = `-- migration-guard-ignore ${id} -- accepted\n`;
      const shifted: RawFinding[] = [{ ...raw[0]!, span: { start: comment.length, end: comment.length + 66 } }];
      assert.deepEqual(applyRuleSettings(shifted, undefined, textOf(comment + down)), { findings: [], suppressed: 1 });
      // A suppression of the next statement does not reach a later one.
      const later: RawFinding[] = [{ ...raw[0]!, span: { start: comment.length + down.indexOf('SELECT 1'), end: comment.length + down.indexOf('SELECT 1') + 8 } }];
      assert.equal(applyRuleSettings(later, undefined, textOf(comment + down)).findings.length, 1);
      // Anywhere in the file for -ignore-file; another rule's suppression does nothing.
      assert.deepEqual(applyRuleSettings(raw, undefined, textOf(`${down}-- migration-guard-ignore-file ${id}\n`)).suppressed, 1);
      assert.deepEqual(applyRuleSettings(raw, undefined, textOf(`${down}-- migration-guard-ignore-file ban-drop-table\n`)).suppressed, 0);
    });
  });
}
