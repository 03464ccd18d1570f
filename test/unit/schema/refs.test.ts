/** The schema model's reverse lookups: carried from snapshot to snapshot, always what a scan would find. */
import * as assert from 'node:assert/strict';
import { foreignKeysTo } from '../../../server/src/engine/schema/dependencies';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaModel, replayThrough } from '../../../server/src/engine/schema';
import { Refs, term, termId } from '../../../server/src/engine/schema/refs';
import { parseSql } from '../../../server/src/engine/parsing/parser';

/** Replays `sql` statement by statement from `base`; every snapshot's derived lookups must equal lookups built from scratch. */
function checkEverySnapshot(sql: string, base: SchemaModel = SchemaModel.empty()): SchemaModel {
  const parsed = parseSql(sql);
  const replay = replayThrough(base, '/m/1.up.sql', parsed);
  replay.models.forEach((m, i) => {
    const built = Refs.build(m);
    assert.ok(m.refs.equals(built), `lookups after statement ${i} (${parsed.statements[i - 1]?.text ?? 'start'}) differ from a scan`);
  });
  return replay.models[replay.models.length - 1]!;
}

const SQL = [
  'CREATE SCHEMA app;',
  'CREATE TABLE users (id bigserial PRIMARY KEY, email text UNIQUE NOT NULL);',
  'CREATE TABLE app.orgs (id int PRIMARY KEY);',
  'CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint REFERENCES users (id), org_id int REFERENCES app.orgs, title text, CONSTRAINT title_len CHECK (length(title) < 200));',
  'CREATE INDEX ON posts (title);',
  'CREATE UNIQUE INDEX posts_user_title ON posts (user_id, title);',
  'CREATE VIEW user_posts AS SELECT u.email, p.title FROM users u JOIN posts p ON p.user_id = u.id;',
  'CREATE MATERIALIZED VIEW post_counts AS SELECT user_id, count(*) FROM posts GROUP BY user_id;',
  'CREATE INDEX post_counts_user ON post_counts (user_id);',
  'CREATE VIEW busy AS SELECT * FROM user_posts;',
  'CREATE SEQUENCE invoice_no OWNED BY users.id;',
  'ALTER SEQUENCE invoice_no OWNED BY posts.id;',
  'ALTER TABLE posts RENAME CONSTRAINT title_len TO title_short;',
  'ALTER INDEX posts_user_title RENAME TO posts_by_user;',
  'ALTER TABLE posts ADD CONSTRAINT posts_org_fk FOREIGN KEY (org_id) REFERENCES app.orgs (id) NOT VALID;',
  'ALTER TABLE posts DROP CONSTRAINT posts_org_id_fkey;',
  'ALTER TABLE users RENAME TO accounts;',
  'ALTER TABLE posts SET SCHEMA app;',
  'ALTER TABLE app.posts ADD COLUMN body text;',
  'DROP INDEX post_counts_user;',
  'DROP INDEX app.posts_by_user;',
  'DROP VIEW user_posts CASCADE;',
  'DROP TABLE accounts CASCADE;',
  'CREATE TABLE users (id int PRIMARY KEY);',
  'CREATE TABLE users_2 (LIKE users INCLUDING ALL);',
  'DROP TABLE app.posts, users_2;',
].join('\n');

/** Types, sequences, functions, triggers, CHECKs and defaults that call functions, a schema dropped and renamed. */
const RICH = [
  'CREATE SCHEMA audit;',
  "CREATE TYPE mood AS ENUM ('ok', 'sad');",
  'CREATE SEQUENCE order_no;',
  'CREATE FUNCTION positive(x int) RETURNS boolean LANGUAGE sql AS $$ SELECT x > 0 $$;',
  'CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT \'x\' $$;',
  'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
  'CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS $$ SELECT upper(t) $$;',
  'CREATE FUNCTION shout(n int) RETURNS int LANGUAGE sql AS $$ SELECT n $$;',
  "CREATE TABLE orders (no bigint DEFAULT nextval('order_no'), code text DEFAULT next_code(), m mood, at timestamptz DEFAULT now());",
  'CREATE TABLE items (qty int CHECK (positive(qty)), m public.mood, note text);',
  'CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();',
  'CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();',
  'CREATE VIEW loud AS SELECT shout(code) AS code FROM orders;',
  "CREATE TABLE audit.log (id int); CREATE TYPE audit.level AS ENUM ('x'); CREATE FUNCTION audit.note() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;",
  'ALTER TABLE orders RENAME COLUMN code TO ref;',
  'ALTER TABLE orders ALTER COLUMN ref SET DEFAULT upper(next_code());',
  'ALTER TABLE orders ALTER COLUMN m TYPE text;',
  'ALTER TABLE items ADD COLUMN extra mood DEFAULT \'ok\';',
  'ALTER SEQUENCE order_no OWNED BY orders.no;',
  'DROP TRIGGER items_touch ON items;',
  'DROP FUNCTION shout(text) CASCADE;',
  'DROP FUNCTION positive CASCADE;',
  'ALTER SCHEMA audit RENAME TO archive;',
  'CREATE TABLE archive.more (m mood);',
  'DROP SCHEMA archive CASCADE;',
  'DROP TYPE mood CASCADE;',
  'ALTER TABLE orders DROP COLUMN no;',
].join('\n');

