/**
 * "Generate down migration": the down file's text from the up file's statements, as a WorkspaceEdit
 * that creates the down file beside the up (never overwriting), or fills an existing down file
 * that is empty or whitespace only. A down file with content is never touched.
 */
import * as path from 'node:path';
import type { CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { FileHost } from '../../engine/host';
import { generateDownSql } from '../../engine/inverse/index';
import { golangMigrate } from '../../engine/migrations/golang-migrate';
import { parseSql } from '../../engine/parsing/parser';
import { LineIndex, eolOf } from '../../engine/text';
import { pathToUri } from '../uri';

export interface DownEdit {
  downPath: string;
  downUri: string;
  edit: WorkspaceEdit;
  /** True when the edit creates the file, false when it fills an empty one. */
  creates: boolean;
}

export interface DownEditInput {
  upPath: string;
  upText: string;
  host: FileHost;
  /** Version of the document at a path when it is open in the editor. */
  openVersion(filePath: string): number | undefined;
  /** Whether the client can create files through a WorkspaceEdit. */
  canCreateFiles: boolean;
}

/** The edit, or undefined when the up is not an up migration or the down already has content. */
export function generateDownEdit(input: DownEditInput): DownEdit | undefined {
  const up = golangMigrate.parse(input.upPath);
  if (!up || up.direction !== 'up') return undefined;
  const downPath = golangMigrate.counterpartPath(up);
  const downUri = pathToUri(downPath);
  const existing = input.host.readFile(downPath);
  const exists = existing !== undefined || input.host.exists(downPath);
  if (exists && (existing === undefined || existing.trim() !== '')) return undefined;
  if (!exists && !input.canCreateFiles) return undefined;

  const options = { eol: eolOf(input.upText), upFileName: path.basename(input.upPath) };
  const sql = generateDownSql(parseSql(input.upText), options);

  if (!exists) {
    const create: CreateFile = { kind: 'create', uri: downUri, options: { overwrite: false, ignoreIfExists: false } };
    const fill: TextDocumentEdit = {
      textDocument: { uri: downUri, version: null },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: sql }],
    };
    return { downPath, downUri, creates: true, edit: { documentChanges: [create, fill] } };
  }
  // Empty or whitespace only: replace the whitespace with the generated text.
  const whitespace = existing ?? '';
  const end = new LineIndex(whitespace).positionAt(whitespace.length);
  const fill: TextDocumentEdit = {
    textDocument: { uri: downUri, version: input.openVersion(downPath) ?? null },
    edits: [{ range: { start: { line: 0, character: 0 }, end }, newText: sql }],
  };
  return { downPath, downUri, creates: false, edit: { documentChanges: [fill] } };
}
