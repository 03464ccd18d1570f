/** The schema model follows PostgreSQL's dependency rules: what CASCADE drops, and what it names. */
import * as assert from 'node:assert/strict';
import { columnDependents, constraintDependents, describeDependents, functionDependents, sequenceDependents, tableDependents } from '../../../server/src/engine/schema/dependencies';
import { defaultSequence } from '../../../server/src/engine/schema/mentions';
import { columnSummary, constraintSummary, model } from './helpers';

const BASE = [
  'CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, name text, active boolean);',
  'CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id), email text REFERENCES users (email));',
  'CREATE VIEW active_users AS SELECT id, name FROM users WHERE active;',
  'CREATE VIEW everything AS SELECT * FROM users;',
  'CREATE VIEW emails AS SELECT u.email FROM users u;',
  'CREATE VIEW active_names AS SELECT name FROM active_users;',
  'CREATE SEQUENCE invoice_no;',
  "CREATE TABLE invoices (no bigint DEFAULT nextval('invoice_no'::regclass), total numeric CHECK (total >= 0));",
  "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;",
  'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();',
  "CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;",
  'ALTER TABLE invoices ADD COLUMN code text DEFAULT next_code();',
].join('\n');

describe('schema model: dependencies', () => {
  let m: ReturnType<typeof model>;
  before(() => {
    m = model(BASE);
  });

  it('what CASCADE takes with a table, a column, a constraint, a sequence, a function', () => {
    assert.equal(
      describeDependents(tableDependents(m, 'public.users')),
      'view active_users, view everything, view emails, view active_names, foreign key orders_user_id_fkey of orders, foreign key orders_email_fkey of orders',
    );
    // A column: the views naming it, the views reading the table with `*`, and the views over those.
    assert.equal(describeDependents(columnDependents(m, 'public.users', 'name')), 'view active_users, view everything, view active_names');
    assert.equal(describeDependents(columnDependents(m, 'public.users', 'email')), 'view everything, view emails, foreign key orders_email_fkey of orders');
    assert.equal(describeDependents(constraintDependents(m, 'public.users', 'users_pkey')), 'foreign key orders_user_id_fkey of orders');
    assert.equal(describeDependents(constraintDependents(m, 'public.users', 'users_email_key')), 'foreign key orders_email_fkey of orders');
    // Nothing depends on a foreign key or a CHECK constraint.
    assert.deepEqual(constraintDependents(m, 'public.orders', 'orders_user_id_fkey'), []);
    assert.deepEqual(constraintDependents(m, 'public.invoices', 'invoices_total_check'), []);
    assert.equal(describeDependents(sequenceDependents(m, 'public.invoice_no')), 'the default of invoices.no');
    assert.equal(describeDependents(functionDependents(m, new Set(['public.touch']), 'touch')), 'trigger users_touch on users');
    assert.equal(describeDependents(functionDependents(m, new Set(['public.next_code']), 'next_code')), 'the default of invoices.code');
    assert.equal(defaultSequence("nextval('app.\"Seq\"'::regclass)"), 'app.Seq');
  });

  it('DROP CONSTRAINT pkey CASCADE drops the foreign keys resting on it; without CASCADE they stay (PostgreSQL refuses)', () => {
    assert.deepEqual(constraintSummary(model(`${BASE}\nALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;`).table('orders')), [
      'orders_pkey*: PRIMARY KEY (id)',
      'orders_email_fkey*: FOREIGN KEY (email) REFERENCES users (email)',
    ]);
    assert.equal(constraintSummary(model(`${BASE}\nALTER TABLE users DROP CONSTRAINT users_pkey;`).table('orders')).length, 3);
  });

  it('DROP COLUMN CASCADE drops the views reading the column, not the others', () => {
    const after = model(`${BASE}\nALTER TABLE users DROP COLUMN name CASCADE;`);
    assert.deepEqual([...after.views.keys()], ['public.emails']);
  });

  it('DROP SEQUENCE CASCADE drops the defaults naming it; DROP FUNCTION CASCADE its triggers and the defaults calling it', () => {
    const seq = model(`${BASE}\nDROP SEQUENCE invoice_no CASCADE;`);
    assert.deepEqual(columnSummary(seq.table('invoices')), ['no bigint', 'total numeric', 'code text DEFAULT next_code()']);
    const fn = model(`${BASE}\nDROP FUNCTION touch() CASCADE;\nDROP FUNCTION next_code CASCADE;`);
    assert.deepEqual([...fn.table('users')!.triggers.keys()], []);
    assert.deepEqual(columnSummary(fn.table('invoices')), ["no bigint DEFAULT nextval('invoice_no'::regclass)", 'total numeric', 'code text']);
  });

  it('DROP TABLE CASCADE drops defaults elsewhere that name its sequences', () => {
    const t = model("CREATE TABLE a (id serial);\nCREATE TABLE b (n int DEFAULT nextval('a_id_seq'));\nDROP TABLE a CASCADE;");
    assert.deepEqual(columnSummary(t.table('b')), ['n integer']);
  });
});

describe('schema model: renames reach the texts that name the renamed object', () => {
  it('a column rename reaches index predicates and trigger texts (UPDATE OF, NEW./OLD.); a table rename the triggers ON it', () => {
    const m = model(
      [
        'CREATE TABLE t (id int, deleted_at timestamptz, status text);',
        'CREATE INDEX t_live ON t (id) WHERE deleted_at IS NULL;',
        'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
        'CREATE TRIGGER t_status BEFORE UPDATE OF status ON t FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION f();',
        'ALTER TABLE t RENAME COLUMN deleted_at TO removed_at;',
        'ALTER TABLE t RENAME COLUMN status TO state;',
        'ALTER TABLE t RENAME TO u;',
      ].join('\n'),
    );
    const u = m.table('u')!;
    assert.equal(u.indexes.get('t_live')!.definitionText, 'CREATE INDEX t_live ON u (id) WHERE removed_at IS NULL');
    assert.equal(
      u.triggers.get('t_status')!.definitionText,
      'CREATE TRIGGER t_status BEFORE UPDATE OF state ON u FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION f()',
    );
  });
});
