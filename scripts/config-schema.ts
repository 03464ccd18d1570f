/**
 * The JSON schema of `.migration-guard.json` and the `migrationGuard.rules` setting of package.json,
 * both generated from the rule registry so that the rule ids editors complete never drift from it.
 *
 *   node out/scripts/config-schema.js           prints the schema
 *   node out/scripts/config-schema.js --write   rewrites schemas/migration-guard.schema.json and
 *                                               package.json's migrationGuard.rules setting
 *   node out/scripts/config-schema.js --check   exits 1 when either is out of date
 *
 * `npm run docs:schema` compiles and runs `--write`; `test/unit/config-schema.test.ts` fails when
 * the files differ from what this generates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CONFIG_FILE_NAME,
  CONVENTION_IDS,
  MAX_POSTGRES_VERSION,
  MIN_POSTGRES_VERSION,
  RULE_SETTINGS,
} from '../server/src/engine/config-file';
import { DEFAULT_POSTGRES_VERSION } from '../server/src/engine/config';
import { RULES } from '../server/src/engine/rules/registry';
import type { Rule } from '../server/src/engine/rules/types';

export const SCHEMA_PATH = 'schemas/migration-guard.schema.json';
export const RULES_SETTING = 'migrationGuard.rules';

const SETTING_DESCRIPTIONS: Record<string, string> = {
  off: 'The rule does not run.',
  error: 'Findings are errors (red squiggles; the CLI exits 1).',
  warning: 'Findings are warnings (yellow squiggles).',
  info: 'Findings are information (blue squiggles).',
  hint: 'Findings are hints (dotted underline only).',
};

const CONVENTION_DESCRIPTIONS: Record<string, string> = {
  'golang-migrate': '`{version}_{title}.up.sql` / `{version}_{title}.down.sql` (the default).',
  goose: 'goose: one `{version}_{title}.sql` file with `-- +goose Up` / `-- +goose Down` sections.',
  dbmate: 'dbmate: one `{version}_{title}.sql` file with `-- migrate:up` / `-- migrate:down` sections.',
  'sql-migrate': 'sql-migrate: one file with `-- +migrate Up` / `-- +migrate Down` sections.',
  flyway: 'Flyway: `V{version}__{title}.sql`, with `U{version}__{title}.sql` undo files.',
  'folder-per-migration': 'One folder per migration holding `up.sql` and `down.sql`.',
};

/** The enum of one rule's setting, described, with the rule's own description. */
function ruleSettingSchema(rule: Rule): Record<string, unknown> {
  return {
    type: 'string',
    enum: [...RULE_SETTINGS],
    enumDescriptions: RULE_SETTINGS.map((s) => SETTING_DESCRIPTIONS[s]!),
    markdownDescription: `${rule.meta.description} ${rule.meta.optIn ? 'Off unless set (opt-in).' : `Default severity: \`${rule.meta.defaultSeverity}\`.`} See \`docs/rules/${rule.meta.id}.md\`.`,
  };
}

const anySetting = {
  type: 'string',
  enum: [...RULE_SETTINGS],
  enumDescriptions: RULE_SETTINGS.map((s) => SETTING_DESCRIPTIONS[s]!),
};

