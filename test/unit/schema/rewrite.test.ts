import * as assert from 'node:assert/strict';
import { renameColumnInView, renameRelationInView } from '../../../server/src/engine/schema/rewrite';

/** Tables of the example schema and their columns. */
const TABLES: Record<string, string[]> = { 'public.users': ['id', 'name', 'boss'], 'public.posts': ['id', 'author', 'title'], 'app.users': ['id', 'email'] };
const resolve = (schema: string | undefined, name: string): string | undefined => {
  const key = `${schema ?? 'public'}.${name}`;
  return TABLES[key] ? key : undefined;
};
const columnsOf = (key: string): ReadonlySet<string> | undefined => (TABLES[key] ? new Set(TABLES[key]) : undefined);
const col = (text: string, oldName = 'name', newName = 'full_name'): string | undefined => renameColumnInView(text, resolve, 'public.users', oldName, newName, columnsOf);
const rel = (text: string, to = { schema: 'public', name: 'people', qualify: false }): string | undefined => renameRelationInView(text, resolve, 'public.users', to, { schema: 'public', name: 'users' });

describe('renames carried into view texts (on the AST)', () => {
  it('a column: bare output columns keep their name, qualified and unqualified references follow, other tables\' columns do not', () => {
    assert.equal(col('CREATE VIEW v AS SELECT name, u.name AS n FROM users u WHERE name IS NOT NULL'), 'CREATE VIEW v AS SELECT full_name AS name, u.full_name AS n FROM users u WHERE full_name IS NOT NULL');
    assert.equal(col('CREATE VIEW v AS SELECT p.title FROM posts p JOIN users u ON u.id = p.author ORDER BY u.name'), 'CREATE VIEW v AS SELECT p.title FROM posts p JOIN users u ON u.id = p.author ORDER BY u.full_name');
    assert.equal(col('CREATE VIEW v AS SELECT "name" FROM public.users'), 'CREATE VIEW v AS SELECT full_name AS name FROM public.users');
    assert.equal(col('CREATE MATERIALIZED VIEW m AS SELECT name FROM users UNION SELECT title FROM posts'), 'CREATE MATERIALIZED VIEW m AS SELECT full_name AS name FROM users UNION SELECT title FROM posts');
  });

  it('a column renamed back: the alias it got goes again', () => {
    assert.equal(col('CREATE VIEW v AS SELECT full_name AS name FROM users', 'full_name', 'name'), 'CREATE VIEW v AS SELECT name FROM users');
    assert.equal(col('CREATE VIEW v AS SELECT full_name name FROM users', 'full_name', 'name'), 'CREATE VIEW v AS SELECT name FROM users');
  });

  it('what is not the renamed column stays: another table\'s column, a CTE of the same name, an output name in ORDER BY, a string', () => {
    const unchanged = [
      'CREATE VIEW v AS SELECT title AS name FROM posts',
      "CREATE VIEW v AS SELECT id FROM users WHERE 'name' <> ''",
      'CREATE VIEW v AS SELECT id FROM app.users',
    ];
    for (const text of unchanged) assert.equal(col(text), text, text);
    assert.equal(col('CREATE VIEW v AS SELECT name FROM users ORDER BY name'), 'CREATE VIEW v AS SELECT full_name AS name FROM users ORDER BY name');
  });

  it('refuses what it cannot resolve with certainty', () => {
    const refused = [
      'CREATE VIEW v AS SELECT name FROM users, generate_series(1, 2) g',
      'CREATE VIEW v AS SELECT id FROM users JOIN (SELECT 1 AS k) s ON true WHERE name IS NULL',
      'CREATE VIEW v AS SELECT name FROM users u JOIN users b USING (id)',
      'CREATE VIEW v AS SELECT j.name FROM (users JOIN posts USING (id)) AS j',
      'CREATE VIEW v AS SELECT id FROM users NATURAL JOIN posts',
      'CREATE VIEW v AS SELECT id FROM users JOIN posts USING (name)',
      // A CTE's columns are not resolved here (a view reading only the CTE does not depend on the table anyway).
      'CREATE VIEW v AS WITH users AS (SELECT 1 AS name) SELECT name FROM users',
    ];
    for (const text of refused) assert.equal(col(text), undefined, text);
  });

  it('a table: its name where it is read, and as a qualifier where no alias hides it', () => {
    assert.equal(rel('CREATE VIEW v AS SELECT users.id, b.name FROM users JOIN users b ON b.id = users.boss'), 'CREATE VIEW v AS SELECT people.id, b.name FROM people JOIN people b ON b.id = people.boss');
    assert.equal(rel('CREATE VIEW v AS SELECT public.users.id FROM public.users'), 'CREATE VIEW v AS SELECT public.people.id FROM public.people');
    assert.equal(rel('CREATE VIEW v AS SELECT id FROM app.users'), 'CREATE VIEW v AS SELECT id FROM app.users');
    assert.equal(rel('CREATE VIEW v AS WITH users AS (SELECT 1 AS id) SELECT id FROM users'), 'CREATE VIEW v AS WITH users AS (SELECT 1 AS id) SELECT id FROM users');
  });

  it('a table moved to another schema: qualified where it is read, its qualifiers still find it', () => {
    assert.equal(
      rel('CREATE VIEW v AS SELECT users.id FROM users', { schema: 'archive', name: 'users', qualify: true }),
      'CREATE VIEW v AS SELECT users.id FROM archive.users',
    );
  });
});
