import * as path from 'node:path';
import { compareVersions } from '../../migrations/convention';
import type { Rule } from '../types';

/**
 * Reports an up migration without a down. In a folder where no migration has a down file (an
 * up-only project: it never rolls back), only the newest migration is reported, or, with a
 * baseline, each migration above it: one finding that says so, not one per file. When a file the
 * tool skips would be this migration's down once renamed (`000005_add_index_down.sql`), the finding
 * says so and offers the rename instead of a second down.
 */
export const missingDownMigration: Rule = {
  meta: {
    id: 'missing-down-migration',
    category: 'migration-files',
    description: 'An up migration has no down migration, so rolling it back changes the version and undoes nothing.',
    defaultSeverity: 'warning',
    messages: {
      missingDown:
        'Version {{version}} has no down migration: rolling it back makes {{tool}} record the older version without running any SQL. Add {{expected}}.',
      missingDownFails: 'Version {{version}} has no down migration: {{tool}} cannot roll it back. Add {{expected}}.',
      missingDownUnknown: 'Version {{version}} has no down migration, so it cannot be rolled back. Add {{expected}}.',
      upOnly:
        'No migration in this folder has a down migration (reported on the newest one only): version {{version}} cannot be rolled back. Add {{expected}}, or turn missing-down-migration off in .migration-guard.json if this project never rolls back.',
      misnamedDown:
        'Version {{version}} has no down migration that {{tool}} loads: `{{misnamed}}` is skipped for its name. Rename it to {{expected}}.',
      missingDownRefused: 'Version {{version}} has no down migration: {{tool}} refuses to load a folder in which an up migration has none, so no migration of it runs. Add {{expected}} (an empty file if there is nothing to undo).',
    },
    help: 'Write the down migration next to the up one, or as the down section of the same file for tools that keep both in one file (the "Generate down migration" quick fix drafts it), or turn the rule off for projects that never roll back.',
  },
  check(ctx) {
    const m = ctx.migration;
    // An unrecognised tool's folder too (its messages claim nothing about the tool; an up-only
    // folder is reported once, on its newest migration).
    if (!m || !ctx.sections.some((s) => s.direction === 'up')) return;
    const span = { start: 0, end: ctx.parsed.lines.lineEnd(0) };
    const data = { version: m.version, tool: ctx.convention.displayName, expected: ctx.convention.describeCounterpart(m, 'down') };
    // One file holding both directions: the down is a section of the same file.
    if (ctx.convention.layout === 'single') {
      if (ctx.sections.some((s) => s.direction === 'down')) return;
    } else {
      if (ctx.directory.downs(m).length > 0) return;
      const counterpart = ctx.convention.counterpartPath(m);
      const expected = path.relative(ctx.directory.dir, counterpart).split(path.sep).join('/');
      const misnamed = ctx.directory.invalid.find((i) => i.suggestion === expected);
      if (misnamed) {
        ctx.report({
          messageId: 'misnamedDown',
          data: { ...data, misnamed: misnamed.fileName },
          span,
          actions: [{ kind: 'renameFile', statementIndex: -1, title: `Rename ${path.basename(misnamed.fileName)} to ${path.basename(expected)}`, from: path.join(ctx.directory.dir, misnamed.fileName), to: counterpart }],
        });
        return;
      }
      // An up-only folder: the newest migration (or each above the baseline) stands for all. In an
      // unrecognised tool's folder without any down, nothing says the tool pairs files at all.
      if (!ctx.directory.migrations.some((d) => d.direction === 'down')) {
        if (ctx.convention.unknownTool) return;
        if (!ctx.baseline) {
          const ups = ctx.directory.migrations.filter((d) => d.direction === 'up');
          const newest = ups[ups.length - 1];
          if (newest && compareVersions(m, newest) < 0) return;
          ctx.report({ messageId: 'upOnly', data, span });
          return;
        }
      }
    }
    const messageId = ctx.convention.requiresDown
      ? 'missingDownRefused'
      : ctx.convention.rollbackWithoutDown === 'error'
        ? 'missingDownFails'
        : ctx.convention.rollbackWithoutDown === 'unknown'
          ? 'missingDownUnknown'
          : 'missingDown';
    ctx.report({ messageId, data, span });
  },
};
