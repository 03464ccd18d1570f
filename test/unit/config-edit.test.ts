/** Edits of .migration-guard.json by quick fixes: one property set, everything else as written. */
import * as assert from 'node:assert/strict';
import { setConfigProperty } from '../../server/src/engine/config-edit';
import { parseConfigText } from '../../server/src/engine/config-file';
import { RULES } from '../../server/src/engine/rules/registry';

const ids = RULES.map((r) => r.meta.id);
const set = (text: string | undefined, path: string[], value: string): string => {
  const r = setConfigProperty(text, path, value);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.newText;
};

describe('config edits', () => {
  it('a new file: the property alone, two-space indented', () => {
    assert.equal(set(undefined, ['rules', 'ban-drop-table'], 'off'), '{\n  "rules": {\n    "ban-drop-table": "off"\n  }\n}\n');
    assert.equal(set(undefined, ['baseline'], '000042'), '{\n  "baseline": "000042"\n}\n');
  });

  it('adds to an existing object after its last property, in the file\'s indentation and line breaks', () => {
    const text = '{\r\n    "postgresVersion": 16,\r\n    "rules": {\r\n        "ban-truncate": "error"\r\n    }\r\n}\r\n';
    assert.equal(
      set(text, ['rules', 'ban-drop-table'], 'off'),
      '{\r\n    "postgresVersion": 16,\r\n    "rules": {\r\n        "ban-truncate": "error",\r\n        "ban-drop-table": "off"\r\n    }\r\n}\r\n',
    );
    assert.equal(set(text, ['baseline'], '7'), '{\r\n    "postgresVersion": 16,\r\n    "rules": {\r\n        "ban-truncate": "error"\r\n    },\r\n    "baseline": "7"\r\n}\r\n');
  });

  it('replaces only the value of an existing property; creates the missing objects on the way', () => {
    assert.equal(set('{ "rules": { "ban-drop-table": "error" }, "x": 1 }', ['rules', 'ban-drop-table'], 'off'), '{ "rules": { "ban-drop-table": "off" }, "x": 1 }');
    assert.equal(set('{ "postgresVersion": 16 }', ['rules', 'ban-drop-table'], 'off'), '{ "postgresVersion": 16, "rules": {\n  "ban-drop-table": "off"\n} }');
    assert.equal(set('{}', ['baseline'], '3'), '{\n  "baseline": "3"\n}');
    assert.equal(set('{ "rules": {} }', ['rules', 'a'], 'off'), '{ "rules": {\n  "a": "off"\n} }');
    assert.deepEqual(setConfigProperty('{ "baseline": "3" }', ['baseline'], '3'), { ok: true, edits: [], newText: '{ "baseline": "3" }' });
  });

  it('every result parses as a valid config with the property set', () => {
    for (const text of ['{\n  "rules": {\n    "ban-truncate": "error"\n  }\n}\n', '{"rules":{}}', '{ "migrations": { "convention": "goose" } }']) {
      const out = set(text, ['rules', 'ban-drop-table'], 'off');
      const parsed = parseConfigText(out, ids);
      assert.equal(parsed.broken, false, out);
      assert.equal(parsed.config.rules['ban-drop-table'], 'off');
    }
  });

  it('refuses a file that is not a JSON object, saying why', () => {
    assert.deepEqual(setConfigProperty('{ "rules": ', ['rules', 'a'], 'off'), { ok: false, reason: '.migration-guard.json is not valid JSON (Unexpected end of file: a value is missing.); fix it first' });
    assert.deepEqual(setConfigProperty('[1]', ['baseline'], '1'), { ok: false, reason: '.migration-guard.json is not a JSON object' });
    assert.deepEqual(setConfigProperty('{ "rules": 5 }', ['rules', 'a'], 'off'), { ok: false, reason: '"rules" in .migration-guard.json is not an object' });
  });
});