/** The schema of `.migration-guard.json`. Unknown keys and rule ids are left to Migration Guard's own diagnostics (with suggestions). */
export function configSchema(rules: readonly Rule[] = RULES): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Migration Guard configuration',
    description: `${CONFIG_FILE_NAME}: rule severities, the PostgreSQL version, the migration convention and the verify server, read by the editor and the CLI alike. The nearest file in the migration's directory or above it applies.`,
    type: 'object',
    properties: {
      $schema: { type: 'string', description: 'The JSON schema of this file.' },
      rules: {
        type: 'object',
        markdownDescription: 'Severity per rule, by rule id: `"off"`, `"error"`, `"warning"`, `"info"` or `"hint"`. Rules not listed keep their default severity. `--rule` flags of the CLI win over this.',
        properties: Object.fromEntries(rules.map((r) => [r.meta.id, ruleSettingSchema(r)])),
      },
      postgresVersion: {
        type: 'integer',
        minimum: MIN_POSTGRES_VERSION,
        maximum: MAX_POSTGRES_VERSION,
        default: DEFAULT_POSTGRES_VERSION,
        markdownDescription: `The PostgreSQL major version the migrations run on (${MIN_POSTGRES_VERSION} to ${MAX_POSTGRES_VERSION}, default ${DEFAULT_POSTGRES_VERSION}): which statements lock, rewrite or fail depends on it.`,
      },
      baseline: {
        type: 'string',
        pattern: '^\\s*(?:[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}|[0-9]+(?:[._][0-9]+)*)\\s*$',
        markdownDescription:
          'The version of the newest migration already applied everywhere (`"000042"`, `"20240101120000"`). Migrations at or below it are history: they feed the schema model and keep the file-level rules (syntax errors, file names, duplicate versions), while statement rules and `missing-down-migration` report nothing there. `--baseline` of the CLI wins over this.',
      },
      migrations: {
        type: 'object',
        description: 'Where the migrations are and how they are named.',
        properties: {
          directories: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            markdownDescription: 'Globs, relative to this file, of the directories that hold migrations (`db/migrations`, `services/*/migrations`). In the editor, `.sql` files in them are always checked, in addition to the `migrationGuard.migrationGlobs` setting.',
          },
          convention: {
            type: 'string',
            enum: [...CONVENTION_IDS],
            markdownEnumDescriptions: CONVENTION_IDS.map((c) => CONVENTION_DESCRIPTIONS[c]!),
            default: 'golang-migrate',
            description: 'The migration tool whose file naming and transaction behaviour apply.',
          },
        },
      },
      verify: {
        type: 'object',
        description: '"Verify migration" (up → down → up) settings.',
        properties: {
          databaseUrl: {
            type: 'string',
            pattern: '^postgres(ql)?://',
            markdownDescription:
              'Verify on this PostgreSQL server instead of the embedded PostgreSQL (PGlite). Its database is used only to create a scratch database `migration_guard_verify_<random>`, run the migrations there and drop it; migrations never run in the database the URL names. The user needs the `CREATEDB` privilege. Write a password as `${env:NAME}` (expanded from the environment; a password written out is a warning), or keep the URL in the `migrationGuard.verify.databaseUrl` user setting or the CLI\'s `MIGRATION_GUARD_DATABASE_URL`.',
          },
          fixtures: {
            anyOf: [
              { type: 'string', minLength: 1 },
              { type: 'array', items: { type: 'string', minLength: 1 } },
            ],
            markdownDescription:
              'SQL files or folders (their `.sql` files in name order), relative to this file, that verify runs after the earlier migrations and before the up, so that a data transformation is tested on realistic rows. Their rows are compared like the synthetic ones. A fixture that fails stops the verification (nothing is verified) and names the fixture, its line and PostgreSQL\'s message.',
          },
        },
      },
    },
  };
}

/** The whole `migrationGuard.rules` entry of package.json's `contributes.configuration.properties`. */
export function rulesSetting(rules: readonly Rule[] = RULES): Record<string, unknown> {
  return {
    scope: 'resource',
    type: 'object',
    default: {},
    markdownDescription:
      'Severity per rule, by rule id: `"off"`, `"error"`, `"warning"`, `"info"` or `"hint"`. Rules not listed keep their default severity. ' +
      'Example: `{ "ban-drop-table": "error", "missing-down-migration": "off" }`. ' +
      `Not used for files a \`${CONFIG_FILE_NAME}\` applies to: the config file decides, for the editor and the CLI alike.`,
    properties: Object.fromEntries(rules.map((r) => [r.meta.id, ruleSettingSchema(r)])),
    additionalProperties: anySetting,
  };
}

export function schemaText(rules: readonly Rule[] = RULES): string {
  return `${JSON.stringify(configSchema(rules), null, 2)}\n`;
}

/** package.json with the generated `migrationGuard.rules` setting (same formatting as npm's). */
export function packageJsonText(current: string, rules: readonly Rule[] = RULES): string {
  const pkg = JSON.parse(current) as { contributes?: { configuration?: { properties?: Record<string, unknown> } } };
  const props = pkg.contributes?.configuration?.properties;
  if (!props) throw new Error('package.json has no contributes.configuration.properties');
  props[RULES_SETTING] = rulesSetting(rules);
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function packageRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

function main(argv: string[]): number {
  if (!argv.includes('--write') && !argv.includes('--check')) {
    process.stdout.write(schemaText());
    return 0;
  }
  const root = packageRoot();
  const schemaFile = path.join(root, SCHEMA_PATH);
  const pkgFile = path.join(root, 'package.json');
  const pkgText = fs.readFileSync(pkgFile, 'utf8');
  const wantSchema = schemaText();
  const wantPkg = packageJsonText(pkgText);
  const schemaNow = fs.existsSync(schemaFile) ? fs.readFileSync(schemaFile, 'utf8') : undefined;
  const stale = [...(schemaNow !== wantSchema ? [SCHEMA_PATH] : []), ...(pkgText !== wantPkg ? ['package.json'] : [])];
  if (stale.length === 0) {
    process.stdout.write('The config schema and the migrationGuard.rules setting are up to date\n');
    return 0;
  }
  if (argv.includes('--check')) {
    process.stderr.write(`Out of date: ${stale.join(', ')}: run \`npm run docs:schema\`\n`);
    return 1;
  }
  fs.mkdirSync(path.dirname(schemaFile), { recursive: true });
  if (schemaNow !== wantSchema) fs.writeFileSync(schemaFile, wantSchema);
  if (pkgText !== wantPkg) fs.writeFileSync(pkgFile, wantPkg);
  process.stdout.write(`Updated ${stale.join(', ')} (${RULES.length} rules)\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
