/**
 * Already-applied history: `"baseline"` in .migration-guard.json and `--baseline` on the CLI. At or
 * below it, migrations feed the schema model and keep the file-level rules; statement rules report
 * nothing there.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { parseConfigText } from '../../server/src/engine/config-file';
import { MemoryFileHost } from '../../server/src/engine/host';
import { atOrBelowBaseline, parseVersion } from '../../server/src/engine/migrations/convention';
import { golangMigrate } from '../../server/src/engine/migrations/golang-migrate';
import { flyway } from '../../server/src/engine/migrations/flyway';
import { RULES } from '../../server/src/engine/rules/registry';

const DIR = path.resolve('/virtual/migrations');
const p = (n: string): string => path.join(DIR, n);

describe('baseline', () => {
  it('parses versions as the conventions compare them', () => {
    assert.deepEqual(parseVersion('000042'), [42n]);
    assert.deepEqual(parseVersion(' 20240101120000 '), [20240101120000n]);
    assert.deepEqual(parseVersion('2024-01-01-120000'), [20240101120000n]);
    assert.deepEqual(parseVersion('1.2.3'), [1n, 2n, 3n]);
    assert.deepEqual(parseVersion('1_2'), [1n, 2n]);
    for (const bad of ['', 'v1', 'latest', '1.', '-1']) assert.equal(parseVersion(bad), undefined, bad);
  });

  it('at or below: by number, padding ignored; Flyway parts compared one by one', () => {
    const m = golangMigrate.parse(p('000042_x.up.sql'))!;
    assert.equal(atOrBelowBaseline(m, parseVersion('42')), true);
    assert.equal(atOrBelowBaseline(m, parseVersion('000043')), true);
    assert.equal(atOrBelowBaseline(m, parseVersion('41')), false);
    assert.equal(atOrBelowBaseline(m, undefined), false);
    const f = flyway.parse(p('V1.2.10__x.sql'))!;
    assert.equal(atOrBelowBaseline(f, parseVersion('1.2.9')), false);
    assert.equal(atOrBelowBaseline(f, parseVersion('1.2.10')), true);
    assert.equal(atOrBelowBaseline(f, parseVersion('1.3')), true);
  });

  it('the config file takes a version string; a number or a word is an error that says why', () => {
    const ids = RULES.map((r) => r.meta.id);
    const ok = parseConfigText('{ "baseline": "000042" }', ids);
    assert.equal(ok.broken, false);
    assert.equal(ok.config.baseline, '000042');
    const number = parseConfigText('{ "baseline": 42 }', ids);
    assert.deepEqual(number.problems.map((x) => `${x.severity} ${x.message}`), [
      'error "baseline" must be a migration version as a string, such as "000042" or "20240101120000", not 42 (write it as a string, "42", to keep its leading zeros).',
    ]);
    const word = parseConfigText('{ "baseline": "latest" }', ids);
    assert.equal(word.broken, true);
  });

  const files: Record<string, string> = {
    '000001_init.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text, fax text);\n',
    '000001_init.down.sql': 'DROP TABLE users;\n',
    '000002_drop_fax.up.sql': 'ALTER TABLE users DROP COLUMN fax;\n',
    '000003_index.up.sql': 'CREATE INDEX users_email_idx ON users (email);\n',
    '000003_index.down.sql': 'DROP INDEX users_email_idx;\n',
    '000003_dup.up.sql': 'SELECT 1;\n',
    '000004_drop_email.up.sql': 'ALTER TABLE users DROP COLUMN email;\n',
    '000004_drop_email.down.sql': 'ALTER TABLE users ADD COLUMN email text;\n',
  };
  const host = new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [p(n), t])));
  const rules = (name: string, baseline?: string): string[] =>
    analyzeFile({ filePath: p(name), text: files[name]!, host, ...(baseline ? { baseline } : {}) }).findings.map((f) => f.ruleId);

  it('at or below the baseline, statement rules and missing-down-migration say nothing; file-level rules still do', () => {
    assert.deepEqual(rules('000002_drop_fax.up.sql'), ['missing-down-migration', 'require-lock-timeout', 'ban-drop-column']);
    assert.deepEqual(rules('000002_drop_fax.up.sql', '000003'), []);
    assert.deepEqual(rules('000003_index.up.sql'), ['duplicate-migration-version', 'require-concurrent-index-creation']);
    assert.deepEqual(rules('000003_index.up.sql', '3'), ['duplicate-migration-version']);
    assert.deepEqual(rules('000003_index.down.sql', '3'), ['duplicate-migration-version'].filter(() => false));
  });

  it('above the baseline, everything is judged, against the schema the history built', () => {
    // The history still feeds the schema model: the index 000003 created is lost with the column,
    // and the down does not restore it.
    assert.deepEqual(rules('000004_drop_email.up.sql', '000003'), ['missing-inverse', 'require-lock-timeout', 'ban-drop-column']);
    assert.deepEqual(rules('000004_drop_email.down.sql', '000003'), ['require-lock-timeout']);
  });

  it('a syntax error in history is still reported', () => {
    const h = new MemoryFileHost({ [p('000001_a.up.sql')]: 'CREAT TABLE a ();', [p('000001_a.down.sql')]: '' });
    const found = analyzeFile({ filePath: p('000001_a.up.sql'), text: 'CREAT TABLE a ();', host: h, baseline: '1' });
    assert.deepEqual(found.findings.map((f) => f.ruleId), ['syntax-error']);
    assert.equal(found.history, true);
  });
});
