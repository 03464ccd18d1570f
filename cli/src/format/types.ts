/**
 * What every output format of `check` receives: the findings to report (already filtered by
 * `--changed-since`), in file order, and a little about the run. Formats are pure: findings in,
 * text out, no file system.
 */
import type { Finding } from '../../../server/src/engine/rules/types';
import type { InputFile } from '../files';

export interface ReportedFinding {
  file: InputFile;
  finding: Finding;
}

export interface FormatInput {
  findings: readonly ReportedFinding[];
  /** How many files the findings were reported for (all checked files, or the changed ones). */
  fileCount: number;
  /** The working directory: relative URIs in SARIF are relative to it. */
  cwd: string;
  /** The tool's version (package.json). */
  toolVersion: string;
  /** Set with `--changed-since`: the ref the files were compared with. */
  changedSince?: string;
}

export type Formatter = (input: FormatInput) => string;

export { PROJECT_URL, ruleDocsUrl as ruleHelpUri } from '../../../server/src/engine/rules/registry';

/** A path as shown, with `/` separators (SARIF URIs, GitHub and GitLab paths). */
export function slashPath(p: string): string {
  return p.replace(/\\/g, '/');
}
