/**
 * The shapes shared by the inverse modules: what one up statement turns into in the down file, and
 * what it does to the objects that the rest of the up file can see.
 */
import type { ObjectWithArgs, RangeVar } from '@pgsql/types';
import { quoteIdent, relationName, renderTypeName, stringList } from '../parsing/ast';
import type { Node, Statement } from '../parsing/parser';
import type { SchemaModel } from '../schema/model';

/** One line group of the down file. */
export type InversePart =
  /** A statement that undoes (part of) the up statement; ends with `;`. */
  | { sql: string }
  /** What cannot be undone here, and why; written as `-- TODO irreversible: <reason>`. */
  | { irreversible: string }
  /** Nothing needs undoing, and why; written as `-- Nothing to undo: <reason>`. */
  | { note: string }
  /** What a reader of the SQL around it must know (data not restored...); written as `-- <text>`. */
  | { comment: string };

/**
 * The inverse of one up statement: SQL statements (none for transaction control and SET), or the
 * reason it cannot be undone, or a note that nothing needs undoing, or (an ALTER TABLE mixing
 * reversible and irreversible subcommands) a sequence of both.
 */
export type InverseStep = { sql: string[] } | { irreversible: string } | { note: string } | { parts: InversePart[] };

/** What a statement does to named objects, so that later statements can be judged against it. */
export interface Effects {
  /** Objects this statement creates (keys from `keys` below). */
  creates?: string[];
  /** Objects this statement changes, whose removal would undo the change (INSERT INTO t → t). */
  touches?: string[];
  /** Objects this statement drops. */
  drops?: string[];
  /** Objects this statement renames: [old key, new key]. */
  renames?: [string, string][];
}

export interface Inversion {
  step: InverseStep;
  effects?: Effects;
}

/** What the statements before this one created (see context.ts). An empty context knows nothing. */
export interface InverseContext {
  /** Whether an object (or the table a column/constraint/trigger belongs to) is created earlier in the file. */
  isCreated(key: string): boolean;
  /**
   * With a schema context: the schema this statement runs against (every earlier migration and the
   * statements before it in the up file) and the schema it leaves. Without one, undefined.
   */
  before?: SchemaModel;
  after?: SchemaModel;
  /** The change log from `before` to `after` (see `replayThrough`): what to compare, and no more. */
  logged?: ReadonlySet<string>;
  /** Schemas unqualified names resolve to (`SET search_path` of the up file); default `public`. */
  searchPath?: readonly string[];
  /** The statement itself (for subcommand positions). */
  statement?: Statement;
  /** Position of a migration file in the directory's version order (see RestoreOptions). */
  fileRank?: (file: string) => number | undefined;
}

export const EMPTY_CONTEXT: InverseContext = { isCreated: () => false };

export const sql = (...statements: string[]): Inversion => ({ step: { sql: statements } });
export const irreversible = (reason: string, effects?: Effects): Inversion => ({ step: { irreversible: reason }, effects });

/** The parts of a step in output order. */
export function stepParts(step: InverseStep): InversePart[] {
  if ('parts' in step) return step.parts;
  if ('sql' in step) return step.sql.map((s) => ({ sql: s }));
  return [step];
}

// ---- keys: how objects are named in the context -------------------------------------------------

const key = (kind: string, parts: (string | undefined)[]): string =>
  `${kind}:${JSON.stringify(parts.filter((p): p is string => p !== undefined && p !== ''))}`;

export const keys = {
  /** Tables, views, materialized views, sequences, indexes, foreign tables, composite types share one namespace. */
  relation: (rel: RangeVar | undefined): string => key('rel', [rel?.catalogname, rel?.schemaname, rel?.relname]),
  relationOf: (names: string[]): string => key('rel', names),
  /** A column, constraint, trigger, policy or rule of a relation. */
  member: (relKey: string, kind: string, name: string): string => `${relKey}#${kind}:${name}`,
  type: (names: string[]): string => key('type', names),
  func: (names: string[]): string => key('func', names),
  schema: (name: string): string => key('schema', [name]),
  extension: (name: string): string => key('ext', [name]),
};

