/**
 * Inverse SQL: an up migration's statements → the down migration that undoes them, in reverse
 * statement order. One module per statement kind; this file dispatches and writes the file.
 */
import { unmaskNames } from '../parsing/templates';
import type { ParsedFile, Statement } from '../parsing/parser';
import { nodeKind } from '../parsing/parser';
import { replayThrough, SchemaModel, type Replay } from '../schema';
import { defaultSequence } from '../schema/mentions';
import { DEFAULT_SCHEMA, qualifiedKey } from '../schema/model';
import { term } from '../schema/refs';
import { invertDropWithSchema } from './drop';
import { invertWithSchema } from './with-schema';
import { invertAlterFunction, invertAlterSequence, invertOwner, invertSetSchema } from './alter-options';
import { invertAlterTable } from './alter-table';
import { invertAlterDomain, invertAlterEnum } from './alter-type';
import { invertComment } from './comment';
import { FileContext, isSelfOrMember, renameKey } from './context';
import { invertCreateExtension } from './create-extension';
import { invertCreateFunction } from './create-function';
import { invertCreateIndex } from './create-index';
import { invertCreatePolicy, invertCreateRole, invertCreateRule } from './create-other';
import { invertCreateSchema } from './create-schema';
import { invertCreateSequence } from './create-sequence';
import { invertCreateForeignTable, invertCreateTable, invertCreateTableAs } from './create-table';
import { invertCreateEventTrigger, invertCreateTrigger } from './create-trigger';
import { invertCompositeType, invertCreateDomain, invertCreateEnum, invertCreateRange, invertDefine } from './create-type';
import { invertCreateView } from './create-view';
import { invertDataChange, invertDrop } from './irreversible';
import { invertRename } from './rename';
import { EMPTY_CONTEXT, excerpt, keys, namesOf, stepParts, type InverseContext, type InversePart, type InverseStep, type Inversion } from './types';

export type { InverseContext, InversePart, InverseStep } from './types';
export { stepParts } from './types';

/**
 * The schema an up migration runs against (what the earlier migrations of its directory leave,
 * from the folder's timeline: project/), so that DROP COLUMN becomes ADD COLUMN with the column's
 * definition, and so on; with the rank of each migration file (objects created earlier come first).
 */
export interface ResolvedSchema {
  before: SchemaModel;
  fileRank?: (file: string) => number | undefined;
  /** The up file's path (for the model's origins). */
  filePath?: string;
  /** How to replay the up statement by statement (a workspace shares its replays). */
  replay?: (parsed: ParsedFile, base: SchemaModel, file: string) => Replay;
}

export interface DownOptions {
  /** Line break for the generated text; default '\n'. */
  eol?: string;
  /** The up file's name, for the header comment. */
  upFileName?: string;
  /**
   * The schema the up migration runs against (from the folder's timeline), or the model itself
   * (tests). Without it, inverses know only the up file's own statements.
   */
  schema?: ResolvedSchema | SchemaModel;
  /** Replaces the inverse of up statements (by statement index), e.g. a restore from a backup table. */
  override?: ReadonlyMap<number, InverseStep>;
}

/** The schema option as a ResolvedSchema. */
export function resolveSchema(schema: DownOptions['schema']): ResolvedSchema | undefined {
  if (!schema) return undefined;
  return schema instanceof SchemaModel ? { before: schema } : schema;
}

/**
 * Statements that change nothing a down migration must restore, and produce no output: transaction
 * control (BEGIN, COMMIT, SAVEPOINT ...), SET / RESET / SHOW, LOCK, DISCARD. (`SET search_path` is
 * the one SET that is carried over, by generateDownSql, since the names below resolve through it.)
 */
const SKIPPED = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt', 'LockStmt', 'DiscardStmt', 'ConstraintsSetStmt']);

