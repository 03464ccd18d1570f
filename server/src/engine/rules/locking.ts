/**
 * Shared knowledge of the "locks and rewrites" rules (rules/all/locking-rules.ts): which relations
 * a file creates before a statement (a table created in the same migration is empty, so locking or
 * rewriting it costs nothing), which statements take an ACCESS EXCLUSIVE lock, which default
 * expressions are volatile, and the text edits their fixes share.
 *
 * Lock levels here were observed in PostgreSQL 18 through `pg_locks` (see the docs pages).
 */
import type { AlterTableCmd, AlterTableStmt, Node, RangeVar, TypeName } from '@pgsql/types';
import { quoteIdent, relationName, stringList } from '../parsing/ast';
import { tokenize, tokensOf, type Token } from '../parsing/lexer';
import { commandSpan } from '../parsing/clauses';
import type { ParsedFile, Statement } from '../parsing/parser';
import { makeObjectName, type SchemaModel } from '../schema';
import { nameAddition } from '../schema/names';
import { eolOf, type Span } from '../text';
import { DATA_FLOWS, tableFlow, type TableFlow } from './flow';
import type { RuleContext, TextEdit } from './types';

/** `schema.name`, unqualified names in `public` (the usual search_path). */
export function relKey(rel: RangeVar | undefined): string {
  return `${rel?.schemaname ?? 'public'}.${rel?.relname ?? ''}`;
}

/** A relation key from a dotted name list (`DROP INDEX s.i`). */
export function nameListKey(names: string[]): string {
  const name = names[names.length - 1] ?? '';
  const schema = names.length >= 2 ? names[names.length - 2]! : 'public';
  return `${schema}.${name}`;
}

export interface FileObjects {
  /**
   * Relation key → index of the statement that created it: tables, materialized views, views
   * (`CREATE VIEW` without `OR REPLACE`, which may replace one in use) and sequences. Nobody else
   * uses them yet, so statements on them are no lock risk.
   */
  tables: Map<string, number>;
  /** Index key → index of the statement that created it. */
  indexes: Map<string, number>;
}

const objectsCache = new WeakMap<ParsedFile, FileObjects>();
const RELATION_RENAMES = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE']);

/** The tables and indexes a file creates, with the statement that creates each. */
export function fileObjects(parsed: ParsedFile): FileObjects {
  const cached = objectsCache.get(parsed);
  if (cached) return cached;
  const out: FileObjects = { tables: new Map(), indexes: new Map() };
  const add = (m: Map<string, number>, key: string, i: number): void => {
    if (!m.has(key)) m.set(key, i);
  };
  for (const stmt of parsed.statements) {
    const ast = stmt.ast;
    if (!ast) continue;
    const i = stmt.index;
    if ('CreateStmt' in ast) add(out.tables, relKey(ast.CreateStmt.relation), i);
    else if ('CreateTableAsStmt' in ast) add(out.tables, relKey(ast.CreateTableAsStmt.into?.rel), i);
    else if ('SelectStmt' in ast && ast.SelectStmt.intoClause?.rel) add(out.tables, relKey(ast.SelectStmt.intoClause.rel), i);
    else if ('ViewStmt' in ast && !ast.ViewStmt.replace) add(out.tables, relKey(ast.ViewStmt.view), i);
    else if ('CreateSeqStmt' in ast && !ast.CreateSeqStmt.if_not_exists) add(out.tables, relKey(ast.CreateSeqStmt.sequence), i);
    else if ('IndexStmt' in ast && ast.IndexStmt.idxname) {
      add(out.indexes, `${ast.IndexStmt.relation?.schemaname ?? 'public'}.${ast.IndexStmt.idxname}`, i);
    } else if ('RenameStmt' in ast && RELATION_RENAMES.has(ast.RenameStmt.renameType ?? '') && ast.RenameStmt.newname) {
      // A relation created here and renamed is still new under its new name.
      const rel = ast.RenameStmt.relation;
      if (out.tables.has(relKey(rel))) add(out.tables, `${rel?.schemaname ?? 'public'}.${ast.RenameStmt.newname}`, i);
    }
  }
  objectsCache.set(parsed, out);
  return out;
}

/** Whether a statement earlier in the same file created this table (so it is empty and unused). */
export function isNewTable(parsed: ParsedFile, stmt: Statement, rel: RangeVar | undefined): boolean {
  const at = fileObjects(parsed).tables.get(relKey(rel));
  return at !== undefined && at < stmt.index;
}

