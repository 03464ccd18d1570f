/**
 * Which folder `verify` runs on when the folder named is not a migrations folder itself (no database:
 * only the plan is made). Consistent with `check`, which finds migrations below any path.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { resolveVerifyFolder } from '../../../cli/src/verify-folder';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { golangMigrate } from '../../../server/src/engine/migrations/golang-migrate';

const ROOT = path.resolve('/virtual/repo');
const host = (files: Record<string, string>): MemoryFileHost => new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(ROOT, n), t])));
const shown = (p: string): string => path.relative(ROOT, p) || '.';

const DIESEL = {
  'migrations/00000000000000_diesel_initial_setup/up.sql': 'CREATE TABLE setup (id int);\n',
  'migrations/00000000000000_diesel_initial_setup/down.sql': 'DROP TABLE setup;\n',
  'migrations/2019-02-26-002946_create_users/up.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
  'migrations/2019-02-26-002946_create_users/down.sql': 'DROP TABLE users;\n',
  'migrations/2026-03-08-202630-0000_add_email/up.sql': 'ALTER TABLE users ADD COLUMN email text;\n',
  'migrations/2026-03-08-202630-0000_add_email/down.sql': 'ALTER TABLE users DROP COLUMN email;\n',
};

describe('verify: the folder it runs on', () => {
  it('a migrations folder is used as it is', () => {
    const r = resolveVerifyFolder(path.join(ROOT, 'migrations'), host(DIESEL), undefined, shown);
    assert.ok(r.ok);
    assert.equal(r.dir, path.join(ROOT, 'migrations'));
    assert.equal(r.plan.convention.id, 'folder-per-migration');
    assert.deepEqual(r.plan.migrations.map((m) => m.name), ['00000000000000_diesel_initial_setup', '2019-02-26-002946_create_users', '2026-03-08-202630-0000_add_email']);
    assert.equal(r.note, undefined);
    assert.equal(r.version, undefined);
  });

  it('one diesel migration\'s own folder: its parent, and that migration after the ones before it', () => {
    const r = resolveVerifyFolder(path.join(ROOT, 'migrations/2019-02-26-002946_create_users'), host(DIESEL), undefined, shown);
    assert.ok(r.ok);
    assert.equal(r.dir, path.join(ROOT, 'migrations'));
    assert.equal(r.version, '2019-02-26-002946');
    assert.equal(r.note, 'migrations/2019-02-26-002946_create_users is one migration of migrations: verifying 2019-02-26-002946_create_users there');
  });

  it('a repository root with one migrations folder below it: that folder, said on stderr', () => {
    const r = resolveVerifyFolder(ROOT, host({ ...DIESEL, 'node_modules/x/migrations/1_a.up.sql': 'SELECT 1;\n', 'README.md': '' }), undefined, shown);
    assert.ok(r.ok);
    assert.equal(r.dir, path.join(ROOT, 'migrations'));
    assert.equal(r.note, '. holds one migrations folder: verifying migrations (folder-per-migration (diesel), 3 migrations)');
  });

  it('several migrations folders below: the user names one', () => {
    const r = resolveVerifyFolder(ROOT, host({ ...DIESEL, 'db/goose/00001_a.sql': '-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n' }), undefined, shown);
    assert.deepEqual(r, {
      ok: false,
      message: '. holds 2 migrations folders; name the one to verify: db/goose (goose, 1 migration), migrations (folder-per-migration (diesel), 3 migrations)',
    });
  });

  const TITLELESS = { 'postgres/0185.up.sql': 'SELECT 1;\n', 'postgres/0185.down.sql': 'SELECT 1;\n', 'postgres/0186.up.sql': 'SELECT 2;\n', 'postgres/0186.down.sql': 'SELECT 2;\n', 'postgres/0187.up.sql': 'SELECT 3;\n', 'postgres/0187.down.sql': 'SELECT 3;\n' };

  it('title-less 0186.up.sql files, as check reads them: an unrecognised tool\'s, verified in name order, and said so', () => {
    const r = resolveVerifyFolder(path.join(ROOT, 'postgres'), host(TITLELESS), undefined, shown);
    assert.ok(r.ok);
    assert.equal(r.plan.convention.id, 'unrecognised');
    assert.deepEqual(r.plan.migrations.map((m) => [m.name, m.files.map((f) => path.basename(f))]), [
      ['0185', ['0185.up.sql', '0185.down.sql']],
      ['0186', ['0186.up.sql', '0186.down.sql']],
      ['0187', ['0187.up.sql', '0187.down.sql']],
    ]);
    assert.equal(
      r.note,
      "postgres: the folder's tool is not one Migration Guard recognises (no supported tool runs files named like 0187.up.sql); its 3 migrations are verified as check reads them: " +
        'in name order, each up with the down of the same name, with a neutral version table. Set "migrations.convention" in .migration-guard.json if the folder follows a supported tool',
    );
    // A known tool's folder below wins over the unrecognised files beside it.
    const below = resolveVerifyFolder(path.join(ROOT, 'postgres'), host({ ...TITLELESS, 'postgres/golang/000001_a.up.sql': 'SELECT 1;\n', 'postgres/golang/000001_a.down.sql': 'SELECT 1;\n' }), undefined, shown);
    assert.ok(below.ok);
    assert.equal(below.plan.convention.id, 'golang-migrate');
    assert.equal(below.note, 'postgres holds one migrations folder: verifying postgres/golang (golang-migrate, 1 migration)');
  });

  it('title-less files where the config names golang-migrate: says why golang-migrate runs none of them', () => {
    const r = resolveVerifyFolder(path.join(ROOT, 'postgres'), host({ ...TITLELESS, 'postgres/seed.sql': 'SELECT 1;\n' }), golangMigrate, shown);
    assert.equal(r.ok, false);
    assert.match(
      r.ok ? '' : r.message,
      /^postgres has no migrations that a supported tool runs: golang-migrate skips 0185\.down\.sql, 0185\.up\.sql, 0186\.down\.sql and 3 more \(the version must be followed by `_`\); seed\.sql \(its name does not start with a numeric version\)\. Its migrations are named \{version\}_\{title\}\.up\.sql \/ \{version\}_\{title\}\.down\.sql\. The folder's tool is not one Migration Guard recognises \(supported: golang-migrate, goose, dbmate, sql-migrate, Flyway, folder-per-migration \(diesel\), pop, popx\)/,
    );
  });

  it('a folder without .sql files says so', () => {
    const r = resolveVerifyFolder(path.join(ROOT, 'docs'), host({ 'docs/a.md': '' }), undefined, shown);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /^docs has no migrations: no \.sql files in it or in the folders below it \(supported tools: golang-migrate, goose/);
  });
});
