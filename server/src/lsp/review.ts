/**
 * "Review migration" in the editor: the engine's review of the migration a file belongs to, with the
 * editor's view of the files (unsaved changes included) and the same options as its diagnostics.
 * Rule ids link to the rules' pages on the project's site (the Markdown preview does not follow
 * `file:` links); paths are shown relative to their workspace folder.
 */
import * as path from 'node:path';
import type { FileHost } from '../engine/host';
import type { Workspace } from '../engine/project/workspace';
import { reviewMigration } from '../engine/review/index';
import { renderReview } from '../engine/review/markdown';
import { ruleDocsUrl } from '../engine/rules/registry';
import type { ReviewMigrationResult } from '../../../shared/src/protocol';
import type { MigrationGuardSettings } from '../../../shared/src/settings';
import type { ProjectConfigs } from './project-config';
import { uriToPath } from './uri';

export interface ReviewContext {
  host: FileHost;
  workspace?: Workspace;
  configs: ProjectConfigs;
  settings: MigrationGuardSettings;
  workspaceRoots: readonly string[];
}

export function reviewForEditor(uri: string, ctx: ReviewContext): ReviewMigrationResult {
  const filePath = uriToPath(uri);
  if (!filePath || !/\.sql$/i.test(filePath)) return { ok: false, message: 'Review migration works on the .sql file of a migration.' };
  const optionsFor = (p: string): ReturnType<ProjectConfigs['optionsFor']> => ctx.configs.optionsFor(ctx.configs.forFile(p), ctx.settings);
  const review = reviewMigration({ filePath, host: ctx.host, optionsFor, ...(ctx.workspace ? { workspace: ctx.workspace } : {}) });
  if (!review) return { ok: false, message: `${path.basename(filePath)} is not a migration file (its name does not follow the directory's convention).` };
  const display = (p: string): string => {
    const root = ctx.workspaceRoots.filter((r) => p.startsWith(r + path.sep)).sort((a, b) => b.length - a.length)[0];
    return (root ? path.relative(root, p) : path.basename(p)).replace(/\\/g, '/');
  };
  const config = ctx.configs.forFile(filePath);
  const subtitle = config?.broken ? `**Note:** ${display(config.path)} has errors: reviewed with the default settings.` : undefined;
  return { ok: true, name: review.name, markdown: renderReview([review], { display, ruleUrl: ruleDocsUrl, ...(subtitle ? { subtitle } : {}) }) };
}
