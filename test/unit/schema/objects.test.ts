/** The schema model: indexes, enums, views, functions, extensions, schemas, unknowns. */
import * as assert from 'node:assert/strict';
import { SchemaModel, schemasThroughFile } from '../../../server/src/engine/schema';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { indexSummary, model, unknownReasons } from './helpers';

describe('schema model: indexes', () => {
  it('records CREATE INDEX as written, and writes PostgreSQL\'s name into an unnamed one', () => {
    const m = model(
      [
        'CREATE TABLE t (a int, b text, c jsonb);',
        'CREATE INDEX ON t (a);',
        'CREATE INDEX ON t (a);',
        'CREATE UNIQUE INDEX CONCURRENTLY ON t USING btree (lower(b), a) INCLUDE (c) WHERE a > 0;',
        "CREATE INDEX ON t ((c->>'k'));",
        'CREATE INDEX t_b ON ONLY t (b DESC NULLS LAST);',
        'CREATE INDEX IF NOT EXISTS t_b ON t (a);',
      ].join('\n'),
    );
    const t = m.table('t');
    assert.deepEqual(indexSummary(t), [
      't_a_idx*: CREATE INDEX t_a_idx ON t (a)',
      't_a_idx1*: CREATE INDEX t_a_idx1 ON t (a)',
      't_lower_a_c_idx*: CREATE UNIQUE INDEX CONCURRENTLY t_lower_a_c_idx ON t USING btree (lower(b), a) INCLUDE (c) WHERE a > 0',
      "t_expr_idx*: CREATE INDEX t_expr_idx ON t ((c->>'k'))",
      't_b: CREATE INDEX t_b ON ONLY t (b DESC NULLS LAST)',
    ]);
    assert.deepEqual(t!.indexes.get('t_lower_a_c_idx')!.columns, [undefined, 'a']);
    assert.equal(t!.indexes.get('t_lower_a_c_idx')!.unique, true);
    assert.equal(m.index('t_b')!.table, 't');
  });

  it('records an index on a table it does not know as unknown', () => {
    const m = model('CREATE INDEX x ON nowhere (a);');
    assert.deepEqual(unknownReasons(m), ['CREATE INDEX on nowhere, which the model does not know']);
  });
});

describe('schema model: enums and other types', () => {
  it('adds enum values before, after and at the end, and renames values', () => {
    const m = model(
      [
        "CREATE TYPE app.status AS ENUM ('new', 'done');",
        "ALTER TYPE app.status ADD VALUE 'doing' BEFORE 'done';",
        "ALTER TYPE app.status ADD VALUE IF NOT EXISTS 'archived';",
        "ALTER TYPE app.status ADD VALUE 'reviewing' AFTER 'doing';",
        "ALTER TYPE app.status ADD VALUE IF NOT EXISTS 'new';",
        "ALTER TYPE app.status RENAME VALUE 'new' TO 'open';",
      ].join('\n'),
    );
    const e = m.enumType('app.status')!;
    assert.deepEqual(e.values, ['open', 'doing', 'reviewing', 'done', 'archived']);
    assert.equal(e.altered, true);
    assert.equal(e.definitionText, "CREATE TYPE app.status AS ENUM ('open', 'doing', 'reviewing', 'done', 'archived')");
    assert.deepEqual(m.unknowns, []);
  });

  it('keeps an unaltered enum definition as written and records impossible changes', () => {
    const m = model("CREATE TYPE mood AS ENUM ( 'a' ,'b' );\nALTER TYPE mood ADD VALUE 'c' AFTER 'zzz';\nALTER TYPE ghost ADD VALUE 'x';\nALTER TYPE mood ADD VALUE 'a';");
    assert.equal(m.enumType('mood')!.definitionText, "CREATE TYPE mood AS ENUM ( 'a' ,'b' )");
    assert.deepEqual(unknownReasons(m), [
      "ADD VALUE ... AFTER 'zzz': no such value in the model",
      'ALTER TYPE ghost: the model does not know this enum',
      "ADD VALUE 'a': the enum mood already has it in the model",
    ]);
  });

  it('records domains, composite, range and base types with their definitions', () => {
    const m = model("CREATE DOMAIN posint AS int CHECK (VALUE > 0);\nCREATE TYPE pair AS (a int, b text);\nCREATE TYPE floatrange AS RANGE (subtype = float8);\nCREATE TYPE shell;");
    assert.deepEqual([...m.types.values()].map((t) => `${t.kind}: ${t.definitionText}`), [
      'domain: CREATE DOMAIN posint AS int CHECK (VALUE > 0)',
      'composite: CREATE TYPE pair AS (a int, b text)',
      'range: CREATE TYPE floatrange AS RANGE (subtype = float8)',
      'base: CREATE TYPE shell',
    ]);
  });
});

