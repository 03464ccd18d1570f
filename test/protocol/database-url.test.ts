/**
 * `${env:NAME}` in the editor: the server expands `verify.databaseUrl` (config file, then the
 * setting) from its own environment before verifying; an unset variable is the verification's
 * answer, named, and nothing runs. A password written in `.migration-guard.json` is a warning on it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VerifyMigrationRequest } from '../../shared/src/protocol';
import { SERVER, ServerUnderTest, uriOf } from './lsp-harness';

const UNSET = 'MG_PROTOCOL_TEST_SURELY_UNSET';

describe('language server: verify.databaseUrl with ${env:NAME}', () => {
  let server: ServerUnderTest;
  let dir: string;

  before(async () => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    assert.equal(process.env[UNSET], undefined);
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-dburl-')));
    for (const sub of ['with-config', 'with-setting']) fs.mkdirSync(path.join(dir, sub, 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'with-config', '.migration-guard.json'), `{ "verify": { "databaseUrl": "postgres://me:\${env:${UNSET}}@localhost/postgres" } }\n`);
    for (const sub of ['with-config', 'with-setting']) {
      fs.writeFileSync(path.join(dir, sub, 'migrations', '000001_a.up.sql'), 'CREATE TABLE a (id int);\n');
      fs.writeFileSync(path.join(dir, sub, 'migrations', '000001_a.down.sql'), 'DROP TABLE a;\n');
    }
    server = new ServerUnderTest();
    await server.initialize(dir);
  });

  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an unset variable in the config file is the answer, named; nothing is verified', async () => {
    const r = await server.connection.sendRequest(VerifyMigrationRequest.type, { uri: uriOf(path.join(dir, 'with-config', 'migrations', '000001_a.up.sql')) });
    assert.equal(r.ok, false);
    assert.equal(r.status, 'error');
    assert.equal(r.summary, `Migration Guard: "verify.databaseUrl" of .migration-guard.json uses \${env:${UNSET}}, but the environment variable ${UNSET} is not set.`);
  });

  it('so is one in the setting', async () => {
    await server.changeSettings({ verify: { databaseUrl: `postgres://me:\${env:${UNSET}}@localhost/postgres` } });
    const r = await server.connection.sendRequest(VerifyMigrationRequest.type, { uri: uriOf(path.join(dir, 'with-setting', 'migrations', '000001_a.up.sql')) });
    assert.equal(r.summary, `Migration Guard: the setting migrationGuard.verify.databaseUrl uses \${env:${UNSET}}, but the environment variable ${UNSET} is not set.`);
  });

  it('a password written in .migration-guard.json is a warning on the URL', async () => {
    const config = path.join(dir, 'with-setting', '.migration-guard.json');
    const text = '{\n  "verify": { "databaseUrl": "postgres://me:hunter2@localhost/postgres" }\n}\n';
    fs.writeFileSync(config, text);
    const uri = await server.open(config, text, 'json');
    const ds = await server.pull(uri);
    assert.deepEqual(
      ds.map((d) => `${d.severity} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`),
      ['2 1:29-1:71'],
    );
    assert.match(String(ds[0]!.message), /^"verify\.databaseUrl" has a password written in the file/);
  });
});
