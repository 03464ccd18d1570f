/**
 * The schema model's reverse lookups (refs.ts) only narrow what the replay and the dependency
 * queries visit: random DDL programs, replayed once with the lookups and once with lookups that name
 * every key (what a scan visits, `lookupMode.scan`), give the same snapshot after every statement,
 * the same change logs, the same dependents, the same up/down consistency and the same generated downs.
 */
import * as assert from 'node:assert/strict';
import { replayThrough } from '../../../server/src/engine/schema';
import { replayFile } from '../../../server/src/engine/schema/replay';
import { columnDependents, functionDependents, tableDependents, viewDependents } from '../../../server/src/engine/schema/dependencies';
import { lookupMode, SchemaModel } from '../../../server/src/engine/schema/model';
import { sameSchema } from '../../../server/src/engine/schema/same';
import { checkConsistency } from '../../../server/src/engine/inverse/consistency';
import { invertFile } from '../../../server/src/engine/inverse';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { seededRandom } from '../seeded-random';

/** A random program over a few names, so that statements meet: types, sequences, functions, tables, views, triggers, schemas, renames, drops. */
function program(seed: number, length: number): string {
  const r = seededRandom(seed);
  const n = (k: number): number => Math.floor(r() * k);
  const pick = <T>(xs: readonly T[]): T => xs[n(xs.length)]!;
  const schema = (): string => pick(['', '', '', 's1.']);
  const cascade = (): string => pick(['', ' CASCADE']);
  const column = (): string => pick(['a', 'e', 'q', 'r', 'c', 'u', 'x0', 'x1', 'y0', 'a2']);
  const columns = (): string => {
    const all = [`a int DEFAULT f${n(3)}(1)`, `e e${n(3)}`, `q bigint DEFAULT nextval('q${n(3)}')`, `r int REFERENCES t${n(4)} (id)`, `c int CHECK (f${n(3)}(c) > 0)`, 'u text UNIQUE'];
    return ['id serial PRIMARY KEY', ...all.filter(() => r() < 0.6)].join(', ');
  };
  const statements: (() => string)[] = [
    () => 'CREATE SCHEMA IF NOT EXISTS s1;',
    () => `CREATE TYPE ${schema()}e${n(3)} AS ENUM ('a', 'b');`,
    () => `CREATE SEQUENCE ${schema()}q${n(3)};`,
    () => `CREATE FUNCTION f${n(3)}(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;`,
    () => `CREATE FUNCTION tf${n(2)}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;`,
    () => `CREATE TABLE ${schema()}t${n(4)} (${columns()});`,
    () => `CREATE TABLE ${schema()}t${n(4)} (${columns()});`,
    () => `CREATE INDEX ${pick(['', `i${n(3)} `])}ON t${n(4)} (${pick(['u', 'a', 'lower(u)'])});`,
    () => `CREATE UNIQUE INDEX i${n(3)} ON t${n(4)} (a);`,
    () => pick([`CREATE VIEW v${n(4)} AS SELECT id, f${n(3)}(a) AS x FROM t${n(4)};`, `CREATE VIEW v${n(4)} AS SELECT * FROM v${n(4)};`, `CREATE MATERIALIZED VIEW v${n(4)} AS SELECT * FROM t${n(4)};`, `CREATE VIEW v${n(4)} AS SELECT u FROM ${schema()}t${n(4)};`]),
    () => `CREATE TRIGGER g${n(3)} BEFORE UPDATE ON t${n(4)} FOR EACH ROW EXECUTE FUNCTION tf${n(2)}();`,
    () => pick([`ALTER TABLE t${n(4)} ADD COLUMN x${n(2)} e${n(3)};`, `ALTER TABLE t${n(4)} ADD COLUMN y${n(2)} int DEFAULT f${n(3)}(2);`, `ALTER TABLE t${n(4)} ADD COLUMN z int DEFAULT nextval('s1.q${n(3)}');`]),
    () => `ALTER TABLE ${schema()}t${n(4)} DROP COLUMN ${column()}${cascade()};`,
    () => `ALTER TABLE t${n(4)} RENAME COLUMN ${column()} TO ${column()};`,
    () => `ALTER TABLE ${schema()}t${n(4)} RENAME TO t${n(4)};`,
    () => `ALTER TABLE t${n(4)} SET SCHEMA s1;`,
    () => `ALTER TABLE t${n(4)} ALTER COLUMN e TYPE text;`,
    () => `ALTER TABLE t${n(4)} ADD CONSTRAINT k${n(3)} FOREIGN KEY (r) REFERENCES t${n(4)} (id);`,
    () => `ALTER TABLE t${n(4)} DROP CONSTRAINT t${n(4)}_pkey${cascade()};`,
    () => `ALTER SEQUENCE q${n(3)} OWNED BY t${n(4)}.q;`,
    () => pick(['ALTER SCHEMA s1 RENAME TO s2;', 'ALTER SCHEMA s2 RENAME TO s1;']),
    () => `ALTER INDEX i${n(3)} RENAME TO i${n(3)};`,
    () => `DROP TABLE ${schema()}t${n(4)}${cascade()};`,
    () => pick([`DROP VIEW v${n(4)}${cascade()};`, `DROP MATERIALIZED VIEW v${n(4)}${cascade()};`]),
    () => `DROP TYPE ${schema()}e${n(3)}${cascade()};`,
    () => pick([`DROP FUNCTION f${n(3)}${cascade()};`, `DROP FUNCTION f${n(3)}(int)${cascade()};`, `DROP FUNCTION tf${n(2)}()${cascade()};`]),
    () => `DROP SCHEMA ${pick(['s1', 's2'])}${cascade()};`,
    () => `DROP INDEX ${pick(['', 's1.'])}i${n(3)}${cascade()};`,
    () => `DROP SEQUENCE q${n(3)}${cascade()};`,
    () => `DROP TRIGGER g${n(3)} ON t${n(4)};`,
    () => pick(['SET search_path TO s1, public;', 'SET search_path TO public;']),
  ];
  const out: string[] = [];
  for (let i = 0; i < length; i++) out.push(pick(statements)());
  return out.join('\n');
}

