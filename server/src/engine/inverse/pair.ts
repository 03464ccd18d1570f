/**
 * An up migration and its down, as the consistency checks and "Add inverse" see them, for any
 * convention: two files (golang-migrate, Flyway, folder-per-migration) or two sections of one file
 * (goose, dbmate, sql-migrate). Each side's SQL keeps the offsets of its file (the other
 * sections are blanked), so findings and edits land where the text is.
 */
import * as path from 'node:path';
import type { FileHost } from '../host';
import type { Convention, Direction, MigrationFile } from '../migrations/convention';
import { readMigrationDirectory, type MigrationDirectory } from '../migrations/directory';
import { parseSql, type ParsedFile } from '../parsing/parser';

export interface PairSide {
  path: string;
  /** The whole file's text (undefined: the file does not exist). */
  text: string | undefined;
  /** This side's SQL, blanked outside its sections, parsed. */
  parsed: ParsedFile;
  /** Where this side's SQL is in its file (a single-file section, or the whole file). */
  span: { start: number; end: number } | undefined;
}

export interface MigrationPair {
  directory: MigrationDirectory;
  convention: Convention;
  /** The up migration (for single-file conventions, the file). */
  migration: MigrationFile;
  up: PairSide;
  down: PairSide;
  single: boolean;
}

/** Spaces for every UTF-16 unit except line breaks (offsets and lines stay the same). */
function blank(s: string): string {
  return s.replace(/[^\r\n]/g, ' ');
}

/** The text with everything outside the sections of one direction blanked. */
export function sectionText(convention: Convention, file: MigrationFile, text: string, direction: Direction): { text: string; span?: { start: number; end: number } } {
  const sections = convention.sections(file, text).filter((s) => s.direction === direction);
  let out = '';
  let at = 0;
  for (const s of sections) {
    out += blank(text.slice(at, s.span.start)) + text.slice(s.span.start, s.span.end);
    at = s.span.end;
  }
  const span = sections.length > 0 ? { start: sections[0]!.span.start, end: sections[sections.length - 1]!.span.end } : undefined;
  return { text: out + blank(text.slice(at)), ...(span ? { span } : {}) };
}

/**
 * The pair a file belongs to (the file is either side), reading the other side from the host;
 * `text` is the file's current text. Undefined when the file is not a migration of the convention.
 */
export function migrationPair(filePath: string, text: string, host: FileHost, convention: Convention, parsed?: ParsedFile): MigrationPair | undefined {
  const file = convention.parse(filePath);
  if (!file) return undefined;
  const directory = readMigrationDirectory(convention.directoryOf(filePath), host, convention);
  if (convention.layout === 'single') {
    const up = sectionText(convention, file, text, 'up');
    const down = sectionText(convention, file, text, 'down');
    return {
      directory,
      convention,
      migration: file,
      single: true,
      up: { path: filePath, text, parsed: parseSql(up.text), span: up.span },
      down: { path: filePath, text: down.span ? text : undefined, parsed: parseSql(down.text), span: down.span },
    };
  }
  const otherPath = convention.counterpartPath(file);
  const otherText = host.readFile(otherPath);
  const self: PairSide = { path: filePath, text, parsed: parsed && parsed.text === text ? parsed : parseSql(text), span: { start: 0, end: text.length } };
  const other: PairSide = { path: otherPath, text: otherText, parsed: parseSql(otherText ?? ''), span: otherText === undefined ? undefined : { start: 0, end: otherText.length } };
  if (file.direction === 'up') return { directory, convention, migration: file, single: false, up: self, down: other };
  const upFile = convention.parse(otherPath);
  if (!upFile) return undefined;
  return { directory, convention, migration: upFile, single: false, up: other, down: self };
}

export const baseName = (p: string): string => path.basename(p);
