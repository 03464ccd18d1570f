import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunFileHost } from '../../../cli/src/check';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { chooseConvention, CONVENTION_IDS, conventionById, detectConvention } from '../../../server/src/engine/migrations/detect';
import { unrecognised as unknownTool } from '../../../server/src/engine/migrations/unrecognised';
import { RULES } from '../../../server/src/engine/rules/registry';

const host = (files: Record<string, string>): MemoryFileHost => new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join('/d', n), t])));

describe('convention detection', () => {
  it('conventionById knows the eight ids, and nothing else', () => {
    assert.deepEqual(CONVENTION_IDS, ['golang-migrate', 'goose', 'dbmate', 'sql-migrate', 'flyway', 'folder-per-migration', 'pop', 'popx']);
    assert.equal(conventionById('unknown'), undefined);
    // The unrecognised tool's stand-in is found by its id (a worker gets it by id) but cannot be configured.
    assert.equal(conventionById('unrecognised')?.unknownTool, true);
    assert.ok(!CONVENTION_IDS.includes('unrecognised'));
    for (const id of CONVENTION_IDS) assert.equal(conventionById(id)?.id, id);
    assert.equal(conventionById('liquibase'), undefined);
  });

  it('reads file names, then the first annotation of the other numbered files', () => {
    const cases: [Record<string, string>, string | undefined][] = [
      [{ '1_a.up.sql': '', '1_a.down.sql': '' }, 'golang-migrate'],
      [{ '00001_a.sql': '-- a comment\n-- +goose NO TRANSACTION\n-- +goose Up\n' }, 'goose'],
      [{ '1_a.sql': '\n-- migrate:up\n' }, 'dbmate'],
      [{ '1-a.sql': '-- +migrate Up\n' }, 'sql-migrate'],
      [{ 'V1__a.sql': '', 'R__views.sql': '' }, 'flyway'],
      [{ '1_a/up.sql': '', '2_b/up.sql': '', '2_b/down.sql': '' }, 'folder-per-migration'],
      [{ 'schema.sql': 'CREATE TABLE a ();', '1_plain.sql': 'CREATE TABLE b ();' }, undefined],
      [{}, undefined],
      // The majority wins: one goose file among golang-migrate pairs does not switch the directory.
      [{ '1_a.up.sql': '', '1_a.down.sql': '', '2_b.sql': '-- +goose Up\n' }, 'golang-migrate'],
    ];
    for (const [files, expected] of cases) assert.equal(detectConvention('/d', host(files))?.id, expected, JSON.stringify(files));
  });

  it('evidence against golang-migrate: versions held twice (3 or more), more numbered files it skips than it runs', () => {
    const dupes = { '1_a.up.sql': '', '1_b.up.sql': '', '2_a.up.sql': '', '2_b.up.sql': '', '3_a.up.sql': '', '3_b.up.sql': '', '4_c.up.sql': '' };
    assert.equal(detectConvention('/d', host(dupes))?.id, undefined);
    // One clash (two branches picked the same number) is golang-migrate's duplicate-migration-version.
    assert.equal(detectConvention('/d', host({ '1_a.up.sql': '', '1_b.up.sql': '', '2_c.up.sql': '' }))?.id, 'golang-migrate');
    assert.equal(detectConvention('/d', host({ '1_a.up.sql': '', '2_b.sql': '', '3_c.sql': '' }))?.id, undefined);
    // Files that are not numbered (seeds, schema dumps) do not count against it.
    assert.equal(detectConvention('/d', host({ '1_a.up.sql': '', 'seed.sql': '', 'schema.sql': '' }))?.id, 'golang-migrate');
  });

  it('the choice: configured, detected, assumed (no .sql file yet) or unknown', () => {
    const h = host({ '1_a.up.sql': '', 'other/x.sql': '', 'other/y.sql': '', 'empty/readme.md': '' });
    assert.deepEqual([chooseConvention('/d/1_a.up.sql', h).convention.id, chooseConvention('/d/1_a.up.sql', h).state], ['golang-migrate', 'detected']);
    assert.deepEqual([chooseConvention('/d/other/x.sql', h).convention, chooseConvention('/d/other/x.sql', h).state], [unknownTool, 'unknown']);
    assert.deepEqual([chooseConvention('/d/empty/new.sql', h).convention.id, chooseConvention('/d/empty/new.sql', h).state], ['golang-migrate', 'assumed']);
    assert.deepEqual([chooseConvention('/d/other/x.sql', h, conventionById('goose')).convention.id, chooseConvention('/d/other/x.sql', h, conventionById('goose')).state], ['goose', 'configured']);
  });

  it('an unknown tool: the analysis says so, the rules that belong to a tool say nothing, the others still check', () => {
    const files = {
      '0001_create_a.up.sql': 'CREATE TABLE a (id int);',
      '0001_create_b.up.sql': 'CREATE TABLE b (id int);',
      '0002_x.up.sql': 'SELECT 1;',
      '0002_y.up.sql': 'SELECT 1;',
      '0003_p.up.sql': 'SELECT 1;',
      '0003_q.up.sql': 'SELECT 1;',
      '0004_drop_a_up.sql': 'BEGIN;\nCREATE INDEX CONCURRENTLY i ON b (id);\nDROP TABLE a;\nCOMMIT;',
      '0004_drop_a_down.sql': 'DROP INDEX CONCURRENTLY i;\nCREATE TABLE a (id int);',
    };
    const h = host(files);
    const a = analyzeFile({ filePath: '/d/0004_drop_a_up.sql', text: files['0004_drop_a_up.sql'], host: h });
    assert.equal(a.convention, unknownTool);
    assert.equal(a.conventionState, 'unknown');
    assert.deepEqual([a.migration?.direction, a.migration?.versionKey], ['up', '0004_drop_a']);
    assert.deepEqual(
      a.findings.map((f) => f.ruleId),
      ['ban-drop-table', 'require-lock-timeout'],
    );
    // The down pairs by name, and undoes its up.
    const d = analyzeFile({ filePath: '/d/0004_drop_a_down.sql', text: files['0004_drop_a_down.sql'], host: h });
    assert.deepEqual([d.migration?.direction, d.findings.map((f) => f.ruleId)], ['down', []]);
    for (const id of ['missing-down-migration', 'orphan-down-migration', 'duplicate-migration-version', 'invalid-migration-filename', 'transaction-incompatible-statement', 'transaction-nesting']) {
      assert.ok(RULES.some((r) => r.meta.id === id), id);
    }
  });

  it('inside a migration folder, the folder itself says folder-per-migration', () => {
    assert.equal(detectConvention('/d/2019-02-26-002946_create_user', host({ '2019-02-26-002946_create_user/up.sql': '' }))?.id, 'folder-per-migration');
    assert.equal(detectConvention('/d/create_user', host({ 'create_user/up.sql': '' }))?.id, undefined);
  });

  it('the real corpus: each repository\'s migrations directory gets its real convention', function () {
    const corpus = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'corpus');
    if (!fs.existsSync(corpus)) this.skip();
    const run = new RunFileHost();
    const expected: [string, string | undefined][] = [
      ['pressly__goose/internal/testing/integration/testdata/migrations/postgres', 'goose'],
      ['openfga__openfga/assets/migrations/postgres', 'goose'],
      ['supabase__postgres/migrations/db/migrations', 'dbmate'],
      ['LemmyNet__lemmy/migrations', 'folder-per-migration'],
      ['LemmyNet__lemmy/migrations/2019-02-26-002946_create_user', 'folder-per-migration'],
      // Title-less names (`0157.up.sql`) and 36 versions held twice: a runner that keys migrations by
      // name (maragudk/migrate), not golang-migrate.
      ['harness__harness/app/store/database/migrate/postgres', undefined],
      ['ory__kratos/persistence/sql/migrations/sql', 'popx'],
      ['ory__kratos/persistence/sql/migrations/legacy', 'pop'],
      // 46 `.up.sql` files and 49 plain numbered ones: the project's own runner reads them all.
      ['getfider__fider/migrations', undefined],
      ['goharbor__harbor/make/migrations/postgresql', 'golang-migrate'],
      ['rudderlabs__rudder-server/sql/migrations/node', 'golang-migrate'],
      ['temporalio__temporal/schema/postgresql/v12/temporal/versioned/v1.0', undefined],
    ];
    for (const [dir, id] of expected) assert.equal(detectConvention(path.join(corpus, dir), run)?.id, id, dir);
  });
});
