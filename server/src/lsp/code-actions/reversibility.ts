/**
 * Code actions of the reversibility features, from `diagnostic.data`:
 * - "Add inverse to <down file>" (missing-inverse): the engine's `planInverseInsertion` says where
 *   the statement's inverse goes in the down; this edits that file.
 * - "Back up customers.fax before dropping it" (ban-drop-column, ban-drop-table): `planBackupCopy`
 *   rewrites the up to copy the data first and the down to restore it, then shows the down beside the
 *   up (so that its edit is seen); when the schema model cannot tell how (no primary key...), the
 *   action is offered disabled ("Keep a backup copy") with the reason.
 */
import { CodeActionKind, type CodeAction, type CreateFile, type Diagnostic, type TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { BACKUP_TITLE, backupTitle, planBackupCopy, type FileEdit } from '../../engine/actions/backup';
import { planInverseInsertion } from '../../engine/actions/insert-inverse';
import { LineIndex } from '../../engine/text';
import { Commands, type DiagnosticData } from '../../../../shared/src/protocol';
import { pathToUri } from '../uri';
import type { CodeActionInput } from './index';

const BACKUP_RULES = new Set(['ban-drop-column', 'ban-drop-table']);

function textOf(input: CodeActionInput, filePath: string): string | undefined {
  return filePath === input.filePath ? input.doc.getText() : input.host.readFile(filePath);
}

/** Edits of existing files as one TextDocumentEdit per file. */
function documentEdits(input: CodeActionInput, edits: FileEdit[]): TextDocumentEdit[] | undefined {
  const byPath = new Map<string, FileEdit[]>();
  for (const e of edits) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  const out: TextDocumentEdit[] = [];
  for (const [filePath, list] of byPath) {
    const text = textOf(input, filePath);
    if (text === undefined) return undefined;
    const lines = new LineIndex(text);
    out.push({
      textDocument: { uri: pathToUri(filePath), version: input.openVersion(filePath) ?? null },
      edits: list.map((e) => ({ range: lines.rangeOf(e.span), newText: e.newText })),
    });
  }
  return out;
}

/** The titles `reversibilityActions` would offer for a diagnostic (to offer them disabled when not prepared). */
export function reversibilityTitles(data: DiagnosticData): string[] {
  const titles: string[] = [];
  for (const a of Array.isArray(data.actions) ? data.actions : []) {
    if (a?.kind === 'addInverse' && typeof a.statementIndex === 'number') titles.push(typeof a.title === 'string' ? a.title : 'Add inverse to the down migration');
  }
  if (BACKUP_RULES.has(data.ruleId)) titles.push(BACKUP_TITLE);
  return titles;
}

export function reversibilityActions(input: CodeActionInput, diagnostic: Diagnostic, data: DiagnosticData): CodeAction[] {
  const out: CodeAction[] = [];
  for (const a of Array.isArray(data.actions) ? data.actions : []) {
    if (a?.kind !== 'addInverse' || typeof a.statementIndex !== 'number') continue;
    const title = typeof a.title === 'string' ? a.title : 'Add inverse to the down migration';
    const plan = planInverseInsertion({
      filePath: input.filePath,
      text: input.doc.getText(),
      host: input.host,
      ...(input.workspace ? { workspace: input.workspace } : {}),
      statementIndex: a.statementIndex,
      ...(input.convention ? { convention: input.convention } : {}),
    });
    if (!plan.ok) {
      out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: plan.message } });
      continue;
    }
    const { downPath, offset, text } = plan.insertion;
    const changes = documentEdits(input, [{ path: downPath, span: { start: offset, end: offset }, newText: text }]);
    if (changes) out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: { documentChanges: changes } });
  }

  if (BACKUP_RULES.has(data.ruleId)) {
    const offset = new LineIndex(input.doc.getText()).offsetAt(diagnostic.range.start);
    const plan = planBackupCopy({
      filePath: input.filePath,
      text: input.doc.getText(),
      host: input.host,
      ...(input.workspace ? { workspace: input.workspace } : {}),
      offset,
      ...(input.convention ? { convention: input.convention } : {}),
      ...(input.options ? { options: input.options } : {}),
    });
    if (!plan.ok) {
      out.push({ title: BACKUP_TITLE, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: plan.reason } });
    } else if (plan.create && !input.canCreateFiles) {
      out.push({ title: BACKUP_TITLE, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: 'the editor cannot create the down file' } });
    } else {
      const changes: (TextDocumentEdit | CreateFile)[] | undefined = documentEdits(input, plan.edits);
      if (changes) {
        if (plan.create) {
          const uri = pathToUri(plan.create.path);
          changes.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
          changes.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: plan.create.text }] });
        }
        const edit: WorkspaceEdit = { documentChanges: changes };
        const title = backupTitle(plan.subject);
        // Applied by the client, which then shows the down it edited beside the up (focus stays on the up).
        const show = plan.downPath !== input.filePath ? [pathToUri(plan.downPath), { beside: true, preserveFocus: true }] : [];
        out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: Commands.applyEditAndOpen, arguments: [edit, ...show] } });
      }
    }
  }
  return out;
}
