/**
 * What verify runs, without a database: the migrations of a directory and their steps, for every
 * convention, through the engine's Convention (names, pairing, sections, transactions); which
 * statements cannot change rows; which steps can run under verify's savepoints.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { canEmulateAutocommit, canRunInBlock, hasTransactionControl } from '../../../server/src/engine/verify/execute';
import { isDataNeutral } from '../../../server/src/engine/verify/neutral';
import { pop } from '../../../server/src/engine/migrations/pop';
import { matchesVersion, migrationDirectoryOf, migrationOfFile, migrationsMatching, planDirectory } from '../../../server/src/engine/verify/plan';

const ROOT = path.resolve('/virtual/plan');
const host = (dir: string, files: Record<string, string>): MemoryFileHost =>
  new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(ROOT, dir, ...n.split('/')), t])));

describe('verify plan', () => {
  it('golang-migrate: a pair per version, in version order, with the tool\'s table', () => {
    const h = host('gm', { '2_b.up.sql': 'B;', '2_b.down.sql': 'b;', '10_c.up.sql': 'C;', '1_a.up.sql': 'A;' });
    const plan = planDirectory(path.join(ROOT, 'gm'), h);
    assert.equal(plan.convention.id, 'golang-migrate');
    assert.equal(plan.toolTable.name, 'public.schema_migrations');
    assert.deepEqual(
      plan.migrations.map((m) => [m.name, m.version, m.up.map((s) => s.sql), m.down.map((s) => s.sql), m.up.map((s) => s.transactional)]),
      [
        ['1_a', '1', ['A;'], [], [true]],
        ['2_b', '2', ['B;'], ['b;'], [true]],
        ['10_c', '10', ['C;'], [], [true]],
      ],
    );
  });

  it('goose: the sections of one file, the other direction blanked so offsets stay file offsets; NO TRANSACTION makes both non-transactional', () => {
    const text = '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- +goose Down\nDROP INDEX CONCURRENTLY i;\n';
    const h = host('goose', { '00001_i.sql': text });
    const plan = planDirectory(path.join(ROOT, 'goose'), h);
    assert.equal(plan.convention.id, 'goose');
    assert.equal(plan.toolTable.name, 'public.goose_db_version');
    const m = plan.migrations[0]!;
    assert.equal(m.up[0]!.sql.length, text.length);
    assert.equal(m.up[0]!.sql.trim(), 'CREATE INDEX CONCURRENTLY i ON t (c);');
    assert.equal(m.down[0]!.sql.slice(text.indexOf('DROP')).trim(), 'DROP INDEX CONCURRENTLY i;');
    assert.deepEqual([m.up[0]!.transactional, m.down[0]!.transactional], [false, false]);
    assert.deepEqual(m.files, [path.join(ROOT, 'goose', '00001_i.sql')]);
  });

  it('dbmate and sql-migrate: the option on a section makes that section non-transactional', () => {
    const dbmate = planDirectory(path.join(ROOT, 'dbmate'), host('dbmate', { '20240101000000_x.sql': '-- migrate:up transaction:false\nA;\n-- migrate:down\nB;\n' }));
    assert.deepEqual(dbmate.migrations.map((m) => [m.up[0]!.transactional, m.down[0]!.transactional]), [[false, true]]);
    const sqlMigrate = planDirectory(path.join(ROOT, 'sm'), host('sm', { '1-x.sql': '-- +migrate Up\nA;\n-- +migrate Down notransaction\nB;\n' }));
    assert.deepEqual(sqlMigrate.migrations.map((m) => [m.up[0]!.transactional, m.down[0]!.transactional]), [[true, false]]);
  });

  it('Flyway and folder-per-migration: pairs of files; versions as people write them', () => {
    const flyway = planDirectory(path.join(ROOT, 'fw'), host('fw', { 'V1__a.sql': 'A;', 'U1__a.sql': 'a;', 'V1.2__b.sql': 'B;' }));
    assert.deepEqual(flyway.migrations.map((m) => [m.name, m.version, m.down.length]), [['V1__a', '1', 1], ['V1.2__b', '1.2', 0]]);
    assert.equal(matchesVersion(flyway.migrations[1]!, '1.2'), true);
    assert.equal(matchesVersion(flyway.migrations[1]!, '1'), false);
    const diesel = planDirectory(path.join(ROOT, 'd'), host('d', { '2024-01-01-000000_a/up.sql': 'A;', '2024-01-01-000000_a/down.sql': 'a;' }));
    assert.equal(diesel.convention.id, 'folder-per-migration');
    assert.equal(diesel.toolTable.name, 'public.__diesel_schema_migrations');
    assert.deepEqual(diesel.migrations.map((m) => [m.name, m.version]), [['2024-01-01-000000_a', '2024-01-01-000000']]);
    assert.equal(matchesVersion(diesel.migrations[0]!, '20240101000000'), true);
    const down = path.join(ROOT, 'd', '2024-01-01-000000_a', 'down.sql');
    assert.equal(migrationOfFile(diesel, down), diesel.migrations[0]);
    assert.deepEqual(migrationDirectoryOf(down, host('d', { '2024-01-01-000000_a/up.sql': 'A;', '2024-01-01-000000_a/down.sql': 'a;' }))?.directory, path.join(ROOT, 'd'));
  });

  it('Flyway dotted versions: every part keys and orders a migration, never the first alone', () => {
    const files = { 'V1.2.3__a.sql': 'A;', 'U1.2.3__a.sql': 'a;', 'V1.2.10__b.sql': 'B;', 'U1.2.10.0__b.sql': 'b;', 'V1.10__c.sql': 'C;', 'V1__d.sql': 'D;', 'V2_0__e.sql': 'E;' };
    const plan = planDirectory(path.join(ROOT, 'fwd'), host('fwd', files));
    assert.deepEqual(
      plan.migrations.map((m) => [m.version, m.versionParts.join('.'), m.up.length, m.down.length]),
      [['1', '1', 1, 0], ['1.2.3', '1.2.3', 1, 1], ['1.2.10', '1.2.10', 1, 1], ['1.10', '1.10', 1, 0], ['2_0', '2.0', 1, 0]],
    );
    const names = (v: string | bigint): string[] => migrationsMatching(plan.migrations, v).map((m) => m.name);
    assert.deepEqual(names('1.2.3'), ['V1.2.3__a']);
    assert.deepEqual(names('1.2.3.0'), ['V1.2.3__a'], 'trailing zero parts count as Flyway counts them');
    assert.deepEqual(names('1_2_10'), ['V1.2.10__b']);
    assert.deepEqual(names('1.2'), []);
    assert.deepEqual(names('1'), ['V1__d'], 'the first part alone names only version 1');
    assert.deepEqual(names(1n), ['V1__d']);
    assert.deepEqual(names('2'), ['V2_0__e']);
    assert.deepEqual(names('2.0.0'), ['V2_0__e']);
    assert.deepEqual(names('3'), []);
  });

  it('pop compares versions as text: `01` and `1` are two migrations, each named by its own text', () => {
    const files = { '01_a.up.sql': 'A;', '01_a.down.sql': 'a;', '1_b.up.sql': 'B;', '1_b.down.sql': 'b;', 'schema.sql': '' };
    const plan = planDirectory(path.join(ROOT, 'pop'), host('pop', files), pop);
    assert.deepEqual(plan.migrations.map((m) => [m.version, m.versionKey]), [['01', '01'], ['1', '1']]);
    assert.deepEqual(migrationsMatching(plan.migrations, '1').map((m) => m.name), ['1_b']);
    assert.deepEqual(migrationsMatching(plan.migrations, '01').map((m) => m.name), ['01_a']);
    assert.deepEqual(migrationsMatching(plan.migrations, '001').map((m) => m.name), ['01_a', '1_b'], 'no exact text: both by number (the CLI says the version is ambiguous)');
  });

  it('a file the convention does not name is no migration', () => {
    const h = host('gm', { '1_a.up.sql': 'A;', 'notes.sql': 'x' });
    assert.equal(migrationDirectoryOf(path.join(ROOT, 'gm', 'notes.sql'), h), undefined);
  });

  it('steps that can run under verify\'s savepoints, and those that cannot', () => {
    const step = (sql: string, transactional = true) => ({ sql, transactional });
    assert.equal(canRunInBlock(step('CREATE TABLE a (id int); CREATE INDEX i ON a (id);')), true);
    assert.equal(canRunInBlock(step('CREATE INDEX CONCURRENTLY i ON a (id);')), false, 'alone in its file it runs outside any transaction');
    assert.equal(canRunInBlock(step('BEGIN; CREATE TABLE a (id int); COMMIT;')), false);
    assert.equal(canRunInBlock(step("ALTER TYPE mood ADD VALUE 'meh';")), false, 'usable only once its transaction commits');
    assert.equal(canRunInBlock(step('CREATE TABLE a (id int);', false)), false);
    assert.equal(hasTransactionControl(step('BEGIN; SELECT 1; COMMIT;')), true);
    assert.equal(hasTransactionControl(step('SELECT 1;')), false);
  });

  it('non-transactional steps that verify may run statement by statement under its savepoints, and those it may not', () => {
    const step = (sql: string, transactional = false) => ({ sql, transactional });
    assert.equal(canEmulateAutocommit(step('DROP INDEX IF EXISTS i; CREATE INDEX IF NOT EXISTS j ON a (id);')), true);
    // The same index, built or dropped at once: run without CONCURRENTLY in verify's block.
    assert.equal(canEmulateAutocommit(step('CREATE INDEX CONCURRENTLY i ON a (id);\nDROP INDEX CONCURRENTLY IF EXISTS j;')), true);
    assert.equal(canEmulateAutocommit(step("ALTER TABLE a ADD COLUMN b text NULL CHECK (b <> ''); UPDATE a SET b = 'x'; INSERT INTO a (id) VALUES (1);")), true);
    assert.equal(canEmulateAutocommit(step('CREATE TABLE a (id int);', true)), false, 'a transactional step is canRunInBlock\'s to judge');
    for (const sql of [
      'REINDEX INDEX CONCURRENTLY i;',
      'VACUUM a;',
      "ALTER TYPE mood ADD VALUE 'meh';",
      'BEGIN; CREATE TABLE a (id int); COMMIT;',
      "SET search_path = app; CREATE TABLE a (id int);",
      'LOCK TABLE a;',
      'DO $$ BEGIN COMMIT; END $$;',
      'CALL p();',
      'SELECT 1;',
      'CREATE TABLE a (id int',
    ]) {
      assert.equal(canEmulateAutocommit(step(sql)), false, sql);
    }
  });

  it('statements that cannot change rows, and those that can', () => {
    assert.equal(isDataNeutral(['CREATE TABLE a (id int); CREATE INDEX i ON a (id); CREATE VIEW v AS SELECT 1; ALTER TABLE a ADD COLUMN b int DEFAULT 1, ADD CONSTRAINT c CHECK (b > 0);', 'DROP VIEW v; DROP INDEX i;']), true);
    for (const sql of ['UPDATE a SET b = 1;', 'ALTER TABLE a DROP COLUMN b;', 'ALTER TABLE a ALTER COLUMN b TYPE text;', 'DROP TABLE a;', 'DROP VIEW v CASCADE;', 'DO $$ BEGIN END $$;', "SELECT setval('s', 1);", "ALTER TYPE mood RENAME VALUE 'a' TO 'b';", 'ALTER TABLE a RENAME COLUMN b TO c;']) {
      assert.equal(isDataNeutral([sql]), false, sql);
    }
  });
});
