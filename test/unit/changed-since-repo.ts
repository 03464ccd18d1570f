/** A git repository with two commits of migrations, for the `--changed-since` tests (check, review, verify). */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, type CliIO } from '../../cli/src/run';
import { writeTree } from './golden-folder';

export async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

const GIT_ENV = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.invalid', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.invalid' };

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } }).trim();
}

export const M = 'db/migrations';

export interface Finding {
  file: string;
  rule: string;
}


/** The repository: its root and the first commit (also tagged `base`). */
export function changedSinceRepo(): { root: string; base: string } {
  let root: string;
  let base: string;
    // First commit: three migrations. Second commit: a new migration, a modified old one, a renamed one.
  root = writeTree(
      {
        [`${M}/000001_create_users.up.sql`]: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);\n',
        [`${M}/000001_create_users.down.sql`]: 'DROP TABLE users;\n',
        [`${M}/000002_create_accounts.up.sql`]: 'CREATE TABLE accounts (id bigint PRIMARY KEY, label text);\nCREATE INDEX accounts_label_idx ON accounts (label);\n',
        [`${M}/000003_old_name.up.sql`]: 'ALTER TABLE users ADD COLUMN nick text;\n',
        [`${M}/000003_old_name.down.sql`]: 'ALTER TABLE users DROP COLUMN nick;\n',
      },
      'mg-git-',
    );
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'first');
    base = git(root, 'rev-parse', 'HEAD');
    git(root, 'tag', 'base');
    // Modified: the old migration now also drops a column (a finding on a changed file).
    fs.writeFileSync(path.join(root, M, '000001_create_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, name text, fax text);\nALTER TABLE users DROP COLUMN fax;\n');
    // Renamed, content unchanged.
    git(root, 'mv', `${M}/000003_old_name.up.sql`, `${M}/000003_add_nick.up.sql`);
    git(root, 'mv', `${M}/000003_old_name.down.sql`, `${M}/000003_add_nick.down.sql`);
    // New: narrows a column that only the unchanged 000002 creates (the schema model still knows it).
    fs.writeFileSync(path.join(root, M, '000004_shorten_label.up.sql'), 'ALTER TABLE accounts ALTER COLUMN label TYPE varchar(10);\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'second');
  return { root, base };
}
