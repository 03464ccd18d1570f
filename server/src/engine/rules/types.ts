/**
 * The rule contract. A rule is one file in `rules/all/` exporting a `Rule`: its metadata (the
 * public id, default severity, message templates) and a `check` that reports findings with spans.
 * Rules never compute positions, severities or suppressions: `analyze.ts` does that, once.
 */
import type { Convention, Direction, MigrationFile, MigrationSection } from '../migrations/convention';
import type { MigrationDirectory } from '../migrations/directory';
import type { ParsedFile, Statement } from '../parsing/parser';
import type { FileFacts } from '../project/facts';
import type { Range, Span } from '../text';

import type { Severity } from '../config';

export { SEVERITIES, type Severity } from '../config';

export type RuleCategory = 'destructive' | 'migration-files' | 'correctness' | 'locking';

export interface RuleMeta {
  /** Public, stable, kebab-case; equals the file name and the docs page name. */
  id: string;
  category: RuleCategory;
  /** One sentence, shown in the README's rule table. */
  description: string;
  defaultSeverity: Severity;
  /**
   * Off unless the configuration sets a severity for it (the type-preference rules: a project's
   * choice, not a risk). When set, `defaultSeverity` is what the docs suggest.
   */
  optIn?: boolean;
  /**
   * Rules whose finding on the very same span already says everything this rule's would (and may
   * carry the fix): when one of them reports it, this rule's finding there is left out. When they
   * are off, or their finding is suppressed, this rule's finding stays.
   */
  yieldsTo?: readonly string[];
  /** Message templates by message id; `{{name}}` is replaced with `data.name`. */
  messages: Record<string, string>;
  /** What the statement does and what to do instead; shown on hover (markdown). */
  help?: string;
}

export interface TextEdit {
  span: Span;
  newText: string;
}

/** A machine fix for the file being checked. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/**
 * A fix that a front end carries out beyond editing this file (creating files, for instance). The
 * finding only names it; the engine function that computes it runs when the user picks it.
 * - `moveToOwnMigration`: `planMoveToOwnMigration` (migrations/move-statement.ts) moves the statement
 *   with this index into a new migration pair of its own, with the directory's next version.
 * - `addInverse`: `planInverseInsertion` (inverse/insert.ts) adds the inverse of the up statement
 *   with this index to its down migration, where the reverse order puts it.
 * - `validateInNewMigration`: `planValidateInNewMigration` (migrations/new-migration.ts) adds the
 *   constraints of the statement with this index NOT VALID and validates them in the next migration.
 * - `renameFile`: renames the file `from` to `to` (absolute paths; `statementIndex` is -1), as the
 *   finding's message says (a misnamed migration file, a misnamed down).
 */
export interface FindingAction {
  kind: 'moveToOwnMigration' | 'addInverse' | 'validateInNewMigration' | 'renameFile';
  statementIndex: number;
  /** The code action's title. */
  title: string;
  /** `renameFile`: the file to rename and its new path. */
  from?: string;
  to?: string;
}

export interface Report {
  messageId: string;
  data?: Record<string, string>;
  span: Span;
  fix?: Fix;
  /** Fixes that need more than edits of this file (see FindingAction). */
  actions?: FindingAction[];
  /** The statement the finding is about; used for per-statement suppressions. */
  statement?: Statement;
}

export interface RuleContext {
  filePath: string;
  parsed: ParsedFile;
  convention: Convention;
  /** The file as a migration, when its name follows the convention. */
  migration: MigrationFile | undefined;
  /** The directory the file belongs to, with every migration in it. */
  directory: MigrationDirectory;
  /**
   * The file's sections: one whole-file section for a two-file convention, the up and down
   * sections of a single-file one (goose, dbmate, sql-migrate); empty when not a migration.
   */
  sections: MigrationSection[];
  /** The direction of the section holding an offset (e.g. a statement's start). */
  directionAt(offset: number): Direction | undefined;
  /**
   * What the workspace knows beyond this file (the schema before it and before each statement, its
   * up/down pair and their consistency): facts computed once per folder and shared. Rules never
   * read files.
   */
  facts: FileFacts;
  /** The PostgreSQL major version the migrations run on (setting `postgresVersion`, default 14). */
  postgresVersion: number;
  /**
   * The baseline's version parts (`"baseline"` of `.migration-guard.json`, `--baseline`): migrations
   * at or below it are applied history (see `atOrBelowBaseline`); undefined without a baseline.
   */
  baseline?: readonly bigint[];
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

/** A finding ready for any front end: the server makes a Diagnostic of it, the CLI a line or JSON. */
export interface Finding {
  ruleId: string;
  messageId: string;
  message: string;
  severity: Severity;
  span: Span;
  range: Range;
  fix?: { title: string; edits: { span: Span; range: Range; newText: string }[] };
  actions?: FindingAction[];
  /**
   * The comments that silence this finding, computed with it so that no front end analyses the
   * file again to offer them: for the statement holding it (absent outside every statement) and
   * for the whole file.
   */
  suppress?: { line?: FindingEdit; file: FindingEdit };
}

/** An edit of the checked file, in offsets and as an LSP range. */
export interface FindingEdit {
  span: Span;
  range: Range;
  newText: string;
}

export function formatMessage(template: string, data: Record<string, string> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => data?.[k] ?? `{{${k}}}`);
}
