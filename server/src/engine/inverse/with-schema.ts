/**
 * Inverses that only the schema before a statement makes exact: IF NOT EXISTS of an object that
 * already exists (nothing to undo), an unnamed CREATE INDEX (the model knows the name PostgreSQL
 * chose), CREATE OR REPLACE FUNCTION / VIEW of an existing one (the previous definition), and
 * INSERT with literal primary keys (DELETE of those rows).
 */
import type { A_Const, InsertStmt, Node } from '@pgsql/types';
import { quoteIdent, relationName, renderTypeName, stringList } from '../parsing/ast';
import type { Statement } from '../parsing/parser';
import { qualifiedKey, type SchemaModel } from '../schema/model';
import { qualifiedLabel } from '../schema/render';
import { viewDependents } from '../schema/dependencies';
import { inputArgTypes } from '../schema/replay';
import { literal } from './alter-type';
import { creationSchema, lookupTable, lookupView, newUnknowns, opaqueUnknown } from './lookup';
import { functionAttributesRestore, functionProblem, orReplace, viewProblem } from './restore';
import { diffSchemas } from './schema-diff';
import { excerpt, keys, type InverseContext, type Inversion } from './types';

const semi = (sql: string): string => `${sql.trimEnd().replace(/;$/, '')};`;

function ifNotExists(node: Node): boolean {
  if ('CreateStmt' in node) return node.CreateStmt.if_not_exists === true;
  if ('IndexStmt' in node) return node.IndexStmt.if_not_exists === true;
  if ('CreateExtensionStmt' in node) return node.CreateExtensionStmt.if_not_exists === true;
  if ('CreateSchemaStmt' in node) return node.CreateSchemaStmt.if_not_exists === true;
  if ('CreateSeqStmt' in node) return node.CreateSeqStmt.if_not_exists === true;
  if ('CreateTableAsStmt' in node) return node.CreateTableAsStmt.if_not_exists === true;
  return false;
}

/** Views that read `key`, directly or through other views, each after the views it reads. */
export function dependentViews(model: SchemaModel, key: string): string[] {
  const out = viewDependents(model, key).map((d) => d.name);
  // Breadth-first order already puts a view after what it reads, except for diamonds: fix those.
  return out.sort((a, b) => (model.views.get(b)!.dependsOn.includes(a) ? -1 : model.views.get(a)!.dependsOn.includes(b) ? 1 : 0));
}