const NOTES: Record<string, string> = {
  VacuumStmt: 'changes no schema or data',
  RefreshMatViewStmt: 'only recomputes derived data',
  ReindexStmt: 'only rebuilds indexes',
  ClusterStmt: 'only reorders rows on disk',
  CheckPointStmt: 'changes no schema or data',
  NotifyStmt: 'only sends a notification',
  ListenStmt: 'only listens for notifications',
};

/** The inverse of one statement (an empty context knows nothing of the statements before it). */
export function invertStatement(stmt: Statement, ctx: InverseContext = EMPTY_CONTEXT): InverseStep {
  return analyzeStatement(stmt, ctx)?.step ?? { sql: [] };
}

/** The inverse and effects of one statement, or undefined for statements skipped without output. */
function analyzeStatement(stmt: Statement, ctx: InverseContext, line?: number): Inversion | undefined {
  const node = stmt.ast;
  const kind = nodeKind(node);
  if (!node || !kind) {
    const where = line !== undefined ? ` at line ${line + 1}` : '';
    const why = stmt.error ? ` (${stmt.error.message})` : '';
    return { step: { irreversible: `the statement${where} could not be parsed${why}; write its inverse by hand` } };
  }
  if (SKIPPED.has(kind)) return undefined;
  const note = NOTES[kind];
  if (note) return { step: { note: `${excerpt(stmt.text, 60)} ${note}` } };
  try {
    const inversion = dispatch(node, stmt.text, ctx);
    return (ctx.before ? invertWithSchema(node, stmt, ctx, inversion) : inversion) ?? { step: { irreversible: `no inverse is generated for ${excerpt(stmt.text)}; write it by hand` } };
  } catch (e) {
    // An AST shape no inverse module expected must not break the down file.
    return { step: { irreversible: `no inverse could be generated for ${excerpt(stmt.text)} (${e instanceof Error ? e.message : String(e)}); write it by hand` } };
  }
}