describe('schema model: reverse lookups', () => {
  it('after each statement, equal lookups built from scratch (tables, views, sequences; renames, moves, drops with CASCADE)', () => {
    const m = checkEverySnapshot(SQL);
    assert.deepEqual([...m.tables.keys()].sort(), ['app.orgs', 'public.users']);
  });

  it('answer who holds a name or references a table', () => {
    const m = checkEverySnapshot(SQL.split('\n').slice(0, 12).join('\n'));
    assert.deepEqual([...m.refs.tablesWith(term.references('public.users'))], ['public.posts']);
    assert.deepEqual([...m.refs.tablesWith(term.index('public', 'posts_title_idx'))], ['public.posts']);
    assert.deepEqual([...m.refs.tablesWith(term.constraint('public', 'title_len'))], ['public.posts']);
    assert.deepEqual([...m.refs.viewsWith(term.reads('public.user_posts'))], ['public.busy']);
    assert.deepEqual([...m.refs.viewsWith(term.index('public', 'post_counts_user'))], ['public.post_counts']);
    // Serial columns' sequences are owned by their tables; invoice_no moved from users to posts.
    assert.deepEqual([...m.refs.holders('sequences', term.ownedBy('public.posts'))], ['public.posts_id_seq', 'public.invoice_no']);
    assert.deepEqual([...m.refs.holders('sequences', term.ownedBy('public.users'))], ['public.users_id_seq']);
  });

  it('generated names and dependents are what a scan finds, in the same order', () => {
    const m = checkEverySnapshot(
      [
        'CREATE TABLE a (id int PRIMARY KEY);',
        'CREATE TABLE z (a_id int REFERENCES a);',
        'CREATE TABLE b (a_id int REFERENCES a);',
        // The second unnamed index on b (a_id) is b_a_id_idx1: the lookup finds the first.
        'CREATE INDEX ON b (a_id);',
        'CREATE INDEX ON b (a_id);',
        // A constraint name taken in another table of the schema: PostgreSQL picks the next.
        'CREATE TABLE c (a_id int CONSTRAINT b_a_id_fkey CHECK (a_id > 0));',
        'ALTER TABLE c ADD FOREIGN KEY (a_id) REFERENCES a;',
      ].join('\n'),
    );
    assert.deepEqual([...m.table('b')!.indexes.keys()], ['b_a_id_idx', 'b_a_id_idx1']);
    assert.deepEqual([...m.table('c')!.constraints.keys()], ['b_a_id_fkey', 'c_a_id_fkey']);
    assert.deepEqual(
      foreignKeysTo(m, 'public.a').map((d) => `${d.owner} ${d.name}`),
      ['public.z z_a_id_fkey', 'public.b b_a_id_fkey', 'public.c c_a_id_fkey'],
    );
  });

  it('find, statement after statement, the views and foreign keys a rename, a move or a dropped column must follow', () => {
    const m = checkEverySnapshot(
      [
        'CREATE SCHEMA app;',
        'CREATE TABLE users (id int PRIMARY KEY, email text, nick text);',
        'CREATE TABLE posts (id int, user_id int REFERENCES users (id));',
        'CREATE VIEW emails AS SELECT email, nick FROM users;',
        'ALTER TABLE users RENAME COLUMN id TO user_id;',
        'ALTER TABLE users RENAME COLUMN email TO mail;',
        'ALTER TABLE users RENAME TO accounts;',
        'ALTER TABLE accounts SET SCHEMA app;',
        'ALTER TABLE app.accounts DROP COLUMN nick CASCADE;',
      ].join('\n'),
    );
    const fk = [...m.table('posts')!.constraints.values()].find((c) => c.references)!;
    assert.deepEqual(fk.references, { schema: 'app', table: 'accounts', columns: ['user_id'] });
    // The view read the dropped column: CASCADE took it along.
    assert.deepEqual([...m.views.keys()], []);
    assert.deepEqual(foreignKeysTo(m, 'app.accounts').map((d) => `${d.owner} ${d.name}`), ['public.posts posts_user_id_fkey']);
  });

  it('keep two names of one hash apart: dropping one leaves the other found', () => {
    // Two index names whose terms share a 32-bit hash (found by a birthday search over ix0, ix1, ...).
    const [a, b] = ['ix4957', 'ix1388470'];
    assert.equal(termId(term.index('public', a)), termId(term.index('public', b)));
    // Both on one table: the table holds the hash twice, and keeps it once after one is dropped.
    const m = checkEverySnapshot(`CREATE TABLE ta (x int);\nCREATE TABLE tb (x int);\nCREATE INDEX ${a} ON tb (x);\nCREATE INDEX ${b} ON tb (x);\nDROP INDEX ${a};`);
    assert.ok([...m.refs.tablesWith(term.index('public', b))].includes('public.tb'));
    // PostgreSQL's name for another unnamed index is not the one tb's index holds.
    const next = checkEverySnapshot(`ALTER INDEX ${b} RENAME TO tb_x_idx;\nCREATE INDEX ON tb (x);`, m);
    assert.deepEqual([...next.table('tb')!.indexes.keys()], ['tb_x_idx', 'tb_x_idx1']);
  });

  it('after each statement, equal lookups built from scratch (column types, defaults, calls, triggers, functions, schemas)', () => {
    const m = checkEverySnapshot(RICH);
    assert.deepEqual([...m.tables.keys()].sort(), ['public.items', 'public.orders']);
  });

  it('answer which tables use a type or a sequence, which call a function, which functions have a name, what a schema holds', () => {
    const m = checkEverySnapshot(RICH.split('\n').slice(0, 14).join('\n'));
    const tables = (t: string): string[] => [...new Set(m.refs.tablesWith(t))].sort();
    assert.deepEqual(tables(term.columnType('public.mood')), ['public.items', 'public.orders']);
    // Built-in types named unqualified are not indexed (mentions.ts: callers scan for those).
    assert.deepEqual(tables(term.columnType('public.text')), []);
    assert.deepEqual(tables(term.defaultSequence('public.order_no')), ['public.orders']);
    assert.deepEqual(tables(term.calls('positive')), ['public.items']);
    assert.deepEqual(tables(term.calls('next_code')), ['public.orders']);
    assert.deepEqual(tables(term.calls('now')), []);
    assert.deepEqual(tables(term.trigger('public.touch')), ['public.items', 'public.orders']);
    assert.deepEqual([...m.refs.viewsWith(term.calls('shout'))], ['public.loud']);
    assert.deepEqual([...m.refs.holders('functions', term.functionNamed('public', 'shout'))].sort(), ['public.shout(integer)', 'public.shout(text)']);
    assert.deepEqual([...m.refs.tablesWith(term.inSchema('audit'))], ['audit.log']);
    assert.deepEqual([...m.refs.holders('types', term.inSchema('audit'))], ['audit.level']);
    assert.deepEqual([...m.refs.holders('functions', term.inSchema('audit'))], ['audit.note()']);
    assert.deepEqual(tables(term.inSchema('public')), []);
  });

  it('count a term once per column that holds it, and keep counting past the few a list holds', () => {
    // Twenty tables with two columns of one type each: the holders become a map of counts.
    const lines = ['CREATE TYPE mood AS ENUM (\'a\', \'b\');'];
    for (let i = 0; i < 20; i++) lines.push(`CREATE TABLE t${i} (x mood, y mood);`);
    lines.push('ALTER TABLE t3 DROP COLUMN x;', 'ALTER TABLE t3 DROP COLUMN y;', 'ALTER TABLE t4 ALTER COLUMN x TYPE text USING x::text;', 'DROP TABLE t5;');
    const m = checkEverySnapshot(lines.join('\n'));
    const holders = m.refs.tablesWith(term.columnType('public.mood'));
    assert.deepEqual([...new Set(holders)].sort(), Array.from({ length: 20 }, (_, i) => `public.t${i}`).filter((k) => k !== 'public.t3' && k !== 'public.t5').sort());
    // DROP TYPE ... CASCADE drops every such column, the lookups say where.
    const after = checkEverySnapshot('DROP TYPE mood CASCADE;', m);
    assert.deepEqual([...after.table('t4')!.columns.keys()], ['x']);
    assert.deepEqual([...after.table('t6')!.columns.keys()], []);
  });

  it('hold on real migrations: a folder of the corpus replayed file after file', function () {
    const dir = path.resolve(__dirname, '../../../../../shared/corpus/ory__kratos/persistence/sql/migrations/sql');
    if (!fs.existsSync(dir)) this.skip();
    this.timeout(60_000);
    let m = SchemaModel.empty();
    const ups = fs.readdirSync(dir).filter((f) => f.endsWith('.postgres.up.sql') || (f.endsWith('.up.sql') && !/\.(mysql|sqlite3?|cockroach)\.up\.sql$/.test(f))).sort().slice(0, 120);
    assert.ok(ups.length > 50);
    for (const f of ups) m = checkEverySnapshot(fs.readFileSync(path.join(dir, f), 'utf8'), m);
    assert.ok(m.tables.size > 10);
  });
});
