/**
 * Does a down migration undo its up? Both are replayed on the schema model: the up from the schema
 * the earlier migrations leave, the down from what the up leaves. Then
 * - `missing`: what differs from the schema before the up, attributed to the up statements that
 *   made the change (the down never undoes them);
 * - `unexpected`: down statements that change something the up never touched, or drop what does
 *   not exist after the up;
 * - `order`: down statements that drop an object before the statement dropping what depends on it
 *   (a table before the table whose foreign key references it): PostgreSQL refuses them.
 * Nothing is reported when the model cannot tell (statements it cannot read in the down, syntax
 * errors, an earlier DO block...): these checks never guess.
 */
import type { Statement } from '../parsing/parser';
import { nodeKind } from '../parsing/parser';
import type { ParsedFile } from '../parsing/parser';
import { quoteIdent, stringList } from '../parsing/ast';
import { parseSql } from '../parsing/parser';
import { qualifiedKey, type SchemaModel } from '../schema/model';
import { foreignKeysTo } from '../schema/dependencies';
import { entriesHolding, term } from '../schema/refs';
import { columnTypeKey, typeIndexed } from '../schema/mentions';
import { keysInOrder } from '../schema/pmap';
import { qualifiedLabel } from '../schema/render';
import { replayThrough, type Replay } from '../schema/replay';
import { opaqueUnknown } from './lookup';
import { diffSchemas, ownerKey, type SchemaChange } from './schema-diff';

export interface ConsistencyInput {
  up: ParsedFile;
  down: ParsedFile;
  /** The schema before the up. */
  before: SchemaModel;
  upPath: string;
  downPath: string;
  /** How to replay a file statement by statement (a workspace shares its replays); `replayThrough` by default. */
  replay?: (parsed: ParsedFile, base: SchemaModel, file: string) => Replay;
}

export interface MissingInverse {
  /** The up statement. */
  statement: Statement;
  /** What is not undone (top-level objects: a table, not also each of its columns). */
  changes: SchemaChange[];
}

export interface UnexpectedDown {
  statement: Statement;
  /**
   * `nothing`: it drops what does not exist after the up; `unrelated`: it changes what the up does
   * not; `fails`: it names an object that does not exist at that point (or creates one that does).
   */
  kind: 'nothing' | 'unrelated' | 'fails';
  changes: SchemaChange[];
  /** For `nothing`: the object's name as written; for `fails`: why, in the schema model's words. */
  target?: string;
}

export interface WrongOrder {
  statement: Statement;
  /** The later down statement that drops the dependent object. */
  later: Statement;
  /** `table posts (foreign key posts_user_id_fkey)`, `view user_emails`. */
  dependent: string;
  /** What the statement drops: `table users`. */
  object: string;
}

export interface Consistency {
  missing: MissingInverse[];
  unexpected: UnexpectedDown[];
  order: WrongOrder[];
  /** Down statement index → the index of the last up statement it undoes (down statements that undo nothing are absent). */
  undoes: Map<number, number>;
  /** Schemas before each up statement and after the last. */
  upSchemas: SchemaModel[];
}

/** Keeps the changes whose owner is not itself in the list (a table, not also its columns). */
export function topLevel(changes: SchemaChange[]): SchemaChange[] {
  const keys = new Set(changes.map((c) => c.key));
  return changes.filter((c) => {
    const owner = ownerKey(c.key);
    return owner === undefined || !keys.has(owner);
  });
}

/** Down statements whose kind the schema model reads; the others (data, grants, comments) are not judged. */
const MODELLED = new Set([
  'CreateStmt',
  'IndexStmt',
  'DropStmt',
  'AlterTableStmt',
  'RenameStmt',
  'ViewStmt',
  'CreateFunctionStmt',
  'CreateEnumStmt',
  'CreateSeqStmt',
  'CreateExtensionStmt',
  'CreateSchemaStmt',
  'CreateTrigStmt',
  'AlterEnumStmt',
  'CompositeTypeStmt',
  'CreateDomainStmt',
  'CreateTableAsStmt',
  'AlterObjectSchemaStmt',
]);
const MODELLED_DROPS = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_INDEX',
  'OBJECT_SEQUENCE',
  'OBJECT_TYPE',
  'OBJECT_SCHEMA',
  'OBJECT_EXTENSION',
  'OBJECT_FUNCTION',
  'OBJECT_PROCEDURE',
  'OBJECT_TRIGGER',
]);