describe('schema model: views, functions, extensions, schemas', () => {
  it('records view definitions, CREATE OR REPLACE replacing them, and what they read (not their CTEs)', () => {
    const m = model(
      [
        'CREATE TABLE a (x int);',
        'CREATE VIEW v AS WITH recent AS (SELECT * FROM a) SELECT * FROM recent;',
        'CREATE OR REPLACE VIEW v AS SELECT x FROM a WHERE x > 0;',
        'CREATE VIEW reporting.w (n) AS SELECT count(*) FROM v, other.t;',
      ].join('\n'),
    );
    assert.equal(m.view('v')!.definitionText, 'CREATE OR REPLACE VIEW v AS SELECT x FROM a WHERE x > 0');
    assert.deepEqual(m.view('reporting.w')!.dependsOn, ['public.v', 'other.t']);
    const cte = model('CREATE TABLE a (x int);\nCREATE VIEW v AS WITH recent AS (SELECT * FROM a) SELECT * FROM recent;');
    assert.deepEqual(cte.view('v')!.dependsOn, ['public.a']);
  });

  it('records functions by signature (input types only) and drops them by signature or by a unique name', () => {
    const m = model(
      [
        'CREATE FUNCTION add(a int, b int) RETURNS int AS $$ SELECT a + b $$ LANGUAGE sql;',
        "CREATE FUNCTION add(a text, b text DEFAULT '') RETURNS text AS $$ SELECT a || b $$ LANGUAGE sql;",
        'CREATE OR REPLACE FUNCTION app.split(IN s text, OUT head text, INOUT n int, VARIADIC rest text[]) AS $$ SELECT 1 $$ LANGUAGE sql;',
        'CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$;',
        'CREATE FUNCTION t() RETURNS TABLE (x int) AS $$ SELECT 1 $$ LANGUAGE sql;',
      ].join('\n'),
    );
    assert.deepEqual([...m.functions.keys()], ['public.add(integer, integer)', 'public.add(text, text)', 'app.split(text, integer, text[])', 'public.p()', 'public.t()']);
    assert.equal(m.function('add', ['integer', 'integer'])!.returnType, 'integer');
    assert.equal(m.function('app.split', ['text', 'integer', 'text[]'])!.definitionText.startsWith('CREATE OR REPLACE FUNCTION app.split('), true);
    assert.equal(m.functionsNamed('p')[0]!.kind, 'procedure');
    const dropped = model('DROP FUNCTION add(int4, pg_catalog.int4);\nDROP PROCEDURE p;\nDROP FUNCTION IF EXISTS nothing(int);', m);
    assert.deepEqual([...dropped.functions.keys()], ['public.add(text, text)', 'app.split(text, integer, text[])', 'public.t()']);
    assert.deepEqual([...model('DROP FUNCTION add;', dropped).functions.keys()], ['app.split(text, integer, text[])', 'public.t()']);
    const ambiguous = model('CREATE FUNCTION add(a int) RETURNS int AS $$ SELECT a $$ LANGUAGE sql;\nDROP FUNCTION add;', dropped);
    assert.deepEqual(unknownReasons(ambiguous), ['DROP FUNCTION add without arguments: the model has 2 functions of that name']);
    assert.equal(ambiguous.functions.size, 4);
  });

  it('records extensions and schemas, including the objects of CREATE SCHEMA ... CREATE TABLE', () => {
    const m = model('CREATE EXTENSION "uuid-ossp";\nCREATE SCHEMA app AUTHORIZATION admin CREATE TABLE items (id uuid) CREATE VIEW v AS SELECT * FROM items;\nCREATE SCHEMA AUTHORIZATION bob;');
    assert.equal(m.extension('uuid-ossp')!.definitionText, 'CREATE EXTENSION "uuid-ossp"');
    assert.deepEqual([...m.schemas.keys()], ['public', 'app', 'bob']);
    assert.deepEqual([...m.tables.keys()], ['app.items']);
    assert.deepEqual(m.view('app.v')!.dependsOn, ['app.items']);
  });
});

