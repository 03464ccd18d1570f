import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { downDropsForeignObject } from '../../../server/src/engine/rules/all/down-drops-foreign-object';
import { MemoryFileHost, NodeFileHost } from '../../../server/src/engine/host';
import { directionAt } from '../../../server/src/engine/migrations/convention';
import { detectConvention } from '../../../server/src/engine/migrations/detect';
import { nextVersion, readMigrationDirectory } from '../../../server/src/engine/migrations/directory';
import { planDown } from '../../../server/src/engine/actions/down-plan';
import { goose } from '../../../server/src/engine/migrations/goose';
import { wrapStatements } from '../../../server/src/engine/migrations/single-file';
import { banDropTable } from '../../../server/src/engine/rules/all/ban-drop-table';
import { duplicateMigrationVersion } from '../../../server/src/engine/rules/all/duplicate-migration-version';
import { invalidMigrationFilename } from '../../../server/src/engine/rules/all/invalid-migration-filename';
import { missingDownMigration } from '../../../server/src/engine/rules/all/missing-down-migration';
import { orphanDownMigration } from '../../../server/src/engine/rules/all/orphan-down-migration';
import { generateDownEdit } from '../../../server/src/lsp/code-actions/generate-down';
import { create, DIR, findings, messages, NOW, tempDir } from './helpers';

const NO_TX = '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (c);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY i;\n';