function dispatch(node: NonNullable<Statement['ast']>, text: string, ctx: InverseContext): Inversion | undefined {
  if ('CreateStmt' in node) return invertCreateTable(node.CreateStmt);
  if ('CreateTableAsStmt' in node) return invertCreateTableAs(node.CreateTableAsStmt);
  if ('CreateForeignTableStmt' in node) return invertCreateForeignTable(node.CreateForeignTableStmt);
  if ('IndexStmt' in node) return invertCreateIndex(node.IndexStmt, ctx, text);
  if ('AlterTableStmt' in node) return invertAlterTable(node.AlterTableStmt, ctx);
  if ('RenameStmt' in node) return invertRename(node.RenameStmt, text);
  if ('CreateEnumStmt' in node) return invertCreateEnum(node.CreateEnumStmt);
  if ('CreateRangeStmt' in node) return invertCreateRange(node.CreateRangeStmt);
  if ('CompositeTypeStmt' in node) return invertCompositeType(node.CompositeTypeStmt);
  if ('CreateDomainStmt' in node) return invertCreateDomain(node.CreateDomainStmt);
  if ('DefineStmt' in node) return invertDefine(node.DefineStmt, text);
  if ('AlterEnumStmt' in node) return invertAlterEnum(node.AlterEnumStmt, ctx);
  if ('AlterDomainStmt' in node) return invertAlterDomain(node.AlterDomainStmt, ctx);
  if ('CreateExtensionStmt' in node) return invertCreateExtension(node.CreateExtensionStmt);
  if ('CreateSeqStmt' in node) return invertCreateSequence(node.CreateSeqStmt);
  if ('ViewStmt' in node) return invertCreateView(node.ViewStmt, ctx);
  if ('CreateFunctionStmt' in node) return invertCreateFunction(node.CreateFunctionStmt, ctx);
  if ('CreateSchemaStmt' in node) return invertCreateSchema(node.CreateSchemaStmt);
  if ('CreateTrigStmt' in node) return invertCreateTrigger(node.CreateTrigStmt, ctx);
  if ('CreateEventTrigStmt' in node) return invertCreateEventTrigger(node.CreateEventTrigStmt);
  if ('CreatePolicyStmt' in node) return invertCreatePolicy(node.CreatePolicyStmt);
  if ('RuleStmt' in node) return invertCreateRule(node.RuleStmt);
  if ('CreateRoleStmt' in node) return invertCreateRole(node.CreateRoleStmt);
  if ('CommentStmt' in node) return invertComment(node.CommentStmt, text, ctx);
  if ('DropStmt' in node) {
    const plain = invertDrop(node.DropStmt, text, ctx);
    if ('note' in plain.step) return plain;
    return invertDropWithSchema(node.DropStmt, text, ctx, plain.effects?.drops ?? []) ?? plain;
  }
  if ('AlterSeqStmt' in node) return invertAlterSequence(node.AlterSeqStmt, text, ctx);
  if ('AlterFunctionStmt' in node) return invertAlterFunction(node.AlterFunctionStmt, text, ctx);
  if ('AlterObjectSchemaStmt' in node) return invertSetSchema(node.AlterObjectSchemaStmt, text, ctx);
  if ('AlterOwnerStmt' in node) {
    const o = node.AlterOwnerStmt;
    const owa = o.object && 'ObjectWithArgs' in o.object ? o.object.ObjectWithArgs : undefined;
    return invertOwner(text, owa !== undefined && ctx.isCreated(keys.func(namesOf(owa.objname))));
  }
  if ('DoStmt' in node) return { step: { irreversible: 'the DO block runs code that the inverse cannot read; undo its effects by hand' } };
  if ('SelectStmt' in node) return { step: { irreversible: `${excerpt(text, 60)} may change data through the functions it calls; undo that by hand if it does` } };
  if ('CallStmt' in node) return { step: { irreversible: `${excerpt(text, 60)} runs a procedure whose effects are unknown here; undo them by hand` } };
  if ('GrantStmt' in node) {
    const grant = node.GrantStmt.is_grant;
    return { step: { irreversible: `${excerpt(text, 60)}: write the matching ${grant ? 'REVOKE' : 'GRANT'} by hand` } };
  }
  return invertDataChange(node, ctx);
}

/** Line breaks inside a comment would turn the rest of it into SQL. */
function oneLine(text: string): string {
  const line = text.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ');
  // A note shortened inside a template action (`{{ .Sch…`) would not render: cut before the action.
  const open = line.lastIndexOf('{{');
  return open >= 0 && line.indexOf('}}', open) < 0 ? `${line.slice(0, open).trimEnd()}…` : line;
}

export interface FileInverse {
  /** One entry per statement that is not skipped, in up-file order; each step already judged against the statements before it. */
  steps: { statement: Statement; step: InverseStep }[];
  /** The text of each `SET search_path = ...` statement of the up file, in order. */
  searchPaths: string[];
}

export interface InvertFileOptions {
  /** The schema before the up migration (see DownOptions.schema). */
  before?: SchemaModel;
  fileRank?: (file: string) => number | undefined;
  /** The up file's path (for the model's origins). */
  filePath?: string;
  override?: ReadonlyMap<number, InverseStep>;
  /** How to replay the up statement by statement (a workspace shares its replays); `replayThrough` by default. */
  replay?: (parsed: ParsedFile, base: SchemaModel, file: string) => Replay;
}