describe('schema model: unknowns and immutability', () => {
  it('records what it cannot interpret with the file, the statement span and a reason', () => {
    const sql = 'CREATE TABLE t (a int);\nDO $$ BEGIN EXECUTE \'CREATE TABLE x ()\'; END $$;\nCREATE TABLE oops (a int,);\nCREATE RULE r AS ON INSERT TO t DO NOTHING;\nINSERT INTO t VALUES (1);\nCREATE AGGREGATE agg (int) (sfunc = int4pl, stype = int);\nCREATE COLLATION c (locale = \'C\');';
    const m = model(sql);
    assert.deepEqual(
      m.unknowns.map((u) => `${u.statementKind ?? '-'} ${sql.slice(u.span.start, u.span.end)} | ${u.reason}`),
      [
        "DoStmt DO $$ BEGIN EXECUTE 'CREATE TABLE x ()'; END $$ | a DO block runs procedural code whose effect is not read",
        '- CREATE TABLE oops (a int,) | the statement does not parse: syntax error at or near ")"',
      ],
    );
    assert.deepEqual([...m.functions.keys()], ['public.agg(integer)']);
  });

  it('never changes the snapshot it starts from', () => {
    const base = model('CREATE TABLE t (a int PRIMARY KEY, b text);\nCREATE INDEX t_b ON t (b);');
    const before = JSON.stringify([...base.table('t')!.columns.values()].map((c) => c.definitionText));
    const next = model('ALTER TABLE t ALTER b TYPE varchar(5), DROP COLUMN a;\nDROP INDEX t_b;\nALTER TABLE t RENAME TO u;', base);
    assert.equal(JSON.stringify([...base.table('t')!.columns.values()].map((c) => c.definitionText)), before);
    assert.equal(base.table('t')!.columns.get('b')!.typeText, 'text');
    assert.deepEqual([...base.table('t')!.indexes.keys()], ['t_pkey', 't_b']);
    assert.deepEqual([...next.table('u')!.columns.keys()], ['b']);
    assert.ok(Object.isFrozen(base.table('t')));
    assert.ok(Object.isFrozen(base.table('t')!.columns.get('b')));
    assert.ok(Object.isFrozen(base));
    assert.equal(SchemaModel.empty().tables.size, 0);
  });
});

describe('schema model: statement by statement', () => {
  it('gives the schema before each statement of a file in one pass, search_path included', () => {
    const parsed = parseSql('CREATE TABLE t (a int);\nSET search_path = app;\nCREATE TABLE u (b int);\nALTER TABLE t ADD COLUMN c int;\nALTER TABLE public.t ADD COLUMN c int;');
    const base = model('CREATE SCHEMA app;');
    const steps = schemasThroughFile(base, '/m/x.sql', parsed);
    assert.equal(steps.length, 6);
    assert.equal(steps[0], base);
    assert.equal(steps[1]!.table('t')?.columns.size, 1);
    assert.equal(steps[3]!.table('app.u')?.name, 'u');
    assert.deepEqual(steps[4]!.unknowns.map((u) => u.reason), ['ALTER TABLE t: the model does not know this table']);
    assert.deepEqual([...steps[5]!.table('t')!.columns.keys()], ['a', 'c']);
    assert.equal(steps[1]!.table('t')!.columns.size, 1, 'earlier snapshots are unchanged');
  });
});

describe('schema model: sequences', () => {
  it('records OWNED BY of CREATE and ALTER SEQUENCE, which makes DROP TABLE drop the sequence', () => {
    const m = model('CREATE TABLE t (id int);\nCREATE SEQUENCE s OWNED BY t.id;\nCREATE SEQUENCE r;\nALTER SEQUENCE r OWNED BY public.t.id;\nALTER SEQUENCE IF EXISTS nothing OWNED BY NONE;');
    assert.deepEqual(m.sequence('s')!.ownedBy, { table: 'public.t', column: 'id' });
    assert.deepEqual(m.sequence('r')!.ownedBy, { table: 'public.t', column: 'id' });
    const none = model('ALTER SEQUENCE s OWNED BY NONE;', m);
    assert.equal(none.sequence('s')!.ownedBy, undefined);
    assert.deepEqual([...model('DROP TABLE t;', m).sequences.keys()], []);
    assert.deepEqual([...model('DROP TABLE t;', none).sequences.keys()], ['public.s']);
    assert.deepEqual(m.unknowns, []);
  });
});
