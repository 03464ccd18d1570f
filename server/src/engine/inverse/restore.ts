/**
 * SQL that brings back what one statement removed, read from the schema model before and after it:
 * tables (CREATE TABLE as the model has it, with constraints, indexes and triggers), columns (ADD
 * COLUMN with their definition), constraints, indexes, triggers, views, functions, enum types,
 * sequences, extensions and schemas — in an order PostgreSQL accepts. What the model cannot know
 * exactly becomes an `irreversible` part saying why: the restore is exact or it says it is not.
 */
import { quoteIdent } from '../parsing/ast';
import { qualifiedKey, type ColumnModel, type SchemaModel, type TableModel, type ViewModel } from '../schema/model';
import { qualifiedLabel, renderTable } from '../schema/render';
import { makeObjectName } from '../schema/names';
import { renderColumn } from '../schema/replay';
import { diffSchemas } from './schema-diff';
import { firstAst, staleColumns, walk } from './sql-text';
export { staleColumns } from './sql-text';
import { readsOf } from '../schema/dependencies';
import { applyFunctionOptions, functionChange, returnsSet, sameSequenceParams, sequenceChange, serialSequenceParams } from '../schema/options';
import type { FunctionModel } from '../schema/model';
import type { InversePart } from './types';

export interface RestoreOptions {
  /**
   * The position of a migration file in the directory's version order, for views that read `*`
   * (columns added after the view would change what `*` means). Without it such views are not restored.
   */
  fileRank?: (file: string) => number | undefined;
  /** Leave out the "recreated empty" comments (the caller restores the data itself). */
  quiet?: boolean;
  /**
   * The change log from `before` to `after` (see `replayThrough`): only the objects it names can
   * differ, so only they are looked at (a DROP COLUMN on a table of 800 columns compares one).
   */
  logged?: ReadonlySet<string>;
}

/** A map's entries to look at: all of them, or those the change log names (in the map's order). */
function entriesOf<V>(map: ReadonlyMap<string, V>, logged: ReadonlySet<string> | undefined, kind: string): [string, V][] {
  if (!logged) return [...map];
  const head = `${kind}:`;
  const keys: string[] = [];
  for (const k of logged) if (k.startsWith(head) && !k.includes('#')) keys.push(k.slice(head.length));
  if (keys.length > 1) {
    const wanted = new Set(keys);
    return [...map].filter(([k]) => wanted.has(k));
  }
  const v = keys.length === 1 ? map.get(keys[0]!) : undefined;
  return v === undefined ? [] : [[keys[0]!, v]];
}

const semi = (sql: string): string => (/;\s*$/.test(sql) ? sql.trimEnd() : `${sql.trimEnd()};`);

/** Why a table cannot be recreated from the model, or undefined when it can. */
export function tableProblem(t: TableModel): string | undefined {
  const name = qualifiedLabel(t.schema, t.name);
  if (!t.complete) return `table ${name}: the schema model does not know all of its columns and constraints (see the earlier migrations' statements it could not read)`;
  if (t.parents.length > 0) return `table ${name} is a partition or child of another table, which the schema model does not recreate`;
  const ast = firstAst(t.definitionText);
  if (ast && 'CreateForeignTableStmt' in ast) return `${name} is a foreign table, which the schema model does not recreate`;
  if (ast && 'CreateStmt' in ast && ast.CreateStmt.partspec) return `table ${name} is partitioned, which the schema model does not recreate`;
  if (!ast || !('CreateStmt' in ast)) return `table ${name}: its definition could not be read back`;
  return undefined;
}

