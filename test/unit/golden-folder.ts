/**
 * A small migrations folder in the style of a real project, for golden outputs of `check` and
 * `review`: a table, an index without CONCURRENTLY (a fix), a dropped column without a down, a
 * narrowing type change in a file whose name has a comma (escaping), a DELETE over two lines turned
 * into an info finding by the config (a GitHub notice without columns).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const GOLDEN_FILES: Record<string, string> = {
  '.migration-guard.json': '{ "rules": { "require-lock-timeout": "off", "ban-delete-without-where": "info" } }\n',
  'db/migrations/000001_create_users.up.sql': 'CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL,\n  fax text\n);\n',
  'db/migrations/000001_create_users.down.sql': 'DROP TABLE users;\n',
  'db/migrations/000002_index_users.up.sql': 'CREATE INDEX users_email_idx ON users (email);\n',
  'db/migrations/000002_index_users.down.sql': 'DROP INDEX users_email_idx;\n',
  'db/migrations/000003_drop_fax.up.sql': '-- 50% of the rows have no fax\nALTER TABLE users DROP COLUMN fax;\n',
  'db/migrations/000004_shorten,email.up.sql': 'ALTER TABLE users\n  ALTER COLUMN email TYPE varchar(20);\n',
  'db/migrations/000004_shorten,email.down.sql': 'ALTER TABLE users ALTER COLUMN email TYPE text;\n',
  'db/migrations/000005_purge_users.up.sql': 'DELETE\n  FROM users;\n',
  'db/migrations/000005_purge_users.down.sql': '-- nothing to undo: the rows are gone\n',
};

/** Writes the files under a new temporary directory and returns it. */
export function writeTree(files: Record<string, string>, prefix = 'mg-golden-'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), text);
  }
  return root;
}

export const GOLDEN_DIR = path.resolve(__dirname, '../../../test/golden');

/**
 * Compares output with a golden file; with UPDATE_GOLDEN=1 in the environment writes it instead
 * (then read the diff before committing it).
 */
export function golden(name: string, actual: string): { expected: string; actual: string } {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
  return { expected: fs.readFileSync(file, 'utf8'), actual };
}
