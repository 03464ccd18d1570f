/**
 * ALTER SEQUENCE (parameters, OWNED BY, RESTART), ALTER FUNCTION / PROCEDURE (attributes) and
 * ALTER ... SET SCHEMA → the statement that sets the previous values back, read from the schema
 * before the statement. Without
 * the schema, or where the previous value is not known (RESTART: the sequence's value; `SET ... FROM
 * CURRENT`), the step says so: a wrong down is worse than a TODO.
 */
import type { AlterFunctionStmt, AlterObjectSchemaStmt, AlterSeqStmt } from '@pgsql/types';
import { quoteIdent, relationName, stringList } from '../parsing/ast';
import { DEFAULT_SCHEMA, functionKey, qualifiedKey, type FunctionModel, type SchemaModel, type SequenceModel } from '../schema/model';
import { functionChange, sequenceChange } from '../schema/options';
import { qualifiedLabel } from '../schema/render';
import { inputArgTypes } from '../schema/replay';
import { stepOf } from './lookup';
import { dotted, excerpt, functionRef, keys, namesOf, objectKeyword, type InverseContext, type InversePart, type Inversion } from './types';

function findSequence(model: SchemaModel, schema: string | undefined, name: string, searchPath: readonly string[] | undefined): SequenceModel | undefined {
  for (const s of schema ? [schema] : searchPath && searchPath.length > 0 ? searchPath : [DEFAULT_SCHEMA]) {
    const seq = model.sequences.get(qualifiedKey(s, name));
    if (seq) return seq;
  }
  return undefined;
}

/** ALTER SEQUENCE without the schema: nothing to undo for a sequence this migration creates, else unknown. */
export function invertAlterSequence(a: AlterSeqStmt, text: string, ctx: InverseContext): Inversion {
  const label = excerpt(text, 60);
  if (ctx.isCreated(keys.relation(a.sequence))) return { step: { note: `${label} only changes a sequence that this migration creates` } };
  const withSchema = ctx.before && ctx.after ? alterSequenceWithSchema(a, label, ctx) : undefined;
  return withSchema ?? { step: { irreversible: `${label}: the sequence's earlier options are unknown here; restore them with ALTER SEQUENCE by hand` } };
}

function alterSequenceWithSchema(a: AlterSeqStmt, label: string, ctx: InverseContext): Inversion | undefined {
  const rel = a.sequence;
  if (!rel?.relname) return undefined;
  const before = findSequence(ctx.before!, rel.schemaname, rel.relname, ctx.searchPath);
  if (!before) return undefined;
  const after = ctx.after!.sequences.get(qualifiedKey(before.schema, before.name));
  if (!after) return undefined;
  const name = qualifiedLabel(before.schema, before.name);
  const options = (a.options ?? []).flatMap((o) => ('DefElem' in o ? [o.DefElem.defname ?? ''] : []));
  const parts: InversePart[] = [];
  const clauses: string[] = [];
  const paramsChanged = before.params !== after.params;
  if (paramsChanged) {
    if (!before.params || !after.params) parts.push({ irreversible: `${label}: the sequence's earlier or new options are not read here; restore them with ALTER SEQUENCE by hand` });
    else clauses.push(...sequenceChange(after.params, before.params));
  }
  if (before.ownedBy?.table !== after.ownedBy?.table || before.ownedBy?.column !== after.ownedBy?.column) {
    if (!before.ownedBy) clauses.push('OWNED BY NONE');
    else {
      const t = ctx.before!.tables.get(before.ownedBy.table);
      if (!t) parts.push({ irreversible: `${label}: the table that owned the sequence before is not known here; restore OWNED BY by hand` });
      else clauses.push(`OWNED BY ${qualifiedLabel(t.schema, t.name)}.${quoteIdent(before.ownedBy.column)}`);
    }
  }
  if (clauses.length > 0) parts.unshift({ sql: `ALTER SEQUENCE ${name} ${clauses.join(' ')};` });
  if (options.includes('restart')) parts.push({ irreversible: `${label}: the value the sequence had before RESTART is unknown here; set it back with setval by hand` });
  const effects = { touches: [keys.relation(rel)] };
  if (parts.length === 0) return { step: { note: `${label} leaves the sequence's options as they were` }, effects };
  return { step: stepOf(parts), effects };
}

function findFunction(model: SchemaModel, a: AlterFunctionStmt, searchPath: readonly string[] | undefined): FunctionModel | undefined {
  const names = stringList(a.func?.objname);
  const name = names[names.length - 1] ?? '';
  const schemas = names.length > 1 ? [names[names.length - 2]!] : searchPath && searchPath.length > 0 ? searchPath : [DEFAULT_SCHEMA];
  if (a.func?.args_unspecified) {
    const found = schemas.flatMap((s) => model.functionsNamed({ schema: s, name }));
    return found.length === 1 ? found[0] : undefined;
  }
  const args = inputArgTypes(a.func?.objfuncargs);
  for (const s of schemas) {
    const f = model.function({ schema: s, name }, args);
    if (f) return f;
  }
  return undefined;
}

