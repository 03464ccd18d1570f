import * as path from 'node:path';
import type { Rule } from '../types';

/**
 * Reports an up migration whose down exists but is empty (whitespace only): the state "Create paired
 * migration" leaves, where rolling back runs nothing. A down holding only a comment is a deliberate
 * no-op (golang-migrate's maintainers suggest one for irreversible steps) and is not reported. For
 * single-file conventions, an empty down section.
 */
export const emptyDownMigration: Rule = {
  meta: {
    id: 'empty-down-migration',
    category: 'migration-files',
    description: 'The down migration exists but is empty, so rolling the up back runs nothing and undoes nothing.',
    defaultSeverity: 'warning',
    messages: {
      emptyDown:
        '{{down}} is empty: rolling version {{version}} back runs no SQL and undoes nothing. Write the down (the quick fix generates it), or a comment saying why nothing needs undoing.',
    },
    help: 'Fill the down with the statements that undo the up ("Generate down migration" drafts them). If nothing can or needs to be undone, say so in a comment there: an empty file looks like a forgotten one.',
  },
  check(ctx) {
    const m = ctx.migration;
    if (!m || m.direction !== 'up') return;
    const span = { start: 0, end: ctx.parsed.lines.lineEnd(0) };
    if (ctx.convention.layout === 'single') {
      const down = ctx.sections.find((s) => s.direction === 'down');
      if (!down || ctx.parsed.text.slice(down.span.start, down.span.end).trim() !== '') return;
      ctx.report({ messageId: 'emptyDown', data: { down: 'The down section', version: m.version }, span });
      return;
    }
    const downPath = ctx.convention.counterpartPath(m);
    const rel = path.relative(ctx.directory.dir, downPath).split(path.sep).join('/');
    const text = ctx.facts.textOf(rel);
    if (text === undefined || text.trim() !== '') return;
    ctx.report({ messageId: 'emptyDown', data: { down: `\`${path.basename(downPath)}\``, version: m.version }, span });
  },
};
