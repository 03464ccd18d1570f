/**
 * Code actions for Migration Guard diagnostics, built from `diagnostic.data` (never from the message
 * text, never by analysing the file again). Order, as a reader of the light bulb needs it:
 * 1. the fixes of the most severe findings first (errors, then warnings...), each finding's own fix
 *    first: a rename, the rule's edit, "Move to a new migration", "Add inverse", "Back up ... before
 *    dropping it", "Generate <down file>", then "Set the baseline to the newest migration";
 * 2. one "Disable <rule> for this line / file / project" per rule and scope (none for syntax-error,
 *    which a comment cannot silence);
 * 3. "Show documentation for <rule>".
 * "Generate down migration" is also offered, without a diagnostic, in an empty down file (quick fix)
 * and in its up file (source action), to fill the empty down.
 */
import * as path from 'node:path';
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type CreateFile, type Diagnostic, type RenameFile, type TextDocumentEdit, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EngineOptions } from '../../engine/config';
import { CONFIG_FILE_NAME } from '../../engine/config-file';
import { setConfigProperty } from '../../engine/config-edit';
import type { FileHost } from '../../engine/host';
import { compareVersions, type Convention } from '../../engine/migrations/convention';
import { conventionFor } from '../../engine/actions/down-plan';
import type { Workspace } from '../../engine/project/workspace';
import { ruleById } from '../../engine/rules/registry';
import { LineIndex } from '../../engine/text';
import { Commands, DIAGNOSTIC_SOURCE, type DiagnosticData } from '../../../../shared/src/protocol';
import { textFingerprint } from '../diagnostics';
import { ruleDocsUri } from '../paths';
import { pathToUri } from '../uri';
import { generateDownEdit } from './generate-down';
import { moveStatementEdit } from './move-statement';
import { validateLaterEdit } from './validate-later';
import { reversibilityActions, reversibilityTitles } from './reversibility';

export const GENERATE_DOWN_TITLE = 'Generate down migration';
/** Why the fix of a diagnostic of an older text is offered disabled. */
export const STALE_FIX_REASON = 'The file changed since this problem was found; the fix is offered again once the file is checked again.';
/** Rules whose diagnostic offers "Generate down migration". */
const GENERATE_DOWN_RULES = new Set(['missing-down-migration', 'empty-down-migration']);
/** Findings a suppression comment cannot silence. */
const NOT_SUPPRESSIBLE = new Set(['syntax-error']);

/** The project's `.migration-guard.json`, as "Disable for this project" and "Set the baseline" edit it. */
export interface ProjectFile {
  /** The config file that applies to the document, if any. */
  path: string | undefined;
  /** Its current text (the open document's, else the disk's). */
  text: string | undefined;
  /** Its version when it is open in the editor (the edit then applies to that version only). */
  version: number | undefined;
  /** Where "Disable <rule> for this project" creates the file when none applies (the workspace folder). */
  newProjectPath: string;
  /** Where "Set the baseline" creates it when none applies (the migrations folder, unless it is the workspace's only one). */
  newBaselinePath: string;
}

export interface CodeActionInput {
  doc: TextDocument;
  filePath: string;
  diagnostics: Diagnostic[];
  /** `context.only` of the request. */
  only: string[] | undefined;
  /** The disk with open documents over it (file-creating actions check it: never overwrite). */
  host: FileHost;
  /** The server's workspace: the schema and pair facts the actions need, already computed. */
  workspace?: Workspace;
  /** Version of an open document at a path, for versioned edits. */
  openVersion(filePath: string): number | undefined;
  canCreateFiles: boolean;
  /** Whether the client can rename files through a WorkspaceEdit. */
  canRenameFiles?: boolean;
  log(message: string): void;
  /** The configured convention (`.migration-guard.json`); detected from the directory when absent. */
  convention?: Convention;
  /** The project's options (severities, PostgreSQL version): generated SQL is checked with them. */
  options?: EngineOptions;
  /** The config file to edit for project-wide actions; without it they are not offered. */
  project?: ProjectFile;
}

function dataOf(d: Diagnostic): DiagnosticData | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
  const data = d.data as Partial<DiagnosticData> | undefined;
  if (!data || typeof data !== 'object' || typeof data.ruleId !== 'string') return undefined;
  const r = d.range as Partial<Diagnostic['range']> | undefined;
  if (!r || typeof r.start?.line !== 'number' || typeof r.start.character !== 'number' || typeof r.end?.line !== 'number') return undefined;
  return data as DiagnosticData;
}