/**
 * The checks, or undefined when the model cannot tell. With `lenient`, the result is computed even
 * then (its `undoes` places an inverse in a down; its findings are not to be reported).
 */
/**
 * What CASCADE drops beyond the schema model's replay: the triggers of a dropped function, the
 * foreign keys resting on a dropped primary key or unique constraint. As SQL to apply after the statement.
 */
function cascadeExtras(before: SchemaModel, stmt: Statement): string[] {
  const ast = stmt.ast;
  const out: string[] = [];
  if (ast && 'DropStmt' in ast && ast.DropStmt.behavior === 'DROP_CASCADE' && /^OBJECT_(FUNCTION|PROCEDURE|ROUTINE)$/.test(ast.DropStmt.removeType ?? '')) {
    const names = new Set<string>();
    for (const o of ast.DropStmt.objects ?? []) {
      if (!('ObjectWithArgs' in o)) continue;
      const parts = (o.ObjectWithArgs.objname ?? []).flatMap((n) => ('String' in n ? [n.String.sval ?? ''] : []));
      names.add(parts.length > 1 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : `public.${parts[0] ?? ''}`);
    }
    for (const [, t] of entriesHolding(before.refs, 'tables', before.tables, [...names].map(term.trigger))) {
      for (const tr of t.triggers.values()) if (names.has(tr.functionName)) out.push(`DROP TRIGGER IF EXISTS ${quoteIdent(tr.name)} ON ${qualifiedLabel(t.schema, t.name)}`);
    }
  }
  if (ast && 'AlterTableStmt' in ast) {
    for (const c of ast.AlterTableStmt.cmds ?? []) {
      const cmd = 'AlterTableCmd' in c ? c.AlterTableCmd : undefined;
      if (cmd?.subtype !== 'AT_DropConstraint' || cmd.behavior !== 'DROP_CASCADE') continue;
      const rel = ast.AlterTableStmt.relation;
      const table = before.table({ ...(rel?.schemaname ? { schema: rel.schemaname } : {}), name: rel?.relname ?? '' });
      const k = table?.constraints.get(cmd.name ?? '');
      if (!table || !k || (k.kind !== 'primary key' && k.kind !== 'unique')) continue;
      const cols = [...k.columns].sort().join(',');
      for (const [, other] of entriesHolding(before.refs, 'tables', before.tables, [term.references(qualifiedKey(table.schema, table.name))])) {
        for (const fk of other.constraints.values()) {
          const r = fk.references;
          if (r && r.schema === table.schema && r.table === table.name && [...r.columns].sort().join(',') === cols && other !== table) {
            out.push(`ALTER TABLE ${qualifiedLabel(other.schema, other.name)} DROP CONSTRAINT IF EXISTS ${quoteIdent(fk.name)}`);
          }
        }
      }
    }
  }
  return out;
}

/** `replayThrough`, plus what CASCADE drops that the model's replay leaves (see cascadeExtras). */
export function replayStatements(base: SchemaModel, file: string, parsed: ParsedFile, replay: ConsistencyInput['replay'] = (p, b, f) => replayThrough(b, f, p)): Replay {
  const first = replay(parsed, base, file);
  let models = first.models;
  let touched = first.touched;
  for (let j = 0; j < parsed.statements.length; j++) {
    const extras = cascadeExtras(models[j]!, parsed.statements[j]!);
    if (extras.length === 0) continue;
    if (models === first.models) {
      models = [...models];
      touched = [...touched];
    }
    const cascade = replayThrough(models[j + 1]!, '', parseSql(extras.join(';\n')));
    const fixed = cascade.models[cascade.models.length - 1]!;
    touched[j] = new Set([...touched[j]!, ...cascade.touched.flatMap((t) => [...t])]);
    const rest = replayThrough(fixed, file, { ...parsed, statements: parsed.statements.slice(j + 1) });
    models.splice(j + 1, models.length - j - 1, ...rest.models);
    touched.splice(j + 1, touched.length - j - 1, ...rest.touched);
  }
  return { ...first, models, touched };
}

