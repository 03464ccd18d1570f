/**
 * Statements with no inverse: DROP, data changes, code blocks. Each gets a specific reason, or a
 * note when the objects it changes or drops are created by this same migration.
 */
import type { DeleteStmt, DropStmt, InsertStmt, MergeStmt, Node, TruncateStmt, UpdateStmt } from '@pgsql/types';
import { quoteIdent, relationName } from '../parsing/ast';
import { coveredNote, dotted, excerpt, functionRef, keys, namesOf, objectKeyword, type InverseContext, type Inversion } from './types';

const RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);
const MEMBERS: Partial<Record<string, string>> = { OBJECT_TRIGGER: 'trigger', OBJECT_POLICY: 'policy', OBJECT_RULE: 'rule' };
const FUNCTIONS = new Set(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE', 'OBJECT_AGGREGATE']);

function dropped(type: string, obj: Node): { name: string; key?: string } {
  if (RELATIONS.has(type)) {
    const names = namesOf(obj);
    return { name: dotted(names), key: keys.relationOf(names) };
  }
  const member = MEMBERS[type];
  if (member) {
    const names = namesOf(obj);
    const name = names[names.length - 1] ?? '';
    const rel = names.slice(0, -1);
    return { name: `${quoteIdent(name)} ON ${dotted(rel)}`, key: keys.member(keys.relationOf(rel), member, name) };
  }
  if (FUNCTIONS.has(type) && 'ObjectWithArgs' in obj) {
    return { name: functionRef(obj.ObjectWithArgs), key: keys.func(namesOf(obj.ObjectWithArgs.objname)) };
  }
  if (type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN') {
    const names = namesOf(obj);
    return { name: dotted(names), key: keys.type(names) };
  }
  if ('String' in obj) {
    const name = obj.String.sval ?? '';
    const key = type === 'OBJECT_SCHEMA' ? keys.schema(name) : type === 'OBJECT_EXTENSION' ? keys.extension(name) : undefined;
    return { name: quoteIdent(name), key };
  }
  if ('TypeName' in obj || 'List' in obj) return { name: dotted(namesOf(obj)) };
  return { name: '?' };
}

export function invertDrop(stmt: DropStmt, text: string, ctx: InverseContext): Inversion {
  const type = stmt.removeType ?? '';
  const objects = (stmt.objects ?? []).map((o) => dropped(type, o));
  const keyword = objectKeyword(type);
  const names = objects.map((o) => o.name).join(', ');
  const label = objects.length > 0 ? `DROP ${keyword} ${names}` : excerpt(text, 60);
  const drops = objects.map((o) => o.key).filter((k): k is string => k !== undefined);
  if (objects.length > 0 && drops.length === objects.length && drops.every((k) => ctx.isCreated(k))) {
    return { step: { note: `${label}: this migration creates ${objects.length > 1 ? 'them' : 'it'} earlier, so there is nothing to restore` }, effects: { drops } };
  }
  const several = objects.length > 1;
  const its = several ? 'their' : 'its';
  const it = several ? 'them' : 'it';
  let reason: string;
  switch (type) {
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
      reason = `${label} deletes ${its} rows; restore them from a backup`;
      break;
    case 'OBJECT_SCHEMA':
      reason = `${label}: ${its} contents are unknown here; recreate them as the migrations that created them did`;
      break;
    case 'OBJECT_SEQUENCE':
      reason = `${label}: ${its} definition and current value are unknown here; recreate ${it} and call setval by hand`;
      break;
    case 'OBJECT_EXTENSION':
      reason = `${label}: recreate ${it} with CREATE EXTENSION by hand`;
      break;
    case 'OBJECT_ROLE':
      reason = `${label}: ${its} attributes, memberships and privileges are unknown here; recreate ${it} by hand`;
      break;
    default:
      reason = `${label}: ${its} definition is unknown here; recreate ${it} as the migration that created ${it} did`;
  }
  if (stmt.behavior === 'DROP_CASCADE') reason += ' (CASCADE may have dropped dependent objects too)';
  return { step: { irreversible: reason }, effects: { drops } };
}

/** INSERT / UPDATE / DELETE / TRUNCATE / MERGE: data changes, undone only when the table is new. */
export function invertDataChange(node: Node, ctx: InverseContext): Inversion | undefined {
  let rels: { rel: ReturnType<typeof relationName>; key: string }[];
  let label: string;
  let why: string;
  if ('InsertStmt' in node) {
    const s: InsertStmt = node.InsertStmt;
    rels = [{ rel: relationName(s.relation), key: keys.relation(s.relation) }];
    label = `INSERT INTO ${rels[0]!.rel}`;
    why = 'adds rows that the inverse cannot tell apart from the others; delete them by hand';
  } else if ('UpdateStmt' in node) {
    const s: UpdateStmt = node.UpdateStmt;
    rels = [{ rel: relationName(s.relation), key: keys.relation(s.relation) }];
    label = `UPDATE ${rels[0]!.rel}`;
    why = 'overwrites values whose earlier contents are unknown here; restore them from a backup if they matter';
  } else if ('DeleteStmt' in node) {
    const s: DeleteStmt = node.DeleteStmt;
    rels = [{ rel: relationName(s.relation), key: keys.relation(s.relation) }];
    label = `DELETE FROM ${rels[0]!.rel}`;
    why = 'deletes rows; restore them from a backup';
  } else if ('TruncateStmt' in node) {
    const s: TruncateStmt = node.TruncateStmt;
    rels = (s.relations ?? []).map((r) => ('RangeVar' in r ? { rel: relationName(r.RangeVar), key: keys.relation(r.RangeVar) } : { rel: '?', key: '' }));
    label = `TRUNCATE ${rels.map((r) => r.rel).join(', ')}`;
    why = 'deletes every row; restore them from a backup';
  } else if ('MergeStmt' in node) {
    const s: MergeStmt = node.MergeStmt;
    rels = [{ rel: relationName(s.relation), key: keys.relation(s.relation) }];
    label = `MERGE INTO ${rels[0]!.rel}`;
    why = 'changes rows whose earlier contents are unknown here; undo it by hand';
  } else {
    return undefined;
  }
  const touches = rels.map((r) => r.key).filter((k) => k !== '');
  if (touches.length > 0 && touches.length === rels.length && touches.every((k) => ctx.isCreated(k))) {
    return { step: coveredNote(label, rels.map((r) => r.rel).join(', ')), effects: { touches } };
  }
  return { step: { irreversible: `${label} ${why}` }, effects: { touches } };
}