/** Why a view's definition as written no longer recreates it, or undefined when it does. */
export function viewProblem(model: SchemaModel, v: ViewModel, options: RestoreOptions = {}): string | undefined {
  const name = qualifiedLabel(v.schema, v.name);
  if (v.stale) return `view ${name}: its definition could not follow a rename since (${v.stale}); write its current definition by hand`;
  const ast = firstAst(v.definitionText);
  const query = ast && 'ViewStmt' in ast ? ast.ViewStmt.query : ast && 'CreateTableAsStmt' in ast ? ast.CreateTableAsStmt.query : undefined;
  if (!query) return `view ${name}: its definition could not be read back`;
  const ctes = new Set<string>();
  const read: { schema?: string; name: string }[] = [];
  let star = false;
  walk(query, (key, value) => {
    if (key === 'CommonTableExpr' && typeof value.ctename === 'string') ctes.add(value.ctename);
    if (key === 'RangeVar' && typeof value.relname === 'string') read.push({ ...(typeof value.schemaname === 'string' ? { schema: value.schemaname } : {}), name: value.relname });
    if (key === 'A_Star') star = true;
  });
  const schemas = [v.schema, 'public'];
  for (const r of read) {
    if (!r.schema && ctes.has(r.name)) continue;
    const found = (r.schema ? [r.schema] : schemas).some((s) => model.tables.has(qualifiedKey(s, r.name)) || model.views.has(qualifiedKey(s, r.name)) || model.sequences.has(qualifiedKey(s, r.name)));
    if (!found) return `view ${name} reads ${r.schema ? `${r.schema}.` : ''}${r.name}, which no longer exists under that name; write its current definition by hand`;
  }
  // A column the view names that none of the tables it reads has (any more): renamed or dropped since
  // (PostgreSQL's stored view follows a rename; the text kept here does not). Only judged for a plain
  // query over tables (no CTE, no subquery in FROM, no view), where every column reference is theirs.
  let subquery = false;
  const aliases = new Set<string>();
  walk(query, (key, value) => {
    if (key === 'RangeSubselect' || key === 'RangeFunction' || key === 'SubLink') subquery = true;
    if (key === 'ResTarget' && typeof value.name === 'string') aliases.add(value.name);
  });
  const tables = v.dependsOn.map((d) => model.tables.get(d));
  if (ctes.size === 0 && !subquery && tables.length > 0 && tables.every((t) => t !== undefined)) {
    const columns = new Set(tables.flatMap((t) => [...t!.columns.keys()]));
    const missing = [...readsOf(v.definitionText).columns].find((c) => !columns.has(c) && !aliases.has(c) && !tables.some((t) => t!.name === c));
    if (missing !== undefined) return `view ${name} reads column ${quoteIdent(missing)}, which none of the tables it reads has under that name now; write its current definition by hand`;
  }
  if (star) {
    // `*` was expanded when the view was created: columns added or renamed since change its meaning.
    const viewRank = options.fileRank?.(v.origin.file);
    for (const dep of v.dependsOn) {
      const t = model.tables.get(dep);
      for (const c of t?.columns.values() ?? []) {
        const later =
          c.origin.file === v.origin.file
            ? c.origin.span.start > v.origin.span.start
            : viewRank === undefined || (options.fileRank?.(c.origin.file) ?? Infinity) > viewRank;
        if (c.altered || later) return `view ${name} selects * from ${qualifiedLabel(t!.schema, t!.name)}, whose columns changed after the view was created; write the view's current column list by hand`;
      }
    }
  }
  return undefined;
}

/** Why a trigger's definition as written no longer recreates it (renamed, or its function renamed), or undefined. */
export function triggerProblem(model: SchemaModel, table: TableModel, tr: { name: string; definitionText: string }): string | undefined {
  const ast = firstAst(tr.definitionText);
  const label = `trigger ${quoteIdent(tr.name)} on ${qualifiedLabel(table.schema, table.name)}`;
  if (!ast || !('CreateTrigStmt' in ast)) return `${label}: its definition could not be read back`;
  const t = ast.CreateTrigStmt;
  const fn = (t.funcname ?? []).flatMap((n) => ('String' in n ? [n.String.sval ?? ''] : []));
  const name = fn[fn.length - 1] ?? '';
  const found = (fn.length > 1 ? [fn[fn.length - 2]!] : [table.schema, 'public']).some((schema) => model.functionsNamed({ schema, name }).length > 0);
  if (t.trigname !== tr.name || !found) return `${label} or its function was renamed since its definition; write its current definition by hand`;
  return undefined;
}

