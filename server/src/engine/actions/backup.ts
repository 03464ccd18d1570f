/**
 * "Keep a backup copy" (on ban-drop-column and ban-drop-table findings): the up copies the data
 * about to be dropped into a backup table first (CREATE TABLE ... AS), and the down restores it
 * from there and drops the backup table. A column's backup holds the table's primary key and the
 * column, so the values go back to their rows; without a primary key in the schema model the
 * action is offered disabled, with the reason.
 */
import * as path from 'node:path';
import type { AlterTableCmd, RangeVar } from '@pgsql/types';
import type { FileHost } from '../host';
import type { Convention } from '../migrations/convention';
import { conventionFor } from '../migrations/detect';
import { quoteIdent, stringList } from '../parsing/ast';
import { alterTableCommandSpans } from '../parsing/clauses';
import { parseSql } from '../parsing/parser';
import { applySql } from '../schema';
import type { ColumnModel, SchemaModel, TableModel } from '../schema/model';
import { makeObjectName } from '../schema/names';
import { qualifiedLabel, renderTable } from '../schema/render';
import { renderColumn } from '../schema/replay';
import type { Span } from '../text';
import { eolOf } from '../text';
import { generateDownSql } from '../inverse/index';
import { lookupTable, searchPathAt } from '../inverse/lookup';
import { restoreLost, tableProblem } from '../inverse/restore';
import type { InverseStep } from '../inverse/types';
import { workspaceFor, type Workspace } from '../project/workspace';
import { lineEnd, lineStart, pairFactsOf, placeInDown } from './insert-inverse';
import { cleanOwnOutput } from './own-output';
import type { EngineOptions } from '../config';

export const BACKUP_TITLE = 'Keep a backup copy';

/** The action's title, naming what it backs up: `Back up customers.fax before dropping it`. */
export function backupTitle(subject: string): string {
  return `Back up ${subject} before dropping it`;
}

export interface FileEdit {
  path: string;
  span: Span;
  newText: string;
}

export type BackupPlan =
  | {
      ok: true;
      /** Edits of existing files (the up; the down when it exists), spans in each file's current text. */
      edits: FileEdit[];
      /** A down file to create (when the migration has none yet): the whole generated down, restore included. */
      create?: { path: string; text: string };
      /** The backup tables the up creates. */
      backups: string[];
      /** What is backed up, for the action's title: `customers.fax`, `table customers`. */
      subject: string;
      /** The down file the plan edits or creates (the up file itself for single-file conventions). */
      downPath: string;
    }
  | { ok: false; reason: string };

export interface BackupInput {
  /** The up file (or single file) and its current text. */
  filePath: string;
  text: string;
  host: FileHost;
  /** The workspace whose facts to use (the server's); a new one over `host` when absent. */
  workspace?: Workspace;
  convention?: Convention;
  /** An offset inside the DROP (the finding's start). */
  offset: number;
  /** The project's options: the SQL written into the down is checked with them (own-output.ts). */
  options?: EngineOptions;
}

const semi = (s: string): string => `${s.trimEnd().replace(/;$/, '')};`;

function relOf(t: TableModel): string {
  return qualifiedLabel(t.schema, t.name);
}

/** The backup table's name beside the table: `<table>[_<column>]_backup_<version>`, at most 63 bytes. */
function backupName(t: TableModel, column: string | undefined, version: string): string {
  return makeObjectName(t.name, column, `backup_${version}`);
}

function taken(model: SchemaModel, schema: string, name: string): boolean {
  const key = `${schema}.${name}`;
  return model.tables.has(key) || model.views.has(key) || model.sequences.has(key) || model.index({ schema, name }) !== undefined;
}