describe('convention: goose', () => {
  it('parses <int64>_name.sql; rejects other names, version 0 and versions above int64', () => {
    const m = goose.parse(path.join(DIR, '00005_no_tx.sql'))!;
    assert.deepEqual([m.version, m.versionNumber, m.title, m.direction, m.fileName, m.dir], ['00005', 5n, 'no_tx', 'up', '00005_no_tx.sql', DIR]);
    assert.equal(goose.parse('/m/20240101120000_add.sql')?.versionNumber, 20240101120000n);
    for (const bad of ['init.sql', '1-init.sql', '0_init.sql', '9223372036854775808_x.sql', '1_init.up.txt']) assert.equal(goose.parse(`/m/${bad}`), undefined, bad);
    assert.equal(goose.parse('/m/9223372036854775807_x.sql')?.versionNumber, 9223372036854775807n);
  });

  it('says why a name is skipped and which name goose loads', () => {
    assert.deepEqual(goose.diagnoseName('1-add users.sql'), { fileName: '1-add users.sql', suggestion: '1_add_users.sql', reason: 'goose names migrations `{version}_{title}.sql with -- +goose Up / -- +goose Down sections`' });
    assert.deepEqual(goose.diagnoseName('0_init.sql'), { fileName: '0_init.sql', reason: 'goose versions must be greater than zero' });
    assert.deepEqual(goose.diagnoseName('seed.sql'), { fileName: 'seed.sql', reason: 'its name does not start with a numeric version' });
    assert.equal(goose.diagnoseName('00001_init.sql'), undefined);
  });

  it('splits the file into sections with exact spans; NO TRANSACTION makes every section non-transactional', () => {
    const m = goose.parse('/m/00005_no_tx.sql')!;
    assert.deepEqual(goose.sections(m, NO_TX), [
      { direction: 'up', span: { start: 38, end: 77 }, transactional: false },
      { direction: 'down', span: { start: 92, end: 119 }, transactional: false },
    ]);
    const tx = '-- +goose up\n-- +goose statementbegin\nSELECT 1;\n-- +goose statementend\n-- +goose down\nSELECT 2;';
    assert.deepEqual(goose.sections(m, tx), [
      { direction: 'up', span: { start: 13, end: 71 }, transactional: true },
      { direction: 'down', span: { start: 86, end: 95 }, transactional: true },
    ]);
    assert.equal(tx.slice(86, 95), 'SELECT 2;');
    assert.equal(tx.slice(71, 86), '-- +goose down\n');
    assert.equal(directionAt(goose.sections(m, NO_TX), NO_TX.indexOf('CREATE')), 'up');
    assert.equal(directionAt(goose.sections(m, NO_TX), NO_TX.indexOf('DROP')), 'down');
    assert.equal(directionAt(goose.sections(m, NO_TX), 0), undefined, 'the NO TRANSACTION line is in no section');
    // Indented annotations are not annotations (goose rejects them); CRLF line ends.
    assert.deepEqual(goose.sections(m, '  -- +goose Up\nSELECT 1;'), []);
    assert.deepEqual(goose.sections(m, '-- +goose Up\r\nSELECT 1;\r\n-- +goose Down\r\n'), [
      { direction: 'up', span: { start: 14, end: 25 }, transactional: true },
      { direction: 'down', span: { start: 41, end: 41 }, transactional: true },
    ]);
  });

  it('analyzeFile detects goose and gives rules the sections and directionAt', () => {
    const host = new MemoryFileHost({ [path.join(DIR, '00005_no_tx.sql')]: NO_TX });
    const a = analyzeFile({ filePath: path.join(DIR, '00005_no_tx.sql'), text: NO_TX, host, only: [] });
    assert.equal(a.convention.id, 'goose');
    assert.deepEqual(a.sections.map((s) => [s.direction, s.transactional]), [['up', false], ['down', false]]);
  });

  it('pairs the up section with the down section of the same file', () => {
    const up = '-- +goose Up\nCREATE TABLE a (id int);\n';
    assert.deepEqual(findings(missingDownMigration, '00001_a.sql', { '00001_a.sql': up }), ['missingDown 0:0-0:12']);
    assert.deepEqual(messages(missingDownMigration, '00001_a.sql', { '00001_a.sql': up }), [
      'Version 00001 has no down migration: rolling it back makes goose record the older version without running any SQL. Add a `-- +goose Down` section.',
    ]);
    assert.deepEqual(findings(missingDownMigration, '00001_a.sql', { '00001_a.sql': `${up}-- +goose Down\nDROP TABLE a;\n` }), []);
    // A down section without an up: an orphan.
    const orphan = '-- +goose Down\nDROP TABLE a;\n';
    assert.deepEqual(findings(orphanDownMigration, '00002_b.sql', { '00002_b.sql': orphan, '00001_a.sql': up }), ['orphanDownSection 0:0-0:14']);
    assert.deepEqual(findings(missingDownMigration, '00002_b.sql', { '00002_b.sql': orphan, '00001_a.sql': up }), []);
    assert.deepEqual(findings(orphanDownMigration, '00001_a.sql', { '00001_a.sql': up }), []);
  });

  it('two files of one version are duplicates; a stray name is reported with the goose name', () => {
    const up = '-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n';
    const files = { '00001_a.sql': up, '1_b.sql': up };
    assert.deepEqual(messages(duplicateMigrationVersion, '00001_a.sql', files), [
      'Version 00001 has another migration: `1_b.sql`. goose refuses to load a directory with two migrations of one version; give one of them a new version.',
    ]);
    assert.deepEqual(messages(invalidMigrationFilename, '2-c.sql', { '00001_a.sql': up, '2-c.sql': up }), [
      'goose silently skips `2-c.sql`: goose names migrations `{version}_{title}.sql with -- +goose Up / -- +goose Down sections`. Rename it to `2_c.sql`.',
    ]);
  });

  it('the down section may drop what the up section created; the up section may not', () => {
    const text = '-- +goose Up\nCREATE TABLE a (id int);\nDROP TABLE old;\n\n-- +goose Down\nDROP TABLE a;\nDROP TABLE b;\n';
    assert.deepEqual(findings(banDropTable, '00001_a.sql', { '00001_a.sql': text }), ['dropTable 2:0-2:14']);
    // What the down section drops beyond the up's objects is down-drops-foreign-object's (an error).
    assert.deepEqual(findings(downDropsForeignObject, '00001_a.sql', { '00001_a.sql': text }), ['dropTable 6:0-6:12']);
  });

  it('next version: the directory sequence, else a timestamp', () => {
    const host = new MemoryFileHost({ '/g/00001_a.sql': '-- +goose Up\n', '/g/00002_b.sql': '-- +goose Up\n' });
    assert.equal(nextVersion(readMigrationDirectory('/g', host, goose), NOW), '00003');
    assert.equal(nextVersion(readMigrationDirectory('/empty', new MemoryFileHost(), goose), NOW), '20260305090703');
  });

  it('"Create paired migration" writes one file with both sections', () => {
    const dir = tempDir({ '00001_init.sql': '-- +goose Up\nCREATE TABLE a ();\n-- +goose Down\nDROP TABLE a;\n' });
    assert.deepEqual(create(dir, 'Add users', NOW), {
      upPath: '00002_add_users.sql',
      downPath: '00002_add_users.sql',
      files: [['00002_add_users.sql', '-- +goose Up\n\n-- +goose Down\n']],
    });
    assert.equal(detectConvention(dir, new NodeFileHost())?.id, 'goose');
  });

  it('wraps statements with a semicolon at a line end inside them in StatementBegin/End', () => {
    const sql = "-- header\nDROP TABLE a;\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\nDROP TABLE b;";
    assert.equal(
      wrapStatements(sql, { begin: '-- +goose StatementBegin', end: '-- +goose StatementEnd' }, '\n'),
      "-- header\nDROP TABLE a;\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n-- +goose StatementEnd\nDROP TABLE b;",
    );
    assert.equal(wrapStatements('SELECT 1; SELECT 2;', { begin: 'B', end: 'E' }, '\n'), 'SELECT 1; SELECT 2;');
    assert.equal(wrapStatements('DO $$ BEGIN\nPERFORM 1;\nEND $$;', { begin: 'B', end: 'E' }, '\r\n'), 'B\r\nDO $$ BEGIN\nPERFORM 1;\nEND $$;\r\nE\r\n');
  });

  it('"Generate down migration" appends a Down section after the up section', () => {
    const up = "-- +goose Up\nCREATE TABLE a (id int);\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n";
    const r = planDown({ upPath: path.join(DIR, '00001_a.sql'), upText: up, host: new MemoryFileHost({ [path.join(DIR, '00001_a.sql')]: up }) });
    assert.ok(r.ok && r.plan.kind === 'section');
    assert.equal(r.plan.offset, up.length);
    assert.equal(
      r.plan.newText,
      '\n-- +goose Down\n-- Down migration for 00001_a.sql, generated by Migration Guard: review it before use.\n\nDROP FUNCTION f();\n\nDROP TABLE a;\n',
    );
    const noTx = planDown({ upPath: path.join(DIR, '00005_no_tx.sql'), upText: NO_TX.slice(0, 77), host: new MemoryFileHost(), convention: goose });
    assert.ok(noTx.ok && noTx.plan.kind === 'section');
    assert.equal(noTx.plan.newText, '-- +goose Down\n-- Down migration for 00005_no_tx.sql, generated by Migration Guard: review it before use.\n\nDROP INDEX CONCURRENTLY i;\n');
    // A down section with content is never touched.
    const full = planDown({ upPath: path.join(DIR, '00005_no_tx.sql'), upText: NO_TX, host: new MemoryFileHost(), convention: goose });
    assert.deepEqual(full, { ok: false, message: '00005_no_tx.sql already has a down section' });
  });

  it('the editor\'s "Generate down migration" edits the same file, at the end of the up section', () => {
    const up = '-- +goose Up\nCREATE TABLE a (id int);';
    const r = generateDownEdit({ upPath: '/m/00001_a.sql', upText: up, host: new MemoryFileHost({ '/m/00001_a.sql': up }), openVersion: () => 7, canCreateFiles: true });
    assert.deepEqual(r, {
      downPath: path.resolve('/m/00001_a.sql'),
      downUri: 'file:///m/00001_a.sql',
      creates: false,
      edit: {
        documentChanges: [
          {
            textDocument: { uri: 'file:///m/00001_a.sql', version: 7 },
            edits: [
              {
                range: { start: { line: 1, character: 24 }, end: { line: 1, character: 24 } },
                newText: '\n\n-- +goose Down\n-- Down migration for 00001_a.sql, generated by Migration Guard: review it before use.\n\nDROP TABLE a;\n',
              },
            ],
          },
        ],
      },
    });
  });
});
