/**
 * "Generate down migration": the down SQL from the up migration's statements, as a WorkspaceEdit.
 * Two-file conventions: creates the down file beside the up (never overwriting), or fills an
 * existing down file that is empty or whitespace only; a down file with content is never touched.
 * Single-file conventions (goose, dbmate, sql-migrate): appends the down section to the same file
 * (or fills an empty one). Where it goes is the engine's `planDown`.
 */
import type { CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { FileHost } from '../../engine/host';
import type { Workspace } from '../../engine/project/workspace';
import type { Convention } from '../../engine/migrations/convention';
import type { EngineOptions } from '../../engine/config';
import { planDown } from '../../engine/actions/down-plan';
import { LineIndex } from '../../engine/text';
import { pathToUri } from '../uri';

export interface DownEdit {
  downPath: string;
  downUri: string;
  edit: WorkspaceEdit;
  /** True when the edit creates the file, false when it fills an empty one or edits the up file. */
  creates: boolean;
}

export interface DownEditInput {
  upPath: string;
  upText: string;
  host: FileHost;
  /** The server's workspace (the schema before the up, already computed). */
  workspace?: Workspace;
  /** Version of the document at a path when it is open in the editor. */
  openVersion(filePath: string): number | undefined;
  /** Whether the client can create files through a WorkspaceEdit. */
  canCreateFiles: boolean;
  /** The configured convention; detected from the directory when absent. */
  convention?: Convention;
  /** The project's options: the generated down is checked with them. */
  options?: EngineOptions;
}

/** The edit, or undefined when the file is not an up migration or its down already has content. */
export function generateDownEdit(input: DownEditInput): DownEdit | undefined {
  const result = planDown({
    upPath: input.upPath,
    upText: input.upText,
    host: input.host,
    useSchema: true,
    ...(input.workspace ? { workspace: input.workspace } : {}),
    ...(input.convention ? { convention: input.convention } : {}),
    ...(input.options ? { options: input.options } : {}),
  });
  if (!result.ok) return undefined;
  const plan = result.plan;

  if (plan.kind === 'section') {
    const lines = new LineIndex(input.upText);
    const uri = pathToUri(plan.filePath);
    const edit: TextDocumentEdit = {
      textDocument: { uri, version: input.openVersion(plan.filePath) ?? null },
      edits: [{ range: { start: lines.positionAt(plan.offset), end: lines.positionAt(plan.end) }, newText: plan.newText }],
    };
    return { downPath: plan.filePath, downUri: uri, creates: false, edit: { documentChanges: [edit] } };
  }

  const downUri = pathToUri(plan.downPath);
  const exists = plan.existing !== undefined || input.host.exists(plan.downPath);
  if (!exists) {
    if (!input.canCreateFiles) return undefined;
    const create: CreateFile = { kind: 'create', uri: downUri, options: { overwrite: false, ignoreIfExists: false } };
    const fill: TextDocumentEdit = {
      textDocument: { uri: downUri, version: null },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: plan.text }],
    };
    return { downPath: plan.downPath, downUri, creates: true, edit: { documentChanges: [create, fill] } };
  }
  // Empty or whitespace only: replace the whitespace with the generated text.
  const whitespace = plan.existing ?? '';
  const end = new LineIndex(whitespace).positionAt(whitespace.length);
  const fill: TextDocumentEdit = {
    textDocument: { uri: downUri, version: input.openVersion(plan.downPath) ?? null },
    edits: [{ range: { start: { line: 0, character: 0 }, end }, newText: plan.text }],
  };
  return { downPath: plan.downPath, downUri, creates: false, edit: { documentChanges: [fill] } };
}
