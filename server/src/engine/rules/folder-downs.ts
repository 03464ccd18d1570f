/**
 * Whether any migration of a folder has a down with SQL in it (a down file, or a down section of a
 * single-file migration, holding more than blanks). A folder where none does is an up-only project:
 * it never rolls back, and `missing-down-migration` / `empty-down-migration` report its newest
 * migration once (or each above the baseline) instead of every file.
 */
import * as path from 'node:path';
import { compareVersions, type MigrationFile } from '../migrations/convention';
import type { RuleContext } from './types';
import { keyOf } from '../host';

/** Single-file texts already looked at: whether each has a down section with SQL (by path, while the text is the same). */
const sectionsSeen = new Map<string, { text: string; has: boolean }>();

function hasDownSql(ctx: RuleContext, m: MigrationFile, text: string): boolean {
  if (ctx.convention.layout !== 'single') return text.trim() !== '';
  const hit = sectionsSeen.get(m.path);
  if (hit && hit.text === text) return hit.has;
  let has = false;
  try {
    has = ctx.convention.sections(m, text).some((s) => s.direction === 'down' && text.slice(s.span.start, s.span.end).trim() !== '');
  } catch {
    has = false;
  }
  sectionsSeen.set(m.path, { text, has });
  return has;
}

export function folderHasDown(ctx: RuleContext): boolean {
  const single = ctx.convention.layout === 'single';
  for (const m of ctx.directory.migrations) {
    if (!single && m.direction !== 'down') continue;
    const text = keyOf(m.path) === keyOf(ctx.filePath) ? ctx.parsed.text : ctx.facts.textOf(path.relative(ctx.directory.dir, m.path).split(path.sep).join('/'));
    if (text !== undefined && hasDownSql(ctx, m, text)) return true;
  }
  return false;
}

/** In an up-only folder: whether this migration is the one reported (the newest, or any above the baseline). */
export function reportedInUpOnlyFolder(ctx: RuleContext, m: MigrationFile): boolean {
  if (ctx.baseline) return true;
  const ups = ctx.directory.migrations.filter((d) => d.direction === 'up');
  const newest = ups[ups.length - 1];
  return !newest || compareVersions(m, newest) >= 0;
}
