import type { Rule } from '../types';

export const orphanDownMigration: Rule = {
  meta: {
    id: 'orphan-down-migration',
    category: 'migration-files',
    description: 'A down migration has no up migration of the same version.',
    defaultSeverity: 'warning',
    messages: {
      orphanDown:
        'Version {{version}} has no up migration: migrating up makes {{tool}} record version {{version}} without running any SQL, and rolling back runs this file. Add {{expected}} or delete this file.',
      orphanDownSection:
        'Version {{version}} has a down section but no up section: {{tool}} has no SQL to run when migrating up. Add {{expected}} above the down section.',
    },
    help: 'An up file was renamed, renumbered or deleted without its down file (or, in a single-file migration, the up annotation was lost). Restore the pair, or delete the down.',
  },
  check(ctx) {
    const m = ctx.migration;
    if (!m || ctx.convention.unknownTool) return;
    const span = { start: 0, end: ctx.parsed.lines.lineEnd(0) };
    const data = { version: m.version, tool: ctx.convention.displayName, expected: ctx.convention.describeCounterpart(m, 'up') };
    if (ctx.convention.layout === 'single') {
      const down = ctx.sections.find((s) => s.direction === 'down');
      if (!down || ctx.sections.some((s) => s.direction === 'up')) return;
      ctx.report({ messageId: 'orphanDownSection', data, span });
      return;
    }
    if (m.direction !== 'down' || ctx.directory.ups(m).length > 0) return;
    ctx.report({ messageId: 'orphanDown', data, span });
  },
};
