/**
 * Inverse SQL: an up migration's statements → the down migration that undoes them, in reverse
 * statement order. (Interface fixed here; the forms are implemented one file per statement kind.)
 */
import type { ParsedFile } from '../parsing/parser';

export interface DownOptions {
  /** Line break for the generated text; default '\n'. */
  eol?: string;
}

/** The full text of the down file for an up file (ends with a line break). */
export function generateDownSql(_up: ParsedFile, _options: DownOptions = {}): string {
  throw new Error('not implemented yet');
}