/** Sequences a column default names with `nextval('...')` that the model does not have (renamed since). */
function staleNextval(model: SchemaModel, c: ColumnModel, schema: string): string | undefined {
  const m = /nextval\('((?:[^']|'')+)'/i.exec(c.defaultText ?? '');
  if (!m) return undefined;
  const parts = m[1]!.replace(/''/g, "'").split('.').map((p) => p.replace(/^"|"$/g, ''));
  const key = parts.length > 1 ? qualifiedKey(parts[0]!, parts[1]!) : qualifiedKey(schema, parts[0]!);
  return model.sequences.has(key) || model.sequences.has(qualifiedKey('public', parts[parts.length - 1]!)) ? undefined : parts.join('.');
}

/**
 * For a serial column recreated with `serial`: PostgreSQL names its sequence `<table>_<column>_seq`;
 * when the model's sequence has another name (renamed since), the statement that renames it back.
 */
function serialRename(t: TableModel, c: ColumnModel): string | undefined {
  if (!c.serial || !c.ownedSequence || !renderColumn(c).includes(` ${c.serial}`)) return undefined;
  const chosen = makeObjectName(t.name, c.name, 'seq');
  const actual = c.ownedSequence.slice(c.ownedSequence.indexOf('.') + 1);
  return chosen === actual ? undefined : `ALTER SEQUENCE ${qualifiedLabel(t.schema, chosen)} RENAME TO ${quoteIdent(actual)};`;
}

/** Why a function's definition as written no longer recreates it, or undefined when it does. */
export function functionProblem(f: { schema: string; name: string; definitionText: string; signature: string }): string | undefined {
  const ast = firstAst(f.definitionText);
  if (ast && 'CreateFunctionStmt' in ast) {
    const names = (ast.CreateFunctionStmt.funcname ?? []).flatMap((n) => ('String' in n ? [n.String.sval ?? ''] : []));
    const name = names[names.length - 1];
    const schema = names.length > 1 ? names[names.length - 2] : undefined;
    if (name !== f.name || (schema !== undefined && schema !== f.schema)) return `function ${f.signature} was renamed or moved since its definition; write its current definition by hand`;
    return undefined;
  }
  if (ast && 'DefineStmt' in ast) return undefined;
  return `function ${f.signature}: its definition could not be read back`;
}

/**
 * The ALTER FUNCTION that brings a function recreated from its definition as written to the
 * attributes it has now (an ALTER FUNCTION changed them since), or a reason it cannot; `[]` when
 * the definition already has them.
 */
export function functionAttributesRestore(f: FunctionModel): string[] | { problem: string } {
  const signature = `${qualifiedLabel(f.schema, f.name)}(${f.argTypes.join(', ')})`;
  if (f.staleAttributes !== undefined) return { problem: `${f.kind} ${signature}: an ALTER FUNCTION since its definition set ${f.staleAttributes}, which is not known here; recreate it with its current attributes by hand` };
  if (!f.attributes) return [];
  const ast = firstAst(f.definitionText);
  if (!ast || !('CreateFunctionStmt' in ast)) return [];
  const created = applyFunctionOptions(undefined, ast.CreateFunctionStmt.options, { returnsSet: returnsSet(ast.CreateFunctionStmt) });
  if (!created.ok) return { problem: `${f.kind} ${signature}: its attributes as written (${created.why}) are not read here; recreate it by hand` };
  const change = functionChange(created.attributes, f.attributes, f.kind === 'procedure');
  return change.length > 0 ? [`ALTER ${f.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${signature} ${change.join(' ')};`] : [];
}

function isSqlFunction(text: string): boolean {
  const ast = firstAst(text);
  if (!ast || !('CreateFunctionStmt' in ast)) return false;
  const f = ast.CreateFunctionStmt;
  if (f.sql_body) return true;
  return (f.options ?? []).some((o) => 'DefElem' in o && o.DefElem.defname === 'language' && o.DefElem.arg && 'String' in o.DefElem.arg && o.DefElem.arg.String.sval === 'sql');
}

/** `CREATE OR REPLACE ...` of a definition written `CREATE ...`. */
export function orReplace(text: string): string {
  return text.replace(/^(\s*CREATE\s+)(?!OR\s+REPLACE\b)/i, '$1OR REPLACE ');
}