export function invertWithSchema(node: Node, stmt: Statement, ctx: InverseContext, inversion: Inversion | undefined): Inversion | undefined {
  const before = ctx.before;
  const after = ctx.after;
  if (!before || !after) return inversion;
  const label = excerpt(stmt.text, 60);

  if (ifNotExists(node) && newUnknowns(ctx).length === 0 && diffSchemas(before, after, ctx.logged).length === 0) {
    return { step: { note: `${label} changes nothing: an earlier migration already creates it` } };
  }

  if ('IndexStmt' in node && !node.IndexStmt.idxname && inversion && 'irreversible' in inversion.step) {
    const added = diffSchemas(before, after, ctx.logged).filter((c) => c.kind === 'added' && /#index:/.test(c.key));
    const t = lookupTable(after, node.IndexStmt.relation, ctx.searchPath);
    if (added.length === 1 && t) {
      const name = added[0]!.key.slice(added[0]!.key.indexOf('#index:') + '#index:'.length);
      const concurrently = node.IndexStmt.concurrent ? 'CONCURRENTLY ' : '';
      return {
        step: { sql: [`DROP INDEX ${concurrently}${qualifiedLabel(t.schema, name)};`] },
        effects: { creates: [keys.relation({ ...node.IndexStmt.relation, relname: name })], touches: [keys.relation(node.IndexStmt.relation)] },
      };
    }
  }

  if ('CreateFunctionStmt' in node && node.CreateFunctionStmt.replace && inversion && 'irreversible' in inversion.step) {
    const f = node.CreateFunctionStmt;
    const names = stringList(f.funcname);
    const name = names[names.length - 1] ?? '';
    const schemaGiven = names.length > 1 ? names[names.length - 2] : undefined;
    const args = inputArgTypes(f.parameters);
    const schemas = schemaGiven ? [schemaGiven] : ctx.searchPath && ctx.searchPath.length > 0 ? ctx.searchPath : ['public'];
    const previous = schemas.map((s) => before.function({ schema: s, name }, args)).find((x) => x !== undefined);
    const key = keys.func(names);
    if (previous) {
      const problem = functionProblem(previous);
      if (problem) return { step: { irreversible: `${label}: ${problem}` }, effects: { touches: [key] } };
      // CREATE OR REPLACE sets every attribute as written: those an ALTER FUNCTION changed since are set again.
      const attributes = functionAttributesRestore(previous);
      if (!Array.isArray(attributes)) return { step: { irreversible: `${label}: ${attributes.problem}` }, effects: { touches: [key] } };
      return { step: { sql: [semi(orReplace(previous.definitionText)), ...attributes] }, effects: { touches: [key] } };
    }
    if (!opaqueUnknown(before)) {
      const keyword = f.is_procedure ? 'PROCEDURE' : 'FUNCTION';
      const signature = `${qualifiedLabel(creationSchema(schemaGiven, ctx.searchPath), name)}(${args.join(', ')})`;
      return { step: { sql: [`DROP ${keyword} ${signature};`] }, effects: { creates: [key] } };
    }
  }

  if ('ViewStmt' in node && node.ViewStmt.replace && inversion && 'irreversible' in inversion.step) {
    const rel = node.ViewStmt.view;
    const key = keys.relation(rel);
    const previous = lookupView(before, rel, ctx.searchPath);
    if (previous) {
      const problem = viewProblem(before, previous, ctx.fileRank ? { fileRank: ctx.fileRank } : {});
      if (problem) return { step: { irreversible: `${label}: ${problem}` }, effects: { touches: [key] } };
      const self = qualifiedKey(previous.schema, previous.name);
      const dependents = dependentViews(after, self);
      const sql = [`DROP VIEW ${qualifiedLabel(previous.schema, previous.name)}${dependents.length > 0 ? ' CASCADE' : ''};`, semi(previous.definitionText)];
      for (const d of dependents) {
        const v = after.views.get(d)!;
        const p = viewProblem(after, v, ctx.fileRank ? { fileRank: ctx.fileRank } : {});
        if (p) return { step: { irreversible: `${label}: ${p} (it reads ${qualifiedLabel(previous.schema, previous.name)}, which the inverse must drop and recreate)` }, effects: { touches: [key] } };
        sql.push(semi(v.definitionText));
        for (const i of v.indexes.values()) sql.push(semi(i.definitionText));
      }
      return { step: { sql }, effects: { touches: [key] } };
    }
    if (!opaqueUnknown(before)) {
      const name = qualifiedLabel(creationSchema(rel?.schemaname, ctx.searchPath), rel?.relname ?? '');
      return { step: { sql: [`DROP VIEW ${name};`] }, effects: { creates: [key] } };
    }
  }

  if ('InsertStmt' in node && inversion && 'irreversible' in inversion.step) {
    const deleted = invertInsert(node.InsertStmt, before, ctx);
    if (deleted) return { ...deleted, effects: inversion.effects ?? {} };
  }
  return inversion;
}

/** A constant as SQL: `42`, `-1.5`, `'x'`, `true`, `'…'::uuid`; undefined for anything else. */
function constant(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if ('A_Const' in node) {
    const c: A_Const = node.A_Const;
    if (c.isnull) return undefined;
    if (c.ival) return String(c.ival.ival ?? 0);
    if (c.fval) return c.fval.fval;
    if (c.sval) return literal(c.sval.sval ?? '');
    if (c.boolval) return c.boolval.boolval ? 'true' : 'false';
    return undefined;
  }
  if ('TypeCast' in node) {
    const inner = constant(node.TypeCast.arg);
    return inner === undefined ? undefined : `${inner}::${renderTypeName(node.TypeCast.typeName)}`;
  }
  if ('A_Expr' in node && node.A_Expr.kind === 'AEXPR_OP' && !node.A_Expr.lexpr && stringList(node.A_Expr.name).join() === '-') {
    const inner = constant(node.A_Expr.rexpr);
    return inner !== undefined && /^[0-9.]+$/.test(inner) ? `-${inner}` : undefined;
  }
  return undefined;
}

/** INSERT INTO t ... VALUES with literal primary keys → DELETE FROM t WHERE pk IN (...). */
function invertInsert(s: InsertStmt, before: SchemaModel, ctx: InverseContext): Inversion | undefined {
  const table = relationName(s.relation);
  const t = lookupTable(before, s.relation, ctx.searchPath);
  const no = (why: string): Inversion => ({ step: { irreversible: `INSERT INTO ${table}: ${why}; delete the inserted rows by hand` } });
  if (!t) return undefined;
  if (!t.primaryKey || t.primaryKey.length === 0) return no(`${table} has no primary key in the schema the earlier migrations leave, so the inserted rows cannot be told apart from others`);
  if (s.onConflictClause) return no('with ON CONFLICT some of the rows may have existed before, and deleting them would lose them');
  if (s.withClause) return no('a WITH clause computes the rows');
  const select = s.selectStmt && 'SelectStmt' in s.selectStmt ? s.selectStmt.SelectStmt : undefined;
  const rows = select?.valuesLists;
  if (!select || !rows || rows.length === 0) return no('the rows come from a query, so their keys are unknown here');
  const columns = (s.cols ?? []).length > 0 ? (s.cols ?? []).flatMap((c) => ('ResTarget' in c ? [c.ResTarget.name ?? ''] : [])) : [...t.columns.keys()];
  const positions = t.primaryKey.map((k) => columns.indexOf(k));
  if (positions.some((p) => p < 0)) return no(`the primary key (${t.primaryKey.map(quoteIdent).join(', ')}) is not given, so the new rows' keys are chosen by the database`);
  const tuples: string[] = [];
  for (const row of rows) {
    const items = 'List' in row ? row.List.items ?? [] : [];
    const values = positions.map((p) => constant(items[p]));
    if (values.some((v) => v === undefined)) return no('a primary key value is not a constant');
    tuples.push(values.length === 1 ? values[0]! : `(${values.join(', ')})`);
  }
  const unique = [...new Set(tuples)];
  const key = t.primaryKey.length === 1 ? quoteIdent(t.primaryKey[0]!) : `(${t.primaryKey.map(quoteIdent).join(', ')})`;
  return { step: { sql: [`DELETE FROM ${table} WHERE ${key} IN (${unique.join(', ')});`] } };
}
