/**
 * Where a verify finding goes: the statement of a step that is about a table or a column, read
 * from the statements' ASTs (`ALTER TABLE accounts ADD COLUMN first_name ...` re-creates
 * `accounts.first_name`), with the step's first statement as the last resort.
 */
import type { Node } from '@pgsql/types';
import { parseSql, type Statement } from '../parsing/parser';
import type { Span } from '../text';
import type { Step } from './plan';

export interface Located {
  file: string;
  span: Span;
}

/** What a statement does to which relations and columns (names unquoted, lower-cased as PostgreSQL folds them). */
interface Touch {
  /** `schema.name` or `name`. */
  relations: string[];
  /** Columns (re)created: ADD COLUMN, CREATE TABLE. */
  creates: string[];
  /** Columns assigned or altered: UPDATE ... SET, ALTER COLUMN, RENAME. */
  writes: string[];
  /** Rows removed or the relation dropped / re-created: DELETE, TRUNCATE, DROP TABLE, CREATE TABLE. */
  rows: boolean;
}

const rv = (r: { schemaname?: string; relname?: string } | undefined): string[] =>
  r?.relname ? (r.schemaname ? [`${r.schemaname}.${r.relname}`] : [r.relname]) : [];

function touchOf(ast: Node | undefined): Touch {
  const t: Touch = { relations: [], creates: [], writes: [], rows: false };
  if (!ast) return t;
  if ('AlterTableStmt' in ast) {
    const a = ast.AlterTableStmt;
    t.relations.push(...rv(a.relation));
    for (const c of a.cmds ?? []) {
      if (!('AlterTableCmd' in c)) continue;
      const cmd = c.AlterTableCmd;
      const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
      if (cmd.subtype === 'AT_AddColumn' && def?.colname) t.creates.push(def.colname);
      else if (cmd.name) t.writes.push(cmd.name);
    }
  } else if ('CreateStmt' in ast) {
    const c = ast.CreateStmt;
    t.relations.push(...rv(c.relation));
    for (const e of c.tableElts ?? []) if ('ColumnDef' in e && e.ColumnDef.colname) t.creates.push(e.ColumnDef.colname);
    t.rows = true;
  } else if ('CreateTableAsStmt' in ast) {
    t.relations.push(...rv(ast.CreateTableAsStmt.into?.rel));
    t.rows = true;
  } else if ('RenameStmt' in ast) {
    const r = ast.RenameStmt;
    t.relations.push(...rv(r.relation));
    if (r.subname) t.writes.push(r.subname);
    if (r.newname) t.writes.push(r.newname);
  } else if ('UpdateStmt' in ast) {
    const u = ast.UpdateStmt;
    t.relations.push(...rv(u.relation));
    for (const x of u.targetList ?? []) if ('ResTarget' in x && x.ResTarget.name) t.writes.push(x.ResTarget.name);
  } else if ('InsertStmt' in ast) {
    const i = ast.InsertStmt;
    t.relations.push(...rv(i.relation));
    for (const x of i.cols ?? []) if ('ResTarget' in x && x.ResTarget.name) t.writes.push(x.ResTarget.name);
  } else if ('DeleteStmt' in ast) {
    t.relations.push(...rv(ast.DeleteStmt.relation));
    t.rows = true;
  } else if ('TruncateStmt' in ast) {
    for (const r of ast.TruncateStmt.relations ?? []) if ('RangeVar' in r) t.relations.push(...rv(r.RangeVar));
    t.rows = true;
  } else if ('DropStmt' in ast) {
    const d = ast.DropStmt;
    if (d.removeType === 'OBJECT_TABLE') {
      for (const o of d.objects ?? []) {
        const items = 'List' in o ? (o.List.items ?? []) : [o];
        const names = items.flatMap((n) => ('String' in n ? [n.String.sval ?? ''] : []));
        if (names.length > 0) t.relations.push(names.slice(-2).join('.'));
      }
      t.rows = true;
    }
  }
  return t;
}