/** What a run gives, in a form two runs compare with: snapshots (compared with sameSchema), logs, dependents, consistency. */
interface Run {
  models: SchemaModel[];
  touched: string[][];
  dependents: string;
  consistency: string;
  inverse: string;
}

function run(sql: string, downSql: string, scan: boolean): Run {
  lookupMode.scan = scan;
  try {
    const replay = replayThrough(SchemaModel.empty(), '/m/1.up.sql', parseSql(sql));
    const last = replay.models[replay.models.length - 1]!;
    const dependents: unknown[] = [];
    for (const [tk, t] of last.tables) {
      dependents.push(tableDependents(last, tk));
      for (const c of t.columns.keys()) dependents.push(columnDependents(last, tk, c));
    }
    for (const vk of last.views.keys()) dependents.push(viewDependents(last, vk));
    for (const f of last.functions.values()) dependents.push(functionDependents(last, new Set([`${f.schema}.${f.name}`]), f.name));
    // The last statements as an up over the schema the others leave, and a random down.
    const statements = sql.split('\n');
    const history = replayThrough(SchemaModel.empty(), '/m/1.up.sql', parseSql(statements.slice(0, -6).join('\n')));
    const before = history.models[history.models.length - 1]!;
    const up = parseSql(statements.slice(-6).join('\n'));
    const down = parseSql(downSql);
    const consistency = checkConsistency({ up, down, before, upPath: '/m/2.up.sql', downPath: '/m/2.down.sql' }, true);
    const plain = (x: unknown): string =>
      JSON.stringify(x, (_key, value: unknown) => {
        if (value instanceof SchemaModel) return '[schema]';
        if (value instanceof Map) return [...value];
        if (value && typeof value === 'object' && 'ast' in value && 'index' in value) return `statement ${(value as { index: number }).index}`;
        return value;
      });
    // The downs generated for the whole program and for the up.
    const inverse = [invertFile(parseSql(sql), { before: SchemaModel.empty(), filePath: '/m/1.up.sql' }), invertFile(up, { before, filePath: '/m/2.up.sql' })];
    return { models: replay.models, touched: replay.touched.map((t) => [...t]), dependents: JSON.stringify(dependents), consistency: plain(consistency), inverse: plain(inverse) };
  } finally {
    lookupMode.scan = false;
  }
}