/**
 * The changes of one replayed statement, kept with its change log (the set object a replay makes for
 * the step): a replay that reuses its steps (an edit that left the statements as they were, see
 * `replayThrough`) gets the very same diff back instead of computing it again.
 */
const stepDiffs = new WeakMap<ReadonlySet<string>, { a: SchemaModel; b: SchemaModel; changes: SchemaChange[] }>();

function stepDiff(a: SchemaModel, b: SchemaModel, touched: ReadonlySet<string> | undefined): SchemaChange[] {
  if (!touched) return diffSchemas(a, b);
  const hit = stepDiffs.get(touched);
  if (hit && hit.a === a && hit.b === b) return hit.changes;
  const changes = diffSchemas(a, b, touched);
  stepDiffs.set(touched, { a, b, changes });
  return changes;
}

/** Unknowns that mean "this object is not there" (or "already there"): the statement fails in PostgreSQL. */
const MISSING = /not in the model|does not know|already has/;

export function checkConsistency(input: ConsistencyInput, lenient = false): Consistency | undefined {
  if (!lenient && (input.up.errors.length > 0 || input.down.errors.length > 0)) return undefined;
  if (input.down.statements.length === 0) return undefined;
  const upReplay = replayStatements(input.before, input.upPath, input.up, input.replay);
  const upSchemas = upReplay.models;
  const after = upSchemas[upSchemas.length - 1]!;
  const downReplay = replayStatements(after, input.downPath, input.down, input.replay);
  const downSchemas = downReplay.models;
  const final = downSchemas[downSchemas.length - 1]!;
  // Everything the up or the down wrote: what can differ between any two of these snapshots.
  const logged = new Set<string>();
  for (const t of [...upReplay.touched, ...downReplay.touched]) for (const k of t) logged.add(k);
  const opaque = opaqueUnknown(input.before) !== undefined;
  const downUnknowns = input.down.statements.map((_, j) => downSchemas[j + 1]!.unknowns.slice(downSchemas[j]!.unknowns.length));
  // A down the model cannot read entirely (a DO block...): no verdict on what it leaves.
  const downReadable = downUnknowns.every((u) => u.length === 0);

  const upChanges = input.up.statements.map((_, i) => stepDiff(upSchemas[i]!, upSchemas[i + 1]!, upReplay.touched[i]));
  const upUnknown = input.up.statements.map((_, i) => upSchemas[i + 1]!.unknowns.length > upSchemas[i]!.unknowns.length);
  const upKeys = new Set(upChanges.flat().map((c) => c.key));
  const covered = (key: string): boolean => upKeys.has(key) || (ownerKey(key) !== undefined && upKeys.has(ownerKey(key)!)) || ofChangedType(key);
  /**
   * A column of a type the up changes (an enum that got a value): the down that recreates the type
   * without it converts the column too.
   */
  const ofChangedType = (key: string): boolean => {
    const m = /^table:([^#]*)#column:(.*)$/.exec(key);
    const table = m ? after.tables.get(m[1]!) : undefined;
    const column = table?.columns.get(m![2]!);
    const typeKey = column ? columnTypeKey(stringList(column.typeName.names)) : undefined;
    return typeKey !== undefined && upKeys.has(`type:${typeKey}`);
  };

  // The last up statement that changed each key, and each owner through one of its members:
  // finding who changed something is a lookup, not a scan of the up (linear in up and down).
  const lastByKey = new Map<string, number>();
  const lastByOwner = new Map<string, number>();
  upChanges.forEach((changes, i) => {
    for (const c of changes) {
      lastByKey.set(c.key, i);
      const owner = ownerKey(c.key);
      if (owner !== undefined) lastByOwner.set(owner, i);
    }
  });
  const last = (...found: (number | undefined)[]): number => found.reduce<number>((m, x) => (x !== undefined && x > m ? x : m), -1);

  // What the down leaves different from before the up, on the up statements that changed it.
  const missingBy = new Map<number, SchemaChange[]>();
  for (const change of downReadable ? diffSchemas(input.before, final, logged) : []) {
    // The statement changed this object, or the table/view it belongs to (not: one of its members).
    const owner = ownerKey(change.key);
    const by = last(lastByKey.get(change.key), owner !== undefined ? lastByKey.get(owner) : undefined);
    if (by < 0 || upUnknown[by]) continue;
    missingBy.set(by, [...(missingBy.get(by) ?? []), change]);
  }
  const missing = [...missingBy]
    .sort((a, b) => a[0] - b[0])
    .map(([i, changes]) => ({ statement: input.up.statements[i]!, changes: topLevel(changes) }));

  const unexpected: UnexpectedDown[] = [];
  const undoes = new Map<number, number>();
  const downChanges = input.down.statements.map((_, j) => stepDiff(downSchemas[j]!, downSchemas[j + 1]!, downReplay.touched[j]));
  // What the whole down changes: a change that a later statement takes back (a temporary type) is not one.
  const net = new Set(diffSchemas(after, final, logged).map((c) => c.key));
  const trusted = !opaque && !upUnknown.some((u) => u);
  input.down.statements.forEach((stmt, j) => {
    const changes = downChanges[j]!;
    // The last up statement whose change is related to one of this statement's (see `related`).
    let by = -1;
    for (const d of changes) {
      const owner = ownerKey(d.key);
      by = last(by, lastByKey.get(d.key), lastByOwner.get(d.key), owner !== undefined ? lastByKey.get(owner) : undefined);
    }
    if (by >= 0) undoes.set(j, by);
    const kind = nodeKind(stmt.ast) ?? '';
    if (!MODELLED.has(kind)) return;
    const missingObject = downUnknowns[j]!.find((u) => MISSING.test(u.reason));
    if (missingObject) {
      if (trusted && downUnknowns.slice(0, j).every((u) => u.length === 0)) unexpected.push({ statement: stmt, kind: 'fails', changes: [], target: missingObject.reason });
      return;
    }
    if (downUnknowns[j]!.length > 0) return;
    if (changes.length === 0) {
      const ast = stmt.ast;
      if (!ast || !('DropStmt' in ast) || !MODELLED_DROPS.has(ast.DropStmt.removeType ?? '') || opaque || upUnknown.some((u) => u)) return;
      // `DROP ... IF EXISTS x; CREATE x ...`: the defensive idiom, whatever is there before.
      if (ast.DropStmt.missing_ok && recreatedLater(input.down, j)) return;
      unexpected.push({ statement: stmt, kind: 'nothing', changes: [], target: dropTargets(stmt) });
      return;
    }
    // A trigger "changed" by CREATE TRIGGER is one the model still has where PostgreSQL has none
    // (its function was renamed, then dropped with CASCADE): the model's mistake, not the down's.
    const uncovered = changes.filter((c) => !covered(c.key) && net.has(c.key) && !(c.kind === 'changed' && c.key.includes('#trigger:')));
    if (uncovered.length > 0) unexpected.push({ statement: stmt, kind: 'unrelated', changes: topLevel(uncovered) });
  });

  return { missing, unexpected, order: wrongOrder(input.down, downSchemas, downReplay.touched), undoes, upSchemas };
}

/** The name (last part) of what a statement creates, with its kind as DROP names it, or undefined. */
function createdName(ast: import('../parsing/parser').Node | undefined): { type: string; name: string } | undefined {
  if (!ast) return undefined;
  if ('CreateTrigStmt' in ast) return ast.CreateTrigStmt.trigname ? { type: 'OBJECT_TRIGGER', name: ast.CreateTrigStmt.trigname } : undefined;
  if ('ViewStmt' in ast) return ast.ViewStmt.view?.relname ? { type: 'OBJECT_VIEW', name: ast.ViewStmt.view.relname } : undefined;
  if ('CreateTableAsStmt' in ast && ast.CreateTableAsStmt.objtype === 'OBJECT_MATVIEW') return ast.CreateTableAsStmt.into?.rel?.relname ? { type: 'OBJECT_MATVIEW', name: ast.CreateTableAsStmt.into.rel.relname } : undefined;
  if ('CreateStmt' in ast) return ast.CreateStmt.relation?.relname ? { type: 'OBJECT_TABLE', name: ast.CreateStmt.relation.relname } : undefined;
  if ('IndexStmt' in ast) return ast.IndexStmt.idxname ? { type: 'OBJECT_INDEX', name: ast.IndexStmt.idxname } : undefined;
  if ('CreateSeqStmt' in ast) return ast.CreateSeqStmt.sequence?.relname ? { type: 'OBJECT_SEQUENCE', name: ast.CreateSeqStmt.sequence.relname } : undefined;
  if ('CreateFunctionStmt' in ast) {
    const parts = (ast.CreateFunctionStmt.funcname ?? []).flatMap((n) => ('String' in n ? [n.String.sval ?? ''] : []));
    return { type: ast.CreateFunctionStmt.is_procedure ? 'OBJECT_PROCEDURE' : 'OBJECT_FUNCTION', name: parts[parts.length - 1] ?? '' };
  }
  const typeName = (names: import('../parsing/parser').Node[] | undefined): string => {
    const parts = (names ?? []).flatMap((n) => ('String' in n ? [n.String.sval ?? ''] : []));
    return parts[parts.length - 1] ?? '';
  };
  if ('CreateEnumStmt' in ast) return { type: 'OBJECT_TYPE', name: typeName(ast.CreateEnumStmt.typeName) };
  if ('CompositeTypeStmt' in ast) return ast.CompositeTypeStmt.typevar?.relname ? { type: 'OBJECT_TYPE', name: ast.CompositeTypeStmt.typevar.relname } : undefined;
  if ('CreateDomainStmt' in ast) return { type: 'OBJECT_DOMAIN', name: typeName(ast.CreateDomainStmt.domainname) };
  return undefined;
}

/** Whether every object a `DROP` (statement `j` of the down) names is created again by a later down statement. */
function recreatedLater(down: ParsedFile, j: number): boolean {
  const ast = down.statements[j]?.ast;
  if (!ast || !('DropStmt' in ast)) return false;
  const type = ast.DropStmt.removeType ?? '';
  const names = (ast.DropStmt.objects ?? []).map((o) => {
    const items = 'List' in o ? o.List.items ?? [] : 'ObjectWithArgs' in o ? o.ObjectWithArgs.objname ?? [] : 'TypeName' in o ? o.TypeName.names ?? [] : [o];
    const parts = items.flatMap((n) => ('String' in n ? [n.String.sval ?? ''] : []));
    return parts[parts.length - 1] ?? '';
  });
  const later = down.statements.slice(j + 1).map((st) => createdName(st.ast)).filter((c) => c !== undefined);
  const sameKind = (t: string): boolean => t === type || (type === 'OBJECT_ROUTINE' && (t === 'OBJECT_FUNCTION' || t === 'OBJECT_PROCEDURE')) || (type === 'OBJECT_TYPE' && t === 'OBJECT_DOMAIN');
  return names.length > 0 && names.every((n) => later.some((c) => c.name === n && sameKind(c.type)));
}

function dropTargets(stmt: Statement): string {
  const ast = stmt.ast;
  if (!ast || !('DropStmt' in ast)) return '';
  const m = /^\s*DROP\s+(?:MATERIALIZED\s+)?\w+\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?(.*?)(?:\s+(?:CASCADE|RESTRICT))?\s*$/is.exec(stmt.text);
  return (m?.[1] ?? '').replace(/\s+/g, ' ');
}

/** Down statements that drop an object while a later statement still has to drop what depends on it. */
function wrongOrder(down: ParsedFile, schemas: SchemaModel[], touched: readonly ReadonlySet<string>[]): WrongOrder[] {
  const out: WrongOrder[] = [];
  /** The index of the first statement from `from` on after which the key is gone. */
  const droppedAt = (from: number, exists: (m: SchemaModel) => boolean): number => {
    for (let k = from; k < down.statements.length; k++) if (exists(schemas[k]!) && !exists(schemas[k + 1]!)) return k;
    return -1;
  };
  down.statements.forEach((stmt, j) => {
    const ast = stmt.ast;
    if (!ast || !('DropStmt' in ast) || ast.DropStmt.behavior === 'DROP_CASCADE') return;
    const type = ast.DropStmt.removeType;
    const before = schemas[j]!;
    const afterStmt = schemas[j + 1]!;
    if (type === 'OBJECT_TABLE' || type === 'OBJECT_VIEW' || type === 'OBJECT_MATVIEW') {
      // What this statement removed, from its change log, in the schema's order.
      const logged = touched[j] ?? new Set<string>();
      const removed = (map: ReadonlyMap<string, unknown>, after: ReadonlyMap<string, unknown>, prefix: string): string[] => {
        return keysInOrder(map, [...logged].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length))).filter((k) => !after.has(k));
      };
      const gone = removed(before.tables, afterStmt.tables, 'table:').map((k) => ({ key: k, label: `table ${k.replace(/^public\./, '')}` }));
      gone.push(...removed(before.views, afterStmt.views, 'view:').map((k) => ({ key: k, label: `view ${k.replace(/^public\./, '')}` })));
      for (const g of gone) {
        const candidates: { key: string; label: string; exists: (m: SchemaModel) => boolean }[] = [];
        // The other tables' foreign keys to it (dependencies.ts, as DROP ... CASCADE finds them).
        for (const fk of foreignKeysTo(before, g.key)) {
          const table = fk.owner;
          candidates.push({ key: table, label: `table ${table.replace(/^public\./, '')} (foreign key ${fk.name})`, exists: (m) => m.tables.has(table) });
        }
        // The views that read it (the lookups name them), in the schema's order.
        for (const [v, view] of entriesHolding(before.refs, 'views', before.views, [term.reads(g.key)])) {
          if (v === g.key || !view.dependsOn.includes(g.key)) continue;
          candidates.push({ key: v, label: `view ${v.replace(/^public\./, '')}`, exists: (m) => m.views.has(v) });
        }
        const seen = new Set<string>();
        for (const c of candidates) {
          if (seen.has(c.key) || !c.exists(afterStmt)) continue;
          const k = droppedAt(j + 1, c.exists);
          if (k < 0) continue;
          seen.add(c.key);
          out.push({ statement: stmt, later: down.statements[k]!, dependent: c.label, object: g.label });
        }
      }
    } else if (type === 'OBJECT_TYPE') {
      // The types this statement removed: from its change log when there is one, in the schema's order.
      const logged = touched[j];
      const candidates = logged ? keysInOrder(before.types, [...logged].filter((k) => k.startsWith('type:')).map((k) => k.slice('type:'.length))) : [...before.types.keys()];
      const gone = candidates.map((k) => before.types.get(k)!).filter((t) => !afterStmt.types.has(qualifiedKey(t.schema, t.name)));
      for (const t of gone) {
        // The tables with a column of it (the lookups name them, but for a built-in's name: see mentions.ts).
        const typeKey = qualifiedKey(t.schema, t.name);
        for (const [tk, table] of typeIndexed(typeKey) ? entriesHolding(afterStmt.refs, 'tables', afterStmt.tables, [term.columnType(typeKey)]) : afterStmt.tables) {
          if (![...table.columns.values()].some((c) => columnTypeKey(stringList(c.typeName.names)) === typeKey)) continue;
          const k = droppedAt(j + 1, (m) => m.tables.has(tk));
          if (k >= 0) out.push({ statement: stmt, later: down.statements[k]!, dependent: `table ${tk.replace(/^public\./, '')}`, object: `type ${t.name}` });
        }
      }
    }
  });
  return out;
}
