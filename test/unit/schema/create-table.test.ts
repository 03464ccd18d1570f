/** The schema model: CREATE TABLE, columns, constraints and PostgreSQL's default names. */
import * as assert from 'node:assert/strict';
import { makeObjectName } from '../../../server/src/engine/schema';
import { FILE, columnSummary, constraintSummary, definitions, indexSummary, model, unknownReasons } from './helpers';

describe('schema model: CREATE TABLE', () => {
  it('records columns with their type, NOT NULL, default and exact definition text', () => {
    const sql = [
      'CREATE TABLE users (',
      '  id bigint NOT NULL,',
      "  email varchar(255) NOT NULL DEFAULT '' , -- trailing comment",
      '  score numeric(10,2) DEFAULT (1 + 2) * 3,',
      '  tags text[] NULL,',
      '  created_at timestamptz DEFAULT now() NOT NULL',
      ');',
    ].join('\n');
    const t = model(sql).table('users');
    assert.ok(t);
    assert.equal(t.schema, 'public');
    assert.deepEqual(columnSummary(t), [
      'id bigint NOT NULL',
      "email character varying(255) NOT NULL DEFAULT ''",
      'score numeric(10,2) DEFAULT (1 + 2) * 3',
      'tags text[]',
      'created_at timestamp with time zone NOT NULL DEFAULT now()',
    ]);
    assert.deepEqual(definitions(t), [
      'id bigint NOT NULL',
      "email varchar(255) NOT NULL DEFAULT ''",
      'score numeric(10,2) DEFAULT (1 + 2) * 3',
      'tags text[] NULL',
      'created_at timestamptz DEFAULT now() NOT NULL',
    ]);
    assert.equal(t.definitionText, sql.slice(0, -1));
    assert.equal(t.complete, true);
    const email = t.columns.get('email')!;
    assert.equal(sql.slice(email.origin.span.start, email.origin.span.end), email.definitionText);
    assert.equal(email.origin.file, FILE);
    assert.deepEqual(email.typeName.names?.map((n) => ('String' in n ? n.String.sval : '')), ['pg_catalog', 'varchar']);
  });

  it('slices definitions exactly after non-ASCII identifiers and comments (byte offsets converted)', () => {
    const sql = '-- 表 😀 migration\nCREATE TABLE "Ünïcode_表" ("naïve" text NOT NULL /* ☃ */, "😀" int DEFAULT 1, ok int CHECK ("naïve" <> \'é\'));';
    const m = model(sql);
    const t = m.table('Ünïcode_表');
    assert.deepEqual(definitions(t), ['"naïve" text NOT NULL', '"😀" int DEFAULT 1', 'ok int CHECK ("naïve" <> \'é\')']);
    assert.deepEqual(constraintSummary(t), ['Ünïcode_表_naïve_check*: CHECK ("naïve" <> \'é\')']);
    const c = t!.columns.get('😀')!;
    assert.equal(sql.slice(c.origin.span.start, c.origin.span.end), '"😀" int DEFAULT 1');
  });

  it('turns serial columns into their integer type with an owned sequence and a nextval default', () => {
    const m = model('CREATE TABLE orders (id serial PRIMARY KEY, big bigserial, small smallserial);');
    const t = m.table('orders');
    assert.deepEqual(columnSummary(t), [
      "id integer NOT NULL DEFAULT nextval('orders_id_seq'::regclass)",
      "big bigint NOT NULL DEFAULT nextval('orders_big_seq'::regclass)",
      "small smallint NOT NULL DEFAULT nextval('orders_small_seq'::regclass)",
    ]);
    assert.equal(t!.columns.get('id')!.serial, 'serial');
    assert.equal(t!.columns.get('id')!.definitionText, 'id serial PRIMARY KEY');
    assert.deepEqual([...m.sequences.keys()], ['public.orders_id_seq', 'public.orders_big_seq', 'public.orders_small_seq']);
    assert.deepEqual(m.sequence('orders_big_seq')!.ownedBy, { table: 'public.orders', column: 'big' });
  });

  it('names unnamed constraints and their indexes as PostgreSQL does', () => {
    const m = model(
      [
        'CREATE TABLE accounts (id int PRIMARY KEY, email text UNIQUE, org int REFERENCES orgs (id) ON DELETE CASCADE,',
        '  lo int, hi int CHECK (hi > 0) CHECK (hi < 100), CHECK (lo < hi), UNIQUE (lo, hi), CONSTRAINT named CHECK (lo > 0),',
        '  FOREIGN KEY (lo, hi) REFERENCES ranges (a, b));',
      ].join('\n'),
    );
    const t = m.table('accounts');
    assert.deepEqual(constraintSummary(t), [
      'accounts_hi_check*: CHECK (hi > 0)',
      'accounts_hi_check1*: CHECK (hi < 100)',
      'accounts_check*: CHECK (lo < hi)',
      'named: CHECK (lo > 0)',
      'accounts_pkey*: PRIMARY KEY (id)',
      'accounts_email_key*: UNIQUE (email)',
      'accounts_lo_hi_key*: UNIQUE (lo, hi)',
      'accounts_org_fkey*: FOREIGN KEY (org) REFERENCES orgs (id) ON DELETE CASCADE',
      'accounts_lo_hi_fkey*: FOREIGN KEY (lo, hi) REFERENCES ranges (a, b)',
    ]);
    assert.deepEqual(indexSummary(t), [
      'accounts_pkey*: CREATE UNIQUE INDEX accounts_pkey ON accounts (id)',
      'accounts_email_key*: CREATE UNIQUE INDEX accounts_email_key ON accounts (email)',
      'accounts_lo_hi_key*: CREATE UNIQUE INDEX accounts_lo_hi_key ON accounts (lo, hi)',
    ]);
    assert.deepEqual(t!.primaryKey, ['id']);
    assert.equal(t!.columns.get('id')!.notNull, true);
    const fk = t!.constraints.get('accounts_org_fkey')!;
    assert.deepEqual(fk.references, { schema: 'public', table: 'orgs', columns: ['id'] });
    assert.equal(fk.inline, true);
    assert.equal(fk.sourceText, 'REFERENCES orgs (id) ON DELETE CASCADE');
    assert.equal(t!.constraints.get('accounts_lo_hi_key')!.inline, false);
  });

  it('keeps a named constraint without its CONSTRAINT prefix as its definition, and its source as written', () => {
    const t = model('CREATE TABLE p (a int, CONSTRAINT "P k" PRIMARY KEY (a) DEFERRABLE INITIALLY DEFERRED, b int CONSTRAINT b_pos CHECK (b > 0) NO INHERIT);').table('p');
    assert.deepEqual(constraintSummary(t), ['b_pos: CHECK (b > 0) NO INHERIT', 'P k: PRIMARY KEY (a) DEFERRABLE INITIALLY DEFERRED']);
    assert.equal(t!.constraints.get('P k')!.sourceText, 'CONSTRAINT "P k" PRIMARY KEY (a) DEFERRABLE INITIALLY DEFERRED');
    assert.deepEqual(indexSummary(t), ['P k: CREATE UNIQUE INDEX "P k" ON p (a)']);
    assert.deepEqual(definitions(t), ['a int', 'b int CONSTRAINT b_pos CHECK (b > 0) NO INHERIT']);
  });

  it('resolves a REFERENCES without columns to the referenced primary key, also for a self reference', () => {
    const m = model('CREATE TABLE parent (k text PRIMARY KEY);\nCREATE TABLE node (id int PRIMARY KEY, up int REFERENCES node, p text REFERENCES parent);');
    const t = m.table('node')!;
    assert.deepEqual(t.constraints.get('node_up_fkey')!.references, { schema: 'public', table: 'node', columns: ['id'] });
    assert.deepEqual(t.constraints.get('node_p_fkey')!.references, { schema: 'public', table: 'parent', columns: ['k'] });
    assert.equal(t.constraints.get('node_p_fkey')!.definitionText, 'FOREIGN KEY (p) REFERENCES parent');
  });

  it('records identity, generated, collation and UNIQUE NULLS NOT DISTINCT columns', () => {
    const t = model(
      'CREATE TABLE g (id int GENERATED BY DEFAULT AS IDENTITY, a int, d int GENERATED ALWAYS AS (a * 2) STORED, n text COLLATE "C" UNIQUE NULLS NOT DISTINCT);',
    ).table('g')!;
    assert.equal(t.columns.get('id')!.identity, 'by default');
    assert.equal(t.columns.get('id')!.notNull, true);
    assert.equal(t.columns.get('d')!.generatedText, 'GENERATED ALWAYS AS (a * 2) STORED');
    assert.equal(t.columns.get('n')!.collation, 'C');
    assert.deepEqual(constraintSummary(t), ['g_n_key*: UNIQUE NULLS NOT DISTINCT (n)']);
  });

  it('truncates derived names to 63 bytes as makeObjectName does, preferring the longer part', () => {
    const long = 'a'.repeat(40);
    const col = 'b'.repeat(40);
    assert.equal(makeObjectName(long, col, 'key'), `${'a'.repeat(29)}_${'b'.repeat(29)}_key`);
    assert.equal(makeObjectName('t', 'é'.repeat(40), 'check'), `t_${'é'.repeat(27)}_check`);
    const t = model(`CREATE TABLE ${long} (${col} int UNIQUE);`).table(long)!;
    assert.deepEqual([...t.constraints.keys()], [`${'a'.repeat(29)}_${'b'.repeat(29)}_key`]);
  });

  it('qualifies tables by schema, unqualified names resolving to public, and follows SET search_path', () => {
    const m = model('CREATE TABLE app.t (a int);\nCREATE TABLE t (b int);\nSET search_path TO audit, public;\nCREATE TABLE log (c int);');
    assert.deepEqual(columnSummary(m.table('app.t')), ['a integer']);
    assert.deepEqual(columnSummary(m.table({ schema: 'app', name: 't' })), ['a integer']);
    assert.deepEqual(columnSummary(m.table('t')), ['b integer']);
    assert.deepEqual(columnSummary(m.table('audit.log')), ['c integer']);
    assert.equal(m.table('log'), undefined);
    assert.deepEqual([...m.tables.keys()], ['app.t', 'public.t', 'audit.log']);
  });

  it('accepts a RangeVar from a rule', () => {
    const m = model('CREATE TABLE app.t (a int);');
    assert.equal(m.table({ relname: 't', schemaname: 'app' })?.name, 't');
    assert.equal(m.table({ relname: 't' }), undefined);
  });

  it('copies the columns of LIKE and INHERITS parents it knows, and records the ones it does not know', () => {
    const m = model(
      [
        'CREATE TABLE base (id int NOT NULL DEFAULT 1, name text);',
        'CREATE TABLE copy1 (LIKE base, extra int);',
        'CREATE TABLE copy2 (LIKE base INCLUDING DEFAULTS);',
        'CREATE TABLE child (x int) INHERITS (base);',
        'CREATE TABLE orphan (LIKE missing);',
        'CREATE TABLE orphan2 (y int) INHERITS (missing2);',
        'CREATE TABLE copy3 (LIKE base INCLUDING ALL);',
      ].join('\n'),
    );
    assert.deepEqual(columnSummary(m.table('copy1')), ['id integer NOT NULL', 'name text', 'extra integer']);
    assert.deepEqual(columnSummary(m.table('copy2')), ['id integer NOT NULL DEFAULT 1', 'name text']);
    assert.deepEqual(columnSummary(m.table('child')), ['id integer NOT NULL DEFAULT 1', 'name text', 'x integer']);
    assert.deepEqual(m.table('child')!.parents, ['public.base']);
    assert.equal(m.table('copy1')!.complete, true);
    assert.equal(m.table('orphan')!.complete, false);
    assert.equal(m.table('orphan2')!.complete, false);
    assert.equal(m.table('copy3')!.complete, false);
    assert.deepEqual(unknownReasons(m), [
      'LIKE missing: the table is not known, its columns are missing',
      'INHERITS missing2: the parent table is not known, its columns are missing',
      'LIKE base INCLUDING CONSTRAINTS/INDEXES: the copied constraints and indexes are not modelled',
    ]);
  });

  it('gives a partition its parent columns', () => {
    const m = model('CREATE TABLE ev (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE ev_2024 PARTITION OF ev FOR VALUES FROM (\'2024-01-01\') TO (\'2025-01-01\');');
    assert.deepEqual(columnSummary(m.table('ev_2024')), ['id integer', 'at date']);
  });

  it('records CREATE TABLE AS with unknown columns, and skips temporary tables', () => {
    const m = model('CREATE TABLE snap AS SELECT * FROM users;\nCREATE TEMP TABLE scratch (a int);\nCREATE TABLE IF NOT EXISTS snap (b int);');
    const t = m.table('snap')!;
    assert.equal(t.complete, false);
    assert.equal(t.columns.size, 0);
    assert.equal(m.table('scratch'), undefined);
    assert.deepEqual(unknownReasons(m), ['CREATE TABLE snap AS: the columns come from a query and are not known']);
    assert.deepEqual(m.unknowns[0]!.span, { start: 0, end: 40 });
    assert.equal(m.unknowns[0]!.file, FILE);
    assert.equal(m.unknowns[0]!.statementKind, 'CreateTableAsStmt');
  });

  it('replaces a table created twice and says so', () => {
    const m = model('CREATE TABLE t (a int);\nCREATE TABLE t (b int);');
    assert.deepEqual(columnSummary(m.table('t')), ['b integer']);
    assert.deepEqual(unknownReasons(m), ['CREATE TABLE t: the model already has this table; the new definition replaces it']);
  });
});
