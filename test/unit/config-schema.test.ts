/**
 * The JSON schema of `.migration-guard.json` and the `migrationGuard.rules` setting are generated
 * from the rule registry (scripts/config-schema.ts); these tests fail when they drift from it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES_SETTING, SCHEMA_PATH, configSchema, packageJsonText, rulesSetting, schemaText } from '../../scripts/config-schema';
import { CONFIG_FILE_NAME, CONVENTION_IDS, RULE_SETTINGS } from '../../server/src/engine/config-file';
import { RULES } from '../../server/src/engine/rules/registry';
import { RULE_SEVERITY_SETTINGS } from '../../shared/src/settings';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (p: string): string => fs.readFileSync(path.join(ROOT, p), 'utf8');

interface PackageJson {
  contributes: {
    jsonValidation?: { fileMatch: string | string[]; url: string }[];
    configuration: { properties: Record<string, unknown> };
  };
}

describe('config schema', () => {
  const ids = RULES.map((r) => r.meta.id);

  it(`${SCHEMA_PATH} is what the registry generates (run \`npm run docs:schema\` when it is not)`, () => {
    assert.ok(fs.existsSync(path.join(ROOT, SCHEMA_PATH)), `${SCHEMA_PATH} is missing`);
    assert.equal(read(SCHEMA_PATH), schemaText());
  });

  it('the schema lists exactly the registered rule ids, each with every setting', () => {
    const schema = JSON.parse(read(SCHEMA_PATH)) as { properties: { rules: { properties: Record<string, { enum: string[] }> } } };
    assert.deepEqual(Object.keys(schema.properties.rules.properties), ids);
    for (const id of ids) assert.deepEqual(schema.properties.rules.properties[id]!.enum, ['off', 'error', 'warning', 'info', 'hint']);
  });

  it('the schema knows what the config parser knows: settings, conventions, versions', () => {
    const s = configSchema() as { properties: Record<string, { properties?: Record<string, { enum?: string[] }>; minimum?: number; maximum?: number }> };
    assert.deepEqual(Object.keys(s.properties), ['$schema', 'rules', 'postgresVersion', 'baseline', 'migrations', 'verify']);
    assert.deepEqual(Object.keys(s.properties.verify!.properties!), ['databaseUrl', 'fixtures']);
    assert.deepEqual(s.properties.migrations!.properties!.convention!.enum, [...CONVENTION_IDS]);
    assert.deepEqual([s.properties.postgresVersion!.minimum, s.properties.postgresVersion!.maximum], [10, 18]);
    assert.deepEqual([...RULE_SETTINGS], [...RULE_SEVERITY_SETTINGS]);
  });

  it(`package.json's ${RULES_SETTING} setting is what the registry generates, so settings complete rule ids`, () => {
    const text = read('package.json');
    assert.equal(text, packageJsonText(text), 'package.json is out of date: run `npm run docs:schema`');
    const pkg = JSON.parse(text) as PackageJson;
    const setting = pkg.contributes.configuration.properties[RULES_SETTING] as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(setting.properties), ids);
    assert.deepEqual(setting, rulesSetting());
  });

  it('package.json validates .migration-guard.json with the schema, and the package ships it', () => {
    const pkg = JSON.parse(read('package.json')) as PackageJson;
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: CONFIG_FILE_NAME, url: `./${SCHEMA_PATH}` }]);
    assert.match(read('.vscodeignore'), /^!schemas\/\*\*$/m);
    assert.match(read('scripts/check-package.mjs'), /'schemas\/\*\*'/);
  });
});
