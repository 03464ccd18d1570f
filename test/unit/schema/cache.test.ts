/** The schema of a directory's history: version order, before/after, and the incremental cache. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MemoryFileHost, OverlayFileHost } from '../../../server/src/engine/host';
import { golangMigrate } from '../../../server/src/engine/migrations/golang-migrate';
import { goose } from '../../../server/src/engine/migrations/goose';
import { readMigrationDirectory } from '../../../server/src/engine/migrations/directory';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { resetSchemaCache, schemaAfter, schemaBefore, schemaStats, type SchemaContext } from '../../../server/src/engine/schema';
import { columnSummary } from './helpers';

const DIR = path.resolve('/proj/migrations');
const p = (name: string): string => path.join(DIR, name);

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

function ctxFor(host: OverlayFileHost | MemoryFileHost, fileName: string, text?: string): SchemaContext {
  const directory = readMigrationDirectory(DIR, host, golangMigrate);
  const filePath = p(fileName);
  const ctx: SchemaContext = { directory, migration: golangMigrate.parse(filePath), host, filePath };
  if (text !== undefined) ctx.text = text;
  return ctx;
}

describe('schema model: a directory history', () => {
  beforeEach(() => resetSchemaCache());

  it('replays only the earlier up migrations, in version order', () => {
    const host = new MemoryFileHost(history());
    assert.deepEqual([...schemaBefore(ctxFor(host, '000001_users.up.sql')).tables.keys()], []);
    assert.deepEqual(columnSummary(schemaBefore(ctxFor(host, '000002_name.up.sql')).table('users')), ['id bigint NOT NULL', 'email text']);
    const before11 = schemaBefore(ctxFor(host, '000011_age.up.sql'));
    assert.deepEqual([...before11.tables.keys()], ['public.users', 'public.posts']);
    assert.deepEqual(columnSummary(before11.table('users')), ['id bigint NOT NULL', 'email text', 'name character varying(40) NOT NULL']);
    assert.deepEqual(before11.table('posts')!.constraints.get('posts_author_fkey')!.references, { schema: 'public', table: 'users', columns: ['id'] });
    assert.equal(before11.table('users')!.columns.get('name')!.origin.file, p('000002_name.up.sql'));
  });

  it('gives a down file the schema before its up, and schemaAfter the schema its up leaves', () => {
    const host = new MemoryFileHost(history());
    const down = ctxFor(host, '000002_name.down.sql');
    assert.deepEqual(columnSummary(schemaBefore(down).table('users')), ['id bigint NOT NULL', 'email text']);
    assert.deepEqual(columnSummary(schemaAfter(down).table('users')), ['id bigint NOT NULL', 'email text', 'name character varying(40) NOT NULL']);
    const up = ctxFor(host, '000011_age.up.sql');
    assert.deepEqual(columnSummary(schemaAfter(up).table('users')).at(-1), 'age integer');
  });

  it('replays nothing when the newest migration changes (a keystroke), and only it for schemaAfter', () => {
    const files = history();
    const host = new OverlayFileHost(new MemoryFileHost(files));
    schemaBefore(ctxFor(host, '000011_age.up.sql'));
    assert.deepEqual(schemaStats(), { parses: 3, replays: 3, hits: 0 });
    // Typing in the newest file, through the editor's overlay.
    for (const text of ['ALTER TABLE users ADD COLUMN age int', 'ALTER TABLE users ADD COLUMN age int;', 'ALTER TABLE users ADD COLUMN age bigint;']) {
      host.set(p('000011_age.up.sql'), text);
      const m = schemaBefore(ctxFor(host, '000011_age.up.sql', text));
      assert.equal(m.table('users')!.columns.has('age'), false);
    }
    assert.deepEqual(schemaStats(), { parses: 3, replays: 3, hits: 9 });
    // The schema after the file replays the file alone; the caller's parse is reused.
    const text = 'ALTER TABLE users ADD COLUMN age bigint;';
    const ctx = ctxFor(host, '000011_age.up.sql', text);
    ctx.parsed = parseSql(text);
    assert.equal(schemaAfter(ctx).column('users', 'age')!.typeText, 'bigint');
    assert.deepEqual(schemaStats(), { parses: 3, replays: 4, hits: 12 });
    host.set(p('000011_age.up.sql'), 'ALTER TABLE users ADD COLUMN age smallint;');
    assert.equal(schemaAfter(ctxFor(host, '000011_age.up.sql')).column('users', 'age')!.typeText, 'smallint');
    assert.deepEqual(schemaStats(), { parses: 4, replays: 5, hits: 15 });
  });

  it('replays from the changed file on when an earlier migration changes', () => {
    const host = new OverlayFileHost(new MemoryFileHost(history()));
    const before = schemaBefore(ctxFor(host, '000011_age.up.sql'));
    host.set(p('000002_name.up.sql'), 'ALTER TABLE users ADD COLUMN full_name text;');
    const after = schemaBefore(ctxFor(host, '000011_age.up.sql'));
    // Version 1 came from the cache; 2 and 10 were replayed.
    assert.deepEqual(schemaStats(), { parses: 5, replays: 5, hits: 1 });
    assert.deepEqual(columnSummary(after.table('users')), ['id bigint NOT NULL', 'email text', 'full_name text']);
    // The snapshot handed out before is untouched, and version 1's snapshot is shared, not copied.
    assert.deepEqual(columnSummary(before.table('users')), ['id bigint NOT NULL', 'email text', 'name character varying(40) NOT NULL']);
    const v2 = schemaBefore(ctxFor(host, '000002_name.up.sql'));
    assert.equal(v2.table('users'), schemaBefore(ctxFor(host, '000002_name.up.sql')).table('users'));
    assert.equal(v2.table('users')!.columns.has('full_name'), false);
  });

  it('notices a migration added in the middle and a file removed', () => {
    const files = history();
    const host = new MemoryFileHost(files);
    schemaBefore(ctxFor(host, '000011_age.up.sql'));
    host.write(p('000005_tags.up.sql'), 'CREATE TABLE tags (t text);');
    assert.deepEqual([...schemaBefore(ctxFor(host, '000011_age.up.sql')).tables.keys()], ['public.users', 'public.tags', 'public.posts']);
    assert.deepEqual(schemaStats().replays, 5);
    const fewer = new MemoryFileHost(Object.fromEntries(Object.entries(files).filter(([k]) => !k.includes('000002'))));
    assert.deepEqual(columnSummary(schemaBefore(ctxFor(fewer, '000011_age.up.sql')).table('users')), ['id bigint NOT NULL', 'email text']);
  });

  it('keeps one cache per directory', () => {
    const other = path.resolve('/other/migrations');
    const host = new MemoryFileHost({ ...history(), [path.join(other, '1_a.up.sql')]: 'CREATE TABLE a (x int);', [path.join(other, '2_b.up.sql')]: '' });
    schemaBefore(ctxFor(host, '000011_age.up.sql'));
    const directory = readMigrationDirectory(other, host, golangMigrate);
    const file = path.join(other, '2_b.up.sql');
    const m = schemaBefore({ directory, migration: golangMigrate.parse(file), host, filePath: file });
    assert.deepEqual([...m.tables.keys()], ['public.a']);
    assert.deepEqual([...schemaBefore(ctxFor(host, '000011_age.up.sql')).tables.keys()], ['public.users', 'public.posts']);
    assert.deepEqual(schemaStats(), { parses: 4, replays: 4, hits: 3 });
  });

  it('uses every up migration for a file whose name is not a migration', () => {
    const host = new MemoryFileHost(history());
    const directory = readMigrationDirectory(DIR, host, golangMigrate);
    const m = schemaBefore({ directory, migration: undefined, host, filePath: p('scratch.sql') });
    assert.equal(m.table('users')!.columns.has('age'), true);
  });
});

describe('schema model: single-file conventions', () => {
  beforeEach(() => resetSchemaCache());

  it('replays only the up sections of goose files, keeping file offsets', () => {
    const first = '-- +goose Up\n-- é 😀\nCREATE TABLE a (x int, "ü" text);\n\n-- +goose Down\nDROP TABLE a;\n';
    const host = new MemoryFileHost({
      [p('00001_a.sql')]: first,
      [p('00002_b.sql')]: '-- +goose Up\nALTER TABLE a ADD COLUMN y int;\n-- +goose Down\nALTER TABLE a DROP COLUMN y;\n',
    });
    const directory = readMigrationDirectory(DIR, host, goose);
    const file = p('00002_b.sql');
    const before = schemaBefore({ directory, migration: goose.parse(file), host, filePath: file });
    assert.deepEqual(columnSummary(before.table('a')), ['x integer', 'ü text']);
    const col = before.column('a', 'ü')!;
    assert.equal(first.slice(col.origin.span.start, col.origin.span.end), '"ü" text');
    const after = schemaAfter({ directory, migration: goose.parse(file), host, filePath: file });
    assert.deepEqual(columnSummary(after.table('a')), ['x integer', 'ü text', 'y integer']);
  });
});
