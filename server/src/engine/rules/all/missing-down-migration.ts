import * as path from 'node:path';
import type { Rule } from '../types';

export const missingDownMigration: Rule = {
  meta: {
    id: 'missing-down-migration',
    category: 'migration-files',
    description: 'An up migration has no down migration, so rolling it back changes the version and undoes nothing.',
    defaultSeverity: 'warning',
    messages: {
      missingDown:
        'Version {{version}} has no down migration: rolling it back makes {{tool}} record the older version without running any SQL. Add `{{expected}}`.',
    },
    help: 'Write the down migration next to the up one (the "Generate down migration" quick fix drafts it), or turn the rule off for projects that never roll back.',
  },
  check(ctx) {
    const m = ctx.migration;
    if (!m || m.direction !== 'up') return;
    if (ctx.directory.downs(m.versionNumber).length > 0) return;
    ctx.report({
      messageId: 'missingDown',
      data: { version: m.version, tool: ctx.convention.displayName, expected: path.basename(ctx.convention.counterpartPath(m)) },
      span: { start: 0, end: ctx.parsed.lines.lineEnd(0) },
    });
  },
};
