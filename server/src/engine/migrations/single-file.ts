/**
 * What the single-file conventions (goose, dbmate, sql-migrate) share: one `.sql` file per version
 * whose annotation comments split it into an up and a down section. Each convention says how it
 * recognises an annotation line; this module turns the annotations into sections, writes new files
 * and the text that adds a down section.
 */
import * as path from 'node:path';
import { parseSql } from '../parsing/parser';
import type { Convention, ConventionId, Direction, InvalidName, MigrationFile, MigrationSection, NewMigration, VersionScheme } from './convention';
import { slugifyTitle } from './golang-migrate';

/** One line of a text: where it starts, where its content ends (before the line break), and the next line's start. */
export interface TextLine {
  start: number;
  end: number;
  next: number;
  text: string;
}

export function* linesOf(text: string): Generator<TextLine> {
  let start = 0;
  while (start <= text.length) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    let next = end;
    if (text.charCodeAt(next) === 13) next++;
    if (text.charCodeAt(next) === 10) next++;
    yield { start, end, next, text: text.slice(start, end) };
    if (next === end) return; // the last line
    start = next;
  }
}

/** What an annotation line means to the section splitter. */
export type Annotation =
  | { kind: 'section'; direction: Direction; transactional?: boolean }
  | { kind: 'statement-begin' | 'statement-end' | 'no-transaction' | 'other' };

export interface SingleFileSpec {
  id: ConventionId;
  displayName: string;
  /** The file name pattern: group 1 the version, group 2 the title (may be empty). */
  pattern: RegExp;
  /** Builds a file name from a version and a slug title. */
  name(version: string, title: string): string;
  nameTemplate: string;
  /** Reads one line as an annotation, or undefined when it is SQL or an ordinary comment. */
  annotation(line: string): Annotation | undefined;
  /** The annotation line that opens a section (with the non-transactional option when asked). */
  sectionLine(direction: Direction, transactional: boolean): string;
  /** StatementBegin / StatementEnd lines, for conventions that split on semicolons at line ends. */
  statementLines?: { begin: string; end: string };
  /** Whether non-transactional is a property of the whole file (goose) rather than of each section. */
  fileWideNoTransaction?: string;
  uniqueVersions: boolean;
  defaultScheme: VersionScheme;
  alwaysTimestamp?: boolean;
  /** Extra checks of a matching name (goose: the version must fit an int64 and be above 0). */
  rejectVersion?(version: string): string | undefined;
}

/** Sections of a single-file migration: from after each section annotation to the next one (or the end). */
export function splitSections(text: string, spec: Pick<SingleFileSpec, 'annotation'>): MigrationSection[] {
  const sections: MigrationSection[] = [];
  let fileTransactional = true;
  let open: { direction: Direction; start: number; transactional: boolean | undefined } | undefined;
  for (const line of linesOf(text)) {
    const a = spec.annotation(line.text);
    if (!a) continue;
    if (a.kind === 'no-transaction') fileTransactional = false;
    if (a.kind !== 'section') continue;
    if (open) sections.push({ direction: open.direction, span: { start: open.start, end: line.start }, transactional: open.transactional ?? true });
    open = { direction: a.direction, start: line.next, transactional: a.transactional };
  }
  if (open) sections.push({ direction: open.direction, span: { start: open.start, end: text.length }, transactional: open.transactional ?? true });
  if (!fileTransactional) for (const s of sections) s.transactional = false;
  return sections;
}

/**
 * The down SQL as the tool needs it: a statement that has a semicolon at a line end inside it (a
 * `$$` body) is wrapped in StatementBegin / StatementEnd, since goose and sql-migrate end a
 * statement at every line that ends with `;`.
 */
export function wrapStatements(sql: string, lines: { begin: string; end: string } | undefined, eol: string): string {
  if (!lines) return sql;
  const parsed = parseSql(sql);
  let out = sql;
  for (const stmt of [...parsed.statements].reverse()) {
    if (!/;[ \t]*(?:--[^\r\n]*)?\r?\n/.test(stmt.text)) continue;
    const lineStart = sql.lastIndexOf('\n', stmt.span.start - 1) + 1;
    let end = stmt.span.end;
    if (sql[end] === ';') end++;
    const lineEnd = (() => {
      const i = sql.indexOf('\n', end);
      return i < 0 ? sql.length : i + 1;
    })();
    const tail = lineEnd === sql.length && !sql.endsWith('\n') ? eol : '';
    out = `${out.slice(0, lineStart)}${lines.begin}${eol}${out.slice(lineStart, lineEnd)}${tail}${lines.end}${eol}${out.slice(lineEnd)}`;
  }
  return out;
}

