/**
 * COMMENT ON → nothing to undo when the object is created by this migration (dropping it drops the
 * comment), else irreversible: the earlier comment is unknown here.
 */
import type { CommentStmt } from '@pgsql/types';
import { quoteIdent } from '../parsing/ast';
import { coveredNote, dotted, excerpt, functionRef, keys, namesOf, objectKeyword, type InverseContext, type Inversion } from './types';

const RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);
const MEMBERS: Partial<Record<string, string>> = {
  OBJECT_TRIGGER: 'trigger',
  OBJECT_POLICY: 'policy',
  OBJECT_RULE: 'rule',
  OBJECT_TABCONSTRAINT: 'con',
};

/** The object's name as written after `COMMENT ON <kind>`, and its context key when it has one. */
function target(stmt: CommentStmt): { name: string; key?: string } | undefined {
  const type = stmt.objtype ?? '';
  const obj = stmt.object;
  if (!obj) return undefined;
  if (RELATIONS.has(type)) {
    const names = namesOf(obj);
    return { name: dotted(names), key: keys.relationOf(names) };
  }
  if (type === 'OBJECT_COLUMN') {
    const names = namesOf(obj);
    return { name: dotted(names), key: keys.member(keys.relationOf(names.slice(0, -1)), 'col', names[names.length - 1] ?? '') };
  }
  const member = MEMBERS[type];
  if (member) {
    const names = namesOf(obj);
    const name = names[names.length - 1] ?? '';
    const rel = names.slice(0, -1);
    return { name: `${quoteIdent(name)} ON ${dotted(rel)}`, key: keys.member(keys.relationOf(rel), member, name) };
  }
  if (type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN') {
    const names = namesOf(obj);
    return { name: dotted(names), key: keys.type(names) };
  }
  if ('ObjectWithArgs' in obj) {
    return { name: functionRef(obj.ObjectWithArgs), key: keys.func(namesOf(obj.ObjectWithArgs.objname)) };
  }
  if ('String' in obj) {
    const name = obj.String.sval ?? '';
    const key = type === 'OBJECT_SCHEMA' ? keys.schema(name) : type === 'OBJECT_EXTENSION' ? keys.extension(name) : undefined;
    return { name: quoteIdent(name), key };
  }
  return undefined;
}

export function invertComment(stmt: CommentStmt, text: string, ctx: InverseContext): Inversion {
  const t = target(stmt);
  const label = t ? `COMMENT ON ${objectKeyword(stmt.objtype)} ${t.name}` : excerpt(text, 60);
  if (t?.key && ctx.isCreated(t.key)) return { step: coveredNote(label, t.name), effects: { touches: [t.key] } };
  return {
    step: { irreversible: `${label}: the earlier comment is unknown here; restore it with ${label} IS '...' (or IS NULL if there was none)` },
    effects: t?.key ? { touches: [t.key] } : undefined,
  };
}
