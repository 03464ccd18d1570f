/**
 * constraint-missing-not-valid's "Add ... as NOT VALID and validate it in a new migration": the
 * constraints of the statement become NOT VALID here, and the next migration pair of the directory
 * validates them (its down has nothing to undo). One WorkspaceEdit, files created without overwriting.
 */
import * as path from 'node:path';
import type { CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { FileHost } from '../../engine/host';
import type { Convention } from '../../engine/migrations/convention';
import { planNewMigration } from '../../engine/actions/new-migration';
import { parseSql } from '../../engine/parsing/parser';
import { unvalidatedConstraints, validateSql } from '../../engine/rules/all/constraint-missing-not-valid';
import { eolOf, LineIndex } from '../../engine/text';
import { pathToUri } from '../uri';

export function validateLaterEdit(input: {
  filePath: string;
  text: string;
  host: FileHost;
  statementIndex: number;
  convention?: Convention;
  openVersion(filePath: string): number | undefined;
  now?: Date;
}): { edit: WorkspaceEdit; newUpUri: string } | { error: string } {
  const parsed = parseSql(input.text);
  const stmt = parsed.statements[input.statementIndex];
  const found = stmt ? unvalidatedConstraints(stmt).filter((c) => c.notValid) : [];
  if (!stmt || found.length === 0) return { error: 'The statement changed since it was checked; nothing to validate.' };
  const eol = eolOf(input.text);
  const names = found.map((c) => c.name);
  const plan = planNewMigration({
    filePath: input.filePath,
    host: input.host,
    ...(input.convention ? { convention: input.convention } : {}),
    slug: `validate_${names.join('_')}`.slice(0, 60).replace(/_+$/, ''),
    upSql: [
      `-- Validates what ${path.basename(input.filePath)} added NOT VALID: the scan takes a SHARE UPDATE EXCLUSIVE lock, so reads and writes go on.`,
      ...found.map((c) => validateSql(c.table, c.name)),
    ].join(eol),
    downSql: `-- Nothing to undo: VALIDATE CONSTRAINT only checks the existing rows. The constraint itself is dropped by the down of ${path.basename(input.filePath)}.`,
    eol,
    ...(input.now ? { now: input.now } : {}),
  });
  if (!plan.ok) return { error: plan.message };
  const lines = new LineIndex(input.text);
  const changes: (CreateFile | TextDocumentEdit)[] = [
    {
      textDocument: { uri: pathToUri(input.filePath), version: input.openVersion(input.filePath) ?? null },
      edits: found.flatMap((c) => c.notValid ?? []).map((e) => ({ range: lines.rangeOf(e.span), newText: e.newText })),
    },
  ];
  for (const file of [plan.up, plan.down]) {
    const uri = pathToUri(file.path);
    changes.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
    changes.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.text }] });
  }
  return { edit: { documentChanges: changes }, newUpUri: pathToUri(plan.up.path) };
}