/**
 * Whether a table is no lock or data risk at a statement: created earlier in the file, or what
 * `tableFlow` says (temporary, emptied earlier in the transaction, dropped later; `allow` narrows it).
 */
export function isQuietTable(ctx: RuleContext, stmt: Statement, rel: RangeVar | undefined, allow: readonly TableFlow[] = DATA_FLOWS): boolean {
  return isNewTable(ctx.parsed, stmt, rel) || tableFlow(ctx, stmt, rel, allow) !== undefined;
}

/** Whether a statement earlier in the same file created this index. */
export function isNewIndex(parsed: ParsedFile, stmt: Statement, key: string): boolean {
  const at = fileObjects(parsed).indexes.get(key);
  return at !== undefined && at < stmt.index;
}

/** The statement's tokens with file offsets. */
export function statementTokens(stmt: Statement): Token[] {
  return tokensOf(stmt.text).map((t) => ({ ...t, start: t.start + stmt.span.start, end: t.end + stmt.span.start }));
}

/** The first top-level word token (outside parentheses) among `words`, or undefined. */
export function firstTopLevelWord(tokens: Token[], words: readonly string[], from = 0): Token | undefined {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && (t.value === '(' || t.value === '[')) depth++;
    else if (t.kind === 'punct' && (t.value === ')' || t.value === ']')) depth = Math.max(0, depth - 1);
    else if (depth === 0 && t.kind === 'word' && words.includes(t.value)) return t;
  }
  return undefined;
}

/** Inserts ` CONCURRENTLY` after the first top-level keyword among `after` (e.g. `INDEX`). */
export function insertConcurrently(stmt: Statement, after: readonly string[]): TextEdit | undefined {
  const t = firstTopLevelWord(statementTokens(stmt), after);
  return t ? { span: { start: t.end, end: t.end }, newText: ' CONCURRENTLY' } : undefined;
}

/** Whether the file holds any statement besides this one (CONCURRENTLY then needs a migration of its own). */
export function hasOtherStatements(parsed: ParsedFile, stmt: Statement): boolean {
  return parsed.statements.some((s) => s !== stmt);
}

/** Whitespace before the statement on its first line, or undefined when other text precedes it there. */
function lineIndent(parsed: ParsedFile, offset: number): { lineStart: number; indent: string } | undefined {
  const line = parsed.lines.positionAt(offset).line;
  const lineStart = parsed.lines.lineStart(line);
  const before = parsed.text.slice(lineStart, offset);
  return /^[ \t]*$/.test(before) ? { lineStart, indent: before } : undefined;
}

/**
 * Where to insert statements that must run before `stmt`: above the comment lines directly above it
 * (a suppression comment or a note belongs to the statement, not to what is inserted), at the
 * statement's indentation. Each entry of `sql` becomes one line.
 */
export function insertBefore(parsed: ParsedFile, stmt: Statement, sql: string[]): TextEdit {
  const eol = eolOf(parsed.text);
  const at = lineIndent(parsed, stmt.span.start);
  if (!at) return { span: { start: stmt.span.start, end: stmt.span.start }, newText: `${sql.join(' ')} ` };
  let start = at.lineStart;
  let line = parsed.lines.positionAt(start).line;
  // Walk up over lines that hold only a comment (no blank line in between).
  while (line > 0) {
    const prevStart = parsed.lines.lineStart(line - 1);
    const prevEnd = parsed.lines.lineEnd(line - 1);
    const text = parsed.text.slice(prevStart, prevEnd);
    const first = prevStart + (text.length - text.trimStart().length);
    if (text.trim() === '') break;
    const comment = parsed.comments.find((c) => c.span.start === first);
    if (!comment || comment.span.end < prevEnd) break;
    if (parsed.statements.some((s) => s.span.start < prevEnd && s.span.end > prevStart)) break;
    start = prevStart;
    line--;
  }
  return { span: { start, end: start }, newText: sql.map((s) => `${at.indent}${s}${eol}`).join('') };
}

