/**
 * Rows compared and shown, and the values seeding picks, without a database: what a verify data
 * finding says comes from here.
 */
import * as assert from 'node:assert/strict';
import { compareData, formatTable, sameData, showValue, type DataState } from '../../../server/src/engine/verify/data';
import { literalsOf, valueText } from '../../../server/src/engine/verify/seed';

const users = (rows: (string | null)[][], columns = ['id', 'name', 'email']): DataState => ({
  'public.users': { columns, categories: columns.map((c) => (c === 'id' ? 'N' : 'S')), primaryKey: ['id'], generated: [], rows, truncated: false },
});

describe('verify data comparison', () => {
  it('equal states have no difference', () => {
    const a = users([['1', 'Ada', null]]);
    assert.deepEqual(compareData(a, structuredClone(a)), []);
    assert.equal(sameData(a, structuredClone(a)), true);
  });

  it('values that differ, per column, matched by primary key, with examples', () => {
    const d = compareData(users([['1', 'Ada', 'a@x'], ['2', 'Grace', 'g@x']]), users([['2', '', 'g@x'], ['1', '', 'a@x']]));
    assert.deepEqual(d, [
      {
        table: 'public.users',
        kind: 'values',
        column: 'name',
        count: 2,
        total: 2,
        examples: [
          { key: 'id=1', before: 'Ada', after: '' },
          { key: 'id=2', before: 'Grace', after: '' },
        ],
      },
    ]);
  });

  it('rows missing and rows extra; a column that held values and is gone; a table that is gone', () => {
    assert.deepEqual(
      compareData(users([['1', 'Ada', null], ['2', 'Grace', null]]), users([['1', 'Ada', null], ['3', 'Linus', null]])).map((x) => [x.kind, x.count, x.examples]),
      [
        ['rows-missing', 1, [{ key: 'id=2', row: "id=2, name='Grace', email=NULL" }]],
        ['rows-extra', 1, [{ key: 'id=3', row: "id=3, name='Linus', email=NULL" }]],
      ],
    );
    assert.deepEqual(
      compareData(users([['1', 'Ada', 'a@x'], ['2', 'Grace', null]]), users([['1', 'Ada'], ['2', 'Grace']], ['id', 'name'])).map((x) => [x.kind, x.column, x.count, x.total]),
      [['column-missing', 'email', 1, 2]],
    );
    assert.deepEqual(compareData(users([['1', 'Ada', null]]), {}).map((x) => [x.kind, x.count]), [['table-missing', 1]]);
    assert.deepEqual(compareData(users([]), {}), [], 'an empty table lost loses no rows');
  });

  it('without a primary key, columns compare as multisets', () => {
    const t = (rows: (string | null)[][]): DataState => ({ 'public.logs': { columns: ['message'], categories: ['S'], generated: [], rows, truncated: false } });
    assert.deepEqual(compareData(t([['a'], ['b']]), t([['b'], ['a']])), []);
    assert.deepEqual(compareData(t([['a'], ['b']]), t([['a'], ['x']])).map((x) => [x.kind, x.column, x.count, x.examples]), [['values', 'message', 1, [{ before: 'b', after: 'x' }]]]);
  });

  it('generated keys are matched by the other values (an up that inserts gets new ids when it runs again)', () => {
    const t = (rows: (string | null)[][]): DataState => ({ 'public.roles': { columns: ['id', 'name'], categories: ['N', 'S'], primaryKey: ['id'], generated: ['id'], rows, truncated: false } });
    const ignore = (): ReadonlySet<string> => new Set(['id']);
    assert.deepEqual(compareData(t([['1', 'admin']]), t([['2', 'admin']]), { ignore }), []);
    assert.equal(compareData(t([['1', 'admin']]), t([['2', 'root']]), { ignore }).length, 2);
  });

  it('shows values as people read them and tables aligned, wide characters counted twice', () => {
    assert.equal(showValue(null), 'NULL');
    assert.equal(showValue('42', 'N'), '42');
    assert.equal(showValue("O'Hara"), "'O''Hara'");
    assert.equal(
      formatTable('users', users([['1', '中文', null]])['public.users']),
      ['users (1 row)', '  id | name   | email', '  ---+--------+------', "  1  | '中文' | NULL", ''].join('\n'),
    );
    assert.equal(formatTable('gone', undefined), 'gone: (the table does not exist)\n');
  });
});

describe('verify seed values', () => {
  const col = (base: string, extra: Partial<Parameters<typeof valueText>[0]> = {}) => ({ raw: 'name', base, category: 'S', labels: [], length: -1, precision: -1, scale: -1, rangeSub: '', ...extra });

  it('distinct per row and per column; the second row near the bounds, with non-ASCII text', () => {
    assert.deepEqual([0, 1, 2].map((r) => valueText(col('int4'), 0, r)), ['1001', '2147483647', '1003']);
    assert.deepEqual([0, 1, 2].map((r) => valueText(col('int4'), 1, r)), ['2001', '2147483646', '2003']);
    assert.equal(valueText(col('int8'), 0, 1), '9223372036854775807');
    assert.equal(valueText(col('int2'), 2, 1), '32765');
    assert.deepEqual([0, 1].map((r) => valueText(col('text'), 0, r)), ['name-1', 'name-2-é中😀']);
    assert.equal(valueText(col('date'), 0, 1), '9999-12-31');
  });

  it('within the type\'s limits: varchar length, numeric precision, enum labels, bit length', () => {
    const v = valueText(col('varchar', { length: 12 }), 0, 1)!;
    assert.equal([...v].length, 12);
    assert.match(v, /^name-2-é中😀ż+$/);
    assert.equal(valueText(col('varchar', { length: 2 }), 3, 0), 'd1');
    assert.equal(valueText(col('bpchar', { length: 1 }), 1, 2), 'f');
    assert.equal(valueText(col('numeric', { precision: 5, scale: 2 }), 0, 1), '999.99');
    assert.equal(valueText(col('numeric', { precision: 2, scale: 2 }), 0, 0), '0.01');
    assert.deepEqual([0, 1, 2].map((r) => valueText(col('mood', { labels: ['ok', 'sad', 'meh'] }), 0, r)), ['ok', 'sad', 'meh']);
    assert.equal(valueText(col('bit', { length: 4 }), 0, 0), '0001');
    assert.equal(valueText(col('geometry'), 0, 0), undefined, 'no value for a type it does not know');
    assert.equal(valueText(col('int4'), 0, 1, true), '2', 'plain values on a retry');
  });

  it('the literals a CHECK names are candidates', () => {
    assert.deepEqual(literalsOf("CHECK ((status = ANY (ARRAY['active'::text, 'it''s'::text])))"), ['active', "it's"]);
    assert.deepEqual(literalsOf('CHECK ((price >= 0) AND (price < 100.5))'), ['0', '100.5']);
  });
});
