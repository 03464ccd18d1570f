/** The schema model: ALTER TABLE, DROP, RENAME, SET SCHEMA. */
import * as assert from 'node:assert/strict';
import { tableDependents } from '../../../server/src/engine/schema/dependencies';
import { renderTable } from '../../../server/src/engine/schema';
import { columnSummary, constraintSummary, definitions, indexSummary, model, unknownReasons } from './helpers';

const USERS = [
  'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name varchar(50));',
  'CREATE UNIQUE INDEX users_email_idx ON users (email);',
  'CREATE TABLE posts (id int PRIMARY KEY, author bigint REFERENCES users (id), title text);',
].join('\n');

describe('schema model: ALTER TABLE', () => {
  it('adds columns with their definition text, inline constraints and defaults', () => {
    const m = model(`${USERS}\nALTER TABLE users ADD COLUMN age int DEFAULT 18 NOT NULL CHECK (age >= 0), ADD nick text UNIQUE, ADD COLUMN IF NOT EXISTS email text;`);
    const t = m.table('users');
    assert.deepEqual(columnSummary(t), ['id bigint NOT NULL', 'email text NOT NULL', 'name character varying(50)', 'age integer NOT NULL DEFAULT 18', 'nick text']);
    assert.deepEqual(definitions(t).slice(3), ['age int DEFAULT 18 NOT NULL CHECK (age >= 0)', 'nick text UNIQUE']);
    assert.deepEqual(constraintSummary(t), ['users_pkey*: PRIMARY KEY (id)', 'users_age_check*: CHECK (age >= 0)', 'users_nick_key*: UNIQUE (nick)']);
    assert.deepEqual(m.unknowns, []);
  });

  it('drops a column with the constraints and indexes that involve it', () => {
    const m = model(`${USERS}\nCREATE INDEX users_lower ON users (lower(email));\nALTER TABLE users ADD CONSTRAINT pair UNIQUE (email, name);\nALTER TABLE users DROP COLUMN email;`);
    const t = m.table('users');
    assert.deepEqual(columnSummary(t), ['id bigint NOT NULL', 'name character varying(50)']);
    assert.deepEqual(constraintSummary(t), ['users_pkey*: PRIMARY KEY (id)']);
    assert.deepEqual(indexSummary(t), ['users_pkey*: CREATE UNIQUE INDEX users_pkey ON users (id)']);
  });

  it('drops the primary key column with the key, and other tables keep their foreign keys only without CASCADE', () => {
    const cascade = model(`${USERS}\nALTER TABLE users DROP COLUMN id CASCADE;`);
    assert.equal(cascade.table('users')!.primaryKey, undefined);
    assert.deepEqual(constraintSummary(cascade.table('posts')), ['posts_pkey*: PRIMARY KEY (id)']);
    const plain = model(`${USERS}\nALTER TABLE users DROP COLUMN id;`);
    assert.deepEqual(constraintSummary(plain.table('posts')), ['posts_pkey*: PRIMARY KEY (id)', 'posts_author_fkey*: FOREIGN KEY (author) REFERENCES users (id)']);
  });

  it('changes a column type, default and NOT NULL, re-rendering the definition', () => {
    const m = model(
      `${USERS}\nALTER TABLE users ALTER COLUMN name TYPE text USING name::text, ALTER name SET DEFAULT 'x' || 'y', ALTER COLUMN name SET NOT NULL;\nALTER TABLE users ALTER email DROP NOT NULL;`,
    );
    const name = m.column('users', 'name')!;
    assert.equal(name.typeText, 'text');
    assert.equal(name.defaultText, "'x' || 'y'");
    assert.equal(name.notNull, true);
    assert.equal(name.altered, true);
    assert.equal(name.definitionText, "name text DEFAULT 'x' || 'y' NOT NULL");
    assert.equal(m.column('users', 'email')!.notNull, false);
    const dropped = model(`${USERS}\nALTER TABLE users ALTER COLUMN name SET DEFAULT 'a';\nALTER TABLE users ALTER COLUMN name DROP DEFAULT;`);
    assert.equal(dropped.column('users', 'name')!.defaultText, undefined);
    assert.equal(dropped.column('users', 'name')!.definitionText, 'name character varying(50)');
  });

  it('adds, validates and drops constraints; dropping the primary key drops its index', () => {
    const m = model(
      [
        USERS,
        'ALTER TABLE posts ADD CONSTRAINT title_len CHECK (length(title) < 200) NOT VALID;',
        'ALTER TABLE posts ADD FOREIGN KEY (id) REFERENCES users (id) ON UPDATE CASCADE;',
        'ALTER TABLE users DROP CONSTRAINT users_pkey;',
      ].join('\n'),
    );
    const posts = m.table('posts')!;
    assert.deepEqual(constraintSummary(posts), [
      'posts_pkey*: PRIMARY KEY (id)',
      'posts_author_fkey*: FOREIGN KEY (author) REFERENCES users (id)',
      'title_len: CHECK (length(title) < 200)',
      'posts_id_fkey*: FOREIGN KEY (id) REFERENCES users (id) ON UPDATE CASCADE',
    ]);
    assert.equal(posts.constraints.get('title_len')!.notValid, true);
    assert.equal(posts.constraints.get('title_len')!.sourceText, 'CONSTRAINT title_len CHECK (length(title) < 200) NOT VALID');
    const validated = model('ALTER TABLE posts VALIDATE CONSTRAINT title_len;', m);
    assert.equal(validated.table('posts')!.constraints.get('title_len')!.notValid, false);
    assert.equal(m.table('posts')!.constraints.get('title_len')!.notValid, true, 'the earlier snapshot is unchanged');
    const users = m.table('users')!;
    assert.equal(users.primaryKey, undefined);
    assert.deepEqual(indexSummary(users), ['users_email_idx: CREATE UNIQUE INDEX users_email_idx ON users (email)']);
  });

  it('adds a primary key USING INDEX, which takes the index over under the constraint name', () => {
    const m = model('CREATE TABLE t (a int NOT NULL);\nCREATE UNIQUE INDEX CONCURRENTLY t_a ON t (a);\nALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_a;');
    const t = m.table('t')!;
    assert.deepEqual(t.primaryKey, ['a']);
    assert.deepEqual(constraintSummary(t), ['t_pk: PRIMARY KEY (a)']);
    assert.deepEqual(indexSummary(t), ['t_pk: CREATE UNIQUE INDEX t_pk ON t (a)']);
  });

  it('renames a column everywhere it is named: key, constraints, indexes and foreign keys to it', () => {
    const m = model(`${USERS}\nALTER TABLE users ADD CONSTRAINT email_ok CHECK (email <> '' AND lower(email) = email);\nALTER TABLE users RENAME COLUMN id TO user_id;\nALTER TABLE users RENAME email TO "E-mail";`);
    const t = m.table('users')!;
    assert.deepEqual([...t.columns.keys()], ['user_id', 'E-mail', 'name']);
    assert.deepEqual(t.primaryKey, ['user_id']);
    assert.equal(t.columns.get('E-mail')!.definitionText, '"E-mail" text NOT NULL');
    assert.deepEqual(constraintSummary(t), ['users_pkey*: PRIMARY KEY (user_id)', `email_ok: CHECK ("E-mail" <> '' AND lower("E-mail") = "E-mail")`]);
    assert.deepEqual(indexSummary(t), [
      'users_pkey*: CREATE UNIQUE INDEX users_pkey ON users (user_id)',
      'users_email_idx: CREATE UNIQUE INDEX users_email_idx ON users ("E-mail")',
    ]);
    const fk = m.table('posts')!.constraints.get('posts_author_fkey')!;
    assert.deepEqual(fk.references, { schema: 'public', table: 'users', columns: ['user_id'] });
    assert.equal(fk.definitionText, 'FOREIGN KEY (author) REFERENCES users (user_id)');
  });

  it('renames a table and moves it to another schema, following foreign keys and index definitions', () => {
    const m = model(`${USERS}\nALTER TABLE users RENAME TO members;\nALTER TABLE members SET SCHEMA auth;`);
    assert.equal(m.table('users'), undefined);
    assert.equal(m.table('members'), undefined);
    const t = m.table('auth.members')!;
    assert.equal(t.schema, 'auth');
    assert.deepEqual(indexSummary(t), [
      'users_pkey*: CREATE UNIQUE INDEX users_pkey ON auth.members (id)',
      'users_email_idx: CREATE UNIQUE INDEX users_email_idx ON auth.members (email)',
    ]);
    assert.equal(m.index('auth.users_email_idx')?.table, 'members');
    assert.equal(m.index('users_email_idx'), undefined);
    const fk = m.table('posts')!.constraints.get('posts_author_fkey')!;
    assert.deepEqual(fk.references, { schema: 'auth', table: 'members', columns: ['id'] });
    assert.equal(fk.definitionText, 'FOREIGN KEY (author) REFERENCES auth.members (id)');
  });

  it('renames indexes and constraints (an index of a constraint renames the constraint)', () => {
    const m = model(`${USERS}\nALTER INDEX users_email_idx RENAME TO users_email_uq;\nALTER INDEX users_pkey RENAME TO users_pk;\nALTER TABLE posts RENAME CONSTRAINT posts_author_fkey TO posts_author;`);
    assert.deepEqual(indexSummary(m.table('users')), [
      'users_pk: CREATE UNIQUE INDEX users_pk ON users (id)',
      'users_email_uq: CREATE UNIQUE INDEX users_email_uq ON users (email)',
    ]);
    assert.deepEqual(constraintSummary(m.table('users')), ['users_pk: PRIMARY KEY (id)']);
    assert.deepEqual(constraintSummary(m.table('posts')), ['posts_pkey*: PRIMARY KEY (id)', 'posts_author: FOREIGN KEY (author) REFERENCES users (id)']);
  });

  it('sets and drops identity and generated expressions', () => {
    const m = model('CREATE TABLE t (id int NOT NULL, g int GENERATED ALWAYS AS (id + 1) STORED);\nALTER TABLE t ALTER id ADD GENERATED ALWAYS AS IDENTITY, ALTER g DROP EXPRESSION;');
    assert.equal(m.column('t', 'id')!.identity, 'always');
    assert.equal(m.column('t', 'id')!.definitionText, 'id integer GENERATED ALWAYS AS IDENTITY');
    assert.equal(m.column('t', 'g')!.generatedText, undefined);
    const dropped = model('ALTER TABLE t ALTER id DROP IDENTITY IF EXISTS;', m);
    assert.equal(dropped.column('t', 'id')!.identity, undefined);
  });

  it('changes the deferrability of a constraint in its definition', () => {
    const m = model(
      [
        'CREATE TABLE a (id int PRIMARY KEY);',
        'CREATE TABLE b (x int CONSTRAINT b_x REFERENCES a DEFERRABLE INITIALLY DEFERRED, y int CONSTRAINT b_y REFERENCES a ON DELETE CASCADE);',
        'ALTER TABLE b ALTER CONSTRAINT b_x NOT DEFERRABLE, ALTER CONSTRAINT b_y DEFERRABLE INITIALLY DEFERRED;',
      ].join('\n'),
    );
    assert.deepEqual(constraintSummary(m.table('b')), [
      'b_x: FOREIGN KEY (x) REFERENCES a',
      'b_y: FOREIGN KEY (y) REFERENCES a ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED',
    ]);
    assert.deepEqual(m.unknowns, []);
  });

  it('ignores subcommands that change nothing modelled, and records the ones it cannot read', () => {
    const m = model(`${USERS}\nALTER TABLE users SET (fillfactor = 70), OWNER TO admin, ENABLE ROW LEVEL SECURITY, ALTER name SET STATISTICS 100;\nALTER TABLE users OF some_type;\nALTER TABLE ghosts ADD COLUMN a int;\nALTER TABLE users DROP COLUMN nope;\nALTER TABLE users DROP COLUMN IF EXISTS nope;\nCREATE VIEW v AS SELECT 1;\nALTER TABLE v OWNER TO x;\nALTER TABLE v ALTER COLUMN a SET DEFAULT 1;`);
    assert.deepEqual(unknownReasons(m), [
      'ALTER TABLE subcommand AddOf is not interpreted',
      'ALTER TABLE ghosts: the model does not know this table',
      'column nope is not in the model of users',
    ]);
    assert.equal(m.table('users')!.complete, false);
  });

  it('gives each subcommand its own span in unknowns', () => {
    const sql = 'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int, DROP CONSTRAINT nope;';
    const m = model(sql);
    const u = m.unknowns[0]!;
    assert.equal(sql.slice(u.span.start, u.span.end), 'DROP CONSTRAINT nope');
  });
});