export function planBackupCopy(input: BackupInput): BackupPlan {
  const ws = workspaceFor(input.host, input.workspace, input.filePath, input.text);
  const convention = conventionFor(input.filePath, ws.host, input.convention);
  const facts = pairFactsOf(ws, input.filePath, convention);
  const pair = facts?.pair;
  if (!facts || !pair || pair.up.path !== input.filePath) return { ok: false, reason: 'the DROP is not in an up migration' };
  const stmt = pair.up.parsed.statements.find((s) => input.offset >= s.span.start && input.offset <= s.span.end);
  const ast = stmt?.ast;
  if (!stmt || !ast) return { ok: false, reason: 'the statement does not parse' };
  const schema = facts.schema;
  const schemas = ws.schemasThrough(pair.up.parsed, schema.before, pair.up.path);
  const before = schemas[pair.up.parsed.statements.indexOf(stmt)]!;
  const searchPath = searchPathAt(pair.up.parsed.statements, stmt.index);
  const version = pair.migration.version;
  const eol = eolOf(input.text);

  let backupSql: string[];
  let restore: string[];
  const backups: string[] = [];
  const labels: string[] = [];
  const subjects: string[] = [];
  if ('AlterTableStmt' in ast) {
    const alter = ast.AlterTableStmt;
    const cmds = (alter.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : []));
    const spans = alterTableCommandSpans(stmt, alter);
    // The DROP COLUMN at the offset, else the statement's first one.
    const drops = cmds.map((c, i) => ({ c, span: spans?.[i] })).filter((d) => d.c.subtype === 'AT_DropColumn');
    const cmd = (drops.find((d) => d.span && input.offset >= d.span.start && input.offset <= d.span.end) ?? drops[0])?.c;
    if (!cmd) return { ok: false, reason: 'no DROP COLUMN at this place' };
    const planned = planColumn(before, alter.relation, cmd, searchPath, version);
    if ('reason' in planned) return { ok: false, reason: planned.reason };
    backupSql = [planned.backup];
    restore = planned.restore;
    backups.push(planned.name);
    labels.push(planned.label);
    subjects.push(planned.subject);
  } else if ('DropStmt' in ast && ast.DropStmt.removeType === 'OBJECT_TABLE') {
    backupSql = [];
    restore = [];
    let model = before;
    for (const o of ast.DropStmt.objects ?? []) {
      const names = 'List' in o ? stringList(o.List.items) : [];
      const rel: RangeVar = { relname: names[names.length - 1] ?? '', ...(names.length > 1 ? { schemaname: names[names.length - 2]! } : {}) };
      const planned = planTable(model, rel, searchPath, version, ast.DropStmt.behavior === 'DROP_CASCADE');
      if ('reason' in planned) return { ok: false, reason: planned.reason };
      backupSql.push(planned.backup);
      restore.unshift(...planned.restore);
      backups.push(planned.name);
      labels.push(planned.label);
      subjects.push(planned.subject);
      model = applySql(model, `CREATE TABLE ${planned.name} (x int)`); // its name is taken from now on
    }
  } else {
    return { ok: false, reason: 'the statement is neither DROP COLUMN nor DROP TABLE' };
  }

  // The up: the copy right before the DROP, at the DROP's indentation.
  const upText = input.text;
  const at = lineStart(upText, stmt.span.start);
  const indent = /^[ \t]*/.exec(upText.slice(at, stmt.span.start))?.[0] ?? '';
  const onlySpaces = upText.slice(at, stmt.span.start).trim() === '';
  const copy = backupSql.map((s) => `${indent}${s}`).join(eol);
  const edits: FileEdit[] = [
    onlySpaces
      ? { path: pair.up.path, span: { start: at, end: at }, newText: `${copy}${eol}` }
      : { path: pair.up.path, span: { start: stmt.span.start, end: stmt.span.start }, newText: `${backupSql.join(' ')} ` },
  ];

  const dropBackups = labels.map((b) => `DROP TABLE ${b};`);
  let block = [...restore, ...dropBackups].join(eol);
  if (pair.single && convention.formatSectionSql) block = convention.formatSectionSql(block, eol).replace(/(\r?\n)+$/, '');
  // In a generated down, the inverse of each CREATE TABLE ... AS drops its backup table.
  const override = new Map<number, InverseStep>([[stmt.index + backupSql.length, { sql: restore }]]);

  const subject = subjects.join(', ');
  const done = { backups, subject, downPath: pair.down.path };
  /** The down's new text of [start, end), checked with the project's rules (own-output.ts). */
  const alongside = new Map([[path.resolve(pair.up.path), splice(upText, edits.filter((e) => e.path === pair.up.path))]]);
  const clean = (downText: string, start: number, end: number, newText: string): string => {
    const whole = downText.slice(0, start) + newText + downText.slice(end);
    const out = cleanOwnOutput({ workspace: ws, filePath: pair.down.path, convention, text: whole, region: { start, end: start + newText.length }, alongside, ...(input.options ? { options: input.options } : {}) });
    return out.text.slice(out.region.start, out.region.end);
  };

  if (pair.down.text === undefined) {
    const upNew = splice(upText, edits);
    if (pair.single) {
      if (!convention.downSectionEdit) return { ok: false, reason: 'the convention has no down section to write' };
      const sections = convention.sections(pair.migration, upNew).filter((s) => s.direction === 'up');
      const upSql = sections.map((s) => upNew.slice(s.span.start, s.span.end)).join(eol);
      const downSql = generateDownSql(parseSql(upSql), { eol, override, schema: schema.before });
      const e = convention.downSectionEdit(upText, downSql, eol);
      edits.push({ path: pair.up.path, span: { start: e.offset, end: e.offset }, newText: e.newText });
      return { ok: true, edits, ...done };
    }
    const downSql = generateDownSql(parseSql(upNew), { eol, upFileName: pair.up.path.replace(/^.*[\\/]/, ''), schema: schema.before, override });
    return { ok: true, edits, create: { path: pair.down.path, text: clean(downSql, 0, downSql.length, downSql) }, ...done };
  }

  // An existing down: replace the statements that undo this DROP, else insert where the order puts it.
  const consistency = facts.lenientConsistency();
  const downText = pair.down.text;
  const undoing = pair.down.parsed.statements.filter((_, j) => consistency?.undoes.get(j) === stmt.index);
  // (Single-file conventions: the down is a section of the up file, which this plan edits too.)
  const check = !pair.single;
  if (undoing.length > 0) {
    const start = lineStart(downText, undoing[0]!.span.start);
    const end = lineEnd(downText, undoing[undoing.length - 1]!.span.end);
    edits.push({ path: pair.down.path, span: { start, end }, newText: check ? clean(downText, start, end, block) : block });
  } else {
    const place = placeInDown(pair, consistency?.undoes, stmt.index, block, eolOf(downText));
    edits.push({ path: pair.down.path, span: { start: place.offset, end: place.offset }, newText: check ? clean(downText, place.offset, place.offset, place.text) : place.text });
  }
  return { ok: true, edits, ...done };
}