const SEPARATORS = /^[-_.\s]+/;

export function singleFileConvention(spec: SingleFileSpec): Convention {
  const convention: Convention = {
    id: spec.id,
    displayName: spec.displayName,
    nameTemplate: spec.nameTemplate,
    layout: 'single',
    uniqueVersions: spec.uniqueVersions,
    rollbackWithoutDown: 'no-op',
    defaultScheme: spec.defaultScheme,
    ...(spec.alwaysTimestamp ? { alwaysTimestamp: true } : {}),

    parse(filePath: string): MigrationFile | undefined {
      const fileName = path.basename(filePath);
      const m = spec.pattern.exec(fileName);
      if (!m) return undefined;
      const version = m[1]!;
      if (spec.rejectVersion?.(version)) return undefined;
      const title = (m[2] ?? '').replace(SEPARATORS, '');
      return { path: filePath, dir: path.dirname(filePath), fileName, version, versionNumber: version === '' ? 0n : BigInt(version), title, direction: 'up', ext: 'sql' };
    },

    directoryOf: (filePath) => path.dirname(filePath),

    diagnoseName(fileName: string): InvalidName | undefined {
      if (!/\.sql$/i.test(fileName) || fileName.includes('/')) return undefined;
      const m = spec.pattern.exec(fileName);
      if (m) {
        const why = spec.rejectVersion?.(m[1]!);
        return why ? { fileName, reason: why } : undefined;
      }
      const stem = fileName.slice(0, -4);
      const lead = /^([0-9]+)(.*)$/s.exec(stem);
      if (!lead) return { fileName, reason: 'its name does not start with a numeric version' };
      // golang-migrate style names and other separators: `1-init.sql`, `1_init.up.sql`.
      const title = slugifyTitle(lead[2]!.replace(/[._-](up|down)$/i, '')) || 'migration';
      const suggestion = spec.name(lead[1]!, title);
      if (!spec.pattern.test(suggestion)) return { fileName, reason: 'its name does not match the tool\'s pattern' };
      return { fileName, suggestion, reason: `${spec.displayName} names migrations \`${spec.nameTemplate}\`` };
    },

    counterpartPath: (file) => file.path,

    describeCounterpart: (_file, direction) => `a \`${spec.sectionLine(direction, true)}\` section`,

    pairFileNames(version: string, title: string) {
      const name = spec.name(version, title);
      return { up: name, down: name };
    },

    newMigration(version: string, title: string, eol = '\n'): NewMigration {
      const name = spec.name(version, title);
      const text = [spec.sectionLine('up', true), '', spec.sectionLine('down', true), ''].join(eol);
      return { files: [{ fileName: name, text }], up: name, down: name };
    },

    sections: (_file, text) => splitSections(text, spec),

    formatSectionSql: (sql, eol) => wrapStatements(sql, spec.statementLines, eol),

    downSectionEdit(text: string, downSql: string, eol: string) {
      const sections = splitSections(text, spec);
      const up = sections.find((s) => s.direction === 'up');
      const transactional = up?.transactional ?? true;
      // Appended after the up section (it runs to the end of the file when there is no down).
      const offset = up ? up.span.end : text.length;
      const before = text.slice(0, offset);
      // One blank line between the up SQL and the down annotation.
      let lead: string;
      if (before.trim() === '') lead = before === '' || /\n$/.test(before) ? '' : eol;
      else if (/\n[ \t]*\r?\n$/.test(before)) lead = '';
      else if (/\n$/.test(before)) lead = eol;
      else lead = eol + eol;
      const fileWide = spec.fileWideNoTransaction !== undefined;
      const line = spec.sectionLine('down', fileWide ? true : transactional);
      const body = wrapStatements(downSql, spec.statementLines, eol);
      const newText = `${lead}${line}${eol}${body}${body.endsWith('\n') ? '' : eol}`;
      return { offset, newText };
    },
  };
  return convention;
}
