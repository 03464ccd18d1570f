/**
 * The locking rules' fixes run on a real PostgreSQL (18, embedded through PGlite): each fixed file
 * is executed statement by statement (as the split migrations would run), the result is checked in
 * the catalog, and unnamed constraints get the very name PostgreSQL gives them.
 */
import * as assert from 'node:assert/strict';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { constraintMissingNotValid } from '../../../server/src/engine/rules/all/constraint-missing-not-valid';
import { addingNotNullableField } from '../../../server/src/engine/rules/all/adding-not-nullable-field';
import { disallowedUniqueConstraint } from '../../../server/src/engine/rules/all/disallowed-unique-constraint';
import { requireConcurrentIndexCreation } from '../../../server/src/engine/rules/all/require-concurrent-index-creation';
import { requireConcurrentIndexDeletion } from '../../../server/src/engine/rules/all/require-concurrent-index-deletion';
import { requireConcurrentReindex } from '../../../server/src/engine/rules/all/require-concurrent-reindex';
import { requireLockTimeout } from '../../../server/src/engine/rules/all/require-lock-timeout';
import type { Rule } from '../../../server/src/engine/rules/types';
import { openDatabase, type Database } from '../../../server/src/engine/verify/pglite';
import { applyRuleFixes } from './fix-resolves';

const SETUP = `
CREATE TABLE users (id int PRIMARY KEY, email text, tenant_id int, name text);
INSERT INTO users SELECT g, 'u' || g || '@example.com', g % 3, 'n' || g FROM generate_series(1, 50) g;
CREATE TABLE orders (id int, user_id int, total numeric);
INSERT INTO orders SELECT g, g, g FROM generate_series(1, 50) g;
CREATE INDEX users_name_idx ON users (name);
`;

describe('locking fixes run on PostgreSQL (PGlite)', function () {
  this.timeout(60000);
  let db: Database;

  before(async () => {
    db = await openDatabase();
  });

  after(async () => {
    await db?.close();
  });

  beforeEach(async () => {
    await db.exec('DROP TABLE IF EXISTS orders, users CASCADE; RESET lock_timeout;');
    await db.exec(SETUP);
  });

  /** Runs each statement of the fixed file on its own (CONCURRENTLY cannot share a transaction). */
  async function runFixed(rule: Rule, code: string): Promise<string> {
    const fixed = applyRuleFixes(rule, { code, errors: [] });
    for (const stmt of parseSql(fixed).statements) await db.exec(stmt.text);
    return fixed;
  }

  /** The name PostgreSQL gives the constraint the original statement adds (rolled back). */
  async function nameGivenByPostgres(code: string, table: string): Promise<string[]> {
    await db.exec('BEGIN');
    try {
      await db.exec(code);
      const r = await db.query<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE conrelid = '${table}'::regclass AND contype IN ('f', 'c', 'u') ORDER BY conname`);
      return r.rows.map((x) => x.conname);
    } finally {
      await db.exec('ROLLBACK');
    }
  }

  const constraint = async (name: string): Promise<{ contype: string; convalidated: boolean } | undefined> =>
    (await db.query<{ contype: string; convalidated: boolean }>(`SELECT contype, convalidated FROM pg_constraint WHERE conname = '${name}'`)).rows[0];

  it('CREATE INDEX CONCURRENTLY builds the index', async () => {
    await runFixed(requireConcurrentIndexCreation, 'CREATE INDEX users_email_idx ON users (email);');
    const r = await db.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass");
    assert.deepEqual(r.rows, [{ indisvalid: true }]);
  });

  it('DROP INDEX CONCURRENTLY drops it; REINDEX CONCURRENTLY runs', async () => {
    await runFixed(requireConcurrentIndexDeletion, 'DROP INDEX users_name_idx;');
    assert.deepEqual((await db.query("SELECT 1 FROM pg_class WHERE relname = 'users_name_idx'")).rows, []);
    await runFixed(requireConcurrentReindex, 'REINDEX TABLE users;');
  });

  it('NOT VALID + VALIDATE CONSTRAINT: the derived names are the ones PostgreSQL picks, and the constraints end validated', async () => {
    const code = 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id), ADD CHECK (total >= 0);';
    assert.deepEqual(await nameGivenByPostgres(code, 'orders'), ['orders_total_check', 'orders_user_id_fkey']);
    const fixed = await runFixed(constraintMissingNotValid, code);
    assert.match(fixed, /VALIDATE CONSTRAINT orders_user_id_fkey;/);
    assert.deepEqual(await constraint('orders_user_id_fkey'), { contype: 'f', convalidated: true });
    assert.deepEqual(await constraint('orders_total_check'), { contype: 'c', convalidated: true });
  });

  it('a derived name that must be truncated is still the one PostgreSQL picks', async () => {
    const table = 'x'.repeat(60);
    await db.exec(`CREATE TABLE ${table} (user_id int)`);
    try {
      const code = `ALTER TABLE ${table} ADD FOREIGN KEY (user_id) REFERENCES users (id);`;
      const [pgName] = await nameGivenByPostgres(code, table);
      const fixed = await runFixed(constraintMissingNotValid, code);
      assert.equal(/VALIDATE CONSTRAINT (\w+);/.exec(fixed)?.[1], pgName);
    } finally {
      await db.exec(`DROP TABLE ${table}`);
    }
  });

  it('unique index CONCURRENTLY + USING INDEX gives the constraint PostgreSQL would have named the same', async () => {
    const code = 'ALTER TABLE users ADD UNIQUE (email, tenant_id);';
    assert.deepEqual(await nameGivenByPostgres(code, 'users'), ['users_email_tenant_id_key']);
    await runFixed(disallowedUniqueConstraint, code);
    assert.deepEqual(await constraint('users_email_tenant_id_key'), { contype: 'u', convalidated: true });
  });

  it('CHECK (c IS NOT NULL) NOT VALID, then the commented later migration sets NOT NULL', async () => {
    const fixed = await runFixed(addingNotNullableField, 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;');
    assert.deepEqual(await constraint('users_name_not_null_check'), { contype: 'c', convalidated: false });
    const later = fixed
      .split('\n')
      .filter((l) => l.startsWith('-- ALTER TABLE'))
      .map((l) => l.slice(3));
    assert.equal(later.length, 3);
    for (const sql of later) await db.exec(sql);
    const r = await db.query<{ attnotnull: boolean }>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'name'");
    assert.deepEqual(r.rows, [{ attnotnull: true }]);
    assert.equal(await constraint('users_name_not_null_check'), undefined);
  });

  it("SET lock_timeout = '5s' takes effect for the statement after it (the file runs as one transaction)", async () => {
    const fixed = applyRuleFixes(requireLockTimeout, { code: 'ALTER TABLE users ADD COLUMN z int;', errors: [] });
    await db.exec(`${fixed}\nSELECT set_config('app.seen', current_setting('lock_timeout'), false);`);
    const r = await db.query<{ v: string }>("SELECT current_setting('app.seen') AS v");
    assert.deepEqual(r.rows, [{ v: '5s' }]);
  });
});
