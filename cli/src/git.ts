/**
 * `--changed-since <ref>`: the files that differ from a git ref, with `git` run as a child process.
 *
 * The comparison starts from the merge base of the ref and HEAD (so commits made on the ref after
 * the branch point do not count, as in a pull request's diff) and ends at the working tree, so
 * uncommitted changes and untracked (not ignored) files count too. Added, modified and renamed
 * files are changed (a renamed file under its new name); deleted files are not.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type ChangedFiles = { ok: true; files: ChangedSet; base: string } | { ok: false; message: string };

/** Absolute, symlink-resolved paths of changed files. */
export class ChangedSet {
  private readonly paths: Set<string>;

  constructor(paths: Iterable<string>) {
    this.paths = new Set([...paths].map(real));
  }

  has(filePath: string): boolean {
    return this.paths.has(real(filePath));
  }

  get size(): number {
    return this.paths.size;
  }
}

function real(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

interface GitResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: NodeJS.ErrnoException;
}

function git(cwd: string, args: string[]): GitResult {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { error: r.error as NodeJS.ErrnoException } : {}) };
}

const firstLine = (s: string): string => s.trim().split('\n')[0] ?? '';

/** The files that differ from `ref` (see the module comment); a one-line reason when git cannot tell. */
export function changedFilesSince(ref: string, cwd: string): ChangedFiles {
  if (ref === '' || ref.startsWith('-')) return { ok: false, message: `--changed-since expects a git ref (a branch, tag or commit), not ${JSON.stringify(ref)}` };
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (top.error) {
    return { ok: false, message: top.error.code === 'ENOENT' ? '--changed-since needs git, which is not installed (not on PATH)' : `cannot run git: ${top.error.message}` };
  }
  if (top.status !== 0) return { ok: false, message: `--changed-since needs a git repository, and ${cwd} is not in one` };
  const root = top.stdout.replace(/\r?\n$/, '');
  const commit = git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (commit.status !== 0) return { ok: false, message: `--changed-since: unknown git ref ${JSON.stringify(ref)} (fetch it first, e.g. git fetch origin main)` };
  const refCommit = commit.stdout.trim();
  // The merge base when HEAD has one with the ref; else the ref itself (no commit yet, unrelated histories).
  const mergeBase = git(cwd, ['merge-base', refCommit, 'HEAD']);
  const base = mergeBase.status === 0 && mergeBase.stdout.trim() !== '' ? mergeBase.stdout.trim() : refCommit;
  const diff = git(root, ['diff', '--name-only', '-z', '--no-ext-diff', '--diff-filter=AMR', '--find-renames', base, '--']);
  if (diff.status !== 0) return { ok: false, message: `--changed-since: git diff failed: ${firstLine(diff.stderr) || `exit status ${diff.status}`}` };
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '--full-name', '-z']);
  if (untracked.status !== 0) return { ok: false, message: `--changed-since: git ls-files failed: ${firstLine(untracked.stderr) || `exit status ${untracked.status}`}` };
  const names = [...diff.stdout.split('\0'), ...untracked.stdout.split('\0')].filter((n) => n !== '');
  return { ok: true, files: new ChangedSet(names.map((n) => path.join(root, n))), base };
}
