import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { detectConvention } from '../../../server/src/engine/migrations/detect';
import { compareMigrations, readMigrationDirectory } from '../../../server/src/engine/migrations/directory';
import { pop, popx } from '../../../server/src/engine/migrations/pop';
import { banDropTable } from '../../../server/src/engine/rules/all/ban-drop-table';
import { duplicateMigrationVersion } from '../../../server/src/engine/rules/all/duplicate-migration-version';
import { invalidMigrationFilename } from '../../../server/src/engine/rules/all/invalid-migration-filename';
import { missingDownMigration } from '../../../server/src/engine/rules/all/missing-down-migration';
import { missingInverse } from '../../../server/src/engine/rules/all/missing-inverse';
import { transactionIncompatibleStatement } from '../../../server/src/engine/rules/all/transaction-incompatible-statement';
import { DIR, findings, messages } from './helpers';

const host = (files: Record<string, string>): MemoryFileHost => new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(DIR, n), t])));

describe('convention: pop and popx', () => {
  it('parses versions of any length, the dialect part (canonical), .autocommit. (popx only) and .fizz', () => {
    const a = popx.parse('/m/20150101000001000000_networks.postgres.up.sql')!;
    assert.deepEqual([a.version, a.versionNumber, a.versionKey, a.title, a.dialect, a.direction, a.autocommit], ['20150101000001000000', 20150101000001000000n, '20150101000001000000', 'networks', 'postgres', 'up', undefined]);
    assert.equal(popx.parse('/m/1_a.pg.down.sql')!.dialect, 'postgres');
    assert.equal(popx.parse('/m/1_a.crdb.up.sql')!.dialect, 'cockroach');
    assert.equal(popx.parse('/m/1_a.sqlite.up.sql')!.dialect, 'sqlite3');
    assert.equal(popx.parse('/m/1_a.mysql.up.sql')!.dialect, 'mysql');
    assert.equal(popx.parse('/m/1_a.up.sql')!.dialect, undefined);
    const auto = popx.parse('/m/20241029153900000001_identities.autocommit.up.sql')!;
    assert.deepEqual([auto.dialect, auto.autocommit], [undefined, true]);
    assert.deepEqual([popx.parse('/m/1_a.postgres.autocommit.down.sql')!.dialect, popx.parse('/m/1_a.postgres.autocommit.down.sql')!.autocommit], ['postgres', true]);
    assert.equal(pop.parse('/m/1_a.autocommit.up.sql'), undefined);
    assert.equal(pop.parse('/m/1_a.oracle.up.sql'), undefined);
    assert.equal(pop.parse('/m/1_a.up.fizz')!.ext, 'fizz');
    assert.equal(pop.parse('/m/1_a.postgres.up.fizz'), undefined);
    assert.deepEqual(pop.diagnoseName('1_a.oracle.up.sql'), { fileName: '1_a.oracle.up.sql', reason: '`oracle` is not a dialect pop knows' });
    assert.deepEqual(pop.diagnoseName('1_a.autocommit.up.sql'), { fileName: '1_a.autocommit.up.sql', reason: 'pop has no `.autocommit.` files (popx has)' });
    assert.deepEqual(pop.diagnoseName('1_add_users.postgres_up.sql'), {
      fileName: '1_add_users.postgres_up.sql',
      suggestion: '1_add_users.postgres.up.sql',
      reason: 'the direction must be written `.up.` or `.down.`, in lower case, between dots',
    });
  });

  it('versions are compared as text: 01 and 1 are two versions', () => {
    const a = pop.parse('/m/01_a.up.sql')!;
    const b = pop.parse('/m/1_b.up.sql')!;
    assert.notEqual(compareMigrations(a, b), 0);
  });

  it('detection: a dialect part says pop, .autocommit. or 20-digit versions say popx; plain names stay golang-migrate', () => {
    const cases: [Record<string, string>, string | undefined][] = [
      [{ '20190611004000_a.postgres.up.sql': '', '20190611004000_a.postgres.down.sql': '', '20190611004000_a.mysql.up.sql': '' }, 'pop'],
      [{ '20190611004000_a.up.fizz': '', '20190611004000_a.down.fizz': '', '20190611004001_b.up.sql': '', '20190611004001_b.down.sql': '' }, 'pop'],
      [{ '20150101000001000000_networks.postgres.up.sql': '', '20150101000001000000_networks.postgres.down.sql': '' }, 'popx'],
      [{ '20241029153900000001_identities.autocommit.up.sql': '', '20191100000001_a.up.sql': '' }, 'popx'],
      [{ '20190611004000_a.up.sql': '', '20190611004000_a.down.sql': '' }, 'golang-migrate'],
    ];
    for (const [files, expected] of cases) assert.equal(detectConvention(DIR, host(files))?.id, expected, JSON.stringify(files));
  });

  it('only PostgreSQL files and files for every database are migrations here; PostgreSQL\'s file replaces the general one', () => {
    const files = {
      '1_a.up.sql': 'CREATE TABLE a (id int);',
      '1_a.down.sql': 'DROP TABLE a;',
      '2_b.mysql.up.sql': 'CREATE TABLE b (id int) ENGINE=InnoDB;',
      '2_b.mysql.down.sql': 'DROP TABLE b;',
      '2_b.postgres.up.sql': 'CREATE TABLE b (id int);',
      '2_b.postgres.down.sql': 'DROP TABLE b;',
      '3_c.up.sql': 'CREATE TABLE c (id int);',
      '3_c.postgres.up.sql': 'CREATE TABLE c (id bigint);',
      '3_c.down.sql': 'DROP TABLE c;',
      '4_d.sqlite3.up.sql': 'CREATE TABLE d (id integer primary key autoincrement);',
    };
    const d = readMigrationDirectory(DIR, host(files), pop);
    assert.deepEqual(d.migrations.map((m) => m.fileName), ['1_a.up.sql', '1_a.down.sql', '2_b.postgres.up.sql', '2_b.postgres.down.sql', '3_c.postgres.up.sql', '3_c.down.sql']);
    assert.deepEqual([...d.notPostgres].map(([p, why]) => [path.basename(p), why]), [
      ['2_b.mysql.down.sql', "it is pop's migration for mysql, not PostgreSQL"],
      ['2_b.mysql.up.sql', "it is pop's migration for mysql, not PostgreSQL"],
      ['3_c.up.sql', "on PostgreSQL, pop runs the version's `.postgres.` file instead"],
      ['4_d.sqlite3.up.sql', "it is pop's migration for sqlite3, not PostgreSQL"],
    ]);
    // The MySQL file is not checked as PostgreSQL (its syntax would be an error there).
    const h = host(files);
    const mysql = analyzeFile({ filePath: path.join(DIR, '2_b.mysql.up.sql'), text: files['2_b.mysql.up.sql'], host: h });
    assert.deepEqual([mysql.convention.id, mysql.conventionState, mysql.findings, mysql.notChecked], ['pop', 'detected', [], "it is pop's migration for mysql, not PostgreSQL"]);
    // A dialect-specific up pairs with the down for every database.
    assert.deepEqual(findings(missingDownMigration, '3_c.postgres.up.sql', files), []);
    // Its down drops what the up created: no ban-drop-table.
    assert.deepEqual(findings(banDropTable, '3_c.down.sql', files), []);
    assert.deepEqual(findings(missingInverse, '3_c.postgres.up.sql', files), []);
  });

  it('popx refuses a folder with an up migration that has no down; pop cannot roll it back', () => {
    const files = { '20150101000001000000_a.postgres.up.sql': 'CREATE TABLE a ();', '20150101000002000000_b.postgres.up.sql': 'CREATE TABLE b ();', '20150101000002000000_b.postgres.down.sql': 'DROP TABLE b;' };
    assert.deepEqual(messages(missingDownMigration, '20150101000001000000_a.postgres.up.sql', files), [
      'Version 20150101000001000000 has no down migration: popx refuses to load a folder in which an up migration has none, so no migration of it runs. Add `20150101000001000000_a.postgres.down.sql` (an empty file if there is nothing to undo).',
    ]);
    const popFiles = { '1_a.postgres.up.sql': 'CREATE TABLE a ();', '2_b.postgres.up.sql': '', '2_b.postgres.down.sql': '' };
    assert.deepEqual(messages(missingDownMigration, '1_a.postgres.up.sql', popFiles), ['Version 1 has no down migration: pop cannot roll it back. Add `1_a.postgres.down.sql`.']);
  });

  it('two files of one version and dialect: the second fails to record its version', () => {
    const files = { '1_a.postgres.up.sql': '', '1_b.postgres.up.sql': '', '1_a.mysql.up.sql': '' };
    assert.deepEqual(messages(duplicateMigrationVersion, '1_a.postgres.up.sql', files), [
      'Version 1 has another up migration: `1_b.postgres.up.sql`. pop runs one of them and then fails on the other, whose version it has already recorded; give one of them a new version.',
    ]);
    // A general file and PostgreSQL's own are not two migrations.
    assert.deepEqual(findings(duplicateMigrationVersion, '2_c.postgres.up.sql', { '2_c.postgres.up.sql': '', '2_c.up.sql': '', '2_c.mysql.up.sql': '' }), []);
  });

  it('names: an unknown dialect is skipped by the tool; 20-digit versions are valid', () => {
    const files = { '20150101000001000000_a.postgres.up.sql': '', '20150101000001000000_a.postgres.down.sql': '', '20150101000002000000_b.oracle.up.sql': '' };
    assert.deepEqual(messages(invalidMigrationFilename, '20150101000002000000_b.oracle.up.sql', files), [
      'popx silently skips `20150101000002000000_b.oracle.up.sql`: `oracle` is not a dialect popx knows. Migrations are named `{version}_{name}[.postgres][.autocommit].up.sql / {version}_{name}[.postgres][.autocommit].down.sql`.',
    ]);
    assert.deepEqual(findings(invalidMigrationFilename, '20150101000001000000_a.postgres.up.sql', files), []);
  });

  it('transactions: each migration in a transaction; .autocommit. files are sent as one query', () => {
    const inTx = { '20150101000001000000_i.postgres.up.sql': 'CREATE INDEX CONCURRENTLY i ON t (a);', '20150101000001000000_i.postgres.down.sql': '' };
    assert.deepEqual(messages(transactionIncompatibleStatement, '20150101000001000000_i.postgres.up.sql', inTx), [
      'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and popx runs this migration in a transaction: it fails at deploy time. Put it in a migration of its own named `….autocommit.up.sql` (and `….autocommit.down.sql`), which popx runs outside a transaction.',
    ]);
    const alone = { '20150101000001000000_i.autocommit.up.sql': 'CREATE INDEX CONCURRENTLY i ON t (a);', '20150101000001000000_i.autocommit.down.sql': '' };
    assert.deepEqual(findings(transactionIncompatibleStatement, '20150101000001000000_i.autocommit.up.sql', alone), []);
    const two = { '20150101000001000000_i.autocommit.up.sql': 'CREATE INDEX CONCURRENTLY i ON t (a);\nCREATE INDEX CONCURRENTLY j ON t (b);', '20150101000001000000_i.autocommit.down.sql': '' };
    assert.deepEqual(findings(transactionIncompatibleStatement, '20150101000001000000_i.autocommit.up.sql', two), ['incompatible 0:0-0:36', 'incompatible 1:0-1:36']);
  });
});