/** The end of the statement including its `;`, and whether the `;` is there. */
export function statementEnd(parsed: ParsedFile, stmt: Statement): { end: number; semicolon: boolean } {
  const next = parsed.statements[stmt.index + 1]?.span.start ?? parsed.text.length;
  const t = tokenize(parsed.text, stmt.span.end, next)[0];
  return t?.value === ';' ? { end: t.end, semicolon: true } : { end: stmt.span.end, semicolon: false };
}

/** Inserts lines after the statement's `;` (adding the `;` when it is missing), at its indentation. */
export function insertAfter(parsed: ParsedFile, stmt: Statement, lines: string[]): TextEdit {
  const eol = eolOf(parsed.text);
  const { end, semicolon } = statementEnd(parsed, stmt);
  const indent = lineIndent(parsed, stmt.span.start)?.indent ?? '';
  return { span: { start: end, end }, newText: `${semicolon ? '' : ';'}${lines.map((l) => `${eol}${indent}${l}`).join('')}` };
}

/**
 * Joins insertions at the same offset into one edit, in the order given, so that every consumer
 * (an editor, the CLI, the tests) inserts them in that order.
 */
export function mergeInserts(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = e.span.start === e.span.end ? out.find((o) => o.span.start === e.span.start && o.span.end === e.span.end) : undefined;
    if (same) same.newText += e.newText;
    else out.push({ span: { ...e.span }, newText: e.newText });
  }
  return out;
}

/**
 * The name PostgreSQL gives an unnamed constraint (`<table>_<columns>_<label>`, the longer part
 * truncated to fit 63 bytes), which the fixes write explicitly.
 */
export function constraintName(table: string, columns: readonly string[], label: string): string {
  return makeObjectName(table, columns.length > 0 ? nameAddition(columns) : undefined, label);
}

// ---------------------------------------------------------------------------------------------
// Locks

/** ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (observed in PostgreSQL 18). */
const WEAKER_ALTER: ReadonlySet<string> = new Set([
  'AT_ValidateConstraint', // SHARE UPDATE EXCLUSIVE
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_EnableTrig', // SHARE ROW EXCLUSIVE
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
]);

function alterCmdTakesAccessExclusive(cmd: AlterTableCmd): boolean {
  if (WEAKER_ALTER.has(cmd.subtype ?? '')) return false;
  const def = cmd.def;
  // ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables.
  if (cmd.subtype === 'AT_AddConstraint' && def && 'Constraint' in def && def.Constraint.contype === 'CONSTR_FOREIGN') return false;
  if (cmd.subtype === 'AT_DetachPartition' && def && 'PartitionCmd' in def && def.PartitionCmd.concurrent) return false;
  return true;
}

export interface ExclusiveLock {
  /** What the statement does, for messages: `ALTER TABLE`, `DROP INDEX`... */
  what: string;
  /** The locked relation as written. */
  relation: string;
}

/**
 * The ACCESS EXCLUSIVE lock a statement takes on a relation that existed before the file, or
 * undefined. Relations created earlier in the file are nobody else's yet.
 */
