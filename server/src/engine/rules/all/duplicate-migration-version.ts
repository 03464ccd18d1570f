import type { Rule } from '../types';

export const duplicateMigrationVersion: Rule = {
  meta: {
    id: 'duplicate-migration-version',
    category: 'migration-files',
    description: 'Two migration files have the same version and direction; the tool refuses to load the directory.',
    defaultSeverity: 'error',
    messages: {
      duplicate:
        'Version {{version}} has another {{direction}} migration: {{others}}. {{tool}} refuses to load a directory with two {{direction}} files for one version; give one of them a new version.',
    },
    help: 'Two branches usually picked the same next number. Renumber the migration that has not been applied anywhere yet (its up and down file together).',
  },
  check(ctx) {
    const m = ctx.migration;
    if (!m) return;
    const list = m.direction === 'up' ? ctx.directory.ups(m.versionNumber) : ctx.directory.downs(m.versionNumber);
    const others = list.filter((o) => o.fileName !== m.fileName);
    if (others.length === 0) return;
    ctx.report({
      messageId: 'duplicate',
      data: {
        version: m.version,
        direction: m.direction,
        others: others.map((o) => `\`${o.fileName}\``).join(', '),
        tool: ctx.convention.displayName,
      },
      span: { start: 0, end: ctx.parsed.lines.lineEnd(0) },
    });
  },
};