/** The inverse of every statement of an up file, with what the earlier statements created in view. */
export function invertFile(up: ParsedFile, options: InvertFileOptions = {}): FileInverse {
  const ctx = new FileContext();
  const steps: { statement: Statement; step: InverseStep }[] = [];
  /** Context key → indexes of the steps that create or change that object. */
  const owners = new Map<string, number[]>();
  const searchPaths: string[] = [];
  let replay: Replay | undefined;
  if (options.before) {
    try {
      replay = options.replay ? options.replay(up, options.before, options.filePath ?? '') : replayThrough(options.before, options.filePath ?? '', up);
    } catch {
      replay = undefined;
    }
  }
  const schemas = replay?.models;
  let searchPath: string[] = ['public'];

  up.statements.forEach((stmt, i) => {
    const node = stmt.ast;
    if (node && 'VariableSetStmt' in node && node.VariableSetStmt.name === 'search_path' && !node.VariableSetStmt.is_local) {
      const v = node.VariableSetStmt;
      if (v.kind === 'VAR_SET_VALUE') {
        searchPaths.push(stmt.text);
        const names = (v.args ?? []).flatMap((a) => ('A_Const' in a && a.A_Const.sval ? [a.A_Const.sval.sval ?? ''] : []));
        const real = names.filter((n) => n !== '$user' && n !== 'pg_catalog' && n !== '');
        searchPath = real.length > 0 ? real : ['public'];
      } else if (v.kind === 'VAR_SET_DEFAULT' || v.kind === 'VAR_RESET') searchPath = ['public'];
    }
    ctx.before = schemas?.[i];
    ctx.after = schemas?.[i + 1];
    ctx.logged = replay?.touched[i];
    ctx.searchPath = searchPath;
    ctx.statement = stmt;
    ctx.fileRank = options.fileRank;
    const analyzed = analyzeStatement(stmt, ctx, up.lines.positionAt(stmt.span.start).line);
    const override = options.override?.get(stmt.index);
    const inversion = override && analyzed ? { ...analyzed, step: override } : analyzed;
    if (!inversion) return;
    const effects = inversion.effects ?? {};
    // Dropping an object this migration created: what the earlier statements did to it needs no undo.
    for (const dropped of effects.drops ?? []) {
      if (!ctx.isCreated(dropped)) continue;
      for (const [key, indexes] of owners) {
        if (!isSelfOrMember(key, dropped)) continue;
        for (const i of indexes) {
          steps[i]!.step = { note: `${excerpt(stmt.text, 60)} later in this migration drops or takes over what this statement made` };
        }
        owners.delete(key);
      }
    }
    for (const [from, to] of effects.renames ?? []) {
      for (const [key, indexes] of [...owners]) {
        const moved = renameKey(key, from, to);
        if (moved === key) continue;
        owners.delete(key);
        owners.set(moved, [...(owners.get(moved) ?? []), ...indexes]);
      }
    }
    ctx.apply(effects);
    const index = steps.push({ statement: stmt, step: inversion.step }) - 1;
    for (const key of [...(effects.creates ?? []), ...(effects.touches ?? [])]) {
      const list = owners.get(key) ?? [];
      if (!list.includes(index)) list.push(index);
      owners.set(key, list);
    }
  });
  ctx.before = undefined;
  ctx.after = undefined;
  ctx.logged = undefined;
  ctx.statement = undefined;
  orderSequenceDrops(steps, schemas?.[up.statements.length]);
  return { steps, searchPaths };
}

/** `s.name` / `name` of a RangeVar as a qualified key (the default schema when unqualified). */
function relationKey(rel: { schemaname?: string; relname?: string } | undefined): string {
  return qualifiedKey(rel?.schemaname ?? DEFAULT_SCHEMA, rel?.relname ?? '');
}

/**
 * Sequences this migration creates, as the down drops them: one owned (at the end of the up) by a
 * column of a table the down drops goes with that table (a DROP SEQUENCE after it would fail, and
 * one before it too: the column's default depends on the sequence); one that a column default of
 * a table created earlier in the file names is dropped after that table.
 */
