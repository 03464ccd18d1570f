/** ALTER ... RENAME (tables, columns, constraints, indexes, views, types, functions, ...) → rename back. */
import type { RenameStmt } from '@pgsql/types';
import { quoteIdent, relationName } from '../parsing/ast';
import { dotted, excerpt, functionRef, keys, namesOf, objectKeyword, sibling, type Inversion } from './types';

const RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_INDEX', 'OBJECT_FOREIGN_TABLE']);
/** Objects named by a (possibly schema-qualified) list of names. */
const LISTED = new Set([
  'OBJECT_TYPE',
  'OBJECT_DOMAIN',
  'OBJECT_COLLATION',
  'OBJECT_CONVERSION',
  'OBJECT_STATISTIC_EXT',
  'OBJECT_TSCONFIGURATION',
  'OBJECT_TSDICTIONARY',
  'OBJECT_TSPARSER',
  'OBJECT_TSTEMPLATE',
]);
/** Objects named by one unqualified name in `object`. */
const SINGLE = new Set(['OBJECT_EVENT_TRIGGER', 'OBJECT_PUBLICATION', 'OBJECT_SUBSCRIPTION', 'OBJECT_FDW', 'OBJECT_FOREIGN_SERVER', 'OBJECT_LANGUAGE']);
/** Objects named by `subname`. */
const SUBNAMED = new Set(['OBJECT_SCHEMA', 'OBJECT_ROLE', 'OBJECT_DATABASE', 'OBJECT_TABLESPACE']);
const FUNCTIONS = new Set(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE', 'OBJECT_AGGREGATE']);

export function invertRename(stmt: RenameStmt, text: string): Inversion {
  const type = stmt.renameType ?? '';
  const rel = stmt.relation;
  const newName = stmt.newname ?? '';
  const oldName = stmt.subname ?? '';
  const ifExists = stmt.missing_ok ? 'IF EXISTS ' : '';
  const relKey = keys.relation(rel);

  if (RELATIONS.has(type)) {
    const renamedKey = keys.relation({ ...rel, relname: newName });
    return {
      step: { sql: [`ALTER ${objectKeyword(type)} ${ifExists}${sibling(rel, newName)} RENAME TO ${quoteIdent(rel?.relname ?? '')};`] },
      effects: { renames: [[relKey, renamedKey]], touches: [renamedKey] },
    };
  }
  switch (type) {
    case 'OBJECT_COLUMN':
    case 'OBJECT_ATTRIBUTE': {
      const keyword = type === 'OBJECT_ATTRIBUTE' ? 'TYPE' : objectKeyword(stmt.relationType ?? 'OBJECT_TABLE');
      const word = type === 'OBJECT_ATTRIBUTE' ? 'ATTRIBUTE' : 'COLUMN';
      return {
        step: { sql: [`ALTER ${keyword} ${ifExists}${relationName(rel)} RENAME ${word} ${quoteIdent(newName)} TO ${quoteIdent(oldName)};`] },
        effects: { renames: [[keys.member(relKey, 'col', oldName), keys.member(relKey, 'col', newName)]], touches: [relKey] },
      };
    }
    case 'OBJECT_TABCONSTRAINT':
      return {
        step: { sql: [`ALTER TABLE ${ifExists}${relationName(rel)} RENAME CONSTRAINT ${quoteIdent(newName)} TO ${quoteIdent(oldName)};`] },
        effects: { renames: [[keys.member(relKey, 'con', oldName), keys.member(relKey, 'con', newName)]], touches: [relKey] },
      };
    case 'OBJECT_DOMCONSTRAINT':
      return { step: { sql: [`ALTER DOMAIN ${dotted(namesOf(stmt.object))} RENAME CONSTRAINT ${quoteIdent(newName)} TO ${quoteIdent(oldName)};`] } };
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE': {
      const kind = type === 'OBJECT_TRIGGER' ? 'trigger' : type === 'OBJECT_POLICY' ? 'policy' : 'rule';
      return {
        step: { sql: [`ALTER ${objectKeyword(type)} ${quoteIdent(newName)} ON ${relationName(rel)} RENAME TO ${quoteIdent(oldName)};`] },
        effects: { renames: [[keys.member(relKey, kind, oldName), keys.member(relKey, kind, newName)]], touches: [relKey] },
      };
    }
  }
  if (SUBNAMED.has(type)) {
    const renames: [string, string][] = type === 'OBJECT_SCHEMA' ? [[keys.schema(oldName), keys.schema(newName)]] : [];
    return { step: { sql: [`ALTER ${objectKeyword(type)} ${quoteIdent(newName)} RENAME TO ${quoteIdent(oldName)};`] }, effects: { renames } };
  }
  if (SINGLE.has(type)) {
    const old = namesOf(stmt.object)[0] ?? '';
    return { step: { sql: [`ALTER ${objectKeyword(type)} ${quoteIdent(newName)} RENAME TO ${quoteIdent(old)};`] } };
  }
  if (LISTED.has(type)) {
    const names = namesOf(stmt.object);
    const renamed = [...names.slice(0, -1), newName];
    const isType = type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN';
    return {
      step: { sql: [`ALTER ${objectKeyword(type)} ${dotted(renamed)} RENAME TO ${quoteIdent(names[names.length - 1] ?? '')};`] },
      effects: isType ? { renames: [[keys.type(names), keys.type(renamed)]], touches: [keys.type(renamed)] } : undefined,
    };
  }
  if (FUNCTIONS.has(type) && stmt.object && 'ObjectWithArgs' in stmt.object) {
    const owa = stmt.object.ObjectWithArgs;
    const names = namesOf(owa.objname);
    const renamed = [...names.slice(0, -1), newName];
    return {
      step: { sql: [`ALTER ${objectKeyword(type)} ${functionRef({ ...owa, objname: renamed.map((sval) => ({ String: { sval } })) })} RENAME TO ${quoteIdent(names[names.length - 1] ?? '')};`] },
      effects: { renames: [[keys.func(names), keys.func(renamed)]], touches: [keys.func(renamed)] },
    };
  }
  return { step: { irreversible: `no inverse is generated for ${excerpt(text)}; rename it back by hand` } };
}