export function accessExclusiveLock(parsed: ParsedFile, stmt: Statement, postgresVersion: number): ExclusiveLock | undefined {
  const ast = stmt.ast;
  if (!ast) return undefined;
  const existing = (rel: RangeVar | undefined): boolean => !!rel?.relname && !isNewTable(parsed, stmt, rel);
  if ('AlterTableStmt' in ast) {
    const a = ast.AlterTableStmt;
    if (a.objtype !== 'OBJECT_TABLE' && a.objtype !== 'OBJECT_MATVIEW') return undefined;
    const cmds = (a.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : [])).filter(alterCmdTakesAccessExclusive);
    // From PostgreSQL 12, ATTACH PARTITION takes ACCESS EXCLUSIVE on the partition only.
    const attach = (c: AlterTableCmd): boolean => c.subtype === 'AT_AttachPartition' && postgresVersion >= 12;
    if (existing(a.relation) && cmds.some((c) => !attach(c))) return { what: 'ALTER TABLE', relation: relationName(a.relation) };
    const partitions = cmds
      .filter(attach)
      .flatMap((c) => (c.def && 'PartitionCmd' in c.def && c.def.PartitionCmd.name ? [c.def.PartitionCmd.name] : []))
      .filter(existing);
    return partitions.length > 0 ? { what: 'ATTACH PARTITION', relation: partitions.map(relationName).join(', ') } : undefined;
  }
  if ('RenameStmt' in ast) {
    const r = ast.RenameStmt;
    const onTable = r.renameType === 'OBJECT_TABLE' || r.renameType === 'OBJECT_COLUMN' || r.renameType === 'OBJECT_TABCONSTRAINT';
    // The parser leaves relationType unset (its zero value) for RENAME CONSTRAINT, which only exists on tables.
    const tableOnly = r.renameType === 'OBJECT_TABLE' || r.renameType === 'OBJECT_TABCONSTRAINT';
    if (!onTable || (r.relationType !== undefined && r.relationType !== 'OBJECT_TABLE' && !tableOnly)) return undefined;
    return existing(r.relation) ? { what: 'ALTER TABLE ... RENAME', relation: relationName(r.relation) } : undefined;
  }
  if ('DropStmt' in ast) {
    const d = ast.DropStmt;
    const names = (d.objects ?? []).map((o) => ('List' in o ? stringList(o.List.items) : []));
    if (d.removeType === 'OBJECT_TABLE') {
      const old = names.filter((n) => !isNewByNames(parsed, stmt, n));
      return old.length > 0 ? { what: 'DROP TABLE', relation: old.map((n) => n.map(quoteIdent).join('.')).join(', ') } : undefined;
    }
    if (d.removeType === 'OBJECT_INDEX' && !d.concurrent) {
      const old = names.filter((n) => !isNewIndex(parsed, stmt, nameListKey(n)));
      return old.length > 0 ? { what: 'DROP INDEX', relation: `the table of ${old.map((n) => n.map(quoteIdent).join('.')).join(', ')}` } : undefined;
    }
    if (d.removeType === 'OBJECT_TRIGGER') {
      const table = names[0]?.slice(0, -1) ?? [];
      return table.length > 0 && !isNewByNames(parsed, stmt, table) ? { what: 'DROP TRIGGER', relation: table.map(quoteIdent).join('.') } : undefined;
    }
    return undefined;
  }
  if ('TruncateStmt' in ast) {
    const rels = (ast.TruncateStmt.relations ?? []).flatMap((n) => ('RangeVar' in n ? [n.RangeVar] : [])).filter(existing);
    return rels.length > 0 ? { what: 'TRUNCATE', relation: rels.map(relationName).join(', ') } : undefined;
  }
  if ('VacuumStmt' in ast && ast.VacuumStmt.is_vacuumcmd && vacuumIsFull(ast.VacuumStmt.options)) {
    const rels = (ast.VacuumStmt.rels ?? []).flatMap((n) => ('VacuumRelation' in n && n.VacuumRelation.relation ? [n.VacuumRelation.relation] : []));
    if (rels.length === 0) return { what: 'VACUUM FULL', relation: 'every table' };
    const old = rels.filter(existing);
    return old.length > 0 ? { what: 'VACUUM FULL', relation: old.map(relationName).join(', ') } : undefined;
  }
  if ('ClusterStmt' in ast) {
    const rel = ast.ClusterStmt.relation;
    if (!rel) return { what: 'CLUSTER', relation: 'every clustered table' };
    return existing(rel) ? { what: 'CLUSTER', relation: relationName(rel) } : undefined;
  }
  if ('LockStmt' in ast && (ast.LockStmt.mode ?? 8) === 8) {
    const rels = (ast.LockStmt.relations ?? []).flatMap((n) => ('RangeVar' in n ? [n.RangeVar] : [])).filter(existing);
    return rels.length > 0 ? { what: 'LOCK TABLE', relation: rels.map(relationName).join(', ') } : undefined;
  }
  if ('ReindexStmt' in ast) {
    // ACCESS EXCLUSIVE on each index; the planner locks every index of a table, so reads wait too.
    const r = ast.ReindexStmt;
    const concurrent = (r.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently' && !isFalse(p.DefElem.arg));
    if (concurrent) return undefined;
    if (r.kind === 'REINDEX_OBJECT_INDEX') {
      return r.relation && !isNewIndex(parsed, stmt, relKey(r.relation)) ? { what: 'REINDEX', relation: `index ${relationName(r.relation)}` } : undefined;
    }
    if (r.kind === 'REINDEX_OBJECT_TABLE') return existing(r.relation) ? { what: 'REINDEX', relation: `the indexes of ${relationName(r.relation)}` } : undefined;
    return { what: 'REINDEX', relation: 'every index it rebuilds' };
  }
  if ('RefreshMatViewStmt' in ast && !ast.RefreshMatViewStmt.concurrent) {
    const rel = ast.RefreshMatViewStmt.relation;
    return existing(rel) ? { what: 'REFRESH MATERIALIZED VIEW', relation: relationName(rel) } : undefined;
  }
  return undefined;
}

