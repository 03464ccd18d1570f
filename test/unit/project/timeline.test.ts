/**
 * A folder's timeline: schemas before and after each migration in version order, kept across
 * requests, rebuilt from the changed migration on, with early cut-off; no file read twice.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MemoryFileHost, OverlayFileHost } from '../../../server/src/engine/host';
import { golangMigrate } from '../../../server/src/engine/migrations/golang-migrate';
import { flyway } from '../../../server/src/engine/migrations/flyway';
import { goose } from '../../../server/src/engine/migrations/goose';
import { Workspace } from '../../../server/src/engine/project/workspace';
import { columnSummary } from '../schema/helpers';

const DIR = path.resolve('/proj/migrations');
const p = (name: string): string => path.join(DIR, name);
const m = (name: string) => golangMigrate.parse(p(name))!;

function history(): Record<string, string> {
  return {
    [p('000001_users.up.sql')]: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
    [p('000001_users.down.sql')]: 'DROP TABLE users;',
    [p('000002_name.up.sql')]: 'ALTER TABLE users ADD COLUMN name varchar(40) NOT NULL;',
    [p('000002_name.down.sql')]: 'ALTER TABLE users DROP COLUMN name;',
    // Version 10 sorts after 2 although its name sorts before.
    [p('000010_posts.up.sql')]: 'CREATE TABLE posts (id int, author bigint REFERENCES users);',
    [p('000010_posts.down.sql')]: 'DROP TABLE posts;',
    [p('000011_age.up.sql')]: 'ALTER TABLE users ADD COLUMN age int;',
  };
}

describe('project: a folder timeline', () => {
  it('replays only the earlier up migrations, in version order', () => {
    const folder = new Workspace(new MemoryFileHost(history())).folder(DIR, golangMigrate);
    assert.deepEqual([...folder.schemaBefore(m('000001_users.up.sql')).tables.keys()], []);
    assert.deepEqual(columnSummary(folder.schemaBefore(m('000002_name.up.sql')).table('users')), ['id bigint NOT NULL', 'email text']);
    const before11 = folder.schemaBefore(m('000011_age.up.sql'));
    assert.deepEqual([...before11.tables.keys()], ['public.users', 'public.posts']);
    assert.deepEqual(columnSummary(before11.table('users')), ['id bigint NOT NULL', 'email text', 'name character varying(40) NOT NULL']);
    assert.deepEqual(before11.table('posts')!.constraints.get('posts_author_fkey')!.references, { schema: 'public', table: 'users', columns: ['id'] });
    assert.equal(before11.table('users')!.columns.get('name')!.origin.file, p('000002_name.up.sql'));
    assert.equal(folder.timeline.stats.replays, 3);
  });

  it('counts the migrations before and through a version by bisection, for every version scheme (a number, dotted parts, a file absent from the folder)', () => {
    const folder = new Workspace(new MemoryFileHost(history())).folder(DIR, golangMigrate);
    const tl = folder.timeline;
    const expected = (f: ReturnType<typeof m>): [number, number] => {
      const ups = tl.files();
      return [ups.filter((u) => u.versionNumber < f.versionNumber).length, ups.filter((u) => u.versionNumber <= f.versionNumber).length];
    };
    for (const name of ['000000_zero.up.sql', '000001_users.up.sql', '000002_name.down.sql', '000003_gap.up.sql', '000010_posts.up.sql', '000011_age.up.sql', '000012_after.up.sql']) {
      assert.deepEqual([tl.countBefore(m(name)), tl.countThrough(m(name))], expected(m(name)), name);
    }
    const dotted = (v: string) => flyway.parse(path.join('/f', `V${v}__x.sql`))!;
    const fw = new Workspace(new MemoryFileHost({ '/f/V1__a.sql': 'SELECT 1;', '/f/V1.2__b.sql': 'SELECT 1;', '/f/V1.10__c.sql': 'SELECT 1;', '/f/V2__d.sql': 'SELECT 1;' })).folder('/f', flyway).timeline;
    assert.deepEqual(['1', '1.1', '1.2', '1.2.0', '1.3', '1.10', '2', '3'].map((v) => [fw.countBefore(dotted(v)), fw.countThrough(dotted(v))]), [[0, 1], [1, 1], [1, 2], [1, 2], [2, 2], [2, 3], [3, 4], [4, 4]]);
  });

  it('gives a down file the schema its up leaves, and every up to a file outside the convention', () => {
    const folder = new Workspace(new MemoryFileHost(history())).folder(DIR, golangMigrate);
    assert.deepEqual(columnSummary(folder.schemaBefore(m('000002_name.down.sql')).table('users')), ['id bigint NOT NULL', 'email text']);
    assert.deepEqual(columnSummary(folder.schemaAfter(m('000002_name.down.sql')).table('users')), ['id bigint NOT NULL', 'email text', 'name character varying(40) NOT NULL']);
    assert.equal(columnSummary(folder.schemaAfter(m('000011_age.up.sql')).table('users')).at(-1), 'age integer');
    assert.equal(folder.schemaBefore(undefined).table('users')!.columns.has('age'), true);
  });

  it('a keystroke in the newest migration replays and reads nothing before it', () => {
    const overlay = new OverlayFileHost(new MemoryFileHost(history()));
    const ws = new Workspace(overlay);
    const folder = ws.folder(DIR, golangMigrate);
    const first = folder.schemaBefore(m('000011_age.up.sql'));
    const reads = { ...ws.host.reads };
    assert.equal(folder.timeline.stats.replays, 3);
    for (const text of ['ALTER TABLE users ADD COLUMN age int', 'ALTER TABLE users ADD COLUMN age int;', 'ALTER TABLE users ADD COLUMN age bigint;']) {
      overlay.set(p('000011_age.up.sql'), text);
      ws.changed(p('000011_age.up.sql'));
      assert.equal(folder.schemaBefore(m('000011_age.up.sql')), first);
    }
    assert.equal(folder.timeline.stats.replays, 3);
    assert.deepEqual(ws.host.reads, { files: reads.files, dirs: reads.dirs });
    // The schema after it replays the file alone.
    assert.equal(folder.schemaAfter(m('000011_age.up.sql')).column('users', 'age')!.typeText, 'bigint');
    assert.equal(folder.timeline.stats.replays, 4);
  });

  it('replays from a changed earlier migration on, and stops when its schema comes out the same', () => {
    const overlay = new OverlayFileHost(new MemoryFileHost(history()));
    const ws = new Workspace(overlay);
    const folder = ws.folder(DIR, golangMigrate);
    const before = folder.schemaBefore(m('000011_age.up.sql'));
    const v2 = folder.schemaBefore(m('000002_name.up.sql'));

    // A comment and a reformatting: migration 2 is replayed, nothing after it.
    overlay.set(p('000002_name.up.sql'), '-- the display name\nALTER TABLE users\n  ADD COLUMN name varchar(40) NOT NULL;');
    ws.changed(p('000002_name.up.sql'));
    assert.equal(folder.schemaBefore(m('000011_age.up.sql')), before);
    assert.deepEqual(folder.timeline.stats, { replays: 4, cutOffs: 1 });

    // A real change: 2 and 10 are replayed; version 1's snapshot is the same object.
    overlay.set(p('000002_name.up.sql'), 'ALTER TABLE users ADD COLUMN full_name text;');
    ws.changed(p('000002_name.up.sql'));
    const after = folder.schemaBefore(m('000011_age.up.sql'));
    assert.equal(folder.timeline.stats.replays, 6);
    assert.deepEqual(columnSummary(after.table('users')), ['id bigint NOT NULL', 'email text', 'full_name text']);
    // The snapshot handed out before is untouched, and version 1's snapshot is shared, not copied.
    assert.deepEqual(columnSummary(before.table('users')), ['id bigint NOT NULL', 'email text', 'name character varying(40) NOT NULL']);
    assert.equal(folder.schemaBefore(m('000002_name.up.sql')), v2);
  });

  it('takes in a migration added in the middle and a file removed, when told the listing changed', () => {
    const host = new MemoryFileHost(history());
    const ws = new Workspace(host);
    const folder = ws.folder(DIR, golangMigrate);
    folder.schemaBefore(m('000011_age.up.sql'));
    host.write(p('000005_tags.up.sql'), 'CREATE TABLE tags (t text);');
    assert.deepEqual([...folder.schemaBefore(m('000011_age.up.sql')).tables.keys()], ['public.users', 'public.posts'], 'nothing re-read until told');
    ws.listingChanged(DIR);
    assert.deepEqual([...folder.schemaBefore(m('000011_age.up.sql')).tables.keys()], ['public.users', 'public.tags', 'public.posts']);
    // 1 and 2 kept; 5 new; 10 replayed on the new schema.
    assert.equal(folder.timeline.stats.replays, 5);
    const fewer = new Workspace(new MemoryFileHost(Object.fromEntries(Object.entries(history()).filter(([k]) => !k.includes('000002')))));
    assert.deepEqual(columnSummary(fewer.folder(DIR, golangMigrate).schemaBefore(m('000011_age.up.sql')).table('users')), ['id bigint NOT NULL', 'email text']);
  });

  it('keeps one timeline per directory', () => {
    const other = path.resolve('/other/migrations');
    const ws = new Workspace(new MemoryFileHost({ ...history(), [path.join(other, '1_a.up.sql')]: 'CREATE TABLE a (x int);', [path.join(other, '2_b.up.sql')]: '' }));
    const main = ws.folder(DIR, golangMigrate);
    main.schemaBefore(m('000011_age.up.sql'));
    const second = ws.folder(other, golangMigrate);
    assert.deepEqual([...second.schemaBefore(golangMigrate.parse(path.join(other, '2_b.up.sql'))!).tables.keys()], ['public.a']);
    assert.deepEqual([...main.schemaBefore(m('000011_age.up.sql')).tables.keys()], ['public.users', 'public.posts']);
    assert.equal(ws.folder(DIR, golangMigrate), main);
    assert.deepEqual([main.timeline.stats.replays, second.timeline.stats.replays], [3, 1]);
  });
});

describe('project: single-file conventions', () => {
  it('replays only the up sections of goose files, keeping file offsets', () => {
    const first = '-- +goose Up\n-- é 😀\nCREATE TABLE a (x int, "ü" text);\n\n-- +goose Down\nDROP TABLE a;\n';
    const folder = new Workspace(
      new MemoryFileHost({
        [p('00001_a.sql')]: first,
        [p('00002_b.sql')]: '-- +goose Up\nALTER TABLE a ADD COLUMN y int;\n-- +goose Down\nALTER TABLE a DROP COLUMN y;\n',
      }),
    ).folder(DIR, goose);
    const file = goose.parse(p('00002_b.sql'))!;
    const before = folder.schemaBefore(file);
    assert.deepEqual(columnSummary(before.table('a')), ['x integer', 'ü text']);
    const col = before.column('a', 'ü')!;
    assert.equal(first.slice(col.origin.span.start, col.origin.span.end), '"ü" text');
    assert.deepEqual(columnSummary(folder.schemaAfter(file).table('a')), ['x integer', 'ü text', 'y integer']);
  });
});
