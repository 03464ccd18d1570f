/** Direction awareness: a down file may drop what its own up created, and nothing else quietly. */
import * as assert from 'node:assert/strict';
import { banDropColumn } from '../../../server/src/engine/rules/all/ban-drop-column';
import { banDropSchema } from '../../../server/src/engine/rules/all/ban-drop-schema';
import { banDropTable } from '../../../server/src/engine/rules/all/ban-drop-table';
import { banTruncate } from '../../../server/src/engine/rules/all/ban-truncate';
import { downDropsForeignObject } from '../../../server/src/engine/rules/all/down-drops-foreign-object';
import { formatRange, runRule } from './tester';

const UP = [
  'CREATE SCHEMA billing;',
  'CREATE TABLE billing.invoices (id bigint PRIMARY KEY);',
  'ALTER TABLE users ADD COLUMN nickname text, ADD COLUMN avatar_url text;',
].join('\n');
const files = { '000007_billing.up.sql': UP };

describe('direction awareness in down files', () => {
  it('drops of what the up created are not findings', () => {
    const down = 'ALTER TABLE users DROP COLUMN avatar_url, DROP COLUMN nickname;\nDROP TABLE billing.invoices;\nDROP SCHEMA billing;';
    for (const rule of [banDropTable, banDropColumn, banDropSchema]) {
      const found = runRule(rule, { code: down, fileName: '000007_billing.down.sql', files });
      assert.deepEqual(found.map((f) => f.ruleId), [], rule.meta.id);
    }
  });

  it('drops of what the up did not create are down-drops-foreign-object findings, reported once', () => {
    const down = 'ALTER TABLE users DROP COLUMN nickname, DROP COLUMN email;\nDROP TABLE billing.invoices, orders;\nTRUNCATE billing.invoices, audit_log;';
    for (const rule of [banDropColumn, banDropTable, banTruncate]) {
      assert.deepEqual(runRule(rule, { code: down, fileName: '000007_billing.down.sql', files }).map((f) => f.ruleId), [], rule.meta.id);
    }
    const foreign = runRule(downDropsForeignObject, { code: down, fileName: '000007_billing.down.sql', files });
    assert.deepEqual(foreign.map((f) => `${f.messageId} ${formatRange(f)}`), ['dropColumn 0:40-0:57', 'dropTable 1:0-1:35', 'truncate 2:0-2:36']);
  });

  it('an up file is never exempt, even for objects of the same version', () => {
    const found = runRule(banDropTable, { code: 'DROP TABLE billing.invoices;', fileName: '000007_billing.up.sql' });
    assert.equal(found.length, 1);
  });

  it('a down file without an up gets the ordinary findings', () => {
    const found = runRule(banDropTable, { code: 'DROP TABLE billing.invoices;', fileName: '000009_x.down.sql', files });
    assert.equal(found.length, 1);
  });
});
