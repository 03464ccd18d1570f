/** Which tables a migration can reach (reach.ts), from a schema state and the migration's SQL. */
import * as assert from 'node:assert/strict';
import { reachableTables } from '../../../server/src/engine/verify/reach';
import type { TrackedObject } from '../../../server/src/engine/verify/snapshot';
import type { SchemaState } from '../../../server/src/engine/verify/tracker';

let oid = 20000;
const table = (name: string, ...lines: string[]): TrackedObject => ({ kind: 'table', name, lines, key: `r:${++oid}`, ids: [`r:${oid}`], owner: `r:${oid}` });
const fk = (on: string, ref: string): TrackedObject => ({ kind: 'constraint', name: `${on}_fk on ${on}`, table: on, lines: [`FOREIGN KEY (x) REFERENCES ${ref}(id)`], key: `c:${++oid}`, ids: [`c:${oid}`] });
const trigger = (on: string, fn: string): TrackedObject => ({
  kind: 'trigger',
  name: `t${++oid} on ${on}`,
  table: on,
  lines: [`CREATE TRIGGER t AFTER INSERT OR UPDATE ON ${on} FOR EACH ROW EXECUTE FUNCTION ${fn}()`],
  key: `g:${oid}`,
  ids: [`g:${oid}`],
});
const fn = (name: string, body: string): TrackedObject => ({ kind: 'function', name: `public.${name}()`, lines: body.split('\n'), key: `p:${++oid}`, ids: [`p:${oid}`] });
const state = (...objects: TrackedObject[]): SchemaState => ({ objects: new Map(objects.map((o) => [o.key, o] as const)) });
const sorted = (s: Set<string> | undefined): string[] | undefined => (s ? [...s].sort() : undefined);

describe('verify: the tables a migration can reach', () => {
  const schema = state(
    table('public.users', 'column id bigint not null', 'column name text'),
    table('public.posts', 'column id bigint not null', 'column x bigint'),
    fk('public.posts', 'public.users'),
    table('public.comments', 'column id bigint not null', 'column x bigint'),
    fk('public.comments', 'public.posts'),
    table('public.stats', 'column id bigint not null', 'column n integer'),
    trigger('public.comments', 'bump'),
    fn('bump', 'CREATE OR REPLACE FUNCTION public.bump() RETURNS trigger LANGUAGE plpgsql AS $function$\nBEGIN UPDATE stats SET n = n + 1; RETURN NULL; END $function$'),
    table('public."Odd"', 'column id integer'),
    table('public.unrelated', 'column id integer'),
  );

  it('a table named, and its foreign-key parents', () => {
    assert.deepEqual(sorted(reachableTables(schema, ['ALTER TABLE posts ADD COLUMN y int;'])), ['public.posts', 'public.users']);
  });

  it('a table written follows its triggers to the tables their functions name', () => {
    assert.deepEqual(sorted(reachableTables(schema, ['INSERT INTO comments VALUES (1, 1);'])), ['public.comments', 'public.posts', 'public.stats', 'public.users']);
  });

  it('deleting from a table reaches the tables referencing it (cascades), and theirs', () => {
    assert.deepEqual(sorted(reachableTables(schema, ['DELETE FROM Users;'])), ['public.comments', 'public.posts', 'public.stats', 'public.users']);
    // Without a delete the children are not reached.
    assert.deepEqual(sorted(reachableTables(schema, ['ALTER TABLE users ADD COLUMN y int;'])), ['public.users']);
  });

  it('quoted names keep their case', () => {
    assert.deepEqual(sorted(reachableTables(schema, ['ALTER TABLE "Odd" ADD COLUMN y int;'])), ['public."Odd"']);
    assert.deepEqual(sorted(reachableTables(schema, ['ALTER TABLE odd ADD COLUMN y int;'])), []);
  });

  it('SQL built at run time reaches every table; a trigger\'s EXECUTE FUNCTION and GRANT EXECUTE do not', () => {
    assert.equal(reachableTables(schema, ["DO $$ BEGIN EXECUTE 'DELETE FROM ' || 'users'; END $$;"]), undefined);
    assert.deepEqual(sorted(reachableTables(schema, ['CREATE TRIGGER t2 AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION bump();', 'GRANT EXECUTE ON FUNCTION bump() TO public;'])), [
      'public.posts',
      'public.stats',
      'public.users',
    ]);
    const dynamic = state(table('public.a', 'column id integer'), fn('f', 'BEGIN EXECUTE format(\'TRUNCATE %I\', \'a\'); END'));
    assert.equal(reachableTables(dynamic, ['SELECT f();']), undefined);
  });
});