/** Items in an order where each comes after the items it depends on (cycles keep their order). */
function topo<T>(items: T[], keyOf: (t: T) => string, deps: (t: T) => readonly string[]): T[] {
  const byKey = new Map(items.map((t) => [keyOf(t), t] as const));
  const out: T[] = [];
  const state = new Map<string, number>();
  const visit = (t: T): void => {
    const k = keyOf(t);
    if (state.get(k) !== undefined) return;
    state.set(k, 1);
    for (const d of deps(t)) {
      const u = byKey.get(d);
      if (u && d !== k) visit(u);
    }
    state.set(k, 2);
    out.push(t);
  };
  items.forEach(visit);
  return out;
}

/** The column's definition for ADD COLUMN, with a comment on what is not restored. */
export function addColumnParts(t: TableModel, c: ColumnModel, quiet = false): InversePart[] {
  const table = qualifiedLabel(t.schema, t.name);
  const parts: InversePart[] = [];
  if (!quiet) {
    const names = [...t.columns.keys()];
    const notLast = names.indexOf(c.name) !== names.length - 1;
    let comment = `${table}.${quoteIdent(c.name)} comes back empty: its data is not restored`;
    if (notLast) comment += '; it becomes the last column of the table';
    if (c.notNull && c.defaultText === undefined && !c.identity && !c.serial && !c.generatedText) {
      comment += '; NOT NULL without a default fails on a table with rows (add it nullable, fill it, then SET NOT NULL)';
    }
    parts.push({ comment });
  }
  parts.push({ sql: `ALTER TABLE ${table} ADD COLUMN ${renderColumn(c)};` });
  return parts;
}

/** `ALTER TABLE t ADD CONSTRAINT name definition [NOT VALID];` */
export function addConstraintSql(t: TableModel, k: { name: string; definitionText: string; notValid: boolean }): string {
  return `ALTER TABLE ${qualifiedLabel(t.schema, t.name)} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.definitionText}${k.notValid ? ' NOT VALID' : ''};`;
}

/**
 * The parts that recreate what is in `before` and not in `after`. Empty when nothing was removed;
 * `irreversible` parts for what the model cannot recreate exactly (and for changes it does not undo).
 */
