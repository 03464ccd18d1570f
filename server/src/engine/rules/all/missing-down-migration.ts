import type { Rule } from '../types';

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
      missingDownRefused: 'Version {{version}} has no down migration: {{tool}} refuses to load a folder in which an up migration has none, so no migration of it runs. Add {{expected}} (an empty file if there is nothing to undo).',
    },
    help: 'Write the down migration next to the up one, or as the down section of the same file for tools that keep both in one file (the "Generate down migration" quick fix drafts it), or turn the rule off for projects that never roll back.',
  },
  check(ctx) {
    const m = ctx.migration;
    // An unrecognised tool: whether it needs a down is its own business.
    if (!m || ctx.convention.unknownTool || !ctx.sections.some((s) => s.direction === 'up')) return;
    // One file holding both directions: the down is a section of the same file.
    if (ctx.convention.layout === 'single') {
      if (ctx.sections.some((s) => s.direction === 'down')) return;
    } else if (ctx.directory.downs(m).length > 0) return;
    ctx.report({
      messageId: ctx.convention.requiresDown ? 'missingDownRefused' : ctx.convention.rollbackWithoutDown === 'error' ? 'missingDownFails' : 'missingDown',
      data: { version: m.version, tool: ctx.convention.displayName, expected: ctx.convention.describeCounterpart(m, 'down') },
      span: { start: 0, end: ctx.parsed.lines.lineEnd(0) },
    });
  },
};
