/**
 * The schema-aware inverses, proven in PostgreSQL 18 (PGlite): for every golden case of
 * test/unit/inverse/schema-cases.ts, run the history, capture the schema and row counts, run the
 * up, run the generated down, and compare. One database for every case (reset between cases).
 */
import * as assert from 'node:assert/strict';
import { compareStates, captureState, resetDatabase, runStatements } from '../../../server/src/engine/verify/roundtrip';
import { openDatabase, type Database } from '../../../server/src/engine/verify/pglite';
import { formatSnapshot } from '../../../server/src/engine/verify/snapshot';
import { SCHEMA_CASES, downWithSchema } from '../inverse/schema-cases';
import { BACKUP_INIT, applied, planFor } from '../inverse/backup-helpers';

describe('round trip of the schema-aware inverses in PGlite', function () {
  this.timeout(120_000);
  let db: Database;

  before(async () => {
    db = await openDatabase();
  });
  after(async () => {
    await db?.close();
  });

  const must = async (what: string, sql: string): Promise<void> => {
    const r = await runStatements(db, sql);
    assert.ok(r.ok, r.ok ? '' : `${what} fails: ${r.message}\n  in: ${r.statement}`);
  };

  for (const c of SCHEMA_CASES) {
    if (c.roundTrip === 'irreversible') continue;
    it(`${c.roundTrip}: ${c.name}`, async () => {
      await resetDatabase(db);
      await must('the history', c.history);
      const before = await captureState(db);
      await must('the up', c.up);
      const upState = await captureState(db);
      const same = formatSnapshot(upState.schema) + JSON.stringify(upState.data) === formatSnapshot(before.schema) + JSON.stringify(before.data);
      assert.equal(same, c.roundTrip === 'no-op', c.roundTrip === 'no-op' ? 'a no-op case changes nothing' : 'the up changes something');
      await must('the generated down', downWithSchema(c.history, c.up));
      const comparison = compareStates(before, await captureState(db));
      assert.deepEqual(comparison.rows, []);
      assert.deepEqual(comparison.ignoringColumnOrder, []);
      if (c.roundTrip !== 'column-order') assert.deepEqual(comparison.exact, []);
      else assert.notDeepEqual(comparison.exact, [], 'a column-order case changes the column order (else mark it exact)');
    });
  }

  describe('"Keep a backup copy": up with the copy, then its down, gives back the schema and the values', () => {
    const SEED = "INSERT INTO users (email, name) VALUES ('a@x', 'A'), ('b@x', NULL), ('c@x', 'C');\nINSERT INTO posts VALUES (1, 1, 'one'), (2, 3, 'two');";
    const cases = [
      { name: 'DROP COLUMN', up: 'ALTER TABLE users DROP COLUMN email;\n', offset: 18 },
      { name: 'DROP TABLE ... CASCADE', up: 'DROP TABLE users CASCADE;\n', offset: 0 },
      { name: 'DROP COLUMN of a column with an index', up: 'CREATE INDEX posts_title_idx ON posts (title);\nALTER TABLE posts DROP COLUMN title;\n', offset: 60 },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const files = { '000001_init.up.sql': BACKUP_INIT, '000002_x.up.sql': c.up };
        const plan = planFor(files, '000002_x.up.sql', c.offset);
        assert.ok(plan.ok);
        const out = applied(files, plan.edits);
        const down = plan.create?.text ?? out['000002_x.down.sql'];
        assert.ok(down !== undefined);
        await resetDatabase(db);
        await must('the history', BACKUP_INIT);
        await must('the seed', SEED);
        const values = async (): Promise<string> =>
          JSON.stringify([(await db.query('SELECT * FROM users ORDER BY id')).rows, (await db.query('SELECT * FROM posts ORDER BY id')).rows]);
        const before = await captureState(db);
        const data = await values();
        await must('the up', out['000002_x.up.sql']!);
        await must('the down', down);
        assert.deepEqual(compareStates(before, await captureState(db)).ignoringColumnOrder, []);
        if (c.name === 'DROP TABLE ... CASCADE') assert.equal(await values(), data);
        else {
          // Values come back in their rows (the column is now the last one: compare by name).
          const rows = (await db.query<Record<string, unknown>>('SELECT id, email, name FROM users ORDER BY id')).rows;
          assert.deepEqual(rows.map((r) => `${String(r.id)} ${String(r.email)} ${String(r.name)}`), ['1 a@x A', '2 b@x null', '3 c@x C']);
          const posts = (await db.query<Record<string, unknown>>('SELECT id, title FROM posts ORDER BY id')).rows;
          assert.deepEqual(posts.map((r) => `${String(r.id)} ${String(r.title)}`), ['1 one', '2 two']);
        }
        // The sequence is past the restored keys.
        await must('a new row', "INSERT INTO users (email) VALUES ('d@x');");
      });
    }
  });

  it('the comparison fails when a down leaves something out (the suite can fail)', async () => {
    await resetDatabase(db);
    await must('the history', 'CREATE TABLE t (id int PRIMARY KEY, a text);');
    const before = await captureState(db);
    await must('the up', 'ALTER TABLE t DROP COLUMN a;');
    await must('a wrong down', 'ALTER TABLE t ADD COLUMN a varchar(10);');
    const comparison = compareStates(before, await captureState(db));
    assert.deepEqual(
      comparison.ignoringColumnOrder.map((d) => `${d.change} ${d.kind} ${d.name}: ${d.actual.join('; ')}`),
      ['changed table public.t: column a character varying(10)'],
    );
  });
});
