/**
 * Code actions for Migration Guard diagnostics, built from `diagnostic.data` (never from the
 * message text): the rule's own fix, "Generate down migration", disable for this line / file,
 * and "Show documentation". "Generate down migration" is also offered, without a diagnostic, in an
 * empty down file (quick fix) and in its up file (source action), to fill the empty down.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileHost } from '../../engine/host';
import type { Convention } from '../../engine/migrations/convention';
import { conventionFor } from '../../engine/actions/down-plan';
import type { Workspace } from '../../engine/project/workspace';
import { ruleById } from '../../engine/rules/registry';
import { Commands, DIAGNOSTIC_SOURCE, type DiagnosticData } from '../../../../shared/src/protocol';
import { textFingerprint } from '../diagnostics';
import { ruleDocsUri } from '../paths';
import { generateDownEdit } from './generate-down';
import { moveStatementEdit } from './move-statement';
import { validateLaterEdit } from './validate-later';
import { reversibilityActions, reversibilityTitles } from './reversibility';


export const GENERATE_DOWN_TITLE = 'Generate down migration';
/** Why the fix of a diagnostic of an older text is offered disabled. */
export const STALE_FIX_REASON = 'The file changed since this problem was found; the fix is offered again once the file is checked again.';
/** Rules whose diagnostic offers "Generate down migration". */
const GENERATE_DOWN_RULES = new Set(['missing-down-migration']);

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
  log(message: string): void;
  /** The configured convention (`.migration-guard.json`); detected from the directory when absent. */
  convention?: Convention;
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
  const preferred: CodeAction[] = [];
  const lineActions: CodeAction[] = [];
  const fileActions = new Map<string, CodeAction>();
  const docActions = new Map<string, CodeAction>();
  let fingerprint: string | undefined;
  const isCurrent = (data: DiagnosticData): boolean => data.fingerprint === (fingerprint ??= textFingerprint(input.doc.getText()));
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
      });
      if (!down) return undefined;
      // Command only: the client applies the edit, then opens the file (see Commands.applyEditAndOpen).
      const action: CodeAction = {
        title: GENERATE_DOWN_TITLE,
        kind,
        command: { title: GENERATE_DOWN_TITLE, command: Commands.applyEditAndOpen, arguments: [down.edit, down.downUri] },
      };
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

  if (kindAllowed(input.only, CodeActionKind.QuickFix)) {
    for (const diagnostic of input.diagnostics) {
      const data = dataOf(diagnostic);
      if (!data) continue;
      const ruleId = data.ruleId;
      const stale = !isCurrent(data);
      if (stale) preferred.push(...staleActions(diagnostic, data));

      const edits = stale ? undefined : validEdits(data.fix);
      if (edits && data.fix) {
        preferred.push({
          title: data.fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: { changes: { [uri]: edits } },
        });
      }

      // Actions that create a new migration pair: computed now, from the current text.
      for (const action of !stale && Array.isArray(data.actions) ? data.actions : []) {
        if (typeof action?.statementIndex !== 'number' || !input.canCreateFiles) continue;
        if (action.kind !== 'addInverse' && !inBudget()) {
          preferred.push(notPrepared(typeof action.title === 'string' ? action.title : 'Move to a new migration', diagnostic));
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
        let planned: { edit: WorkspaceEdit; newUpUri: string } | { error: string };
        if (action.kind === 'moveToOwnMigration') planned = moveStatementEdit(common);
        else if (action.kind === 'validateInNewMigration') planned = validateLaterEdit(common);
        else continue;
        const title = typeof action.title === 'string' ? action.title : 'Move to a new migration';
        if ('error' in planned) {
          preferred.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: planned.error } });
        } else {
          preferred.push({
            title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: true,
            command: { title, command: Commands.applyEditAndOpen, arguments: [planned.edit, planned.newUpUri] },
          });
        }
      }

      if (!stale) {
        if (inBudget()) preferred.push(...reversibilityActions(input, diagnostic, data));
        else preferred.push(...reversibilityTitles(data).map((title) => notPrepared(title, diagnostic)));
      }

      if (GENERATE_DOWN_RULES.has(ruleId)) {
        const action = inBudget() ? downAction(input.filePath, input.doc.getText(), CodeActionKind.QuickFix, diagnostic) : notPrepared(GENERATE_DOWN_TITLE, diagnostic);
        if (action) preferred.push(action);
      }

      // The suppression edits came with the diagnostic (computed with the finding): no analysis here.
      if (ruleById(ruleId)) {
        const line = validEdit(data.suppress?.line);
        if (line) {
          lineActions.push({
            title: `Disable ${ruleId} for this line`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            ...(stale ? { disabled: { reason: STALE_FIX_REASON } } : { edit: { changes: { [uri]: [line] } } }),
          });
        }
        const fileTitle = `Disable ${ruleId} for this file`;
        const file = validEdit(data.suppress?.file);
        // A current diagnostic's file suppression wins over a stale one's disabled entry.
        if (file && (!fileActions.has(fileTitle) || (!stale && fileActions.get(fileTitle)!.disabled))) {
          fileActions.set(fileTitle, {
            title: fileTitle,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            ...(stale ? { disabled: { reason: STALE_FIX_REASON } } : { edit: { changes: { [uri]: [file] } } }),
          });
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
  const convention = conventionFor(input.filePath, input.host, input.convention);
  const self = convention.parse(input.filePath);
  // Past the budget (hundreds of diagnostics asked for at once), the empty down is left for a request at the cursor.
  if (self && inBudget() && !preferred.some((a) => a.title === GENERATE_DOWN_TITLE)) {
    if (convention.layout === 'single') {
      const down = convention.sections(self, input.doc.getText()).find((s) => s.direction === 'down');
      const emptyDown = down !== undefined && input.doc.getText().slice(down.span.start, down.span.end).trim() === '';
      if (emptyDown && kindAllowed(input.only, CodeActionKind.Source)) {
        const action = downAction(input.filePath, input.doc.getText(), CodeActionKind.Source, undefined);
        if (action) extras.push(action);
      }
    } else if (self.direction === 'down' && input.doc.getText().trim() === '' && kindAllowed(input.only, CodeActionKind.QuickFix)) {
      const upPath = convention.counterpartPath(self);
      const upText = input.host.readFile(upPath);
      const action = upText !== undefined ? downAction(upPath, upText, CodeActionKind.QuickFix, undefined) : undefined;
      if (action) extras.push(action);
    } else if (self.direction === 'up' && kindAllowed(input.only, CodeActionKind.Source)) {
      const downText = input.host.readFile(convention.counterpartPath(self));
      if (downText !== undefined && downText.trim() === '') {
        const action = downAction(input.filePath, input.doc.getText(), CodeActionKind.Source, undefined);
        if (action) extras.push(action);
      }
    }
  }
  return [...preferred, ...extras, ...lineActions, ...fileActions.values(), ...docActions.values()];
}
