import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { nextVersion, readMigrationDirectory } from '../../../server/src/engine/migrations/directory';
import { planDown } from '../../../server/src/engine/actions/down-plan';
import { folderPerMigration } from '../../../server/src/engine/migrations/folder-per-migration';
import { banDropColumn } from '../../../server/src/engine/rules/all/ban-drop-column';
import { downDropsForeignObject } from '../../../server/src/engine/rules/all/down-drops-foreign-object';
import { duplicateMigrationVersion } from '../../../server/src/engine/rules/all/duplicate-migration-version';
import { invalidMigrationFilename } from '../../../server/src/engine/rules/all/invalid-migration-filename';
import { missingDownMigration } from '../../../server/src/engine/rules/all/missing-down-migration';
import { create, DIR, findings, messages, NOW, tempDir } from './helpers';

const UP = 'ALTER TABLE users ADD COLUMN bio text;\n';
const DOWN = 'ALTER TABLE users DROP COLUMN bio;\nALTER TABLE users DROP COLUMN email;\n';

describe('convention: folder-per-migration', () => {
  it('parses <version>_<name>/up.sql and down.sql; the directory is the folder\'s parent', () => {
    const m = folderPerMigration.parse(path.join(DIR, '2019-02-26-002946_create_user', 'up.sql'))!;
    assert.deepEqual([m.version, m.versionNumber, m.title, m.direction, m.fileName, m.dir], ['2019-02-26-002946', 20190226002946n, 'create_user', 'up', '2019-02-26-002946_create_user/up.sql', DIR]);
    assert.equal(folderPerMigration.parse(path.join(DIR, '00000000000000_diesel_initial_setup', 'down.sql'))?.versionNumber, 0n);
    assert.equal(folderPerMigration.parse(path.join(DIR, 'create_user', 'up.sql')), undefined);
    assert.equal(folderPerMigration.parse(path.join(DIR, '1_a', 'seed.sql')), undefined);
    assert.equal(folderPerMigration.directoryOf(path.join(DIR, '1_a', 'up.sql')), DIR);
    assert.equal(folderPerMigration.counterpartPath(m), path.join(DIR, '2019-02-26-002946_create_user', 'down.sql'));
  });

  it('pairs up.sql with its sibling down.sql; names and duplicates are relative to the migrations directory', () => {
    const files = { '1_a/up.sql': UP, '1_a/down.sql': DOWN, '2_b/up.sql': UP, '2_c/up.sql': UP, '2_c/Down.sql': '', '1_a/seed.sql': '' };
    assert.deepEqual(findings(missingDownMigration, '1_a/up.sql', files), []);
    assert.deepEqual(messages(missingDownMigration, '2_b/up.sql', files), ['Version 2 has no down migration: folder-per-migration (diesel) cannot roll it back. Add `2_b/down.sql`.']);
    assert.deepEqual(messages(duplicateMigrationVersion, '2_b/up.sql', files), [
      'Version 2 has another up migration: `2_c/up.sql`. folder-per-migration (diesel) refuses to load a directory with two up files for one version; give one of them a new version.',
    ]);
    assert.deepEqual(messages(invalidMigrationFilename, '2_c/Down.sql', files), [
      'folder-per-migration (diesel) silently skips `2_c/Down.sql`: the file must be named `up.sql` or `down.sql`, in lower case. Rename it to `2_c/down.sql`.',
    ]);
    assert.deepEqual(findings(invalidMigrationFilename, '1_a/seed.sql', files), ['notMigration 0:0-0:0']);
  });

  it('down.sql may drop what the sibling up.sql added; anything else is down-drops-foreign-object', () => {
    const files = { '1_a/up.sql': UP, '1_a/down.sql': DOWN };
    assert.deepEqual(findings(banDropColumn, '1_a/down.sql', files), []);
    assert.deepEqual(findings(downDropsForeignObject, '1_a/down.sql', files), ['dropColumn 1:18-1:35']);
  });

  it('analyzeFile reads the whole directory from inside a folder', () => {
    const host = new MemoryFileHost({ [path.join(DIR, '1_a/up.sql')]: UP, [path.join(DIR, '2_b/up.sql')]: UP });
    const a = analyzeFile({ filePath: path.join(DIR, '2_b/up.sql'), text: UP, host, only: [] });
    assert.equal(a.convention.id, 'folder-per-migration');
    assert.equal(a.directory.dir, DIR);
    assert.deepEqual(a.directory.migrations.map((m) => m.fileName), ['1_a/up.sql', '2_b/up.sql']);
  });

  it('next version keeps diesel\'s dashed timestamps', () => {
    const host = new MemoryFileHost({ [path.join(DIR, '2019-02-26-002946_create_user/up.sql')]: UP });
    assert.equal(nextVersion(readMigrationDirectory(DIR, host, folderPerMigration), NOW), '2026-03-05-090703');
  });

  it('"Create paired migration" makes a folder with up.sql and down.sql (also from inside a migration folder)', () => {
    const dir = tempDir({ '2019-02-26-002946_create_user/up.sql': UP, '2019-02-26-002946_create_user/down.sql': DOWN });
    const expected = {
      upPath: '2026-03-05-090703_add_bio/up.sql',
      downPath: '2026-03-05-090703_add_bio/down.sql',
      files: [['2026-03-05-090703_add_bio/up.sql', ''], ['2026-03-05-090703_add_bio/down.sql', '']],
    };
    assert.deepEqual(create(dir, 'add bio', NOW), expected);
    const inside = create(path.join(dir, '2019-02-26-002946_create_user'), 'add bio', NOW);
    assert.ok(typeof inside !== 'string');
    assert.deepEqual(inside.files.map(([n]) => n), ['../2026-03-05-090703_add_bio/up.sql', '../2026-03-05-090703_add_bio/down.sql']);
  });

  it('"Generate down migration" writes the sibling down.sql', () => {
    const upPath = path.join(DIR, '3_t', 'up.sql');
    const r = planDown({ upPath, upText: 'CREATE TABLE t ();\n', host: new MemoryFileHost({ [upPath]: '' }) });
    assert.ok(r.ok && r.plan.kind === 'file');
    assert.equal(r.plan.downPath, path.join(DIR, '3_t', 'down.sql'));
  });
});
