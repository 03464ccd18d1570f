/**
 * Verify goes through the engine's Convention for every tool (PGlite; database tier): file names,
 * pairing, the sections of single-file migrations, and whether the tool runs a file in a
 * transaction (non-transactional sections run statement by statement, as the tool runs them).
 * Each convention: a migration that round-trips, and one whose down loses a column's values,
 * reported on the down's statement (a section of the same file for goose, dbmate, sql-migrate).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { verifyAll, verifyMigration, verifyTesting, type VerifyResult } from '../../../server/src/engine/verify/index';

const ROOT = path.resolve('/virtual/conventions');
const BASE_UP = 'CREATE TABLE people (id int PRIMARY KEY, nick text NOT NULL);';
const BASE_DOWN = 'DROP TABLE people;';
const GOOD_UP = 'ALTER TABLE people ADD COLUMN age int;';
const GOOD_DOWN = 'ALTER TABLE people DROP COLUMN age;';
const LOSSY_UP = 'ALTER TABLE people DROP COLUMN nick;';
const LOSSY_DOWN = "ALTER TABLE people ADD COLUMN nick text NOT NULL DEFAULT 'x';";

interface Layout {
  /** Files of a directory whose migration 2 has this up and down. */
  files(up: string, down: string): Record<string, string>;
  /** The file the down of migration 2 is in. */
  downFile: string;
}

const LAYOUTS: Record<string, Layout> = {
  'golang-migrate': {
    files: (up, down) => ({
      '000001_people.up.sql': `${BASE_UP}\n`,
      '000001_people.down.sql': `${BASE_DOWN}\n`,
      '000002_change.up.sql': `${up}\n`,
      '000002_change.down.sql': `${down}\n`,
    }),
    downFile: '000002_change.down.sql',
  },
  goose: {
    files: (up, down) => ({
      '00001_people.sql': `-- +goose Up\n${BASE_UP}\n\n-- +goose Down\n${BASE_DOWN}\n`,
      '00002_change.sql': `-- +goose Up\n${up}\n\n-- +goose Down\n${down}\n`,
    }),
    downFile: '00002_change.sql',
  },
  dbmate: {
    files: (up, down) => ({
      '20240101000000_people.sql': `-- migrate:up\n${BASE_UP}\n\n-- migrate:down\n${BASE_DOWN}\n`,
      '20240102000000_change.sql': `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`,
    }),
    downFile: '20240102000000_change.sql',
  },
  'sql-migrate': {
    files: (up, down) => ({
      '1-people.sql': `-- +migrate Up\n${BASE_UP}\n\n-- +migrate Down\n${BASE_DOWN}\n`,
      '2-change.sql': `-- +migrate Up\n${up}\n\n-- +migrate Down\n${down}\n`,
    }),
    downFile: '2-change.sql',
  },
  flyway: {
    files: (up, down) => ({
      'V1__people.sql': `${BASE_UP}\n`,
      'U1__people.sql': `${BASE_DOWN}\n`,
      'V2__change.sql': `${up}\n`,
      'U2__change.sql': `${down}\n`,
    }),
    downFile: 'U2__change.sql',
  },
  'folder-per-migration': {
    files: (up, down) => ({
      '2024-01-01-000000_people/up.sql': `${BASE_UP}\n`,
      '2024-01-01-000000_people/down.sql': `${BASE_DOWN}\n`,
      '2024-01-02-000000_change/up.sql': `${up}\n`,
      '2024-01-02-000000_change/down.sql': `${down}\n`,
    }),
    downFile: '2024-01-02-000000_change/down.sql',
  },
};

