/**
 * "Move to a new migration of its own": a statement that cannot run inside a transaction block
 * (see rules/transaction-statements.ts) moves out of its up file into a new migration pair with the
 * directory's next version. The new up holds only that statement; the new down holds its inverse
 * (generateDownSql). When the current file's down holds the inverse of the moved statement, it moves
 * too. Pure: it reads files through the host and returns what to create and edit; a front end
 * (the language server) applies it, creating files without overwriting any.
 */
import * as path from 'node:path';
import type { FileHost } from '../host';
import { invertStatement, generateDownSql, stepParts } from '../inverse';
import { tokenize } from '../parsing/lexer';
import { parseSql, type Node, type ParsedFile, type Statement } from '../parsing/parser';
import { statementRemovalSpan } from '../rules/statement-edits';
import type { TextEdit } from '../rules/types';
import { eolOf } from '../text';
import { compareVersions, type Convention } from '../migrations/convention';
import { nextVersion, readMigrationDirectory } from '../migrations/directory';
import { golangMigrate, slugifyTitle } from '../migrations/golang-migrate';

export interface MoveInput {
  /** The up file the statement is in. */
  filePath: string;
  /** Its current text (the editor's, which may be unsaved). */
  text: string;
  host: FileHost;
  statementIndex: number;
  convention?: Convention;
  /** For timestamp versions; the current time by default. */
  now?: Date;
}

export interface NewFile {
  path: string;
  fileName: string;
  text: string;
}

export interface MovePlan {
  ok: true;
  version: string;
  newUp: NewFile;
  newDown: NewFile;
  /** Removes the statement (and its `;`) from the current file. */
  editOfCurrentFile: TextEdit[];
  /** Removes the moved statement's inverse from the current file's down, when that down has it. */
  counterpart?: { path: string; fileName: string; edits: TextEdit[] };
  /** What the user should know: statements after the moved one now run before it, for instance. */
  notes: string[];
}

export type MoveResult = MovePlan | { ok: false; message: string };

const MAX_TITLE_WORDS = 4;
const MAX_TITLE_LENGTH = 60;
/** Words that say nothing about what the statement does. */
const FILLER = new Set(['IF', 'NOT', 'EXISTS', 'ON', 'ONLY']);

/** A title for the new migration from the statement's first words: `create_index_concurrently_users_email_idx`. */
export function titleForStatement(stmt: Statement): string {
  const words: string[] = [];
  for (const t of tokenize(stmt.text)) {
    if (t.kind === 'word' && !FILLER.has(t.value)) words.push(t.value.toLowerCase());
    else if (t.kind === 'quoted-ident') words.push(t.value);
    if (words.length >= MAX_TITLE_WORDS) break;
  }
  const title = slugifyTitle(words.join(' ')).slice(0, MAX_TITLE_LENGTH).replace(/_+$/, '');
  return title === '' ? 'statement' : title;
}

export function planMoveToOwnMigration(input: MoveInput): MoveResult {
  const convention = input.convention ?? golangMigrate;
  const filePath = path.resolve(input.filePath);
  const migration = convention.parse(filePath);
  if (!migration) return { ok: false, message: `${path.basename(filePath)} is not a ${convention.displayName} migration file.` };
  if (migration.direction !== 'up') return { ok: false, message: 'Only a statement of an up migration can move to a migration of its own.' };
  const parsed = parseSql(input.text);
  const stmt = parsed.statements[input.statementIndex];
  if (!stmt) return { ok: false, message: `The file has no statement ${input.statementIndex + 1}; it changed since it was checked.` };
  if (!stmt.ast) return { ok: false, message: 'The statement does not parse; fix it first.' };
  if (parsed.statements.length < 2) return { ok: false, message: 'The statement is already alone in its file.' };

  const directory = readMigrationDirectory(migration.dir, input.host, convention);
  const version = nextVersion(directory, input.now);
  const names = convention.pairFileNames(version, titleForStatement(stmt));
  const upPath = path.join(migration.dir, names.up);
  const downPath = path.join(migration.dir, names.down);
  for (const p of [upPath, downPath]) {
    if (input.host.exists(p)) return { ok: false, message: `${path.basename(p)} already exists; nothing was moved.` };
  }

  const eol = eolOf(input.text);
  const statementText = parsed.text.slice(stmt.span.start, stmt.span.end).replace(/\r\n?|\n/g, eol);
  const upText = `-- Moved from ${migration.fileName}: it cannot run inside the transaction ${convention.displayName} wraps a file of several statements in.${eol}${statementText};${eol}`;
  const downText = generateDownSql(parseSql(upText), { eol, upFileName: names.up });

  const notes: string[] = [];
  const later = parsed.statements.filter((s) => s.index > stmt.index).length;
  if (later > 0) {
    notes.push(
      `${later} statement${later === 1 ? '' : 's'} after it in ${migration.fileName} now run${later === 1 ? 's' : ''} before it; check that none of them needs it.`,
    );
  }
  const newer = directory.migrations.filter((m) => m.direction === 'up' && compareVersions(m, migration) > 0);
  if (newer.length > 0) notes.push(`It now runs after ${newer.length} newer migration${newer.length === 1 ? '' : 's'} of the directory as well.`);

  const plan: MovePlan = {
    ok: true,
    version,
    newUp: { path: upPath, fileName: names.up, text: upText },
    newDown: { path: downPath, fileName: names.down, text: downText },
    editOfCurrentFile: [{ span: statementRemovalSpan(parsed, stmt), newText: '' }],
    notes,
  };
  const counterpart = counterpartEdit(convention.counterpartPath(migration), input.host, stmt);
  if (counterpart) plan.counterpart = counterpart;
  return plan;
}

/** The edit removing the moved statement's inverse from the current down file, when it is there. */
function counterpartEdit(downPath: string, host: FileHost, moved: Statement): MovePlan['counterpart'] {
  const text = host.readFile(downPath);
  if (text === undefined) return undefined;
  const inverses: Node[] = [];
  for (const part of stepParts(invertStatement(moved))) {
    if (!('sql' in part)) continue;
    for (const s of parseSql(part.sql).statements) if (s.ast) inverses.push(s.ast);
  }
  if (inverses.length === 0) return undefined;
  const down: ParsedFile = parseSql(text);
  const matches = down.statements.filter((s) => s.ast && inverses.some((inv) => sameEffect(s.ast!, inv)));
  if (matches.length !== 1) return undefined; // none, or ambiguous: leave the down to the user
  const match = matches[0]!;
  return { path: downPath, fileName: path.basename(downPath), edits: [{ span: statementRemovalSpan(down, match), newText: '' }] };
}

/**
 * Whether two statements undo the same thing: drops of the same kind of object with the same names
 * (whatever IF EXISTS, CONCURRENTLY or CASCADE say), otherwise the same AST without locations.
 */
export function sameEffect(a: Node, b: Node): boolean {
  if ('DropStmt' in a && 'DropStmt' in b) {
    const names = (n: typeof a.DropStmt): string => JSON.stringify(strip(n.objects ?? []));
    return a.DropStmt.removeType === b.DropStmt.removeType && names(a.DropStmt) === names(b.DropStmt);
  }
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'location' && k !== 'stmt_location' && k !== 'stmt_len') out[k] = strip(v);
    return out;
  }
  return value;
}