export function restoreLost(before: SchemaModel, after: SchemaModel, options: RestoreOptions = {}): InversePart[] {
  const early: InversePart[] = [];
  const tables: InversePart[] = [];
  const late: InversePart[] = [];
  const problems: string[] = [];
  const sqlFunctions: string[] = [];

  const logged = options.logged;
  for (const [name, e] of entriesOf(before.extensions, logged, 'extension')) if (!after.extensions.has(name)) early.push({ sql: semi(e.definitionText) });
  for (const [name] of entriesOf(before.schemas, logged, 'schema')) if (!after.schemas.has(name)) early.push({ sql: `CREATE SCHEMA ${quoteIdent(name)};` });
  for (const [k, t] of entriesOf(before.types, logged, 'type')) {
    if (after.types.has(k)) continue;
    if (t.kind === 'enum') early.push({ sql: semi(t.definitionText) });
    else problems.push(`type ${qualifiedLabel(t.schema, t.name)}: ALTER statements on ${t.kind} types are not read by the schema model, so its definition as written may be out of date; recreate it by hand`);
  }
  const ownerships: string[] = [];
  for (const [k, s] of entriesOf(before.sequences, logged, 'sequence')) {
    if (after.sequences.has(k)) continue;
    const label = qualifiedLabel(s.schema, s.name);
    if (s.stale) {
      problems.push(`sequence ${label}: an ALTER SEQUENCE since its definition set options that are not read here; recreate it with its current options by hand`);
      continue;
    }
    if (s.definitionText === undefined) {
      // A serial column's sequence: recreated with the column (renderColumn writes `serial`).
      const owner = s.ownedBy ? before.tables.get(s.ownedBy.table) : undefined;
      const col = owner?.columns.get(s.ownedBy!.column);
      const recreated = owner && col && (!after.tables.get(s.ownedBy!.table)?.columns.has(col.name)) && renderColumn(col).includes(` ${col.serial ?? '\u0000'}`);
      if (!recreated) problems.push(`sequence ${label} of a serial column is not recreated with its column; recreate it and its column default by hand`);
      else {
        // An ALTER SEQUENCE changed it since `serial` made it: set its parameters again.
        const made = serialSequenceParams(col.serial!);
        if (s.params && made && !sameSequenceParams(made, s.params)) ownerships.push(`ALTER SEQUENCE ${label} ${sequenceChange(made, s.params).join(' ')};`);
        else if (!s.params) problems.push(`sequence ${label} of a serial column: its options are not known here; check them after the column is recreated`);
      }
      continue;
    }
    early.push({ comment: `sequence ${label} is recreated with its options as the migrations leave them: its current value is not restored` });
    early.push({ sql: semi(s.definitionText) });
    if (s.ownedBy) {
      const [ts, tn] = [s.ownedBy.table.slice(0, s.ownedBy.table.indexOf('.')), s.ownedBy.table.slice(s.ownedBy.table.indexOf('.') + 1)];
      ownerships.push(`ALTER SEQUENCE ${label} OWNED BY ${qualifiedLabel(ts, tn)}.${quoteIdent(s.ownedBy.column)};`);
    }
  }
  for (const [k, f] of entriesOf(before.functions, logged, 'function')) {
    if (after.functions.has(k)) continue;
    const problem = functionProblem(f);
    const attributes = problem ? [] : functionAttributesRestore(f);
    if (problem) problems.push(problem);
    else if (!Array.isArray(attributes)) problems.push(attributes.problem);
    else if (isSqlFunction(f.definitionText)) sqlFunctions.push(semi(f.definitionText), ...attributes);
    else early.push({ sql: semi(f.definitionText) }, ...attributes.map((sql) => ({ sql })));
  }

  // Whole tables, each after the tables its foreign keys reference.
  const touchedTables = entriesOf(before.tables, logged, 'table');
  const missing = touchedTables.filter(([k]) => !after.tables.has(k));
  const ordered = topo(
    missing,
    ([k]) => k,
    ([, t]) => [...t.constraints.values()].flatMap((c) => (c.references ? [qualifiedKey(c.references.schema, c.references.table)] : [])),
  );
  for (const [, t] of ordered) {
    const problem = tableProblem(t);
    const rendered = problem ? undefined : renderTable(t);
    if (!rendered) {
      problems.push(problem ?? `table ${qualifiedLabel(t.schema, t.name)} cannot be recreated from the schema model`);
      continue;
    }
    const staleTriggers = new Set<string>();
    for (const i of t.indexes.values()) {
      if (i.constraint) continue;
      const stale = staleColumns(t, i.definitionText);
      if (stale.length > 0) {
        problems.push(`index ${quoteIdent(i.name)}: its definition names ${stale.join(', ')}, which ${qualifiedLabel(t.schema, t.name)} no longer has under that name; recreate it by hand`);
        staleTriggers.add(i.definitionText);
      }
    }
    for (const tr of t.triggers.values()) {
      const p = triggerProblem(before, t, tr);
      if (p) {
        problems.push(p);
        staleTriggers.add(tr.definitionText);
      }
    }
    for (const c of t.columns.values()) {
      const seq = c.serial ? undefined : staleNextval(before, c, t.schema);
      if (seq) problems.push(`column ${qualifiedLabel(t.schema, t.name)}.${quoteIdent(c.name)}: its default names sequence ${seq}, which no longer exists under that name; fix the default by hand`);
    }
    if (!options.quiet) tables.push({ comment: `table ${qualifiedLabel(t.schema, t.name)} is recreated empty: its rows are not restored` });
    for (const s of rendered) if (!staleTriggers.has(s)) tables.push({ sql: semi(s) });
    for (const c of t.columns.values()) {
      const rename = serialRename(t, c);
      if (rename) tables.push({ sql: rename });
    }
  }

  // Members of tables that are still there.
  const constraints: string[] = [];
  const foreignKeys: string[] = [];
  const indexes: string[] = [];
  const triggers: string[] = [];
  for (const [k, t] of touchedTables) {
    const u = after.tables.get(k);
    if (!u || u === t) continue;
    for (const c of t.columns.values()) {
      const now = u.columns.get(c.name);
      if (now) continue;
      const seq = c.serial ? undefined : staleNextval(before, c, t.schema);
      if (seq) {
        problems.push(`column ${qualifiedLabel(t.schema, t.name)}.${quoteIdent(c.name)}: its default names sequence ${seq}, which no longer exists under that name; add the column back by hand`);
        continue;
      }
      tables.push(...addColumnParts(t, c, options.quiet));
      const rename = serialRename(t, c);
      if (rename) tables.push({ sql: rename });
    }
    for (const c of t.constraints.values()) {
      if (u.constraints.has(c.name)) continue;
      (c.kind === 'foreign key' ? foreignKeys : constraints).push(addConstraintSql(t, c));
    }
    for (const i of t.indexes.values()) {
      if (i.constraint || u.indexes.has(i.name)) continue;
      const stale = staleColumns(t, i.definitionText);
      if (stale.length > 0) problems.push(`index ${quoteIdent(i.name)}: its definition names ${stale.join(', ')}, which ${qualifiedLabel(t.schema, t.name)} no longer has under that name; recreate it by hand`);
      else indexes.push(semi(i.definitionText));
    }
    for (const tr of t.triggers.values()) {
      if (u.triggers.has(tr.name)) continue;
      const p = triggerProblem(before, t, tr);
      if (p) problems.push(p);
      else triggers.push(semi(tr.definitionText));
    }
  }

  // Views, each after the views it reads; then the indexes of materialized views.
  const touchedViews = entriesOf(before.views, logged, 'view');
  const missingViews = touchedViews.filter(([k]) => !after.views.has(k));
  for (const [, v] of topo(missingViews, ([k]) => k, ([, v]) => v.dependsOn)) {
    const problem = viewProblem(before, v, options);
    if (problem) {
      problems.push(problem);
      continue;
    }
    late.push({ sql: semi(v.definitionText) });
    for (const i of v.indexes.values()) late.push({ sql: semi(i.definitionText) });
  }
  for (const [k, v] of touchedViews) {
    const w = after.views.get(k);
    if (!w || w === v) continue;
    for (const i of v.indexes.values()) if (!w.indexes.has(i.name)) late.push({ sql: semi(i.definitionText) });
  }

  // Changes that removing objects made to objects still there (CASCADE): a column default that
  // named a dropped sequence or called a dropped function is set again; anything else is said so.
  const removedKeys = new Set<string>();
  for (const ch of diffSchemas(before, after, logged)) {
    if (ch.kind === 'removed') removedKeys.add(ch.key);
    else if (ch.kind === 'changed') {
      const m = /^table:([^#]*)#column:(.*)$/.exec(ch.key);
      const t = m ? before.tables.get(m[1]!) : undefined;
      const was = t?.columns.get(m![2]!);
      const now = m ? after.tables.get(m[1]!)?.columns.get(m[2]!) : undefined;
      if (t && was && now && was.defaultText !== undefined && now.defaultText === undefined && renderColumn({ ...now, defaultText: was.defaultText }) === renderColumn(was)) {
        late.push({ sql: `ALTER TABLE ${qualifiedLabel(t.schema, t.name)} ALTER COLUMN ${quoteIdent(was.name)} SET DEFAULT ${was.defaultText};` });
      } else problems.push(`${ch.label} changed too; restore it by hand`);
    }
  }

  const parts: InversePart[] = [
    ...early,
    ...tables,
    ...sqlFunctions.map((sql) => ({ sql })),
    ...constraints.map((sql) => ({ sql })),
    ...foreignKeys.map((sql) => ({ sql })),
    ...indexes.map((sql) => ({ sql })),
    ...late,
    ...triggers.map((sql) => ({ sql })),
    ...ownerships.map((sql) => ({ sql })),
    ...problems.map((irreversible) => ({ irreversible })),
  ];
  return parts;
}