describe('schema model: DROP and RENAME of every kind', () => {
  const ALL = [
    USERS,
    'CREATE SEQUENCE counter START 5;',
    "CREATE TYPE mood AS ENUM ('sad', 'ok');",
    'CREATE DOMAIN email AS text CHECK (VALUE LIKE \'%@%\');',
    'CREATE TYPE pair AS (a int, b int);',
    'CREATE VIEW active AS SELECT * FROM users;',
    'CREATE VIEW active_posts AS SELECT p.* FROM posts p JOIN active a ON a.id = p.author;',
    'CREATE MATERIALIZED VIEW stats AS SELECT count(*) FROM posts;',
    'CREATE INDEX stats_idx ON stats (count);',
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
    'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();',
    'CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;',
    'CREATE SCHEMA audit;',
  ].join('\n');

  it('models every object kind', () => {
    const m = model(ALL);
    assert.deepEqual([...m.tables.keys()], ['public.users', 'public.posts']);
    assert.deepEqual([...m.sequences.keys()], ['public.counter']);
    assert.equal(m.sequence('counter')!.definitionText, 'CREATE SEQUENCE counter START 5');
    assert.deepEqual([...m.types.values()].map((t) => `${t.name} ${t.kind}`), ['mood enum', 'email domain', 'pair composite']);
    assert.deepEqual([...m.enums.keys()], ['public.mood']);
    assert.deepEqual(m.enumType('mood')!.values, ['sad', 'ok']);
    assert.deepEqual([...m.views.values()].map((v) => `${v.name} ${v.materialized} ${v.dependsOn.join(',')}`), [
      'active false public.users',
      'active_posts false public.posts,public.active',
      'stats true public.posts',
    ]);
    assert.equal(m.index('stats_idx')?.definitionText, 'CREATE INDEX stats_idx ON stats (count)');
    assert.deepEqual([...m.functions.keys()], ['public.touch()']);
    assert.deepEqual([...m.table('users')!.triggers.keys()], ['users_touch']);
    assert.equal(m.extension('pgcrypto')?.schema, 'public');
    assert.deepEqual([...m.schemas.keys()], ['public', 'audit']);
    assert.deepEqual(m.unknowns, []);
  });

  it('drops each kind by name', () => {
    const m = model(
      [
        ALL,
        'DROP TRIGGER users_touch ON users;',
        'DROP INDEX users_email_idx;',
        'DROP INDEX IF EXISTS stats_idx;',
        'DROP MATERIALIZED VIEW stats;',
        'DROP VIEW active_posts, active;',
        'DROP SEQUENCE counter;',
        'DROP TYPE mood, pair;',
        'DROP DOMAIN email;',
        'DROP FUNCTION touch();',
        'DROP EXTENSION pgcrypto;',
        'DROP SCHEMA audit;',
        'DROP TABLE posts;',
      ].join('\n'),
    );
    assert.deepEqual([...m.tables.keys()], ['public.users']);
    assert.deepEqual(m.table('users')!.triggers.size, 0);
    assert.deepEqual(indexSummary(m.table('users')), ['users_pkey*: CREATE UNIQUE INDEX users_pkey ON users (id)']);
    for (const map of [m.views, m.sequences, m.types, m.functions, m.extensions]) assert.equal(map.size, 0);
    assert.deepEqual([...m.schemas.keys()], ['public']);
    assert.deepEqual(m.unknowns, []);
  });

  it('DROP TABLE takes foreign keys to it, its sequences, and with CASCADE the views reading it', () => {
    const m = model(`${ALL}\nCREATE TABLE seqd (id serial);\nDROP TABLE seqd;\nDROP TABLE users CASCADE;`);
    assert.deepEqual([...m.tables.keys()], ['public.posts']);
    assert.deepEqual(constraintSummary(m.table('posts')), ['posts_pkey*: PRIMARY KEY (id)']);
    assert.deepEqual([...m.views.keys()], ['public.stats']);
    assert.deepEqual([...m.sequences.keys()], ['public.counter']);
  });

  it('lists what depends on a table', () => {
    const m = model(`${ALL}\nCREATE TABLE likes (id serial, post int REFERENCES posts);`);
    const deps = (key: string): string[] => tableDependents(m, key).map((d) => `${d.kind} ${d.owner} ${d.name}`);
    assert.deepEqual(deps('public.users'), ['view public.active public.active', 'view public.active_posts public.active_posts', 'foreign key public.posts posts_author_fkey']);
    assert.deepEqual(m.sequence('likes_id_seq')!.ownedBy, { table: 'public.likes', column: 'id' });
  });

  it('DROP TYPE CASCADE drops the columns of that type; DROP SCHEMA CASCADE everything in it', () => {
    const m = model(
      [
        "CREATE TYPE mood AS ENUM ('a');",
        'CREATE TABLE t (id int, m mood, n public.mood);',
        'DROP TYPE mood CASCADE;',
        'CREATE SCHEMA s;',
        'CREATE TABLE s.x (a int);',
        'CREATE SEQUENCE s.q;',
        'CREATE FUNCTION s.f(a int) RETURNS int AS $$ SELECT a $$ LANGUAGE sql;',
        'DROP SCHEMA s CASCADE;',
      ].join('\n'),
    );
    assert.deepEqual(columnSummary(m.table('t')), ['id integer']);
    assert.deepEqual([...m.tables.keys()], ['public.t']);
    assert.equal(m.sequences.size, 0);
    assert.equal(m.functions.size, 0);
  });

  it('renames views, sequences, types, functions, schemas and moves them between schemas', () => {
    const m = model(
      [
        ALL,
        'ALTER VIEW active RENAME TO active_users;',
        'ALTER SEQUENCE counter RENAME TO ticker;',
        'ALTER TYPE mood RENAME TO feeling;',
        'ALTER FUNCTION touch() RENAME TO touch_row;',
        'ALTER TABLE posts SET SCHEMA audit;',
        'ALTER SCHEMA audit RENAME TO history;',
        'ALTER TYPE feeling SET SCHEMA history;',
      ].join('\n'),
    );
    assert.equal(m.view('active_users')!.definitionText, 'CREATE VIEW active_users AS SELECT * FROM users');
    assert.deepEqual(m.view('active_posts')!.dependsOn, ['history.posts', 'public.active_users']);
    assert.ok(m.sequence('ticker'));
    assert.equal(m.type('history.feeling')!.definitionText, "CREATE TYPE history.feeling AS ENUM ('sad', 'ok')");
    assert.equal(m.functionsNamed('touch_row')[0]!.signature, 'public.touch_row()');
    assert.deepEqual([...m.tables.keys()], ['public.users', 'history.posts']);
    assert.deepEqual([...m.schemas.keys()], ['public', 'history']);
  });
});

