/**
 * Which folder `verify` runs on, when the folder named is not itself a migrations folder of a
 * supported tool. `check` takes any path and finds the migrations below it; `verify` replays one
 * folder's history, so it looks for that folder the same way, and says what it chose:
 *   - a folder of folder-per-migration itself (`2019-02-26-002946_create_users/`, holding `up.sql`):
 *     its parent, and that migration (replaying the migrations before it);
 *   - a folder with exactly one migrations folder below it: that one;
 *   - several: the user names one (the message lists them);
 *   - none: why the `.sql` files there are not migrations of any tool we know (`0186.up.sql`:
 *     golang-migrate skips a version not followed by `_`), instead of a bare "no migrations".
 */
import * as path from 'node:path';
import type { FileHost } from '../../server/src/engine/host';
import type { Convention } from '../../server/src/engine/migrations/convention';
import { CONVENTIONS } from '../../server/src/engine/migrations/detect';
import { MIGRATION_FOLDER } from '../../server/src/engine/migrations/folder-per-migration';
import { planVerification, type VerifyPlan } from '../../server/src/engine/verify/index';

/** Directories `check` does not walk into either. */
const SKIPPED = new Set(['node_modules']);
/** How deep below the named folder migrations folders are looked for. */
const MAX_DEPTH = 8;

export type VerifyFolder =
  | {
      ok: true;
      dir: string;
      plan: VerifyPlan;
      /** The migration the folder named (a folder of folder-per-migration), verified by default. */
      version?: string;
      /** What was chosen and why, for stderr; absent when the folder named is the migrations folder. */
      note?: string;
    }
  | { ok: false; message: string };

export function resolveVerifyFolder(dir: string, host: FileHost, convention: Convention | undefined, shown: (p: string) => string): VerifyFolder {
  const names = host.readDir(dir);
  // One migration's own folder: verify it where it belongs, after the migrations before it.
  if (MIGRATION_FOLDER.test(path.basename(dir)) && names.some((n) => n === 'up.sql' || n === 'down.sql')) {
    const parent = path.dirname(dir);
    const parentPlan = planVerification(parent, host, convention);
    const own = parentPlan.migrations.find((m) => m.files.some((f) => path.dirname(f) === dir));
    if (own) return { ok: true, dir: parent, plan: parentPlan, version: own.version, note: `${shown(dir)} is one migration of ${shown(parent)}: verifying ${own.name} there` };
  }

  const plan = planVerification(dir, host, convention);
  if (plan.migrations.length > 0 && !plan.convention.unknownTool) return { ok: true, dir, plan };

  // Migrations folders below, found the way `check` walks.
  const found: VerifyPlan[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > MAX_DEPTH || !host.listDirs) return;
    for (const sub of host.listDirs(d).sort()) {
      if (sub.startsWith('.') || SKIPPED.has(sub)) continue;
      const full = path.join(d, sub);
      const p = planVerification(full, host, convention);
      if (p.migrations.length > 0) found.push(p);
      else walk(full, depth + 1);
    }
  };
  walk(dir, 0);
  // Where the folder named holds files of a tool Migration Guard does not know, a known tool's
  // folder below it wins; without one, they are verified as `check` reads them, saying so.
  const known = found.filter((p) => !p.convention.unknownTool);
  const candidates = plan.migrations.length > 0 ? (known.length > 0 ? known : [plan]) : found;
  if (candidates.length === 1) {
    const only = candidates[0]!;
    const notes: string[] = [];
    if (only.directory !== dir) notes.push(`${shown(dir)} holds one migrations folder: verifying ${shown(only.directory)} (${only.convention.displayName}, ${count(only.migrations.length, 'migration')})`);
    if (only.convention.unknownTool) {
      notes.push(
        `${shown(only.directory)}: the folder's tool is not one Migration Guard recognises (no supported tool runs files named like ${path.basename(only.migrations[only.migrations.length - 1]!.files[0]!)}); ` +
          `its ${count(only.migrations.length, 'migration')} are verified as check reads them: in name order, each up with the down of the same name, ` +
          'with a neutral version table. Set "migrations.convention" in .migration-guard.json if the folder follows a supported tool',
      );
    }
    return { ok: true, dir: only.directory, plan: only, ...(notes.length > 0 ? { note: notes.join('\n') } : {}) };
  }
  if (candidates.length > 1) {
    const list = candidates.map((p) => `${shown(p.directory)} (${p.convention.displayName}, ${count(p.migrations.length, 'migration')})`);
    return { ok: false, message: `${shown(dir)} holds ${candidates.length} migrations folders; name the one to verify: ${list.join(', ')}` };
  }

  // Nothing a supported tool runs: say why the .sql files here are not migrations.
  const sql = names.filter((n) => /\.sql$/i.test(n)).sort();
  const supported = CONVENTIONS.map((c) => c.displayName).join(', ');
  if (sql.length === 0) return { ok: false, message: `${shown(dir)} has no migrations: no .sql files in it or in the folders below it (supported tools: ${supported})` };
  const byReason = new Map<string, string[]>();
  for (const n of sql) {
    const bad = plan.convention.diagnoseName(n);
    const reason = bad?.reason ?? 'not a migration file name';
    byReason.set(reason, [...(byReason.get(reason) ?? []), n]);
  }
  const reasons = [...byReason].map(([reason, files]) => `${files.slice(0, 3).join(', ')}${files.length > 3 ? ` and ${files.length - 3} more` : ''} (${reason})`);
  return {
    ok: false,
    message:
      `${shown(dir)} has no migrations that a supported tool runs: ${plan.convention.displayName} skips ${reasons.join('; ')}. ` +
      `Its migrations are named ${plan.convention.nameTemplate}. The folder's tool is not one Migration Guard recognises (supported: ${supported}); ` +
      'if it follows one of them, set "migrations.convention" in .migration-guard.json',
  };
}

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
