/** `verify.databaseUrl` without committed passwords: `${env:NAME}`, MIGRATION_GUARD_DATABASE_URL, the literal-password warning. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveDatabaseUrl } from '../../cli/src/database-url';
import { run, type CliIO } from '../../cli/src/run';
import { parseConfigText, type ConfigProblem, type LoadedConfig } from '../../server/src/engine/config-file';
import { badPlaceholder, expandEnv, hasLiteralPassword } from '../../server/src/engine/env';
import { writeTree } from './golden-folder';

const show = (p: ConfigProblem): string => `${p.severity} ${p.range.start.line}:${p.range.start.character}-${p.range.end.line}:${p.range.end.character} ${p.message}`;
const parse = (url: string): ReturnType<typeof parseConfigText> => parseConfigText(JSON.stringify({ verify: { databaseUrl: url } }), []);
const loaded = (url: string): LoadedConfig => ({ path: '/p/.migration-guard.json', dir: '/p', ...parse(url) });

const LITERAL =
  'warning 0:25-0:{END} "verify.databaseUrl" has a password written in the file: anyone who can read the repository can read it. Write ${env:NAME} in its place (expanded from the environment), or set MIGRATION_GUARD_DATABASE_URL for the CLI and migrationGuard.verify.databaseUrl in your user settings.';

describe('verify.databaseUrl and the environment', () => {
  it('expands ${env:NAME}; an unset variable or a malformed placeholder is an error naming it', () => {
    assert.deepEqual(expandEnv('postgres://me:${env:PGPASS}@${env:PGHOST}:5432/db', { PGPASS: 's3cr:t', PGHOST: 'db.local' }, 'x'), { ok: true, value: 'postgres://me:s3cr:t@db.local:5432/db' });
    assert.deepEqual(expandEnv('postgres://me:${env:PGPASS}@h/db', {}, '"verify.databaseUrl"'), {
      ok: false,
      message: '"verify.databaseUrl" uses ${env:PGPASS}, but the environment variable PGPASS is not set',
    });
    assert.deepEqual(expandEnv('postgres://me:${PGPASS}@h/db', { PGPASS: 'x' }, 'the setting'), { ok: false, message: 'the setting has "${PGPASS}": only ${env:NAME} placeholders are expanded' });
    assert.equal(badPlaceholder('postgres://h/${env:ok}${env:}'), '${env:}');
  });

  it('tells a written password from a placeholder, in the user info and in a password= parameter', () => {
    assert.equal(hasLiteralPassword('postgres://me:hunter2@localhost/db'), true);
    assert.equal(hasLiteralPassword('postgres://me:${env:PGPASSWORD}@localhost/db'), false);
    assert.equal(hasLiteralPassword('postgres://${env:U}:${env:P}@localhost/db'), false);
    assert.equal(hasLiteralPassword('postgres://me@localhost/db'), false);
    assert.equal(hasLiteralPassword('postgres://me:@localhost/db'), false);
    assert.equal(hasLiteralPassword('postgres://me@localhost/db?sslmode=require&password=hunter2'), true);
    assert.equal(hasLiteralPassword('postgres://me@localhost/db?password=${env:P}'), false);
  });

  it('in .migration-guard.json: a literal password is a warning on the value (the URL still applies); placeholders are fine', () => {
    const url = 'postgres://me:hunter2@localhost:5432/postgres';
    const r = parse(url);
    assert.deepEqual(r.problems.map(show), [LITERAL.replace('{END}', String(25 + JSON.stringify(url).length))]);
    assert.equal(r.broken, false);
    assert.equal(r.config.verify?.databaseUrl, url);
    const env = parse('postgres://me:${env:PGPASSWORD}@localhost:5432/postgres');
    assert.deepEqual(env.problems, []);
    assert.equal(env.config.verify?.databaseUrl, 'postgres://me:${env:PGPASSWORD}@localhost:5432/postgres');
    const bad = parse('postgres://me:${PGPASSWORD}@localhost/postgres');
    assert.equal(bad.broken, true);
    assert.match(bad.problems.map(show).join('\n'), /^error 0:25-0:\d+ "verify.databaseUrl" has "\$\{PGPASSWORD\}", which is not a \$\{env:NAME\} placeholder/);
  });

  it('the CLI: MIGRATION_GUARD_DATABASE_URL first, else the config file expanded; an unset variable is an error', () => {
    const config = loaded('postgres://me:${env:MG_TEST_PW}@localhost:5432/postgres');
    assert.deepEqual(resolveDatabaseUrl(config, { MG_TEST_PW: 'pw' }), { ok: true, url: 'postgres://me:pw@localhost:5432/postgres' });
    assert.deepEqual(resolveDatabaseUrl(config, { MG_TEST_PW: 'pw', MIGRATION_GUARD_DATABASE_URL: 'postgres://ci@db:5432/postgres' }), { ok: true, url: 'postgres://ci@db:5432/postgres' });
    assert.deepEqual(resolveDatabaseUrl(config, {}), { ok: false, message: '"verify.databaseUrl" of .migration-guard.json uses ${env:MG_TEST_PW}, but the environment variable MG_TEST_PW is not set' });
    assert.deepEqual(resolveDatabaseUrl(undefined, {}), { ok: true, url: undefined });
    assert.deepEqual(resolveDatabaseUrl(undefined, { MIGRATION_GUARD_DATABASE_URL: 'mysql://x' }), { ok: false, message: 'MIGRATION_GUARD_DATABASE_URL has the scheme mysql, expected postgres or postgresql' });
  });

  it('migration-guard verify with an unset variable exits 2 and names it; check shows the literal-password warning on stderr', async () => {
    const root = writeTree({
      '.migration-guard.json': '{ "verify": { "databaseUrl": "postgres://me:${env:MG_SURELY_UNSET_VAR}@localhost/postgres" } }\n',
      'm/000001_a.up.sql': 'CREATE TABLE a (id int);\n',
      'm/000001_a.down.sql': 'DROP TABLE a;\n',
    });
    try {
      let stdout = '';
      let stderr = '';
      const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: root };
      assert.equal(await run(['verify', 'm'], io), 2);
      assert.equal(stdout, '');
      assert.equal(stderr, 'migration-guard verify: "verify.databaseUrl" of .migration-guard.json uses ${env:MG_SURELY_UNSET_VAR}, but the environment variable MG_SURELY_UNSET_VAR is not set\n');
      fs.writeFileSync(path.join(root, '.migration-guard.json'), '{ "verify": { "databaseUrl": "postgres://me:pw@localhost/postgres" } }\n');
      stderr = '';
      assert.equal(await run(['check', 'm'], io), 0);
      assert.match(stderr, /^migration-guard: \.migration-guard\.json:1:30: warning "verify\.databaseUrl" has a password written in the file/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