describe('verify: every convention (PGlite)', function () {
  this.timeout(240_000);
  let cacheDir: string;
  // Every incremental state read (verify/tracker.ts) is compared with a full read of the catalog and
  // the rows, and a difference throws: these runs check the shortcuts of detection and seeding too.
  const wasChecking = process.env.MIGRATION_GUARD_VERIFY_CHECK;
  before(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-verify-conv-'));
    process.env.MIGRATION_GUARD_VERIFY_CHECK = '1';
  });
  after(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    if (wasChecking === undefined) delete process.env.MIGRATION_GUARD_VERIFY_CHECK;
    else process.env.MIGRATION_GUARD_VERIFY_CHECK = wasChecking;
  });

  const run = (convention: string, files: Record<string, string>): Promise<VerifyResult> => {
    const dir = path.join(ROOT, convention);
    const host = new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(dir, ...n.split('/')), t])));
    return verifyMigration({ directory: dir, host, cacheDir });
  };

  for (const [id, layout] of Object.entries(LAYOUTS)) {
    it(`${id}: a migration whose down undoes its up passes`, async () => {
      const r = await run(id, layout.files(GOOD_UP, GOOD_DOWN));
      assert.equal(r.convention, id);
      assert.equal(r.status, 'passed', r.summary);
      assert.deepEqual(r.findings, []);
      assert.equal(r.baseFiles, 1);
      assert.deepEqual(r.seed.seeded, ['public.people']);
    });

    it(`${id}: a down that brings a dropped column back empty fails on its statement`, async () => {
      const files = layout.files(LOSSY_UP, LOSSY_DOWN);
      const r = await run(id, files);
      assert.equal(r.status, 'failed');
      const text = files[layout.downFile]!;
      const at = text.indexOf(LOSSY_DOWN);
      const loss = r.findings.filter((f) => f.ruleId === 'verify-data-loss');
      assert.deepEqual(
        loss.map((f) => ({ file: path.relative(path.join(ROOT, id), f.file).split(path.sep).join('/'), span: f.span, message: f.message, details: f.details })),
        [
          {
            file: layout.downFile,
            span: { start: at, end: at + LOSSY_DOWN.length - 1 },
            message: "The down does not restore the values of `people.nick` (3 of 3 rows differ: 'nick-1' → 'x')",
            details: ["row id=1001: 'nick-1' → 'x'", "row id=1003: 'nick-3' → 'x'", "row id=2147483647: 'nick-2-é中😀' → 'x'"],
          },
        ],
      );
    });
  }

  it('goose NO TRANSACTION: the file runs statement by statement, so CREATE INDEX CONCURRENTLY beside another statement works', async () => {
    const r = await run('goose', {
      '00001_people.sql': `-- +goose Up\n${BASE_UP}\n\n-- +goose Down\n${BASE_DOWN}\n`,
      '00002_idx.sql':
        '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY people_nick_idx ON people (nick);\nCREATE INDEX CONCURRENTLY people_id_nick_idx ON people (id, nick);\n\n' +
        '-- +goose Down\nDROP INDEX CONCURRENTLY people_id_nick_idx;\nDROP INDEX CONCURRENTLY people_nick_idx;\n',
    });
    assert.equal(r.status, 'passed', r.summary);
    assert.deepEqual(r.findings, []);
  });

  it('dbmate without transaction:false: the section is one transaction, so CREATE INDEX CONCURRENTLY beside another statement fails there', async () => {
    const text =
      '-- migrate:up\nALTER TABLE people ADD COLUMN age int;\nCREATE INDEX CONCURRENTLY people_age_idx ON people (age);\n\n-- migrate:down\nDROP INDEX people_age_idx;\nALTER TABLE people DROP COLUMN age;\n';
    const r = await run('dbmate', { '20240101000000_people.sql': `-- migrate:up\n${BASE_UP}\n\n-- migrate:down\n${BASE_DOWN}\n`, '20240102000000_age.sql': text });
    assert.equal(r.status, 'failed');
    const at = text.indexOf('CREATE INDEX CONCURRENTLY');
    assert.deepEqual(
      r.findings.map((f) => [f.ruleId, f.span, f.message]),
      [['verify-statement-failed', { start: at, end: text.indexOf(';', at) }, 'The up fails: CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)']],
    );
    const passes = await run('dbmate', {
      '20240101000000_people.sql': `-- migrate:up\n${BASE_UP}\n\n-- migrate:down\n${BASE_DOWN}\n`,
      '20240102000000_age.sql': text.replace('-- migrate:up', '-- migrate:up transaction:false').replace('-- migrate:down', '-- migrate:down transaction:false'),
    });
    assert.equal(passes.status, 'passed', passes.summary);
  });

  it('verify --all runs notransaction sections under its savepoints with the findings of running them on their own', async () => {
    const dir = path.join(ROOT, 'sql-migrate-all');
    const h = new MemoryFileHost(
      Object.fromEntries(
        Object.entries({
          '1-people.sql': `-- +migrate Up\n${BASE_UP}\n\n-- +migrate Down\n${BASE_DOWN}\n`,
          // The down forgets the column: a schema difference, and the up run again fails on it.
          '2-age.sql': '-- +migrate Up notransaction\nALTER TABLE people ADD COLUMN age int;\nCREATE INDEX people_age_idx ON people (age);\n\n-- +migrate Down notransaction\nDROP INDEX people_age_idx;\n',
          // The down's second statement fails after its first applied.
          '3-email.sql': '-- +migrate Up notransaction\nALTER TABLE people ADD COLUMN email text;\n\n-- +migrate Down notransaction\nALTER TABLE people DROP COLUMN email;\nALTER TABLE nobody DROP COLUMN x;\n',
          '4-pets.sql': '-- +migrate Up\nCREATE TABLE pets (id int PRIMARY KEY, owner int REFERENCES people (id));\n\n-- +migrate Down\nDROP TABLE pets;\n',
        }).map(([n, t]) => [path.join(dir, n), t]),
      ),
    );
    const shape = (run: Awaited<ReturnType<typeof verifyAll>>): unknown => [
      run.error ?? null,
      run.stoppedAt ?? null,
      run.results.map((r) => [r.name, r.status, r.notes, r.findings.map((f) => [f.ruleId, path.basename(f.file), f.span, f.message])]),
    ];
    const inBlock = await verifyAll({ directory: dir, host: h, cacheDir: false });
    verifyTesting.noAutocommitInBlock = true;
    let alone;
    try {
      alone = await verifyAll({ directory: dir, host: h, cacheDir: false });
    } finally {
      verifyTesting.noAutocommitInBlock = false;
    }
    assert.deepEqual(shape(inBlock), shape(alone));
    assert.deepEqual(
      inBlock.results.map((r) => [r.name, r.status, r.findings.map((f) => f.ruleId)]),
      [
        ['1-people', 'passed', []],
        ['2-age', 'failed', ['verify-statement-failed', 'verify-schema-difference']],
        ['3-email', 'failed', ['verify-statement-failed']],
        ['4-pets', 'passed', []],
      ],
    );
  });

  it('goose NO TRANSACTION with concurrent index statements: verify runs them in its block without CONCURRENTLY, with the findings of running them as goose does', async () => {
    const dir = path.join(ROOT, 'goose-concurrently');
    const up = '-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE people ADD COLUMN age int;\nCREATE INDEX CONCURRENTLY people_age_idx ON people (age);\nCREATE INDEX   CONCURRENTLY people_bad_idx ON people (lower(nope));\n\n';
    const files = (down: string): MemoryFileHost =>
      new MemoryFileHost({ [path.join(dir, '00001_people.sql')]: `-- +goose Up\n${BASE_UP}\n\n-- +goose Down\n${BASE_DOWN}\n`, [path.join(dir, '00002_age.sql')]: up + down });
    const shape = (r: VerifyResult): unknown => [r.status, r.notes, r.findings.map((f) => [f.ruleId, f.span, f.message])];
    const both = async (down: string): Promise<VerifyResult> => {
      const inBlock = await verifyMigration({ directory: dir, host: files(down), cacheDir: false });
      verifyTesting.noAutocommitInBlock = true;
      try {
        const alone = await verifyMigration({ directory: dir, host: files(down), cacheDir: false });
        assert.deepEqual(shape(inBlock), shape(alone));
      } finally {
        verifyTesting.noAutocommitInBlock = false;
      }
      return inBlock;
    };
    // The third statement fails at the column it names, in the file's own text (CONCURRENTLY and the spaces after it were cut where it ran).
    const failed = await both('-- +goose Down\nDROP INDEX CONCURRENTLY people_age_idx;\nALTER TABLE people DROP COLUMN age;\n');
    const at = (up + '').indexOf('nope');
    assert.deepEqual(failed.findings.map((f) => [f.ruleId, f.span]), [['verify-statement-failed', { start: at, end: at + 4 }]]);
  });

  it('sql-migrate notransaction: a failing statement is reported where it stands, after the statements before it applied', async () => {
    const text = '-- +migrate Up notransaction\nALTER TABLE people ADD COLUMN age int;\nALTER TABLE nobody ADD COLUMN x int;\n\n-- +migrate Down\nALTER TABLE people DROP COLUMN age;\n';
    const r = await run('sql-migrate', { '1-people.sql': `-- +migrate Up\n${BASE_UP}\n\n-- +migrate Down\n${BASE_DOWN}\n`, '2-age.sql': text });
    assert.equal(r.status, 'failed');
    const at = text.indexOf('ALTER TABLE nobody');
    assert.deepEqual(
      r.findings.map((f) => [f.ruleId, f.span, f.message]),
      [['verify-statement-failed', { start: at, end: text.indexOf(';', at) }, 'The up fails: relation "nobody" does not exist (SQLSTATE 42P01)']],
    );
  });
});
