/** What a changed column's finding says differs (`SchemaChange.detail`, `columnDifference`). */
import * as assert from 'node:assert/strict';
import { columnDifference, diffSchemas } from '../../../server/src/engine/inverse/schema-diff';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { SchemaModel } from '../../../server/src/engine/schema/model';
import { replayThrough } from '../../../server/src/engine/schema/replay';

const schema = (sql: string): SchemaModel => {
  const models = replayThrough(SchemaModel.empty(), '/m/1.up.sql', parseSql(sql)).models;
  return models[models.length - 1]!;
};
const column = (sql: string) => schema(sql).table('t')!.columns.get('c')!;

describe('schema diff: how a column differs', () => {
  const cases: [string, string, string | undefined][] = [
    ['c text', 'c varchar(255)', 'type character varying(255) where it was text'],
    ['c int NOT NULL', 'c int', 'nullable where it was NOT NULL'],
    ['c int', 'c int NOT NULL', 'NOT NULL where it was nullable'],
    ['c int NOT NULL', 'c int NOT NULL DEFAULT 0', 'default 0 where it had none'],
    ['c timestamptz DEFAULT now()', 'c timestamptz', 'no default where it had now()'],
    ["c text DEFAULT 'a'", "c text DEFAULT 'b'", "default 'b' where it was 'a'"],
    ['c int GENERATED ALWAYS AS IDENTITY', 'c int NOT NULL', 'no identity where it was GENERATED ALWAYS'],
    ['c text COLLATE "C"', 'c text', 'the default collation where it was "C"'],
    ['c int NOT NULL', 'c bigint DEFAULT 1', 'type bigint where it was integer, nullable where it was NOT NULL, default 1 where it had none'],
    [`c text DEFAULT '${'x'.repeat(80)}'`, 'c text', `no default where it had '${'x'.repeat(58)}…`],
    // Spelled differently, the same column.
    ["c text DEFAULT 'a'::text", "c text DEFAULT 'a'", undefined],
    ['c int DEFAULT NULL', 'c int', undefined],
  ];
  for (const [before, after, expected] of cases) {
    it(`${before} -> ${after}`, () => {
      assert.equal(columnDifference(column(`CREATE TABLE t (${before});`), column(`CREATE TABLE t (${after});`)), expected);
    });
  }

  it('a changed column carries it as its detail; other changes have none', () => {
    const before = schema('CREATE TABLE t (c int NOT NULL, d int);\nCREATE INDEX t_d ON t (d);');
    const after = schema('CREATE TABLE t (c int NOT NULL DEFAULT 0, d int);');
    const changes = diffSchemas(before, after);
    assert.deepEqual(
      changes.map((c) => [c.key, c.kind, c.detail]),
      [
        ['table:public.t#column:c', 'changed', 'default 0 where it had none'],
        ['table:public.t#index:t_d', 'removed', undefined],
      ],
    );
  });
});
