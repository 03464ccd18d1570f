/**
 * Folders whose names no supported tool accepts (`0157.up.sql` without a title, several migrations
 * of one number): recognised as an unrecognised tool's, paired by name, replayed in order, and not
 * judged by golang-migrate's naming and version rules. New migrations never reuse or undercut a
 * version any file of a folder starts with.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { chooseConvention, detectConvention } from '../../../server/src/engine/migrations/detect';
import { nextVersion, planNextVersion, readMigrationDirectory } from '../../../server/src/engine/migrations/directory';
import { golangMigrate } from '../../../server/src/engine/migrations/golang-migrate';
import { unrecognised } from '../../../server/src/engine/migrations/unrecognised';
import { createPairedMigration } from '../../../server/src/lsp/paired-migration';
import { NodeFileHost } from '../../../server/src/engine/host';
import { create, DIR, NOW, tempDir } from './helpers';

const HARNESS_LIKE: Record<string, string> = {
  '0001_create_table_a_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
  '0001_create_table_a_users.down.sql': 'DROP TABLE users;\n',
  '0001_create_table_b_teams.up.sql': 'CREATE TABLE teams (id bigint PRIMARY KEY, owner bigint REFERENCES users (id));\n',
  '0001_create_table_b_teams.down.sql': 'DROP TABLE teams;\n',
  '0002_alter_users.up.sql': 'ALTER TABLE users ADD COLUMN email text;\n',
  '0002_alter_users.down.sql': 'ALTER TABLE users DROP COLUMN email;\n',
  '0157.up.sql': 'ALTER TABLE teams ADD COLUMN name text;\n',
  '0157.down.sql': 'ALTER TABLE teams DROP COLUMN name;\n',
  '0158.up.sql': 'ALTER TABLE teams ADD COLUMN slug text;\n',
  '0158.down.sql': 'ALTER TABLE teams DROP COLUMN slug;\n',
  '0159.up.sql': 'DROP TABLE teams;\n',
};
const memory = (files: Record<string, string>): MemoryFileHost => new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(DIR, n), t])));

describe('an unrecognised tool (title-less names)', () => {
  it('is detected from three title-less versions; one or two misnamed files stay golang-migrate', () => {
    // No supported convention: the unrecognised tool's stand-in.
    assert.equal(detectConvention(DIR, memory(HARNESS_LIKE)), undefined);
    assert.deepEqual(
      [chooseConvention(path.join(DIR, 'x.sql'), memory(HARNESS_LIKE)).convention.id, chooseConvention(path.join(DIR, 'x.sql'), memory(HARNESS_LIKE)).state],
      ['unrecognised', 'unknown'],
    );
    assert.equal(detectConvention(DIR, memory({ '0001_a.up.sql': '', '0002_b.up.sql': '', '0003.up.sql': '', '0004.up.sql': '' }))?.id, 'golang-migrate');
  });

  it('parses every `<name>.up.sql`, orders one number by title, pairs by the whole name', () => {
    const dir = readMigrationDirectory(DIR, memory(HARNESS_LIKE), unrecognised);
    assert.deepEqual(
      dir.migrations.filter((m) => m.direction === 'up').map((m) => m.fileName),
      ['0001_create_table_a_users.up.sql', '0001_create_table_b_teams.up.sql', '0002_alter_users.up.sql', '0157.up.sql', '0158.up.sql', '0159.up.sql'],
    );
    const teams = unrecognised.parse(path.join(DIR, '0001_create_table_b_teams.up.sql'))!;
    assert.equal(path.basename(unrecognised.counterpartPath(teams)), '0001_create_table_b_teams.down.sql');
    assert.deepEqual(dir.downs(teams).map((m) => m.fileName), ['0001_create_table_b_teams.down.sql']);
    assert.deepEqual(dir.invalid, []);
  });

  it('names, versions and transactions are not judged; the schema model and the statement rules work as anywhere', () => {
    const host = memory(HARNESS_LIKE);
    const ids = (name: string): string[] => analyzeFile({ filePath: path.join(DIR, name), text: HARNESS_LIKE[name]!, host }).findings.map((f) => f.ruleId);
    assert.deepEqual(ids('0001_create_table_a_users.up.sql'), []);
    assert.deepEqual(ids('0001_create_table_b_teams.up.sql'), []);
    assert.deepEqual(ids('0157.up.sql'), ['require-lock-timeout']);
    // The newest has no down: reported without claiming what an unknown tool does.
    const newest = analyzeFile({ filePath: path.join(DIR, '0159.up.sql'), text: HARNESS_LIKE['0159.up.sql']!, host }).findings;
    assert.deepEqual(newest.map((f) => `${f.ruleId} ${f.message}`), [
      'ban-drop-table DROP TABLE teams deletes the table and every row in it; a down migration cannot bring the data back.',
      'missing-down-migration Version 0159 has no down migration, so it cannot be rolled back. Add `0159.down.sql`.',
      'require-lock-timeout DROP TABLE takes an ACCESS EXCLUSIVE lock on teams with no lock_timeout set earlier in the file: while it waits for a running transaction, every new query on teams waits behind it.',
    ]);
  });

  it('"Create paired migration" there picks the next version after the highest, in the folder\'s width', () => {
    const dir = tempDir(HARNESS_LIKE);
    try {
      assert.deepEqual(create(dir, 'Add widgets', NOW), {
        upPath: '0160_add_widgets.up.sql',
        downPath: '0160_add_widgets.down.sql',
        files: [['0160_add_widgets.up.sql', ''], ['0160_add_widgets.down.sql', '']],
      });
      const r = createPairedMigration({ directory: dir, title: 'Add widgets', preview: true }, new NodeFileHost(), NOW);
      assert.ok(r.ok);
      assert.deepEqual([r.names, r.version, r.convention], [['0160_add_widgets.up.sql', '0160_add_widgets.down.sql'], '0160', 'an unrecognised tool']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the next version never reuses or undercuts a version', () => {
  it('a golang-migrate folder with files it skips: the highest numeric prefix of any file wins', () => {
    const host = memory({ '0001_a.up.sql': '', '0002_b.up.sql': '', '0157.up.sql': '', '0158.down.sql': '', 'notes.sql': '', '0200_x_up.sql': '' });
    assert.equal(nextVersion(readMigrationDirectory(DIR, host, golangMigrate), NOW), '0201');
  });

  it('a timestamp folder: now, unless a name sorts after now; a prefix no timestamp follows is refused with the reason', () => {
    const host = memory({ '20240101120000_a.up.sql': '', '20301231235959_future.up.sql': '' });
    assert.equal(nextVersion(readMigrationDirectory(DIR, host, golangMigrate), NOW), '20310101000000');
    const popx = memory({ '20240101120000_a.up.sql': '', '20150101000001000000_networks.up.sql': '' });
    const planned = planNextVersion(readMigrationDirectory(DIR, popx, golangMigrate), NOW);
    assert.deepEqual(planned, {
      ok: false,
      fallback: '20260305090703',
      message: '20150101000001000000_networks.up.sql starts with 20150101000001000000, above any YYYYMMDDhhmmss timestamp: a new migration\'s version would sort before it. Name the migration by hand.',
    });
    const dir = tempDir({ '20240101120000_a.up.sql': '', '20150101000001000000_networks.up.sql': '' });
    try {
      assert.equal(create(dir, 'x', NOW), `${planned.ok ? '' : planned.message} Nothing was created.`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