/** The key of the object a member key belongs to (`rel:[...]#col:x` → `rel:[...]`), or undefined. */
export function parentKey(k: string): string | undefined {
  const i = k.lastIndexOf('#');
  return i > 0 ? k.slice(0, i) : undefined;
}

// ---- SQL writing ------------------------------------------------------------------------------

/** `ALTER TABLE [IF EXISTS] [ONLY] name`-style relation reference for a statement keyword. */
export function relationRef(rel: RangeVar | undefined, opts: { ifExists?: boolean; only?: boolean } = {}): string {
  return `${opts.ifExists ? 'IF EXISTS ' : ''}${opts.only ? 'ONLY ' : ''}${relationName(rel)}`;
}

/** A relation's name in the same schema as `rel`: `ALTER TABLE s.a RENAME TO b` → `s.b`. */
export function sibling(rel: RangeVar | undefined, name: string): string {
  return relationName({ ...rel, relname: name });
}

/** A dotted name from plain strings, each part quoted only when needed. */
export function dotted(names: string[]): string {
  return names.map(quoteIdent).join('.');
}

/** `name(type, type)` of a function reference; without parentheses when the arguments were not given. */
export function functionRef(owa: ObjectWithArgs | undefined): string {
  const name = dotted(stringList(owa?.objname));
  if (owa?.args_unspecified) return name;
  const args = (owa?.objargs ?? []).map((n) => ('TypeName' in n ? renderTypeName(n.TypeName) : '')).join(', ');
  return `${name}(${args})`;
}

/** The items of a `{List: {items}}` node or a bare array, as strings. */
export function namesOf(node: Node | Node[] | undefined): string[] {
  if (!node) return [];
  if (Array.isArray(node)) return stringList(node);
  if ('List' in node) return stringList(node.List.items);
  if ('String' in node) return [node.String.sval ?? ''];
  if ('TypeName' in node) return stringList(node.TypeName.names);
  return [];
}

/** SQL keyword(s) of an object type, e.g. `OBJECT_MATVIEW` → `MATERIALIZED VIEW`. */
export function objectKeyword(t: string | undefined): string {
  const special: Record<string, string> = {
    OBJECT_MATVIEW: 'MATERIALIZED VIEW',
    OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
    OBJECT_TABCONSTRAINT: 'CONSTRAINT',
    OBJECT_DOMCONSTRAINT: 'CONSTRAINT',
    OBJECT_EVENT_TRIGGER: 'EVENT TRIGGER',
    OBJECT_FDW: 'FOREIGN DATA WRAPPER',
    OBJECT_FOREIGN_SERVER: 'SERVER',
    OBJECT_LARGEOBJECT: 'LARGE OBJECT',
    OBJECT_OPCLASS: 'OPERATOR CLASS',
    OBJECT_OPFAMILY: 'OPERATOR FAMILY',
    OBJECT_STATISTIC_EXT: 'STATISTICS',
    OBJECT_TSCONFIGURATION: 'TEXT SEARCH CONFIGURATION',
    OBJECT_TSDICTIONARY: 'TEXT SEARCH DICTIONARY',
    OBJECT_TSPARSER: 'TEXT SEARCH PARSER',
    OBJECT_TSTEMPLATE: 'TEXT SEARCH TEMPLATE',
    OBJECT_USER_MAPPING: 'USER MAPPING',
    OBJECT_ACCESS_METHOD: 'ACCESS METHOD',
  };
  if (!t) return 'OBJECT';
  return special[t] ?? t.replace(/^OBJECT_/, '').replace(/_/g, ' ');
}

/** PostgreSQL's default name for an index or constraint (`users_email_key`) when it is plain to predict. */
export function defaultName(table: string | undefined, columns: string[], label: string): string | undefined {
  if (!table || columns.length === 0 && label !== 'pkey') return undefined;
  const name = [table, ...(label === 'pkey' ? [] : columns), label].join('_');
  // Longer names are truncated by rules not worth guessing here.
  return new TextEncoder().encode(name).length <= 63 ? name : undefined;
}

/** The note for a change to an object that this migration creates (its drop undoes the change too). */
export function coveredNote(label: string, subject: string): { note: string } {
  return { note: `${label} only changes ${subject}, which this migration creates` };
}

/** One line of a statement's text, for messages: `ALTER SEQUENCE s RESTART 100`. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
