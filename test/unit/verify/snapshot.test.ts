/** Snapshot comparison (no database): what the round-trip suite and verify report. */
import * as assert from 'node:assert/strict';
import { collapseDifferences, compareData, compareSnapshots, formatSnapshot, type SchemaSnapshot } from '../../../server/src/engine/verify/snapshot';

const before: SchemaSnapshot = {
  objects: [
    { kind: 'table', name: 'public.users', lines: ['column id integer not null', 'column email text'] },
    { kind: 'constraint', name: 'users_pkey on public.users', lines: ['PRIMARY KEY (id)'], table: 'public.users' },
    { kind: 'index', name: 'public.users_email_idx', lines: ['CREATE INDEX users_email_idx ON public.users USING btree (email)'], table: 'public.users' },
  ],
};

describe('verify snapshot comparison', () => {
  it('equal snapshots have no differences', () => {
    assert.deepEqual(compareSnapshots(before, structuredClone(before)), []);
  });

  it('names missing, unexpected and changed objects with only the differing lines', () => {
    const after: SchemaSnapshot = {
      objects: [
        { kind: 'table', name: 'public.users', lines: ['column id integer not null', 'column email character varying(20)'] },
        { kind: 'constraint', name: 'users_pkey on public.users', lines: ['PRIMARY KEY (id)'], table: 'public.users' },
        { kind: 'table', name: 'public.audit', lines: ['column id integer'] },
      ],
    };
    assert.deepEqual(compareSnapshots(before, after), [
      { kind: 'table', name: 'public.audit', change: 'unexpected', expected: [], actual: ['column id integer'] },
      { kind: 'table', name: 'public.users', change: 'changed', expected: ['column email text'], actual: ['column email character varying(20)'] },
      { kind: 'index', name: 'public.users_email_idx', change: 'missing', expected: ['CREATE INDEX users_email_idx ON public.users USING btree (email)'], actual: [], table: 'public.users' },
    ]);
  });

  it('a reordering is a change that shows both lists whole', () => {
    const after: SchemaSnapshot = { objects: [{ ...before.objects[0]!, lines: ['column email text', 'column id integer not null'] }, before.objects[1]!, before.objects[2]!] };
    assert.deepEqual(compareSnapshots(before, after), [
      { kind: 'table', name: 'public.users', change: 'changed', expected: ['column id integer not null', 'column email text'], actual: ['column email text', 'column id integer not null'] },
    ]);
  });

  it('a missing table stands for its constraints and indexes', () => {
    const diffs = compareSnapshots(before, { objects: [] });
    assert.deepEqual(
      diffs.map((d) => `${d.change} ${d.kind} ${d.name}`),
      ['missing table public.users', 'missing constraint users_pkey on public.users', 'missing index public.users_email_idx'],
    );
    assert.deepEqual(collapseDifferences(diffs).map((d) => `${d.change} ${d.kind} ${d.name}`), ['missing table public.users']);
  });

  it('formats a snapshot as indented text', () => {
    assert.equal(
      formatSnapshot(before),
      'table public.users\n  column id integer not null\n  column email text\nconstraint users_pkey on public.users\n  PRIMARY KEY (id)\nindex public.users_email_idx\n  CREATE INDEX users_email_idx ON public.users USING btree (email)\n',
    );
    assert.equal(formatSnapshot({ objects: [] }), '');
  });

  it('data loss: dropped tables, deleted rows and dropped or nulled columns', () => {
    assert.deepEqual(
      compareData(
        { 'public.a': { rows: 2, columns: { id: 2, x: 2 } }, 'public.b': { rows: 1, columns: { id: 1 } }, 'public.c': { rows: 1, columns: { id: 1, y: 1 } }, 'public.d': { rows: 0, columns: {} } },
        { 'public.a': { rows: 1, columns: { id: 1, x: 1 } }, 'public.c': { rows: 1, columns: { id: 1 } } },
      ),
      [
        { table: 'public.a', before: 2, after: 1 },
        { table: 'public.b', before: 1, after: 0 },
        { table: 'public.c', column: 'y', before: 1, after: 0 },
      ],
    );
  });
});

describe('verify snapshot comparison: now', () => {
  it("'now'::timestamp folded into a view when it was created compares equal to another creation's", () => {
    const at = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');
    const view = (when: string): SchemaSnapshot => ({ objects: [{ kind: 'view', name: 'public.recent', lines: [` SELECT id FROM posts WHERE published > ('${when}'::timestamp without time zone - '1 mon'::interval);`] }] });
    const now = new Date();
    assert.deepEqual(compareSnapshots(view(at(now)), view(at(new Date(now.getTime() + 1500)))), []);
    // A literal the user wrote is compared as written.
    assert.equal(compareSnapshots(view('2001-02-03 04:05:06'), view('2001-02-03 04:05:07')).length, 1);
  });
});
