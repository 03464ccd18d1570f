/**
 * goose: one file `<int64>_name.sql` with `-- +goose Up` and `-- +goose Down` sections,
 * `-- +goose StatementBegin` / `StatementEnd` around statements with semicolons inside, and
 * `-- +goose NO TRANSACTION` for the whole file. Annotations are unindented and case-insensitive
 * after `+goose`. `goose create` names files with a `YYYYMMDDhhmmss` timestamp (`-s`: `00001`).
 */
import { singleFileConvention, type Annotation } from './single-file';

const MAX_INT64 = 9223372036854775807n;
const ANNOTATION = /^--\s*\+goose\s+(.*?)\s*$/i;

export function gooseAnnotation(line: string): Annotation | undefined {
  const m = ANNOTATION.exec(line);
  if (!m) return undefined;
  const cmd = m[1]!.toLowerCase().replace(/\s+/g, ' ');
  if (cmd === 'up') return { kind: 'section', direction: 'up' };
  if (cmd === 'down') return { kind: 'section', direction: 'down' };
  if (cmd === 'statementbegin') return { kind: 'statement-begin' };
  if (cmd === 'statementend') return { kind: 'statement-end' };
  if (cmd === 'no transaction') return { kind: 'no-transaction' };
  return { kind: 'other' };
}

export const goose = singleFileConvention({
  id: 'goose',
  displayName: 'goose',
  pattern: /^([0-9]+)_(.*)\.sql$/,
  name: (version, title) => `${version}_${title}.sql`,
  nameTemplate: '{version}_{title}.sql with -- +goose Up / -- +goose Down sections',
  annotation: gooseAnnotation,
  sectionLine: (direction) => `-- +goose ${direction === 'up' ? 'Up' : 'Down'}`,
  statementLines: { begin: '-- +goose StatementBegin', end: '-- +goose StatementEnd' },
  fileWideNoTransaction: '-- +goose NO TRANSACTION',
  uniqueVersions: true,
  defaultScheme: { kind: 'timestamp' },
  rejectVersion(version) {
    const n = BigInt(version);
    if (n > MAX_INT64) return `its version ${version} does not fit in a signed 64-bit integer`;
    if (n < 1n) return 'goose versions must be greater than zero';
    return undefined;
  },
});