/** Programs a random one meets rarely: (history and up, down). */
const SCENARIOS: [string, string][] = [
  // Views over a table, and a view over those, dropped with it.
  ['CREATE TABLE t0 (id int, u text);\nCREATE VIEW v0 AS SELECT u FROM t0;\nCREATE VIEW v1 AS SELECT * FROM v0;\nCREATE VIEW v2 AS SELECT id FROM t0;\nDROP TABLE t0 CASCADE;\nSELECT 1;\nSELECT 1;\nSELECT 1;\nSELECT 1;\nSELECT 1;\nSELECT 1;', 'SELECT 1;'],
  // A sequence owned by a column goes with the column.
  ['CREATE TABLE t0 (id int, q bigint);\nCREATE SEQUENCE q0 OWNED BY t0.q;\nCREATE SEQUENCE q1 OWNED BY t0.id;\nALTER TABLE t0 DROP COLUMN q;\nALTER TABLE t0 RENAME COLUMN id TO ident;\nSELECT 1;\nSELECT 1;\nSELECT 1;\nSELECT 1;\nSELECT 1;\nSELECT 1;', 'SELECT 1;'],
  // A down that drops a type before the tables whose columns use it.
  [
    "SELECT 1;\nCREATE TYPE e0 AS ENUM ('a');\nCREATE TYPE s1.e1 AS ENUM ('b');\nCREATE TABLE t0 (e e0);\nCREATE TABLE t1 (id int, e public.e0);\nCREATE SCHEMA s1;\nCREATE TABLE t2 (x s1.e1);",
    'DROP TYPE e0;\nDROP TABLE t1;\nDROP TABLE t0;\nDROP TYPE s1.e1;\nDROP TABLE t2;\nDROP SCHEMA s1;',
  ],
  // A down that drops a table before the views that read it.
  [
    'SELECT 1;\nCREATE TABLE t0 (id int, u text);\nCREATE TABLE t1 (id int);\nCREATE VIEW v0 AS SELECT u FROM t0;\nCREATE VIEW v1 AS SELECT t0.id FROM t0 JOIN t1 USING (id);\nCREATE VIEW v2 AS SELECT id FROM t1;',
    'DROP TABLE t0;\nDROP VIEW v2;\nDROP VIEW v1;\nDROP VIEW v0;\nDROP TABLE t1;',
  ],
  // An up that drops a primary key with CASCADE (its down restores the foreign keys resting on it),
  // and one that replaces a view others read (its down recreates them).
  [
    'CREATE TABLE t0 (id int PRIMARY KEY);\nCREATE TABLE t1 (r int REFERENCES t0 (id));\nCREATE TABLE t2 (r int REFERENCES t0 (id));\nCREATE VIEW v0 AS SELECT id FROM t0;\nCREATE VIEW v1 AS SELECT id FROM v0;\nCREATE VIEW v2 AS SELECT * FROM v1;\n' +
      'ALTER TABLE t0 DROP CONSTRAINT t0_pkey CASCADE;\nCREATE OR REPLACE VIEW v0 AS SELECT id, 1 AS one FROM t0;\nSELECT 1;\nSELECT 1;\nSELECT 1;\nSELECT 1;',
    'SELECT 1;',
  ],
];

function assertSameRuns(label: string, sql: string, downSql: string): number {
  const looked = run(sql, downSql, false);
  const scanned = run(sql, downSql, true);
  assert.equal(looked.models.length, scanned.models.length);
  looked.models.forEach((m, i) => assert.ok(sameSchema(m, scanned.models[i]!), `${label}: the schema after statement ${i} differs\n${sql}`));
  assert.deepEqual(looked.touched, scanned.touched, `${label}: change logs differ`);
  assert.equal(looked.dependents, scanned.dependents, `${label}: dependents differ`);
  assert.equal(looked.consistency, scanned.consistency, `${label}: consistency differs\n${sql}\n--- down\n${downSql}`);
  assert.equal(looked.inverse, scanned.inverse, `${label}: generated downs differ\n${sql}`);
  return looked.models.length - 1;
}

describe('schema model: the lookups never change a result', () => {
  it('drops with CASCADE, owned sequences, a down dropping a type or a table too early, downs that restore dependents: as with every key looked at', () => {
    SCENARIOS.forEach(([sql, down], i) => assertSameRuns(`scenario ${i}`, sql, down));
  });

  it('random programs replay to the same snapshots, logs, dependents, consistency and generated downs as with every key looked at', function () {
    this.timeout(60_000);
    let statements = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const sql = program(seed, 40);
      const downSql = program(seed + 100_000, 8);
      statements += assertSameRuns(`seed ${seed}`, sql, downSql);
    }
    assert.equal(statements, 100 * 40);
  });
});

/**
 * A migration that is only history is applied at once (`replayFile`: one draft, one snapshot; the
 * timeline's entries), the others statement by statement: both must end with the same schema and
 * the same lookups.
 */
describe('schema model: a file applied at once ends as its statement-by-statement replay', () => {
  function assertSameEnd(label: string, sql: string): void {
    const parsed = parseSql(sql);
    const models = replayThrough(SchemaModel.empty(), '/m/1.up.sql', parsed).models;
    const stepwise = models[models.length - 1]!;
    const atOnce = replayFile(SchemaModel.empty(), '/m/1.up.sql', parsed);
    assert.ok(sameSchema(atOnce, stepwise), `${label}: the schemas differ\n${sql}`);
    const dependents = (m: SchemaModel): string =>
      JSON.stringify([
        ...[...m.tables.keys()].map((tk) => tableDependents(m, tk)),
        ...[...m.views.keys()].map((vk) => viewDependents(m, vk)),
        ...[...m.functions.values()].map((f) => functionDependents(m, new Set([`${f.schema}.${f.name}`]), f.name)),
      ]);
    assert.equal(dependents(atOnce), dependents(stepwise), `${label}: the lookups answer differently\n${sql}`);
  }

  it('the scenarios and 100 random programs', () => {
    SCENARIOS.forEach(([sql, down], i) => {
      assertSameEnd(`scenario ${i}`, sql);
      assertSameEnd(`scenario ${i}, down`, `${sql}\n${down}`);
    });
    for (let seed = 1; seed <= 100; seed++) assertSameEnd(`seed ${seed}`, program(seed, 40));
  });
});
