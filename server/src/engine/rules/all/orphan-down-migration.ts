import * as path from 'node:path';
import type { Rule } from '../types';

export const orphanDownMigration: Rule = {
  meta: {
    id: 'orphan-down-migration',
    category: 'migration-files',
    description: 'A down migration has no up migration of the same version.',
    defaultSeverity: 'warning',
    messages: {
      orphanDown:
        'Version {{version}} has no up migration: migrating up makes {{tool}} record version {{version}} without running any SQL, and rolling back runs this file. Add `{{expected}}` or delete this file.',
    },
    help: 'An up file was renamed, renumbered or deleted without its down file. Restore the pair, or delete the down file.',
  },
  check(ctx) {
    const m = ctx.migration;
    if (!m || m.direction !== 'down') return;
    if (ctx.directory.ups(m.versionNumber).length > 0) return;
    ctx.report({
      messageId: 'orphanDown',
      data: { version: m.version, tool: ctx.convention.displayName, expected: path.basename(ctx.convention.counterpartPath(m)) },
      span: { start: 0, end: ctx.parsed.lines.lineEnd(0) },
    });
  },
};
