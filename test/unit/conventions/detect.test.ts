import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunFileHost } from '../../../cli/src/check';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { CONVENTION_IDS, conventionById, detectConvention } from '../../../server/src/engine/migrations/detect';

const host = (files: Record<string, string>): MemoryFileHost => new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join('/d', n), t])));

describe('convention detection', () => {
  it('conventionById knows the six ids, and nothing else', () => {
    assert.deepEqual(CONVENTION_IDS, ['golang-migrate', 'goose', 'dbmate', 'sql-migrate', 'flyway', 'folder-per-migration']);
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
      // Title-less names (`0157.up.sql`) and several migrations per number: a tool of its own.
      ['harness__harness/app/store/database/migrate/postgres', 'unrecognised'],
      ['ory__kratos/persistence/sql/migrations/sql', 'golang-migrate'],
      ['getfider__fider/migrations', 'golang-migrate'],
      ['temporalio__temporal/schema/postgresql/v12/temporal/versioned/v1.0', undefined],
    ];
    for (const [dir, id] of expected) assert.equal(detectConvention(path.join(corpus, dir), run)?.id, id, dir);
  });
});