function isNewByNames(parsed: ParsedFile, stmt: Statement, names: string[]): boolean {
  const at = fileObjects(parsed).tables.get(nameListKey(names));
  return at !== undefined && at < stmt.index;
}

/** Whether VACUUM options include FULL (not `FULL false`). */
export function vacuumIsFull(options: Node[] | undefined): boolean {
  return (options ?? []).some((o) => 'DefElem' in o && o.DefElem.defname === 'full' && !isFalse(o.DefElem.arg));
}

/** A DefElem argument that turns an option off: `false`, `off`, `0`. */
export function isFalse(arg: Node | undefined): boolean {
  if (!arg) return false;
  if ('Boolean' in arg) return arg.Boolean.boolval !== true;
  if ('Integer' in arg) return (arg.Integer.ival ?? 0) === 0;
  if ('String' in arg) return ['false', 'off', 'no', 'f', 'n', '0'].includes((arg.String.sval ?? '').toLowerCase());
  if ('A_Const' in arg) {
    const c = arg.A_Const;
    if (c.boolval) return c.boolval.boolval !== true;
    if (c.ival) return (c.ival.ival ?? 0) === 0;
    if (c.sval) return ['false', 'off', 'no', 'f', 'n', '0'].includes((c.sval.sval ?? '').toLowerCase());
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Types and defaults

const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** The type's base name without `pg_catalog.`: `varchar`, `int4`, `serial`, `myschema.mood`. */
export function baseTypeName(t: TypeName | undefined): string {
  const names = stringList(t?.names);
  if (names.length === 2 && names[0] === 'pg_catalog') return names[1]!;
  return names.join('.');
}

export function isSerialType(t: TypeName | undefined): boolean {
  return !!t && (t.arrayBounds ?? []).length === 0 && SERIAL.has(baseTypeName(t));
}

/** Built-in functions whose result changes per row: a default calling one rewrites the table. */
const VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setval',
  'currval',
  'lastval',
  'txid_current',
  'pg_current_xact_id',
  'gen_random_bytes',
  'gen_salt',
]);

/**
 * Built-in functions that are not volatile (immutable or stable): PostgreSQL 11+ evaluates such a
 * default once and stores it in the catalog, without rewriting (`now()` included: it is stable).
 */
const NON_VOLATILE = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_date',
  'current_timestamp',
  'localtimestamp',
  'lower',
  'upper',
  'trim',
  'btrim',
  'ltrim',
  'rtrim',
  'concat',
  'concat_ws',
  'coalesce',
  'md5',
  'length',
  'abs',
  'round',
  'floor',
  'ceil',
  'to_timestamp',
  'to_date',
  'to_char',
  'to_json',
  'to_jsonb',
  'json_build_object',
  'jsonb_build_object',
  'json_build_array',
  'jsonb_build_array',
  'array_fill',
  'make_date',
  'make_timestamp',
  'make_timestamptz',
  'make_interval',
  'timezone',
  'date_trunc',
  'current_setting',
  'current_user',
  'session_user',
  'current_schema',
  'inet_client_addr',
  'int4range',
  'int8range',
  'numrange',
  'tsrange',
  'tstzrange',
  'daterange',
]);

export type Volatility = 'constant' | 'non-volatile' | 'volatile' | 'unknown';

/**
 * How a default expression behaves: `volatile` when it calls a volatile built-in (the first one
 * found is returned as `fn`), `unknown` when it calls a function whose volatility is not known
 * here (user functions are VOLATILE unless declared otherwise), `non-volatile` when it only calls
 * known immutable or stable functions, `constant` when it calls none.
 */