function validEdits(fix: DiagnosticData['fix']): TextEdit[] | undefined {
  if (!fix || typeof fix.title !== 'string' || !Array.isArray(fix.edits)) return undefined;
  const ok = fix.edits.every(
    (e) =>
      e && typeof e.newText === 'string' && e.range && typeof e.range.start?.line === 'number' && typeof e.range.end?.character === 'number',
  );
  return ok ? fix.edits.map((e) => ({ range: e.range, newText: e.newText })) : undefined;
}

function validEdit(e: unknown): TextEdit | undefined {
  const edit = e as Partial<TextEdit> | undefined;
  if (!edit || typeof edit.newText !== 'string' || typeof edit.range?.start?.line !== 'number' || typeof edit.range.end?.character !== 'number') return undefined;
  return { range: edit.range, newText: edit.newText };
}

/**
 * A diagnostic of an older text (its fingerprint is not the document's): its fix, its ranges, its
 * statement indexes and its suppression edits may point anywhere in the current text. Its fix and
 * actions are offered disabled (the suppressions too, where they are built).
 */
function staleActions(diagnostic: Diagnostic, data: DiagnosticData): CodeAction[] {
  const titles = [data.fix?.title, ...(Array.isArray(data.actions) ? data.actions.map((a) => a?.title) : [])].filter((t): t is string => typeof t === 'string');
  return [...new Set(titles)].map((title) => ({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: STALE_FIX_REASON } }));
}

function kindAllowed(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => k === '' || k === kind || kind.startsWith(`${k}.`));
}

const severityRank = (d: Diagnostic): number => d.severity ?? DiagnosticSeverity.Warning;

/** The edit that sets a property of the project's config file (creating the file when absent). */
function configEdit(input: CodeActionInput, createAt: string, property: readonly string[], value: string): { edit: WorkspaceEdit; uri: string } | { reason: string } {
  const project = input.project!;
  const target = project.path ?? createAt;
  const uri = pathToUri(target);
  const planned = setConfigProperty(project.path ? project.text : undefined, property, value);
  if (!planned.ok) return { reason: planned.reason };
  if (!project.path) {
    if (!input.canCreateFiles) return { reason: `the editor cannot create ${CONFIG_FILE_NAME}` };
    if (input.host.exists(target)) return { reason: `${target} exists but does not apply to this file` };
    const create: CreateFile = { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } };
    const fill: TextDocumentEdit = { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: planned.newText }] };
    return { edit: { documentChanges: [create, fill] }, uri };
  }
  const lines = new LineIndex(project.text ?? '');
  const edit: TextDocumentEdit = {
    textDocument: { uri, version: project.version ?? null },
    edits: planned.edits.map((e) => ({ range: lines.rangeOf(e.span), newText: e.newText })),
  };
  return { edit: { documentChanges: [edit] }, uri };
}

/**
 * How long one request may spend preparing the actions that plan files (moving a statement, a backup
 * copy, an inverse, a generated down). VS Code asks for the diagnostics at the cursor, a few at a time;
 * a request for a whole file's hundreds of diagnostics must still answer at once, so past the budget
 * those actions are offered disabled, saying how to get them.
 */
export const PLANNING_BUDGET_MS = 250;

