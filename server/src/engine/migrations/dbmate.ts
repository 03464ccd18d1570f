/**
 * dbmate: one file matching `^(\d+).*\.sql$` with `-- migrate:up` and `-- migrate:down`
 * sections; `transaction:false` after a section's annotation runs that section outside a
 * transaction. dbmate sends each section as one query (no splitting on semicolons) and always
 * names new migrations with a `YYYYMMDDhhmmss` timestamp.
 */
import { singleFileConvention, type Annotation } from './single-file';

const ANNOTATION = /^--\s*migrate:(up|down)(?:[ \t]+(.*?))?\s*$/;

export function dbmateAnnotation(line: string): Annotation | undefined {
  const m = ANNOTATION.exec(line);
  if (!m) return undefined;
  const options = (m[2] ?? '').split(/\s+/).filter((o) => o !== '');
  const transactional = !options.some((o) => o.toLowerCase() === 'transaction:false');
  return { kind: 'section', direction: m[1] as 'up' | 'down', transactional };
}

export const dbmate = singleFileConvention({
  id: 'dbmate',
  displayName: 'dbmate',
  pattern: /^([0-9]+)(.*)\.sql$/,
  name: (version, title) => `${version}_${title}.sql`,
  nameTemplate: '{version}_{title}.sql with -- migrate:up / -- migrate:down sections',
  annotation: dbmateAnnotation,
  sectionLine: (direction, transactional) => `-- migrate:${direction}${transactional ? '' : ' transaction:false'}`,
  uniqueVersions: true,
  defaultScheme: { kind: 'timestamp' },
  alwaysTimestamp: true,
});