export function defaultVolatility(
  expr: Node | undefined,
  /** What the schema model knows of a function that is no built-in (its CREATE FUNCTION says IMMUTABLE, STABLE or neither). */
  resolve?: (names: string[]) => 'volatile' | 'non-volatile' | undefined,
): { volatility: Volatility; fn?: string } {
  let result: { volatility: Volatility; fn?: string } = { volatility: 'constant' };
  const rank: Record<Volatility, number> = { constant: 0, 'non-volatile': 1, unknown: 2, volatile: 3 };
  const raise = (v: Volatility, fn?: string): void => {
    if (rank[v] > rank[result.volatility]) result = fn !== undefined ? { volatility: v, fn } : { volatility: v };
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if ('FuncCall' in obj) {
      const fc = obj.FuncCall as { funcname?: Node[] };
      const names = stringList(fc.funcname);
      const name = names[names.length - 1] ?? '';
      const builtin = names.length === 1 || names[0] === 'pg_catalog';
      if (VOLATILE.has(name)) raise('volatile', name);
      else if (builtin && NON_VOLATILE.has(name)) raise('non-volatile');
      else {
        const known = resolve?.(names);
        if (known === 'volatile') raise('volatile', names.join('.'));
        else if (known === 'non-volatile') raise('non-volatile');
        else raise('unknown', names.join('.'));
      }
    } else if ('SQLValueFunction' in obj) raise('non-volatile');
    else if ('SubLink' in obj) raise('unknown', 'a subquery');
    for (const v of Object.values(obj)) visit(v);
  };
  visit(expr);
  return result;
}

/** Whether an expression is the NULL literal (possibly cast): `DEFAULT NULL` sets no value. */
export function isNullLiteral(expr: Node | undefined): boolean {
  if (!expr) return false;
  if ('A_Const' in expr) return expr.A_Const.isnull === true;
  if ('TypeCast' in expr) return isNullLiteral(expr.TypeCast.arg);
  return false;
}

/**
 * The schema the file runs against, or null when it cannot be built (never guessed): for an up
 * file the directory's earlier migrations, for a down file the schema its up leaves. A table the
 * model does not know still counts as existing.
 */
export function schemaFor(ctx: RuleContext): SchemaModel | null {
  return ctx.facts.schema() ?? null;
}

/** One subcommand of the lock rules' common walk; its table name and clause are found when read. */
export class ExistingTableCommand {
  private name: string | undefined;
  private clause: Span | null | undefined;

  constructor(
    readonly stmt: Statement,
    readonly alter: AlterTableStmt,
    readonly cmd: AlterTableCmd,
    private readonly position: number,
  ) {}

  /** The table as written (quoted where needed). */
  get table(): string {
    return (this.name ??= relationName(this.alter.relation));
  }

  /** The subcommand's clause, or the statement when it cannot be located. */
  get span(): Span {
    return this.located ? this.clause! : this.stmt.span;
  }

  /** Whether `span` is the clause itself (fixes edit the clause only then). */
  get located(): boolean {
    if (this.clause === undefined) this.clause = commandSpan(this.stmt, this.alter, this.position) ?? null;
    return this.clause !== null;
  }
}

/**
 * Every `ALTER TABLE` subcommand on a table that existed before the file and is a risk at that point
 * (the lock rules' common walk; see `isQuietTable` for what is skipped, `allow` for which reasons count).
 */
export function forEachExistingTableCommand(ctx: RuleContext, visit: (c: ExistingTableCommand) => void, allow: readonly TableFlow[] = DATA_FLOWS): void {
  for (const commands of tableCommands(ctx.parsed)) {
    const first = commands[0]!;
    if (isQuietTable(ctx, first.stmt, first.alter.relation, allow)) continue;
    for (const c of commands) visit(c);
  }
}

/** The subcommands of each `ALTER TABLE` of a file, one list per statement, made once per parse (every lock rule walks them). */
const commandsCache = new WeakMap<ParsedFile, ExistingTableCommand[][]>();

function tableCommands(parsed: ParsedFile): ExistingTableCommand[][] {
  let out = commandsCache.get(parsed);
  if (out) return out;
  out = [];
  for (const stmt of parsed.statements) {
    const ast = stmt.ast;
    if (!ast || !('AlterTableStmt' in ast)) continue;
    const alter = ast.AlterTableStmt;
    if (alter.objtype !== 'OBJECT_TABLE') continue;
    const commands: ExistingTableCommand[] = [];
    (alter.cmds ?? []).forEach((node, i) => {
      if ('AlterTableCmd' in node) commands.push(new ExistingTableCommand(stmt, alter, node.AlterTableCmd, i));
    });
    if (commands.length > 0) out.push(commands);
  }
  commandsCache.set(parsed, out);
  return out;
}