export function codeActionsFor(input: CodeActionInput): CodeAction[] {
  const uri = input.doc.uri;
  const deadline = performance.now() + PLANNING_BUDGET_MS;
  const count = input.diagnostics.length;
  const notPrepared = (title: string, diagnostic: Diagnostic): CodeAction => ({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    disabled: { reason: `not prepared: ${count} diagnostics are selected; ask with the cursor on this statement` },
  });
  const inBudget = (): boolean => performance.now() < deadline;
  const fixes: CodeAction[] = [];
  const lineActions = new Map<string, CodeAction>();
  const fileActions = new Map<string, CodeAction>();
  const projectActions = new Map<string, CodeAction>();
  const docActions = new Map<string, CodeAction>();
  let fingerprint: string | undefined;
  const isCurrent = (data: DiagnosticData): boolean => data.fingerprint === (fingerprint ??= textFingerprint(input.doc.getText()));
  let baselineAction: CodeAction | undefined;
  let baselineTried = false;
  let convention: Convention | undefined;
  const conventionOf = (): Convention => (convention ??= input.workspace ? input.workspace.conventionOf(input.filePath, input.convention) : conventionFor(input.filePath, input.host, input.convention));

  const downAction = (upPath: string, upText: string, kind: string, diagnostic: Diagnostic | undefined): CodeAction | undefined => {
    try {
      const down = generateDownEdit({
        upPath,
        upText,
        host: input.host,
        ...(input.workspace ? { workspace: input.workspace } : {}),
        openVersion: input.openVersion,
        canCreateFiles: input.canCreateFiles,
        ...(input.convention ? { convention: input.convention } : {}),
        ...(input.options ? { options: input.options } : {}),
      });
      if (!down) return undefined;
      const name = path.basename(down.downPath);
      const title = down.downPath === upPath ? 'Generate the down section' : down.creates ? `Generate ${name}` : `Generate down migration into ${name}`;
      // Command only: the client applies the edit, then opens the file (see Commands.applyEditAndOpen).
      const action: CodeAction = { title, kind, command: { title, command: Commands.applyEditAndOpen, arguments: [down.edit, down.downUri] } };
      if (diagnostic) {
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
      }
      return action;
    } catch (e) {
      input.log(`Migration Guard: could not generate the down migration for ${upPath}: ${(e as Error).stack ?? String(e)}`);
      return undefined;
    }
  };

  /** "Set the baseline to the newest migration": offered on statement findings of a migration older than its folder's newest. */
  const baselineFor = (diagnostic: Diagnostic): CodeAction | undefined => {
    if (!input.project || !input.workspace) return undefined;
    const conv = conventionOf();
    const self = conv.parse(input.filePath);
    if (!self) return undefined;
    const ups = input.workspace.folderOf(input.filePath, conv).directory().migrations.filter((m) => m.direction === 'up');
    const newest = ups[ups.length - 1];
    if (!newest || compareVersions(self, newest) >= 0) return undefined;
    const title = `Set the baseline to the newest migration (${newest.version})`;
    const planned = configEdit(input, input.project.newBaselinePath, ['baseline'], newest.version);
    if ('reason' in planned) return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: planned.reason } };
    return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: Commands.applyEditAndOpen, arguments: [planned.edit] } };
  };

  if (kindAllowed(input.only, CodeActionKind.QuickFix)) {
    // The most severe findings' fixes first; among equals, in the order of the file.
    const ordered = input.diagnostics.map((d, i) => ({ d, i })).sort((a, b) => severityRank(a.d) - severityRank(b.d) || a.i - b.i);
    for (const { d: diagnostic } of ordered) {
      const data = dataOf(diagnostic);
      if (!data) continue;
      const ruleId = data.ruleId;
      const stale = !isCurrent(data);
      if (stale) fixes.push(...staleActions(diagnostic, data));
      const actions = Array.isArray(data.actions) ? data.actions : [];

      // Renames the message asks for.
      for (const action of stale ? [] : actions) {
        if (action?.kind !== 'renameFile' || typeof action.from !== 'string' || typeof action.to !== 'string') continue;
        const title = typeof action.title === 'string' ? action.title : `Rename to ${path.basename(action.to)}`;
        if (!input.canRenameFiles) continue;
        if (input.host.exists(action.to)) {
          fixes.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: `${path.basename(action.to)} already exists` } });
          continue;
        }
        const rename: RenameFile = { kind: 'rename', oldUri: pathToUri(action.from), newUri: pathToUri(action.to), options: { overwrite: false, ignoreIfExists: false } };
        fixes.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: { documentChanges: [rename] } });
      }

      const edits = stale ? undefined : validEdits(data.fix);
      if (edits && data.fix) {
        fixes.push({ title: data.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: { changes: { [uri]: edits } } });
      }

      // Actions that create a new migration pair: computed now, from the current text.
      for (const action of stale ? [] : actions) {
        if (typeof action?.statementIndex !== 'number' || !input.canCreateFiles) continue;
        if (action.kind !== 'moveToOwnMigration' && action.kind !== 'validateInNewMigration') continue;
        if (!inBudget()) {
          fixes.push(notPrepared(typeof action.title === 'string' ? action.title : 'Move to a new migration', diagnostic));
          continue;
        }
        const common = {
          filePath: input.filePath,
          text: input.doc.getText(),
          host: input.host,
          statementIndex: action.statementIndex,
          openVersion: input.openVersion,
          ...(input.convention ? { convention: input.convention } : {}),
        };
        const planned = action.kind === 'moveToOwnMigration' ? moveStatementEdit(common) : validateLaterEdit(common);
        const title = typeof action.title === 'string' ? action.title : 'Move to a new migration';
        if ('error' in planned) {
          fixes.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: planned.error } });
        } else {
          fixes.push({
            title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: true,
            command: { title, command: Commands.applyEditAndOpen, arguments: [planned.edit, planned.newUpUri] },
          });
        }
      }

      if (!stale) {
        if (inBudget()) fixes.push(...reversibilityActions(input, diagnostic, data));
        else fixes.push(...reversibilityTitles(data).map((title) => notPrepared(title, diagnostic)));
      }

      // A misnamed down is renamed, not generated a second time beside it.
      if (GENERATE_DOWN_RULES.has(ruleId) && !actions.some((a) => a?.kind === 'renameFile')) {
        const action = inBudget() ? downAction(input.filePath, input.doc.getText(), CodeActionKind.QuickFix, diagnostic) : notPrepared(GENERATE_DOWN_TITLE, diagnostic);
        if (action) fixes.push(action);
      }

      const rule = ruleById(ruleId);
      if (rule && rule.meta.category !== 'migration-files' && !NOT_SUPPRESSIBLE.has(ruleId) && !baselineTried) {
        baselineTried = true;
        baselineAction = baselineFor(diagnostic);
      }

      // The suppression edits came with the diagnostic (computed with the finding): no analysis here.
      if (rule && !NOT_SUPPRESSIBLE.has(ruleId)) {
        const line = validEdit(data.suppress?.line);
        const lineKey = line ? `${ruleId}\0${line.range.start.line}:${line.range.start.character}\0${line.newText}` : '';
        if (line && !lineActions.has(lineKey)) {
          lineActions.set(lineKey, {
            title: `Disable ${ruleId} for this line`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            ...(stale ? { disabled: { reason: STALE_FIX_REASON } } : { edit: { changes: { [uri]: [line] } } }),
          });
        }
        const file = validEdit(data.suppress?.file);
        const fileTitle = `Disable ${ruleId} for this file`;
        // A current diagnostic's file suppression wins over a stale one's disabled entry.
        if (file && (!fileActions.has(fileTitle) || (!stale && fileActions.get(fileTitle)!.disabled))) {
          fileActions.set(fileTitle, {
            title: fileTitle,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            ...(stale ? { disabled: { reason: STALE_FIX_REASON } } : { edit: { changes: { [uri]: [file] } } }),
          });
        }
        if (input.project && !projectActions.has(ruleId)) {
          const title = `Disable ${ruleId} for this project`;
          const planned = configEdit(input, input.project.newProjectPath, ['rules', ruleId], 'off');
          projectActions.set(
            ruleId,
            'reason' in planned
              ? { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: planned.reason } }
              : { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: Commands.applyEditAndOpen, arguments: [planned.edit] } },
          );
        }
      }

      const docsTitle = `Show documentation for ${ruleId}`;
      if (!docActions.has(docsTitle) && ruleDocsUri(ruleId)) {
        docActions.set(docsTitle, {
          title: docsTitle,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          command: { title: docsTitle, command: Commands.showRuleDocumentation, arguments: [ruleId] },
        });
      }
    }
  }

  // An empty (or whitespace-only) down file next to its up: fill it, from either file. In a
  // single-file migration (goose, dbmate, sql-migrate): an empty down section, from the file.
  const extras: CodeAction[] = [];
  const conv = conventionOf();
  const self = conv.parse(input.filePath);
  const generating = fixes.some((a) => /^Generate /.test(a.title));
  // Past the budget (hundreds of diagnostics asked for at once), the empty down is left for a request at the cursor.
  if (self && inBudget() && !generating) {
    if (conv.layout === 'single') {
      const down = conv.sections(self, input.doc.getText()).find((s) => s.direction === 'down');
      const emptyDown = down !== undefined && input.doc.getText().slice(down.span.start, down.span.end).trim() === '';
      if (emptyDown && kindAllowed(input.only, CodeActionKind.Source)) {
        const action = downAction(input.filePath, input.doc.getText(), CodeActionKind.Source, undefined);
        if (action) extras.push(action);
      }
    } else if (self.direction === 'down' && input.doc.getText().trim() === '' && kindAllowed(input.only, CodeActionKind.QuickFix)) {
      const upPath = conv.counterpartPath(self);
      const upText = input.host.readFile(upPath);
      const action = upText !== undefined ? downAction(upPath, upText, CodeActionKind.QuickFix, undefined) : undefined;
      if (action) extras.push(action);
    } else if (self.direction === 'up' && kindAllowed(input.only, CodeActionKind.Source)) {
      const downText = input.host.readFile(conv.counterpartPath(self));
      if (downText !== undefined && downText.trim() === '') {
        const action = downAction(input.filePath, input.doc.getText(), CodeActionKind.Source, undefined);
        if (action) extras.push(action);
      }
    }
  }
  return [...fixes, ...(baselineAction ? [baselineAction] : []), ...extras, ...lineActions.values(), ...fileActions.values(), ...projectActions.values(), ...docActions.values()];
}
