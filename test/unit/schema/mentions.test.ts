/** What a definition text may call, read from its text: always a superset of what its parse tree calls. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaModel, replayThrough } from '../../../server/src/engine/schema';
import { columnDependents, functionDependents, sequenceDependents, tableDependents, viewDependents, readsOf, type SchemaMaps } from '../../../server/src/engine/schema/dependencies';
import { callNames, columnTypeKey, typeIndexed } from '../../../server/src/engine/schema/mentions';
import { parseSql } from '../../../server/src/engine/parsing/parser';

/** The functions a parse tree calls are among the names read from the text. */
function assertSuperset(text: string): void {
  const parsed = [...readsOf(text).functions];
  const read = callNames(text);
  for (const f of parsed) assert.ok(read.has(f), `${JSON.stringify(text)} calls ${f}, not among ${JSON.stringify([...read])}`);
}

describe('schema model: what a text may call', () => {
  it('names each call, quoted, qualified, after blanks or a comment; not reserved words', () => {
    assert.deepEqual([...callNames("CHECK (length(title) < 200 AND kind IN ('a', 'b'))")], ['length']);
    assert.deepEqual([...callNames('SELECT app.score (x), "Odd Name"(y), count(*) FROM t')].sort(), ['Odd Name', 'count', 'score']);
    assert.deepEqual([...callNames('SELECT f /* why */ (x) -- and\n, g\n(y)')].sort(), ['f', 'g']);
    // PostgreSQL folds ASCII letters only.
    assert.deepEqual([...callNames('SELECT ÜberFn(1)')], ['Überfn']);
    assert.deepEqual([...callNames('-- c\nSELECT ÜberFn(1)')], ['Überfn']);
  });

  it('names the functions SQL syntax stands for', () => {
    for (const text of [
      "SELECT ts AT TIME ZONE 'utc' FROM t",
      'SELECT ts AT LOCAL FROM t',
      'SELECT trim(both from x), trim(leading from x), trim(x) FROM t',
      "SELECT x SIMILAR TO 'a%' FROM t",
      'SELECT (a, b) OVERLAPS (c, d) FROM t',
      'SELECT x IS NFC NORMALIZED FROM t',
      'SELECT COLLATION FOR (x) FROM t',
      "SELECT extract(year from ts), substring(x from 1 for 2), position('a' in x), overlay(x placing 'y' from 1) FROM t",
      '-- a comment makes the tokens read\nSELECT ts AT TIME ZONE z, trim(x), x SIMILAR TO y FROM t',
    ]) {
      assertSuperset(text);
    }
  });

  it('reads every call of the corpus: defaults, CHECK constraints and views of real migrations', function () {
    const corpus = path.resolve(__dirname, '../../../../../shared/corpus');
    if (!fs.existsSync(corpus)) this.skip();
    this.timeout(120_000);
    const files: string[] = [];
    (function walk(d: string): void {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.up\.sql$|^V\d.*\.sql$/.test(e.name)) files.push(p);
      }
    })(corpus);
    let texts = 0;
    for (const f of files.sort()) {
      const m = replayThrough(SchemaModel.empty(), f, parseSql(fs.readFileSync(f, 'utf8'))).models.at(-1)!;
      for (const t of m.tables.values()) {
        for (const c of t.columns.values()) if (c.defaultText) (assertSuperset(`SELECT ${c.defaultText}`), texts++);
        for (const k of t.constraints.values()) if (k.kind === 'check') (assertSuperset(`ALTER TABLE t ADD ${k.definitionText}`), texts++);
      }
      for (const v of m.views.values()) (assertSuperset(v.definitionText), texts++);
    }
    assert.ok(texts > 500, `${texts} texts`);
  });

  it('a column names a built-in type unqualified, or pg_catalog\'s: not indexed', () => {
    assert.equal(columnTypeKey(['pg_catalog', 'int4']), undefined);
    assert.equal(columnTypeKey(['mood']), 'public.mood');
    assert.equal(columnTypeKey(['app', 'mood']), 'app.mood');
    assert.equal(typeIndexed('public.text'), false);
    assert.equal(typeIndexed('public.mood'), true);
    assert.equal(typeIndexed('app.text'), true);
  });
});

describe('schema model: dependency queries with the lookups answer as a scan does', () => {
  const SQL = [
    'CREATE SCHEMA app;',
    "CREATE TYPE mood AS ENUM ('a');",
    'CREATE SEQUENCE shared_no;',
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
    'CREATE FUNCTION ok(x int) RETURNS boolean LANGUAGE sql AS $$ SELECT x > 0 $$;',
    'CREATE FUNCTION now() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
    'CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE, m mood, n int DEFAULT nextval(\'shared_no\'), at timestamptz DEFAULT now());',
    'CREATE TABLE app.orders (id int PRIMARY KEY, user_id int REFERENCES users (id), qty int CHECK (ok(qty)), email text REFERENCES users (email), n int DEFAULT nextval(\'shared_no\'));',
    'CREATE TABLE notes (id int REFERENCES app.orders, body text, m mood);',
    'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();',
    'CREATE TRIGGER notes_touch BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch();',
    'CREATE VIEW v1 AS SELECT id, email FROM users WHERE ok(id);',
    'CREATE VIEW v2 AS SELECT * FROM v1;',
    'CREATE MATERIALIZED VIEW v3 AS SELECT o.id FROM app.orders o JOIN v2 ON v2.id = o.user_id;',
    'CREATE VIEW v4 AS SELECT body FROM notes;',
  ].join('\n');

  it('for every table, column, sequence, view and function, after every statement', () => {
    const replay = replayThrough(SchemaModel.empty(), '/m/1.up.sql', parseSql(SQL));
    let asked = 0;
    for (const m of replay.models) {
      const scan: SchemaMaps = { tables: m.tables, views: m.views, sequences: m.sequences };
      const same = <T>(q: (x: SchemaMaps) => T): void => {
        assert.deepEqual(q(m), q(scan));
        asked++;
      };
      for (const [tk, t] of m.tables) {
        same((x) => tableDependents(x, tk));
        for (const c of t.columns.keys()) same((x) => columnDependents(x, tk, c));
      }
      for (const vk of m.views.keys()) same((x) => viewDependents(x, vk));
      for (const sk of m.sequences.keys()) same((x) => sequenceDependents(x, sk));
      for (const f of m.functions.values()) same((x) => functionDependents(x, new Set([`${f.schema}.${f.name}`]), f.name));
    }
    assert.ok(asked > 150, `${asked} questions`);
  });
});
