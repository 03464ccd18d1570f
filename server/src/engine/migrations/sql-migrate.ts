/**
 * sql-migrate (rubenv/sql-migrate): any `.sql` file, ordered by its numeric prefix, with
 * `-- +migrate Up` and `-- +migrate Down` sections (option `notransaction`), and
 * `-- +migrate StatementBegin` / `StatementEnd`. Commands are case-sensitive and the prefix
 * `-- +migrate ` must start the line. Migrations are keyed by file name, so versions may repeat.
 * `sql-migrate new` names files `YYYYMMDDhhmmss-name.sql`.
 */
import { singleFileConvention, type Annotation } from './single-file';

const PREFIX = '-- +migrate ';

export function sqlMigrateAnnotation(line: string): Annotation | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  const [cmd, ...options] = line.slice(PREFIX.length).trim().split(/\s+/);
  if (cmd === 'Up' || cmd === 'Down') {
    return { kind: 'section', direction: cmd === 'Up' ? 'up' : 'down', transactional: !options.includes('notransaction') };
  }
  if (cmd === 'StatementBegin') return { kind: 'statement-begin' };
  if (cmd === 'StatementEnd') return { kind: 'statement-end' };
  return { kind: 'other' };
}

export const sqlMigrate = singleFileConvention({
  id: 'sql-migrate',
  displayName: 'sql-migrate',
  pattern: /^([0-9]*)(.*)\.sql$/,
  name: (version, title) => `${version}-${title}.sql`,
  nameTemplate: '{version}-{title}.sql with -- +migrate Up / -- +migrate Down sections',
  annotation: sqlMigrateAnnotation,
  sectionLine: (direction, transactional) => `-- +migrate ${direction === 'up' ? 'Up' : 'Down'}${transactional ? '' : ' notransaction'}`,
  statementLines: { begin: '-- +migrate StatementBegin', end: '-- +migrate StatementEnd' },
  uniqueVersions: false,
  defaultScheme: { kind: 'timestamp' },
});