function splice(text: string, edits: FileEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

function planColumn(
  before: SchemaModel,
  rel: RangeVar | undefined,
  cmd: AlterTableCmd,
  searchPath: string[],
  version: string,
): { backup: string; restore: string[]; name: string; label: string; subject: string } | { reason: string } {
  const t = lookupTable(before, rel, searchPath);
  const col = cmd.name ?? '';
  if (!t) return { reason: `no earlier migration creates table ${rel?.relname ?? '?'} (as far as the schema model can tell), so its primary key is unknown` };
  const c: ColumnModel | undefined = t.columns.get(col);
  if (!c) return { reason: `the schema model has no column ${col} in table ${relOf(t)}` };
  const pk = t.primaryKey ?? [];
  if (pk.length === 0) return { reason: `table ${relOf(t)} has no primary key in the schema model, so the saved values could not be matched back to their rows` };
  if (pk.includes(col)) return { reason: `column ${col} is part of the primary key of ${relOf(t)}` };
  if (c.identity || c.serial || c.generatedText) return { reason: `column ${col} is an identity, serial or generated column: restore it by hand` };
  const name = backupName(t, col, version);
  if (taken(before, t.schema, name)) return { reason: `a relation named ${name} already exists` };
  const backupLabel = qualifiedLabel(t.schema, name);
  const table = relOf(t);
  const q = quoteIdent(col);
  const backup = `CREATE TABLE ${backupLabel} AS SELECT ${[...pk, col].map(quoteIdent).join(', ')} FROM ${table};`;
  // What the drop takes along (constraints, indexes): restored after the values are back.
  const after = applySql(before, `${searchPath.join() !== 'public' ? `SET search_path = ${searchPath.map((s) => `'${s}'`).join(', ')};\n` : ''}ALTER TABLE ${table} DROP COLUMN ${q}${cmd.behavior === 'DROP_CASCADE' ? ' CASCADE' : ''}`);
  const lost = restoreLost(before, after, { quiet: true }).filter((p) => !('sql' in p && p.sql.startsWith(`ALTER TABLE ${table} ADD COLUMN ${q} `)));
  const restore = [
    `ALTER TABLE ${table} ADD COLUMN ${renderColumn({ ...c, notNull: false })};`,
    `UPDATE ${table} SET ${q} = b.${q} FROM ${backupLabel} AS b WHERE ${pk.map((k) => `${table}.${quoteIdent(k)} = b.${quoteIdent(k)}`).join(' AND ')};`,
    ...(c.notNull ? [`ALTER TABLE ${table} ALTER COLUMN ${q} SET NOT NULL;`] : []),
    ...lost.flatMap((p) => ('sql' in p ? [p.sql] : 'irreversible' in p ? [`-- TODO irreversible: ${p.irreversible}`] : [])),
  ];
  return { backup, restore, name, label: backupLabel, subject: `${table}.${q}` };
}

function planTable(
  before: SchemaModel,
  rel: RangeVar,
  searchPath: string[],
  version: string,
  cascade: boolean,
): { backup: string; restore: string[]; name: string; label: string; subject: string } | { reason: string } {
  const t = lookupTable(before, rel, searchPath);
  if (!t) return { reason: `no earlier migration creates table ${rel.relname ?? '?'} (as far as the schema model can tell), so it cannot be recreated` };
  const problem = tableProblem(t);
  const rendered = problem ? undefined : renderTable(t);
  if (!rendered) return { reason: problem ?? `table ${relOf(t)} cannot be recreated from the schema model` };
  const name = backupName(t, undefined, version);
  if (taken(before, t.schema, name)) return { reason: `a relation named ${name} already exists` };
  const backupLabel = qualifiedLabel(t.schema, name);
  const table = relOf(t);
  const columns = [...t.columns.values()].filter((c) => !c.generatedText);
  const list = columns.map((c) => quoteIdent(c.name)).join(', ');
  const overriding = columns.some((c) => c.identity === 'always') ? ' OVERRIDING SYSTEM VALUE' : '';
  const triggers = rendered.filter((s) => /^\s*CREATE\s+(CONSTRAINT\s+)?TRIGGER\b/i.test(s));
  const after = applySql(before, `${searchPath.join() !== 'public' ? `SET search_path = ${searchPath.map((s) => `'${s}'`).join(', ')};\n` : ''}DROP TABLE ${table}${cascade ? ' CASCADE' : ''}`);
  // What went with the table (foreign keys of other tables, views): after its rows are back.
  const others = restoreLost(before, after, { quiet: true }).filter((p) => !('sql' in p && rendered.some((r) => semi(r) === p.sql)));
  const restore = [
    ...rendered.filter((s) => !triggers.includes(s)).map(semi),
    `INSERT INTO ${table} (${list})${overriding} SELECT ${list} FROM ${backupLabel};`,
    ...columns
      .filter((c) => c.serial || c.identity)
      .map((c) => `SELECT setval(pg_get_serial_sequence('${table.replace(/'/g, "''")}', '${c.name.replace(/'/g, "''")}'), max(${quoteIdent(c.name)})) FROM ${table};`),
    ...triggers.map(semi),
    ...others.flatMap((p) => ('sql' in p ? [p.sql] : 'irreversible' in p ? [`-- TODO irreversible: ${p.irreversible}`] : [])),
  ];
  return { backup: `CREATE TABLE ${backupLabel} AS TABLE ${table};`, restore, name, label: backupLabel, subject: `table ${table}` };
}
