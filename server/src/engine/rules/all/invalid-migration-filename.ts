import * as path from 'node:path';
import { diagnoseFileName } from '../../migrations/directory';
import type { Rule } from '../types';

export const invalidMigrationFilename: Rule = {
  meta: {
    id: 'invalid-migration-filename',
    category: 'migration-files',
    description: 'A .sql file in a migrations directory is named so that the tool silently skips it.',
    defaultSeverity: 'warning',
    messages: {
      rename: '{{tool}} silently skips `{{fileName}}`: {{reason}}. Rename it to `{{suggestion}}`.',
      taken: '{{tool}} silently skips `{{fileName}}`: {{reason}}; `{{suggestion}}` already exists, so merge this file into it or delete it.',
      notMigration: '{{tool}} silently skips `{{fileName}}`: {{reason}}. Migrations are named `{{template}}`.',
    },
    help: 'The tool only loads files named like its migrations; any other file never runs. Rename it, or move files that are not migrations (seeds, schema dumps) out of the directory.',
  },
  check(ctx) {
    if (ctx.migration || ctx.convention.unknownTool || !ctx.directory.isMigrationDirectory) return;
    // Relative to the migrations directory: `<folder>/seed.sql` for folder-per-migration.
    const fileName = path.relative(ctx.directory.dir, ctx.filePath).split(path.sep).join('/');
    const bad = diagnoseFileName(ctx.directory, fileName);
    if (!bad) return;
    const span = { start: 0, end: ctx.parsed.lines.lineEnd(0) };
    const data = { tool: ctx.convention.displayName, fileName, reason: bad.reason };
    if (bad.suggestion) {
      const taken = ctx.facts.exists(bad.suggestion);
      const rename = { kind: 'renameFile' as const, statementIndex: -1, title: `Rename to ${path.posix.basename(bad.suggestion)}`, from: ctx.filePath, to: path.join(ctx.directory.dir, bad.suggestion) };
      ctx.report({ messageId: taken ? 'taken' : 'rename', data: { ...data, suggestion: bad.suggestion }, span, ...(taken ? {} : { actions: [rename] }) });
    }
    else ctx.report({ messageId: 'notMigration', data: { ...data, template: ctx.convention.nameTemplate }, span });
  },
};
