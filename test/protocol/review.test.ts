/**
 * "Review migration" through the real server: `migrationGuard/reviewMigration` returns the same
 * Markdown as `migration-guard review`, with the editor's unsaved text, rule links to the bundled
 * docs, and a clear answer for files that are not migrations.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReviewMigrationRequest } from '../../shared/src/protocol';
import { SERVER, ServerUnderTest, uriOf } from './lsp-harness';

describe('language server: review migration', () => {
  let server: ServerUnderTest;
  let dir: string;
  let migrations: string;

  before(async () => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-review-')));
    migrations = path.join(dir, 'db', 'migrations');
    fs.mkdirSync(migrations, { recursive: true });
    fs.writeFileSync(path.join(migrations, '000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, fax text);\n');
    fs.writeFileSync(path.join(migrations, '000001_users.down.sql'), 'DROP TABLE users;\n');
    fs.writeFileSync(path.join(migrations, '000002_drop_fax.up.sql'), 'SELECT 1;\n');
    // Beside golang-migrate's files, a name golang-migrate does not load.
    fs.writeFileSync(path.join(migrations, 'notes.sql'), 'SELECT 1;\n');
    server = new ServerUnderTest();
    await server.initialize(dir);
  });

  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reviews the unsaved text of the open file, with the generated down and rule links to their pages', async () => {
    const up = path.join(migrations, '000002_drop_fax.up.sql');
    const uri = await server.open(up, 'ALTER TABLE users DROP COLUMN fax;\n');
    const r = await server.connection.sendRequest(ReviewMigrationRequest.type, { uri });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.name, '000002_drop_fax');
    assert.match(r.markdown, /^## 000002_drop_fax$/m);
    assert.ok(r.markdown.includes('| 1 | `ALTER TABLE users DROP COLUMN fax` | drops column users.fax | ACCESS EXCLUSIVE on users: blocks all reads and writes | no | every value of users.fax |'), r.markdown);
    assert.ok(r.markdown.includes('[`ban-drop-column`](https://github.com/migration-guard/migration-guard/blob/main/docs/rules/ban-drop-column.md)'), r.markdown);
    assert.ok(r.markdown.includes('`db/migrations/000002_drop_fax.up.sql`'), 'paths relative to the workspace folder');
    assert.match(r.markdown, /Generated down \(for `db\/migrations\/000002_drop_fax\.down\.sql`/);
    assert.match(r.markdown, /ALTER TABLE users ADD COLUMN fax text;/);
  });

  it('a file that is not a migration, or no file at all, gets a reason instead of a review', async () => {
    assert.deepEqual(await server.connection.sendRequest(ReviewMigrationRequest.type, { uri: uriOf(path.join(migrations, 'notes.sql')) }), {
      ok: false,
      message: 'notes.sql is not a migration file (its name does not follow the directory\'s convention).',
    });
    assert.deepEqual(await server.connection.sendRequest(ReviewMigrationRequest.type, { uri: 42 } as unknown as { uri: string }), { ok: false, message: 'Review migration works on the .sql file of a migration.' });
  });
});
