/** The output formats of `check`, by name. */
import { formatGithub } from './github';
import { formatGitlab } from './gitlab';
import { formatJson } from './json';
import { formatSarif } from './sarif';
import { formatText } from './text';
import type { Formatter } from './types';

export const FORMATS = { text: formatText, json: formatJson, sarif: formatSarif, github: formatGithub, gitlab: formatGitlab } as const satisfies Record<string, Formatter>;

export type OutputFormat = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as OutputFormat[];

export function isOutputFormat(s: string): s is OutputFormat {
  return Object.prototype.hasOwnProperty.call(FORMATS, s);
}

export type { FormatInput, ReportedFinding } from './types';
