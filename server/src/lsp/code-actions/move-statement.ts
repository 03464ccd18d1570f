/**
 * "Move to a new migration of its own" (transaction-incompatible-statement): the engine's
 * `planMoveToOwnMigration` computes the new pair and the edits; this turns the plan into one
 * WorkspaceEdit that creates both files (never overwriting) and removes the statement (and its
 * inverse in the current down, when it is there).
 */
import type { CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { FileHost } from '../../engine/host';
import type { Convention } from '../../engine/migrations/convention';
import { planMoveToOwnMigration, type MoveResult } from '../../engine/actions/move-statement';
import { LineIndex } from '../../engine/text';
import { pathToUri } from '../uri';

export interface MoveEdit {
  edit: WorkspaceEdit;
  /** The new up file, opened after the edit. */
  newUpUri: string;
  notes: string[];
}

export function moveStatementEdit(input: {
  filePath: string;
  text: string;
  host: FileHost;
  statementIndex: number;
  convention?: Convention;
  openVersion(filePath: string): number | undefined;
  now?: Date;
}): MoveEdit | { error: string } {
  const plan: MoveResult = planMoveToOwnMigration({
    filePath: input.filePath,
    text: input.text,
    host: input.host,
    statementIndex: input.statementIndex,
    ...(input.convention ? { convention: input.convention } : {}),
    ...(input.now ? { now: input.now } : {}),
  });
  if (!plan.ok) return { error: plan.message };
  const changes: (CreateFile | TextDocumentEdit)[] = [];
  for (const file of [plan.newUp, plan.newDown]) {
    const uri = pathToUri(file.path);
    changes.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
    changes.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.text }] });
  }
  const lines = new LineIndex(input.text);
  changes.push({
    textDocument: { uri: pathToUri(input.filePath), version: input.openVersion(input.filePath) ?? null },
    edits: plan.editOfCurrentFile.map((e) => ({ range: lines.rangeOf(e.span), newText: e.newText })),
  });
  if (plan.counterpart) {
    const downText = input.host.readFile(plan.counterpart.path) ?? '';
    const downLines = new LineIndex(downText);
    changes.push({
      textDocument: { uri: pathToUri(plan.counterpart.path), version: input.openVersion(plan.counterpart.path) ?? null },
      edits: plan.counterpart.edits.map((e) => ({ range: downLines.rangeOf(e.span), newText: e.newText })),
    });
  }
  return { edit: { documentChanges: changes }, newUpUri: pathToUri(plan.newUp.path), notes: plan.notes };
}