/** ALTER FUNCTION / PROCEDURE ... <attributes> → the attributes it had before. */
export function invertAlterFunction(a: AlterFunctionStmt, text: string, ctx: InverseContext): Inversion {
  const label = excerpt(text, 60);
  const key = keys.func(stringList(a.func?.objname));
  if (ctx.isCreated(key)) return { step: { note: `${label} only changes a ${a.objtype === 'OBJECT_PROCEDURE' ? 'procedure' : 'function'} that this migration creates` }, effects: { touches: [key] } };
  const unknown = { step: { irreversible: `${label}: the earlier attributes of ${functionRef(a.func)} are unknown here; set them back with ALTER ${a.objtype === 'OBJECT_PROCEDURE' ? 'PROCEDURE' : 'FUNCTION'} by hand` }, effects: { touches: [key] } };
  if (!ctx.before || !ctx.after) return unknown;
  const before = findFunction(ctx.before, a, ctx.searchPath);
  if (!before) return unknown;
  const after = ctx.after.functions.get(functionKey(before.schema, before.name, before.argTypes));
  if (!after) return unknown;
  if (!before.attributes || !after.attributes) {
    const why = after.staleAttributes ?? before.staleAttributes;
    return { step: { irreversible: `${label}: ${why ? `${why} takes a value only the database knows` : 'the attributes are not read here'}; set the earlier attributes back by hand` }, effects: { touches: [key] } };
  }
  const procedure = before.kind === 'procedure';
  const change = functionChange(after.attributes, before.attributes, procedure);
  if (change.length === 0) return { step: { note: `${label} leaves the attributes as they were` }, effects: { touches: [key] } };
  return {
    step: { sql: [`ALTER ${procedure ? 'PROCEDURE' : 'FUNCTION'} ${qualifiedLabel(before.schema, before.name)}(${before.argTypes.join(', ')}) ${change.join(' ')};`] },
    effects: { touches: [key] },
  };
}

/** ALTER ... OWNER TO: the earlier owner is not in the migrations (roles are not modelled). */
export function invertOwner(text: string, created: boolean): Inversion {
  const label = excerpt(text, 60);
  if (created) return { step: { note: `${label} only changes an object that this migration creates` } };
  return { step: { irreversible: `${label}: the earlier owner is unknown here; set it back with OWNER TO by hand` } };
}


const MOVED_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);
const MOVED_ROUTINES = new Set(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE', 'OBJECT_AGGREGATE']);

/**
 * ALTER ... SET SCHEMA → moves the object back. The schema it came from is the one written, else
 * the one the schema model finds it in through the search path; without either it is not guessed.
 */
export function invertSetSchema(a: AlterObjectSchemaStmt, text: string, ctx: InverseContext): Inversion {
  const label = excerpt(text, 60);
  const type = a.objectType ?? '';
  const to = a.newschema ?? '';
  const unknown = (what: string): Inversion => ({ step: { irreversible: `${label}: the schema ${what} was in is unknown here; move it back with SET SCHEMA by hand` } });
  const path = ctx.searchPath && ctx.searchPath.length > 0 ? ctx.searchPath : [DEFAULT_SCHEMA];
  if (MOVED_RELATIONS.has(type)) {
    const rel = a.relation;
    if (!rel?.relname) return unknown('it');
    const from =
      rel.schemaname ??
      (ctx.before ? path.find((s) => [ctx.before!.tables, ctx.before!.views, ctx.before!.sequences].some((m) => m.has(qualifiedKey(s, rel.relname!)))) : undefined);
    if (!from) return unknown(relationName(rel));
    const moved = { ...rel, schemaname: to };
    return {
      step: { sql: [`ALTER ${objectKeyword(type)} ${a.missing_ok ? 'IF EXISTS ' : ''}${relationName(moved)} SET SCHEMA ${quoteIdent(from)};`] },
      effects: { renames: [[keys.relation(rel), keys.relation(moved)]], touches: [keys.relation(moved)] },
    };
  }
  if (MOVED_ROUTINES.has(type) && a.object && 'ObjectWithArgs' in a.object) {
    const owa = a.object.ObjectWithArgs;
    const names = stringList(owa.objname);
    const name = names[names.length - 1] ?? '';
    const from = names.length > 1 ? names[names.length - 2] : ctx.before ? path.find((s) => ctx.before!.functionsNamed({ schema: s, name }).length > 0) : undefined;
    if (!from) return unknown(functionRef(owa));
    const moved = [to, name];
    return {
      step: { sql: [`ALTER ${objectKeyword(type)} ${functionRef({ ...owa, objname: moved.map((sval) => ({ String: { sval } })) })} SET SCHEMA ${quoteIdent(from)};`] },
      effects: { renames: [[keys.func(names), keys.func(moved)]], touches: [keys.func(moved)] },
    };
  }
  if ((type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN') && a.object) {
    const names = namesOf(a.object);
    const name = names[names.length - 1] ?? '';
    const from = names.length > 1 ? names[names.length - 2] : ctx.before ? path.find((s) => ctx.before!.types.has(qualifiedKey(s, name))) : undefined;
    if (!from) return unknown(dotted(names));
    const moved = [to, name];
    return { step: { sql: [`ALTER ${objectKeyword(type)} ${dotted(moved)} SET SCHEMA ${quoteIdent(from)};`] }, effects: { renames: [[keys.type(names), keys.type(moved)]], touches: [keys.type(moved)] } };
  }
  if (type === 'OBJECT_EXTENSION' && a.object && 'String' in a.object) {
    const name = a.object.String.sval ?? '';
    const from = ctx.before?.extension(name)?.schema;
    if (!from) return unknown(`extension ${name}`);
    return { step: { sql: [`ALTER EXTENSION ${quoteIdent(name)} SET SCHEMA ${quoteIdent(from)};`] } };
  }
  return { step: { irreversible: `no inverse is generated for ${label}; move it back with SET SCHEMA by hand` } };
}
