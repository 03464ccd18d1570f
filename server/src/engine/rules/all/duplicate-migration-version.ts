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
      duplicateFails:
        'Version {{version}} has another {{direction}} migration: {{others}}. {{tool}} runs one of them and then fails on the other, whose version it has already recorded; give one of them a new version.',
      duplicateMigration:
        'Version {{version}} has another migration: {{others}}. {{tool}} refuses to load a directory with two migrations of one version; give one of them a new version.',
    },
    help: 'Two branches usually picked the same next number. Renumber the migration that has not been applied anywhere yet (its up and down together).',
  },
  check(ctx) {
    const m = ctx.migration;
    if (!m || !ctx.convention.uniqueVersions) return;
    const list = m.direction === 'up' ? ctx.directory.ups(m) : ctx.directory.downs(m);
    const others = list.filter((o) => o.fileName !== m.fileName);
    if (others.length === 0) return;
    const single = ctx.convention.layout === 'single';
    ctx.report({
      messageId: single ? 'duplicateMigration' : ctx.convention.duplicateVersions === 'fail' ? 'duplicateFails' : 'duplicate',
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
