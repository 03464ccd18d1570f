/**
 * Verify compares the rows, not only the schema (PGlite; database tier). Every table gets distinctive
 * rows before the up; after up → down they are compared row by row, per column. Fixtures add the
 * user's own rows. Results are findings of the verify rules, with severities and suppressions.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileHost } from '../../../server/src/engine/host';
import { describeSeed, verifyAll, verifyMigration, type VerifyOptions, type VerifyResult } from '../../../server/src/engine/verify/index';
import { seedTesting } from '../../../server/src/engine/verify/seed';
import { BACKUP_INIT, applied, planFor } from '../inverse/backup-helpers';

const DIR = path.resolve('/virtual/data/migrations');
const ACCOUNTS = 'CREATE TABLE accounts (id bigserial PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, email varchar(60) UNIQUE);\n';

const span = (text: string, part: string): { start: number; end: number } => {
  const start = text.indexOf(part);
  assert.ok(start >= 0, `fixture lacks ${part}`);
  return { start, end: start + part.length };
};

const view = (r: VerifyResult) => r.findings.map((f) => ({ rule: f.ruleId, severity: f.severity, file: path.basename(f.file), span: f.span, message: f.message, details: f.details }));

describe('verify: data (PGlite)', function () {
  this.timeout(240_000);
  let cacheDir: string;
  const verify = (files: Record<string, string>, extra: Partial<VerifyOptions> = {}, dir = DIR): Promise<VerifyResult> => {
    const all: Record<string, string> = {};
    for (const [name, text] of Object.entries(files)) all[path.join(dir, name)] = text;
    return verifyMigration({ directory: dir, host: new MemoryFileHost(all), cacheDir, ...extra });
  };

  before(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-verify-data-'));
  });
  after(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  const MERGE_UP = [
    'ALTER TABLE accounts ADD COLUMN full_name text;',
    "UPDATE accounts SET full_name = first_name || ' ' || last_name;",
    'ALTER TABLE accounts DROP COLUMN first_name, DROP COLUMN last_name;',
    '',
  ].join('\n');
  const LOSSY_DOWN = ["ALTER TABLE accounts ADD COLUMN first_name text NOT NULL DEFAULT '', ADD COLUMN last_name text NOT NULL DEFAULT '';", 'ALTER TABLE accounts DROP COLUMN full_name;', ''].join('\n');

  it('the lossy down of the issue fails, naming both columns at the statement that re-creates them, with rows as evidence', async () => {
    const r = await verify({
      '000001_accounts.up.sql': ACCOUNTS,
      '000001_accounts.down.sql': 'DROP TABLE accounts;\n',
      '000002_full_name.up.sql': MERGE_UP,
      '000002_full_name.down.sql': LOSSY_DOWN,
    });
    assert.equal(r.status, 'failed');
    assert.equal(r.ok, false);
    assert.deepEqual(r.seed.seeded, ['public.accounts']);
    const readd = span(LOSSY_DOWN, "ALTER TABLE accounts ADD COLUMN first_name text NOT NULL DEFAULT '', ADD COLUMN last_name text NOT NULL DEFAULT ''");
    const loss = view(r).filter((f) => f.rule === 'verify-data-loss');
    assert.deepEqual(loss, [
      {
        rule: 'verify-data-loss',
        severity: 'error',
        file: '000002_full_name.down.sql',
        span: readd,
        message: "The down does not restore the values of `accounts.first_name` (3 of 3 rows differ: 'first_name-1' → '')",
        details: ["row id=1001: 'first_name-1' → ''", "row id=1003: 'first_name-3' → ''", "row id=9223372036854775807: 'first_name-2-é中😀' → ''"],
      },
      {
        rule: 'verify-data-loss',
        severity: 'error',
        file: '000002_full_name.down.sql',
        span: readd,
        message: "The down does not restore the values of `accounts.last_name` (3 of 3 rows differ: 'last_name-1' → '')",
        details: ["row id=1001: 'last_name-1' → ''", "row id=1003: 'last_name-3' → ''", "row id=9223372036854775807: 'last_name-2-é中😀' → ''"],
      },
    ]);
    // The re-added columns are last now: information, once, not an error.
    const order = view(r).filter((f) => f.rule === 'verify-column-order');
    assert.equal(order.length, 1);
    assert.equal(order[0]!.severity, 'info');
    assert.match(order[0]!.message, /harmless unless code uses SELECT \* or INSERT without a column list/);
    assert.deepEqual(order[0]!.details, ['accounts: (id, first_name, last_name, email) before, (id, email, first_name, last_name) after']);
    // The data change of the up, for "Show data change".
    assert.deepEqual(r.data.map((d) => d.table), ['public.accounts']);
    assert.match(r.data[0]!.before ?? '', /^accounts \(3 rows\)\n {2}id +\| first_name +\| last_name +\| email\n/);
    assert.match(r.data[0]!.afterUp ?? '', /'first_name-1 last_name-1'/);
    assert.match(r.data[0]!.afterDown ?? '', /1001 +\| 'email-1' +\| '' +\| ''/);
  });

  it('an UPDATE whose down restores the values passes (the column order is information only)', async () => {
    const up = [
      'ALTER TABLE accounts ADD COLUMN full_name text;',
      "UPDATE accounts SET full_name = first_name || '|' || last_name;",
      'ALTER TABLE accounts DROP COLUMN first_name, DROP COLUMN last_name;',
      '',
    ].join('\n');
    const down = [
      'ALTER TABLE accounts ADD COLUMN first_name text, ADD COLUMN last_name text;',
      "UPDATE accounts SET first_name = split_part(full_name, '|', 1), last_name = split_part(full_name, '|', 2);",
      'ALTER TABLE accounts ALTER COLUMN first_name SET NOT NULL, ALTER COLUMN last_name SET NOT NULL, DROP COLUMN full_name;',
      '',
    ].join('\n');
    const r = await verify({
      '000001_accounts.up.sql': ACCOUNTS,
      '000001_accounts.down.sql': 'DROP TABLE accounts;\n',
      '000002_full_name.up.sql': up,
      '000002_full_name.down.sql': down,
    });
    assert.equal(r.status, 'passed', r.summary);
    assert.deepEqual(
      view(r).map((f) => [f.rule, f.severity]),
      [['verify-column-order', 'info']],
    );
    assert.equal(r.summary, 'up → down → up round-trips (1 note)');
  });

  it('the column-order case: a dropped column restored from its "Keep a backup copy" passes with one information', async () => {
    // Our own quick fix, applied: the up copies key and column into a backup table, the down restores them.
    const files = {
      '000001_init.up.sql': BACKUP_INIT,
      '000001_init.down.sql': 'DROP TABLE logs;\nDROP TABLE posts;\nDROP TABLE users;\n',
      '000002_x.up.sql': 'ALTER TABLE users DROP COLUMN email;\n',
      '000002_x.down.sql': 'ALTER TABLE users ADD COLUMN email text NOT NULL;\n',
    };
    const plan = planFor(files, '000002_x.up.sql', 0);
    assert.ok(plan.ok);
    const fixed = applied(files, plan.edits);
    const r = await verify(fixed, {}, path.resolve('/virtual/migrations'));
    assert.equal(r.status, 'passed', r.summary);
    assert.deepEqual(
      view(r).map((f) => [f.rule, f.severity, f.details]),
      [['verify-column-order', 'info', ['users: (id, email, name) before, (id, name, email) after']]],
    );
    // Without the fix, the same down brings the column back empty: the values of every row are lost.
    const lossy = await verify({ ...files, '000002_x.down.sql': "ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';\n" }, {}, path.resolve('/virtual/migrations'));
    assert.equal(lossy.status, 'failed');
    assert.deepEqual(lossy.findings.filter((f) => f.ruleId === 'verify-data-loss').map((f) => f.message), ["The down does not restore the values of `users.email` (3 of 3 rows differ: 'email-1' → '')"]);
  });

  it('a verify finding is silenced by a suppression comment on its statement; severities come from the rules setting', async () => {
    const down = `-- migration-guard-ignore verify-data-loss, verify-schema-difference -- the names are restored from the backup table\n${LOSSY_DOWN}`;
    const files = {
      '000001_accounts.up.sql': ACCOUNTS,
      '000001_accounts.down.sql': 'DROP TABLE accounts;\n',
      '000002_full_name.up.sql': MERGE_UP,
      '000002_full_name.down.sql': down,
    };
    const r = await verify(files);
    assert.equal(r.status, 'passed', r.summary);
    assert.equal(r.suppressed, 3);
    assert.deepEqual(view(r).map((f) => f.rule), ['verify-column-order']);
    const off = await verify(files, { rules: { 'verify-column-order': 'off', 'verify-data-loss': 'warning' } });
    assert.deepEqual(view(off), []);
    const warned = await verify({ ...files, '000002_full_name.down.sql': LOSSY_DOWN }, { rules: { 'verify-data-loss': 'warning', 'verify-schema-difference': 'off' } });
    assert.equal(warned.status, 'passed');
    assert.deepEqual(
      view(warned).map((f) => [f.rule, f.severity]),
      [
        ['verify-data-loss', 'warning'],
        ['verify-data-loss', 'warning'],
        ['verify-column-order', 'info'],
      ],
    );
  });

  it('a down that drops what it should keep loses rows, reported at that statement with the rows', async () => {
    const down = 'DROP TABLE tags;\nDELETE FROM accounts WHERE email IS NULL;\n';
    const r = await verify({
      '000001_accounts.up.sql': ACCOUNTS,
      '000001_accounts.down.sql': 'DROP TABLE accounts;\n',
      '000002_tags.up.sql': 'CREATE TABLE tags (id int PRIMARY KEY);\n',
      '000002_tags.down.sql': down,
    });
    assert.equal(r.status, 'failed');
    assert.deepEqual(view(r), [
      {
        rule: 'verify-data-loss',
        severity: 'error',
        file: '000002_tags.down.sql',
        span: span(down, 'DELETE FROM accounts WHERE email IS NULL'),
        message: 'The down does not restore 1 of 3 rows of `accounts`',
        details: ["row id=1003, first_name='first_name-3', last_name='last_name-3', email=NULL"],
      },
    ]);
  });

  it('a down that leaves rows the up inserted is a warning (verify-data-leftover)', async () => {
    const r = await verify({
      '000001_accounts.up.sql': ACCOUNTS,
      '000001_accounts.down.sql': 'DROP TABLE accounts;\n',
      '000002_admin.up.sql': "INSERT INTO accounts (id, first_name, last_name) VALUES (1, 'Ada', 'Lovelace') ON CONFLICT DO NOTHING;\n",
      '000002_admin.down.sql': '-- nothing to undo\nSELECT 1;\n',
    });
    assert.equal(r.status, 'passed', r.summary);
    assert.deepEqual(
      view(r).map((f) => [f.rule, f.severity, f.message, f.details]),
      [['verify-data-leftover', 'warning', 'The down leaves 1 row in `accounts` that did not exist before the up', ["row id=1, first_name='Ada', last_name='Lovelace', email=NULL"]]],
    );
  });

  it('up → down → up: the values of the up run again are compared with the first up, at the up statement that makes the column', async () => {
    // The down leaves the up's log row behind, so the up run again counts one more row.
    const up = [
      'ALTER TABLE accounts ADD COLUMN logged int;',
      'UPDATE accounts SET logged = (SELECT count(*) FROM log);',
      "INSERT INTO log (msg) VALUES ('migrated');",
      '',
    ].join('\n');
    const r = await verify({
      '000001_accounts.up.sql': `${ACCOUNTS}CREATE TABLE log (id serial PRIMARY KEY, msg text NOT NULL);\n`,
      '000001_accounts.down.sql': 'DROP TABLE log;\nDROP TABLE accounts;\n',
      '000002_logged.up.sql': up,
      '000002_logged.down.sql': 'ALTER TABLE accounts DROP COLUMN logged;\n',
    });
    assert.equal(r.status, 'failed', r.summary);
    assert.deepEqual(view(r), [
      {
        rule: 'verify-data-leftover',
        severity: 'warning',
        file: '000002_logged.down.sql',
        span: span('ALTER TABLE accounts DROP COLUMN logged;\n', 'ALTER TABLE accounts DROP COLUMN logged'),
        message: 'The down leaves 1 row in `log` that did not exist before the up',
        details: ["row id=1, msg='migrated'"],
      },
      {
        rule: 'verify-data-loss',
        severity: 'error',
        file: '000002_logged.up.sql',
        span: span(up, 'ALTER TABLE accounts ADD COLUMN logged int'),
        message: 'Running the up again after the down gives other values of `accounts.logged` than the first up (3 of 3 rows differ: 3 → 4)',
        details: ['row id=1001: 3 → 4', 'row id=1003: 3 → 4', 'row id=9223372036854775807: 3 → 4'],
      },
    ]);
  });

  it('fixtures run before the up: their rows are compared like the synthetic ones', async () => {
    const fixture = path.resolve('/virtual/data/fixtures/accounts.sql');
    const host = new MemoryFileHost({
      [path.join(DIR, '000001_accounts.up.sql')]: ACCOUNTS,
      [path.join(DIR, '000001_accounts.down.sql')]: 'DROP TABLE accounts;\n',
      [path.join(DIR, '000002_full_name.up.sql')]: MERGE_UP,
      [path.join(DIR, '000002_full_name.down.sql')]: LOSSY_DOWN,
      [fixture]: "INSERT INTO accounts (id, first_name, last_name, email) VALUES (7, 'Grace', 'Hopper', 'grace@example.com');\n",
    });
    const r = await verifyMigration({ directory: DIR, host, cacheDir, fixtures: [fixture] });
    assert.equal(r.status, 'failed');
    assert.deepEqual(r.fixtures, [fixture]);
    // The fixture's table holds rows, so no synthetic ones are added to it.
    assert.deepEqual(r.seed.seeded, []);
    const first = r.findings.find((f) => f.ruleId === 'verify-data-loss' && f.message.includes('first_name'));
    assert.equal(first?.message, "The down does not restore the values of `accounts.first_name` (1 of 1 row differ: 'Grace' → '')");
    assert.deepEqual(first?.details, ["row id=7: 'Grace' → ''"]);
  });

  it('a fixture that fails names the fixture, its line and PostgreSQL\'s message, and verifies nothing', async () => {
    const fixture = path.resolve('/virtual/data/fixtures/bad.sql');
    const text = "INSERT INTO accounts (id, first_name, last_name) VALUES (1, 'a', 'b');\n\nINSERT INTO acounts (id) VALUES (2);\n";
    const host = new MemoryFileHost({
      [path.join(DIR, '000001_accounts.up.sql')]: ACCOUNTS,
      [path.join(DIR, '000001_accounts.down.sql')]: 'DROP TABLE accounts;\n',
      [path.join(DIR, '000002_full_name.up.sql')]: MERGE_UP,
      [path.join(DIR, '000002_full_name.down.sql')]: LOSSY_DOWN,
      [fixture]: text,
    });
    const r = await verifyMigration({ directory: DIR, host, cacheDir, fixtures: [fixture] });
    assert.equal(r.status, 'fixture-failed');
    assert.equal(r.ok, false);
    assert.equal(r.fixtureFailure?.file, fixture);
    assert.equal(r.fixtureFailure?.message, 'relation "acounts" does not exist');
    assert.equal(r.fixtureFailure?.code, '42P01');
    assert.deepEqual(r.fixtureFailure?.range, { start: { line: 2, character: 12 }, end: { line: 2, character: 19 } });
    assert.equal(r.summary, 'fixture bad.sql fails: relation "acounts" does not exist; nothing was verified');
    assert.deepEqual(r.findings, []);
    assert.equal(r.snapshots.afterUp, undefined);
  });

  it('a migration that does not apply is reported at its statement', async () => {
    const up = 'ALTER TABLE accounts ADD COLUMN age int;\nALTER TABLE acounts ADD COLUMN x int;\n';
    const r = await verify({
      '000001_accounts.up.sql': ACCOUNTS,
      '000001_accounts.down.sql': 'DROP TABLE accounts;\n',
      '000002_age.up.sql': up,
      '000002_age.down.sql': 'ALTER TABLE accounts DROP COLUMN age;\n',
    });
    assert.equal(r.status, 'failed');
    assert.deepEqual(view(r), [
      {
        rule: 'verify-statement-failed',
        severity: 'error',
        file: '000002_age.up.sql',
        span: span(up, 'ALTER TABLE acounts ADD COLUMN x int'),
        message: 'The up fails: relation "acounts" does not exist (SQLSTATE 42P01)',
        details: [],
      },
    ]);
  });

  it('an up that only the synthetic rows break runs again without them, with a note', async () => {
    const r = await verify({
      '000001_accounts.up.sql': ACCOUNTS,
      '000001_accounts.down.sql': 'DROP TABLE accounts;\n',
      '000002_check.up.sql': "ALTER TABLE accounts ADD CONSTRAINT accounts_email_check CHECK (email LIKE '%@%');\n",
      '000002_check.down.sql': 'ALTER TABLE accounts DROP CONSTRAINT accounts_email_check;\n',
    });
    assert.equal(r.status, 'passed', r.summary);
    assert.deepEqual(r.notes, [
      'the up rejects the synthetic rows (000002_check.up.sql: check constraint "accounts_email_check" of relation "accounts" is violated by some row), so the round trip ran without them',
    ]);
  });

  it('sequences are put back with the savepoint: the up run again without the synthetic rows draws the same serial values', async () => {
    // The first run of the up takes id 1 from the sequence, then its CHECK rejects the synthetic rows.
    // A rollback to a savepoint does not move a sequence back: without putting it back by hand, the
    // second run would insert id 2 and the down, which deletes id 1, would seem to leave a row behind.
    const files: Record<string, string> = {
      '000001_items.up.sql': 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);\n',
      '000001_items.down.sql': 'DROP TABLE items;\n',
      '000002_default.up.sql': "INSERT INTO items (name) VALUES ('default');\nALTER TABLE items ADD CONSTRAINT items_name_check CHECK (name = 'default');\n",
      '000002_default.down.sql': 'ALTER TABLE items DROP CONSTRAINT items_name_check;\nDELETE FROM items WHERE id = 1;\n',
    };
    const r = await verify(files);
    assert.equal(r.status, 'passed', r.summary);
    assert.deepEqual(view(r), []);
    assert.deepEqual(r.notes, [
      'the up rejects the synthetic rows (000002_default.up.sql: check constraint "items_name_check" of relation "items" is violated by some row), so the round trip ran without them',
    ]);
    // In a chain, the next migration sees the sequence where a bare replay leaves it.
    const host = new MemoryFileHost(
      Object.fromEntries(
        Object.entries({
          ...files,
          '000003_second.up.sql': "INSERT INTO items (name) VALUES ('default');\n",
          '000003_second.down.sql': 'DELETE FROM items WHERE id = 2;\n',
        }).map(([n, t]) => [path.join(DIR, n), t]),
      ),
    );
    const run = await verifyAll({ directory: DIR, host, cacheDir });
    assert.deepEqual(
      run.results.map((x) => [x.name, x.status, x.findings.map((f) => f.ruleId)]),
      [
        ['000001_items', 'passed', []],
        ['000002_default', 'passed', []],
        ['000003_second', 'passed', []],
      ],
    );
  });

  it('rows go in without setting session_replication_role when nothing it switches can fire, exactly as with it set (a table whose referenced table is refused is deferred)', async () => {
    const folder = (extra: string): Record<string, string> => ({
      '000001_init.up.sql': `CREATE TABLE parents (id int PRIMARY KEY, name text NOT NULL);\nCREATE TABLE kids (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parents (id), name text);\n${extra}`,
      '000001_init.down.sql': 'DROP TABLE kids, parents;\n',
      '000002_note.up.sql': 'ALTER TABLE kids ADD COLUMN note text;\nUPDATE kids SET note = name;\n',
      '000002_note.down.sql': 'ALTER TABLE kids DROP COLUMN note;\n',
    });
    // `strict` refuses every row; `strict_kids` references it and the migration reaches both (a foreign-key parent).
    const refused = 'CREATE TABLE strict (id int PRIMARY KEY, code text NOT NULL CHECK (code <> code));\nCREATE TABLE strict_kids (id int PRIMARY KEY, strict_id int REFERENCES strict (id));\n';
    const twice = async (files: Record<string, string>): Promise<{ quiet: number; normal: VerifyResult; set: VerifyResult }> => {
      const before = seedTesting.quiet;
      const normal = await verify(files, { cacheDir: false });
      const quiet = seedTesting.quiet - before;
      seedTesting.neverQuiet = true;
      try {
        return { quiet, normal, set: await verify(files, { cacheDir: false }) };
      } finally {
        seedTesting.neverQuiet = false;
      }
    };
    // The same result, but for how the rows went in (the quiet seeding says so: `seed.quiet`).
    const strip = (r: VerifyResult): unknown => ({ ...r, timings: {}, seed: { ...r.seed, quiet: undefined } });
    const plain = await twice(folder(''));
    assert.equal(plain.quiet, 1, 'the foreign-key check is the only trigger: the rows go in without the setting');
    assert.deepEqual(plain.normal.seed, { seeded: ['public.kids', 'public.parents'], skipped: [], rows: 6, triggersOff: true, quiet: true });
    assert.equal(describeSeed(plain.normal.seed), '6 synthetic rows in 2 tables, inserted as they are (no trigger or rule of the schema acts on these tables)');
    assert.deepEqual(plain.set.seed, { seeded: ['public.kids', 'public.parents'], skipped: [], rows: 6, triggersOff: true });
    assert.equal(describeSeed(plain.set.seed), "6 synthetic rows in 2 tables, inserted with the schema's triggers and rules off (session_replication_role = replica)");
    assert.deepEqual(strip(plain.normal), strip(plain.set));
    const withStrict = { ...folder(refused), '000002_note.up.sql': 'ALTER TABLE kids ADD COLUMN note text;\nALTER TABLE strict_kids ADD COLUMN note text;\nUPDATE kids SET note = name;\n', '000002_note.down.sql': 'ALTER TABLE strict_kids DROP COLUMN note;\nALTER TABLE kids DROP COLUMN note;\n' };
    const strict = await twice(withStrict);
    assert.equal(strict.quiet, 0, 'a table was refused: the rest went in with the setting');
    assert.deepEqual(strict.normal.seed.seeded, ['public.kids', 'public.parents', 'public.strict_kids']);
    assert.deepEqual(strict.normal.seed.skipped.map((x) => x.table), ['public.strict']);
    assert.deepEqual(strip(strict.normal), strip(strict.set));
  });

  it('the synthetic rows go in with the schema\'s triggers off, and the result says so; the up still fires them', async () => {
    // One trigger refuses direct inserts, one creates a partition-like table per row, one rewrites a value:
    // each would make the seeding fail, change the schema, or change the rows compared after the down.
    const init = [
      'CREATE TABLE events (id int PRIMARY KEY, kind text NOT NULL);',
      'CREATE TABLE ledger (id int PRIMARY KEY, amount int NOT NULL);',
      'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);',
      "CREATE FUNCTION events_partition() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('CREATE TABLE IF NOT EXISTS %I (LIKE events)', 'events_' || NEW.id); RETURN NEW; END $$;",
      'CREATE TRIGGER events_partition AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_partition();',
      "CREATE FUNCTION ledger_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'ledger rows come from the application'; END $$;",
      'CREATE TRIGGER ledger_guard BEFORE INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_guard();',
      "CREATE FUNCTION notes_upper() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.body := upper(NEW.body); RETURN NEW; END $$;",
      'CREATE TRIGGER notes_upper BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION notes_upper();',
      '',
    ].join('\n');
    const files = {
      '000001_init.up.sql': init,
      '000001_init.down.sql': 'DROP TABLE notes;\nDROP TABLE ledger;\nDROP TABLE events;\nDROP FUNCTION notes_upper();\nDROP FUNCTION ledger_guard();\nDROP FUNCTION events_partition();\n',
      '000002_flag.up.sql': 'ALTER TABLE events ADD COLUMN flagged boolean;\nALTER TABLE ledger ADD COLUMN note text;\n',
      '000002_flag.down.sql': 'ALTER TABLE ledger DROP COLUMN note;\nALTER TABLE events DROP COLUMN flagged;\n',
    };
    const r = await verify(files, { showData: true });
    assert.equal(r.status, 'passed', r.summary);
    assert.deepEqual(view(r), []);
    assert.deepEqual(r.seed.seeded, ['public.events', 'public.ledger', 'public.notes']);
    assert.deepEqual(r.seed.skipped, []);
    assert.equal(r.seed.triggersOff, true);
    assert.equal(describeSeed(r.seed), "9 synthetic rows in 3 tables, inserted with the schema's triggers and rules off (session_replication_role = replica)");
    // No table was created for the seeded events, and the notes kept their own values.
    assert.doesNotMatch(r.snapshots.afterUp ?? '', /events_\d/);
    const notes = r.data.find((d) => d.table === 'public.notes');
    assert.equal(notes, undefined, 'the up does not touch notes');
    // The up's own statements still fire the triggers: a migration's UPDATE of notes goes through notes_upper.
    const fired = await verify({ ...files, '000002_flag.up.sql': "UPDATE notes SET body = body || '!';\n", '000002_flag.down.sql': "UPDATE notes SET body = left(body, -1);\n" });
    assert.equal(fired.status, 'failed');
    assert.deepEqual(
      fired.findings.map((f) => [f.ruleId, f.message]),
      [['verify-data-loss', "The down does not restore the values of `notes.body` (3 of 3 rows differ: 'body-1' → 'BODY-1')"]],
    );
  });

  it('verifyAll walks the directory once: each migration starts from the state after the previous up', async () => {
    const files: Record<string, string> = {
      '000001_accounts.up.sql': ACCOUNTS,
      '000001_accounts.down.sql': 'DROP TABLE accounts;\n',
      '000002_full_name.up.sql': MERGE_UP,
      '000002_full_name.down.sql': LOSSY_DOWN,
      '000003_age.up.sql': 'ALTER TABLE accounts ADD COLUMN age int;\n',
      '000004_nick.up.sql': 'ALTER TABLE accounts ADD COLUMN nick text;\n',
      '000004_nick.down.sql': 'ALTER TABLE accounts DROP COLUMN nick;\n',
    };
    const host = new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(DIR, n), t])));
    const progress: string[] = [];
    const run = await verifyAll({ directory: DIR, host, cacheDir, showData: true, onProgress: (p) => progress.push(p.message) });
    assert.equal(run.error, undefined);
    assert.deepEqual(
      run.results.map((r) => [r.name, r.status, r.baseFiles]),
      [
        ['000001_accounts', 'passed', 0],
        ['000002_full_name', 'failed', 1],
        ['000004_nick', 'passed', 3],
      ],
    );
    assert.deepEqual(progress, ['[1/3] 000001_accounts', '[2/3] 000002_full_name', '[3/3] 000004_nick']);
    // The same findings as verifying 000002 alone.
    const alone = await verify(files, { version: '2' });
    assert.deepEqual(view(run.results[1]!), view(alone));
    // 000004 starts after 000003's up: its schema before the up has age.
    assert.match(run.results[2]!.snapshots.before ?? '', /column age integer/);
    assert.doesNotMatch(run.results[2]!.snapshots.before ?? '', /column nick/);
  });
});
