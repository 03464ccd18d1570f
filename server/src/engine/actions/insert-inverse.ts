/**
 * "Add inverse to <down file>" (missing-inverse): the inverse of one up statement, and where it goes
 * in the down so that the down stays in reverse order — before the first down statement that
 * undoes an earlier up statement, else after the last statement. A pure plan; the server turns it
 * into a WorkspaceEdit of the down file (or of the down section of a single-file migration).
 */
import type { FileHost } from '../host';
import { renderPart } from '../inverse/index';
import { stepParts } from '../inverse/types';
import type { Convention } from '../migrations/convention';
import { conventionFor } from '../migrations/detect';
import type { MigrationPair, PairFacts } from '../project/pair';
import { workspaceFor, type Workspace } from '../project/workspace';
import { eolOf } from '../text';

export interface InverseInsertion {
  /** The file to edit (the down file, or the single file holding both sections). */
  downPath: string;
  /** UTF-16 offset in that file's current text. */
  offset: number;
  text: string;
}

export type InsertionResult = { ok: true; insertion: InverseInsertion } | { ok: false; message: string };

export interface InsertionInput {
  /** The up file (or the single file). */
  filePath: string;
  text: string;
  host: FileHost;
  /** The workspace whose facts to use (the server's); a new one over `host` when absent. */
  workspace?: Workspace;
  convention?: Convention;
  /** The up statement's index in its file. */
  statementIndex: number;
}

export function planInverseInsertion(input: InsertionInput): InsertionResult {
  const ws = workspaceFor(input.host, input.workspace, input.filePath, input.text);
  const convention = conventionFor(input.filePath, ws.host, input.convention);
  const facts = pairFactsOf(ws, input.filePath, convention);
  const pair = facts?.pair;
  if (!facts || !pair || pair.up.text === undefined) return { ok: false, message: 'the file is not an up migration' };
  const downText = pair.down.text;
  if (downText === undefined) return { ok: false, message: 'the migration has no down to add to' };
  const stmt = pair.up.parsed.statements.find((s) => s.index === input.statementIndex);
  if (!stmt) return { ok: false, message: 'the statement is no longer there' };
  const step = facts.inverseOf(input.statementIndex);
  const parts = step ? stepParts(step) : [];
  if (!parts.some((p) => 'sql' in p)) {
    const why = parts.find((p): p is { irreversible: string } => 'irreversible' in p)?.irreversible;
    return { ok: false, message: why ? `no inverse can be generated: ${why}` : 'the statement needs no inverse' };
  }
  const eol = eolOf(downText);
  let block = parts.map((p) => renderPart(p, eol)).join(eol);
  if (pair.single && convention.formatSectionSql) block = convention.formatSectionSql(block, eol).replace(/(\r?\n)+$/, '');

  const consistency = facts.lenientConsistency();
  return { ok: true, insertion: { downPath: pair.down.path, ...placeInDown(pair, consistency?.undoes, input.statementIndex, block, eol) } };
}

/** The facts of the pair a file belongs to, or undefined when it is none (or the model fails). */
export function pairFactsOf(ws: Workspace, filePath: string, convention: Convention): PairFacts | undefined {
  try {
    return ws.folderOf(filePath, convention).pairOf(filePath);
  } catch {
    return undefined;
  }
}

/**
 * Where a block of SQL undoing up statement `index` goes in the down (which must exist): before the
 * first down statement that undoes an earlier up statement, else after the last statement, else
 * at the end of the (empty) down.
 */
export function placeInDown(pair: MigrationPair, undoes: ReadonlyMap<number, number> | undefined, index: number, block: string, eol: string): { offset: number; text: string } {
  const downText = pair.down.text ?? '';
  const down = pair.down.parsed.statements;
  const next = down.find((_, j) => (undoes?.get(j) ?? Infinity) < index);
  if (next) return { offset: lineStart(downText, next.span.start), text: `${block}${eol}${eol}` };
  const last = down[down.length - 1];
  if (last) return { offset: lineEnd(downText, last.span.end), text: `${eol}${eol}${block}` };
  const end = pair.down.span?.end ?? downText.length;
  const lead = end > 0 && downText[end - 1] !== '\n' ? eol : '';
  return { offset: end, text: `${lead}${block}${eol}` };
}

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The end of the line holding `offset` (before its line break). */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  let end = nl < 0 ? text.length : nl;
  if (end > 0 && text[end - 1] === '\r') end--;
  return end;
}