describe('schema model: rendering a table as it is now', () => {
  it('writes columns and every constraint with its name, then indexes and triggers', () => {
    const m = model(
      [
        'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, age int DEFAULT 0 CHECK (age >= 0), org bigint);',
        'CREATE INDEX users_org ON users (org);',
        'ALTER TABLE users RENAME TO members;',
        'ALTER TABLE members ALTER COLUMN age TYPE smallint, ALTER COLUMN email DROP NOT NULL;',
        'ALTER TABLE members DROP CONSTRAINT users_email_key;',
        'CREATE TRIGGER t BEFORE UPDATE ON members FOR EACH ROW EXECUTE FUNCTION f();',
      ].join('\n'),
    );
    const t = m.table('members')!;
    assert.deepEqual(definitions(t), ['id serial PRIMARY KEY', 'email text', 'age smallint DEFAULT 0', 'org bigint']);
    assert.deepEqual(renderTable(t), [
      [
        'CREATE TABLE members (',
        '    id serial,',
        '    email text,',
        '    age smallint DEFAULT 0,',
        '    org bigint,',
        '    CONSTRAINT users_age_check CHECK (age >= 0),',
        '    CONSTRAINT users_pkey PRIMARY KEY (id)',
        ')',
      ].join('\n'),
      'CREATE INDEX users_org ON members (org)',
      'CREATE TRIGGER t BEFORE UPDATE ON members FOR EACH ROW EXECUTE FUNCTION f()',
    ]);
    assert.equal(renderTable(model('CREATE TABLE x AS SELECT 1;').table('x')!), undefined);
  });

  it('renders a serial column whose type changed with its type and default', () => {
    const m = model('CREATE TABLE t (id serial);\nALTER TABLE t ALTER id TYPE bigint;');
    assert.equal(m.column('t', 'id')!.definitionText, "id bigint DEFAULT nextval('t_id_seq'::regclass) NOT NULL");
  });
});
