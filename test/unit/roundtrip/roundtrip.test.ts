/**
 * The schema-aware inverses, proven in PostgreSQL 18 (PGlite): for every golden case of
 * test/unit/inverse/schema-cases.ts, run the history, capture the schema and row counts, run the
 * up, run the generated down, and compare. One database for every case (reset between cases).
 */
import * as assert from 'node:assert/strict';
import { compareStates, captureState, resetDatabase, runStatements } from '../../../server/src/engine/inverse/roundtrip';
import { openDatabase, type Database } from '../../../server/src/engine/verify/pglite';
import { formatSnapshot } from '../../../server/src/engine/verify/snapshot';
import { SCHEMA_CASES, downWithSchema } from '../inverse/schema-cases';

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
