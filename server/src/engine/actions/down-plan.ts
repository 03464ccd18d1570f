/**
 * Where "Generate down migration" puts the down SQL, for any convention: a down file beside the up
 * (golang-migrate, Flyway `U...`, folder-per-migration `down.sql`), or a down section appended to
 * the same file (goose, dbmate, sql-migrate). The editor and the CLI both use it.
 */
import * as path from 'node:path';
import type { EngineOptions } from '../config';
import type { FileHost } from '../host';
import { generateDownSql } from '../inverse/index';
import type { Convention, MigrationFile } from '../migrations/convention';
import { conventionFor } from '../migrations/detect';
import { parseSql } from '../parsing/parser';
import { workspaceFor, type Workspace } from '../project/workspace';
import { eolOf } from '../text';
import { cleanOwnOutput } from './own-output';

export { conventionFor } from '../migrations/detect';

export type DownPlan =
  /** Create the down file (or fill it when it exists and holds only whitespace: `existing`). */
  | { kind: 'file'; migration: MigrationFile; downPath: string; text: string; existing: string | undefined }
  /** Insert `newText` at `offset` of the up file (a new down section, or into an empty one). */
  | { kind: 'section'; migration: MigrationFile; filePath: string; offset: number; end: number; newText: string; sql: string };

export type DownPlanResult = { ok: true; plan: DownPlan } | { ok: false; message: string };

export interface DownPlanInput {
  upPath: string;
  upText: string;
  host: FileHost;
  /** The workspace whose facts to use (the server's); a new one over `host` when absent. */
  workspace?: Workspace;
  /** The configured convention; detected from the directory when absent. */
  convention?: Convention;
  /** Plan even when the down already has content (the CLI only prints the SQL). */
  force?: boolean;
  /**
   * Give the inverses the schema the earlier migrations of the directory leave (DROP COLUMN → ADD
   * COLUMN with its definition, ...). The editor and the CLI set it.
   */
  useSchema?: boolean;
  /**
   * The project's options (rule severities, PostgreSQL version): the generated down is checked with
   * them, its avoidable findings fixed and the inherent ones explained (own-output.ts).
   */
  options?: EngineOptions;
  /** Skip that check (the raw inverses, for tests of the inverses themselves). */
  raw?: boolean;
}

/** The down SQL for an up migration and where it goes; an error message when there is nowhere to put it. */
export function planDown(input: DownPlanInput): DownPlanResult {
  const convention = conventionFor(input.upPath, input.host, input.convention);
  const migration = convention.parse(input.upPath);
  const example = convention.pairFileNames('000001', 'title').up;
  if (!migration || migration.direction !== 'up') {
    return { ok: false, message: `${path.basename(input.upPath)} is not an up migration (expected a name like ${example})` };
  }
  const eol = eolOf(input.upText);
  const upFileName = path.basename(input.upPath);
  // One workspace for the schema and the check (a new one reads the folder once).
  let ws: Workspace | undefined;
  const workspace = (): Workspace => (ws ??= workspaceFor(input.host, input.workspace, input.upPath, input.upText));
  const schema = input.useSchema ? schemaOf(workspace, input, convention, migration) : undefined;
  const clean = (filePath: string, text: string, region: { start: number; end: number }): { text: string; region: { start: number; end: number } } => {
    if (input.raw) return { text, region };
    try {
      return cleanOwnOutput({ workspace: workspace(), filePath, convention, text, region, ...(input.options ? { options: input.options } : {}) });
    } catch {
      return { text, region };
    }
  };

  /** The new text of [start, end) of the up file, checked in place (the down section of a single file). */
  const cleanSection = (upText: string, start: number, end: number, newText: string): string => {
    const whole = upText.slice(0, start) + newText + upText.slice(end);
    const out = clean(input.upPath, whole, { start, end: start + newText.length });
    return out.text.slice(out.region.start, out.region.end);
  };

  if (convention.layout === 'single' && convention.downSectionEdit) {
    const sections = convention.sections(migration, input.upText);
    const up = sections.find((s) => s.direction === 'up');
    if (!up) return { ok: false, message: `${upFileName} has no up section` };
    const sql = generateDownSql(parseSql(input.upText.slice(up.span.start, up.span.end)), { eol, upFileName, ...(schema ? { schema } : {}) });
    const down = sections.find((s) => s.direction === 'down');
    if (down && !input.force) {
      const body = input.upText.slice(down.span.start, down.span.end);
      if (body.trim() !== '') return { ok: false, message: `${upFileName} already has a down section` };
      // An empty down section: fill it (after its annotation line).
      const lead = down.span.start === input.upText.length && !/\n$/.test(input.upText) ? eol : '';
      const newText = cleanSection(input.upText, down.span.start, down.span.end, `${lead}${convention.formatSectionSql?.(sql, eol) ?? sql}`);
      return { ok: true, plan: { kind: 'section', migration, filePath: input.upPath, offset: down.span.start, end: down.span.end, newText, sql } };
    }
    const edit = convention.downSectionEdit(input.upText, sql, eol);
    const newText = cleanSection(input.upText, edit.offset, edit.offset, edit.newText);
    return { ok: true, plan: { kind: 'section', migration, filePath: input.upPath, offset: edit.offset, end: edit.offset, newText, sql } };
  }

  const downPath = convention.counterpartPath(migration);
  const existing = input.host.readFile(downPath);
  if (!input.force && (existing !== undefined || input.host.exists(downPath)) && (existing === undefined || existing.trim() !== '')) {
    return { ok: false, message: `${path.basename(downPath)} already exists` };
  }
  const generated = generateDownSql(parseSql(input.upText), { eol, upFileName, ...(schema ? { schema } : {}) });
  const text = clean(downPath, generated, { start: 0, end: generated.length }).text;
  return { ok: true, plan: { kind: 'file', migration, downPath, text, existing } };
}

/** The schema the up runs against, from the folder's timeline; undefined when the model fails (the down is still generated). */
function schemaOf(workspace: () => Workspace, input: DownPlanInput, convention: Convention, migration: MigrationFile): ReturnType<ReturnType<Workspace['folderOf']>['resolvedSchema']> | undefined {
  try {
    return workspace().folderOf(input.upPath, convention).resolvedSchema(migration);
  } catch {
    return undefined;
  }
}