function orderSequenceDrops(steps: { statement: Statement; step: InverseStep }[], after: SchemaModel | undefined): void {
  if (!after) return;
  const tableSteps = new Map<string, number>();
  steps.forEach(({ statement, step }, i) => {
    const node = statement.ast;
    if (node && 'CreateStmt' in node && 'sql' in step) tableSteps.set(relationKey(node.CreateStmt.relation), i);
  });
  if (tableSteps.size === 0) return;
  for (let i = 0; i < steps.length; i++) {
    const { statement, step } = steps[i]!;
    const node = statement.ast;
    if (!node || !('CreateSeqStmt' in node) || !('sql' in step)) continue;
    const key = relationKey(node.CreateSeqStmt.sequence);
    const seq = after.sequences.get(key);
    if (!seq) continue;
    if (seq.ownedBy && tableSteps.has(seq.ownedBy.table)) {
      steps[i] = { statement, step: { note: `${excerpt(statement.text, 60)}: the sequence is owned by ${seq.ownedBy.table.replace(/^public\./, '')}.${seq.ownedBy.column}, and goes with the table` } };
      continue;
    }
    let first: number | undefined;
    // The tables whose defaults may take its values (the lookups name them).
    for (const tk of after.refs.holders('tables', term.defaultSequence(key))) {
      const t = after.tables.get(tk);
      const j = tableSteps.get(tk);
      if (!t) continue;
      if (j === undefined || j > i) continue;
      if ([...t.columns.values()].some((c) => defaultSequence(c.defaultText) === key)) first = first === undefined ? j : Math.min(first, j);
    }
    if (first === undefined) continue;
    // Before the table's step in up order: after the table's DROP in the (reversed) down.
    const [moved] = steps.splice(i, 1);
    steps.splice(first, 0, moved!);
    for (const [tk, j] of tableSteps) if (j >= first && j < i) tableSteps.set(tk, j + 1);
  }
}

/** One part as lines of the down file. */
export function renderPart(part: InversePart, eol = '\n'): string {
  if ('sql' in part) return part.sql.replace(/\r\n?|\n/g, eol);
  if ('irreversible' in part) return `-- TODO irreversible: ${oneLine(part.irreversible)}`;
  if ('comment' in part) return `-- ${oneLine(part.comment)}`;
  return `-- Nothing to undo: ${oneLine(part.note)}`;
}

/** The full text of the down file for an up file (ends with a line break). */
export function generateDownSql(up: ParsedFile, options: DownOptions = {}): string {
  const eol = options.eol ?? '\n';
  const schema = resolveSchema(options.schema);
  const { steps, searchPaths } = invertFile(up, {
    ...(schema ? { before: schema.before } : {}),
    ...(schema?.fileRank ? { fileRank: schema.fileRank } : {}),
    ...(schema?.filePath ? { filePath: schema.filePath } : {}),
    ...(schema?.replay ? { replay: schema.replay } : {}),
    ...(options.override ? { override: options.override } : {}),
  });
  const out: string[] = [];
  if (options.upFileName) out.push(`-- Down migration for ${oneLine(options.upFileName)}, generated by Migration Guard: review it before use.`, '');
  if (searchPaths.length > 0) {
    // Names below are written as the up migration wrote them, so they must resolve the same way.
    out.push(`${searchPaths[0]!.replace(/\r\n?|\n/g, eol)};`);
    if (searchPaths.some((p) => p !== searchPaths[0])) {
      out.push('-- TODO irreversible: the up migration sets search_path more than once; check that every name below resolves to the schema the up migration meant');
    }
    out.push('');
  }
  const groups: string[][] = [];
  for (const { step } of [...steps].reverse()) {
    const lines = stepParts(step).map((part) => renderPart(part, eol));
    if (lines.length > 0) groups.push(lines);
  }
  if (groups.length === 0) groups.push(['-- Nothing to undo: the up migration has no statements that change the database.']);
  groups.forEach((lines, i) => {
    if (i > 0) out.push('');
    out.push(...lines);
  });
  const sql = out.join(eol) + eol;
  // A template's down is a template too: its masked names go back to the actions they stand for.
  return up.templates ? unmaskNames(sql, up.text) : sql;
}