/** `public.users` / `"Users"` → `users`, `Users` (the bare relation name as the catalog has it). */
function bare(name: string): { schema?: string; name: string } {
  const parts: string[] = [];
  const re = /"((?:[^"]|"")*)"|([^.]+)/g;
  for (let m = re.exec(name); m; m = re.exec(name)) parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
  const last = parts.pop() ?? name;
  return parts.length > 0 ? { schema: parts[parts.length - 1]!, name: last } : { name: last };
}

const sameRelation = (astName: string, table: string): boolean => {
  const a = bare(astName);
  const b = bare(table);
  return a.name === b.name && (a.schema === undefined || b.schema === undefined || a.schema === b.schema);
};

const unquote = (column: string): string => bare(column).name;

interface StepStatements {
  step: Step;
  statements: Statement[];
}

const parsedSteps = new WeakMap<Step, Statement[]>();

function statementsOf(step: Step): Statement[] {
  let s = parsedSteps.get(step);
  if (!s) parsedSteps.set(step, (s = parseSql(step.sql).statements));
  return s;
}

function all(steps: readonly Step[]): StepStatements[] {
  return steps.map((step) => ({ step, statements: statementsOf(step) }));
}

function firstStatement(steps: readonly Step[]): Located {
  for (const { step, statements } of all(steps)) if (statements[0]) return { file: step.file.path, span: statements[0].span };
  const step = steps[0];
  return step ? { file: step.file.path, span: { start: step.span.start, end: step.span.start } } : { file: '', span: { start: 0, end: 0 } };
}

function find(steps: readonly Step[], test: (t: Touch, s: Statement) => boolean): Located | undefined {
  for (const { step, statements } of all(steps)) {
    for (const s of statements) if (test(touchOf(s.ast), s)) return { file: step.file.path, span: s.span };
  }
  return undefined;
}

/**
 * The statement about a column's values: the one that re-creates the column (ADD COLUMN, CREATE
 * TABLE), else one that writes it (UPDATE ... SET, ALTER COLUMN), else one naming its table, else
 * the first statement.
 */
export function locateColumn(steps: readonly Step[], table: string, column: string): Located {
  const col = unquote(column);
  const onTable = (t: Touch): boolean => t.relations.some((r) => sameRelation(r, table));
  return (
    find(steps, (t) => onTable(t) && t.creates.includes(col)) ??
    find(steps, (t) => onTable(t) && t.writes.includes(col)) ??
    find(steps, onTable) ??
    firstStatement(steps)
  );
}

/** The statement about a table's rows: one that removes or re-creates them, else one naming the table, else the first. */
export function locateRows(steps: readonly Step[], table: string): Located {
  const onTable = (t: Touch): boolean => t.relations.some((r) => sameRelation(r, table));
  return find(steps, (t) => onTable(t) && t.rows) ?? find(steps, onTable) ?? firstStatement(steps);
}

const ASCII = /^[\x00-\x7f]*$/;

/** The first statement whose text names one of `words` (identifiers, quoted or not), else the first statement. */
export function locateWords(steps: readonly Step[], words: readonly string[]): Located {
  for (const word of words) {
    if (!word) continue;
    const re = new RegExp(`(^|[^\\p{L}\\p{N}_$])"?${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^\\p{L}\\p{N}_$])`, 'iu');
    // A text that does not hold the word at all cannot match: when both are ASCII (no Unicode case
    // folding to ASCII letters), a plain search says so first, without the (costly) Unicode pattern.
    const lower = ASCII.test(word) ? word.toLowerCase() : undefined;
    for (const { step, statements } of all(steps)) {
      for (const s of statements) {
        if (lower !== undefined && ASCII.test(s.text) && !s.text.toLowerCase().includes(lower)) continue;
        if (re.test(s.text)) return { file: step.file.path, span: s.span };
      }
    }
  }
  return firstStatement(steps);
}

/** The relations a step's statements name (for "Show data change": the tables a migration touches). */
export function relationsNamed(steps: readonly Step[]): string[] {
  const out = new Set<string>();
  for (const { statements } of all(steps)) for (const s of statements) for (const r of touchOf(s.ast).relations) out.add(r);
  return [...out];
}

/** Whether a table name (`public.users`) is one of the AST names (`users`, `public.users`). */
export function namesTable(names: readonly string[], table: string): boolean {
  return names.some((n) => sameRelation(n, table));
}
