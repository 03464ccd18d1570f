/**
 * The schema model: what a directory's earlier migrations leave in the database, read statically
 * from their ASTs. A `SchemaModel` is an immutable snapshot; `replay.ts` builds new snapshots from
 * old ones without changing them (copy on write), so that the cache can keep one per migration.
 *
 * Names are stored as PostgreSQL stores them (unquoted, case-folded by the parser). Texts
 * (`definitionText`, `defaultText`...) are exact slices of the migration that defined the object,
 * unless the object was changed since (then `altered` is true and the text is re-rendered).
 */
import type { RangeVar, TypeName } from '@pgsql/types';
import type { Span } from '../text';
import { PMap } from './pmap';
import { entriesHolding, Refs, term } from './refs';
import type { FunctionAttributes, SequenceParams } from './options';

export type ConstraintKind = 'primary key' | 'unique' | 'check' | 'foreign key' | 'exclusion' | 'not null';

export interface Origin {
  /** Absolute path of the migration file. */
  file: string;
  /** The statement (or element of it) in that file. */
  span: Span;
}

export interface ColumnModel {
  readonly name: string;
  /** The column's type; a serial column has its real type (`integer`, `bigint`, `smallint`). */
  readonly typeName: TypeName;
  /** `renderTypeName(typeName)`: `character varying(255)`, `integer`, `text[]`. */
  readonly typeText: string;
  readonly notNull: boolean;
  /** The default expression as written (for a serial column: `nextval('t_id_seq'::regclass)`). */
  readonly defaultText?: string;
  /**
   * The column's definition as written in CREATE TABLE / ADD COLUMN (`email varchar(255) NOT NULL
   * DEFAULT ''`, inline constraints included). When the column changed since (`altered`: its type,
   * default, NOT NULL, name, or an inline constraint was dropped or renamed), a rendering of its
   * current state: name, type (or `serial`), COLLATE, GENERATED/identity, DEFAULT, NOT NULL, without
   * constraints (those are in the table's `constraints`).
   */
  readonly definitionText: string;
  /** True once an ALTER TABLE changed the column after its definition (type, default, not null, name). */
  readonly altered: boolean;
  /** `serial`, `bigserial` or `smallserial` when declared so. */
  readonly serial?: string;
  /** The sequence a serial column owns (qualified key `schema.name`). */
  readonly ownedSequence?: string;
  readonly identity?: 'always' | 'by default';
  /** `GENERATED ALWAYS AS (expr) STORED`: the expression text. */
  readonly generatedText?: string;
  readonly collation?: string;
  readonly origin: Origin;
}

export interface ConstraintModel {
  readonly name: string;
  /** True when the migration gave no name and PostgreSQL's default name was derived. */
  readonly nameDerived: boolean;
  readonly kind: ConstraintKind;
  /** The constrained columns (for a CHECK: the columns its expression references). */
  readonly columns: readonly string[];
  /**
   * The constraint in table-constraint form, ready to follow `ADD CONSTRAINT <name> `:
   * `FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE`, `CHECK (price > 0)`.
   * Inline column constraints are rewritten to that form with the source text of the clause.
   */
  readonly definitionText: string;
  /** The constraint exactly as written (`REFERENCES users (id)` for an inline one). */
  readonly sourceText: string;
  /** True when written inside a column definition (that column's unaltered `definitionText` holds it). */
  readonly inline: boolean;
  /** For an inline constraint: the column it was written in. */
  readonly column?: string;
  readonly references?: { readonly schema: string; readonly table: string; readonly columns: readonly string[] };
  /** Added `NOT VALID` and not validated since. */
  readonly notValid: boolean;
  /** The index that enforces a primary key, unique or exclusion constraint. */
  readonly indexName?: string;
  readonly origin: Origin;
}

export interface IndexModel {
  readonly name: string;
  readonly nameDerived: boolean;
  readonly schema: string;
  readonly table: string;
  readonly unique: boolean;
  /** Column names; `undefined` for an expression. */
  readonly columns: readonly (string | undefined)[];
  /**
   * The CREATE INDEX statement as written (without `;`); for the index of a primary key or unique
   * constraint, a rendering of the equivalent CREATE UNIQUE INDEX.
   */
  readonly definitionText: string;
  /** Set when the index enforces a constraint: the constraint's name. */
  readonly constraint?: string;
  readonly origin: Origin;
}

export interface TriggerModel {
  readonly name: string;
  readonly definitionText: string;
  /** Qualified key of the trigger function. */
  readonly functionName: string;
  readonly origin: Origin;
}

export interface TableModel {
  readonly schema: string;
  readonly name: string;
  readonly columns: ReadonlyMap<string, ColumnModel>;
  readonly constraints: ReadonlyMap<string, ConstraintModel>;
  readonly indexes: ReadonlyMap<string, IndexModel>;
  readonly triggers: ReadonlyMap<string, TriggerModel>;
  readonly primaryKey?: readonly string[];
  /** The CREATE TABLE statement as written. */
  readonly definitionText: string;
  /**
   * False when the model may miss columns or constraints: CREATE TABLE AS, LIKE or INHERITS of an
   * unknown table, OF a type, or a statement about the table that could not be interpreted.
   */
  readonly complete: boolean;
  /** `PARTITION OF` / `INHERITS` parents (qualified keys). */
  readonly parents: readonly string[];
  readonly unlogged: boolean;
  readonly origin: Origin;
}

export interface ViewModel {
  readonly schema: string;
  readonly name: string;
  readonly materialized: boolean;
  /** CREATE [OR REPLACE] [MATERIALIZED] VIEW ... as written. */
  readonly definitionText: string;
  /** Qualified keys of the relations its query reads (tables, views). */
  readonly dependsOn: readonly string[];
  /** Indexes of a materialized view. */
  readonly indexes: ReadonlyMap<string, IndexModel>;
  /**
   * Set when a rename of something the view reads could not be carried into `definitionText` with
   * certainty (see rewrite.ts): what was renamed. The text then no longer recreates the view.
   */
  readonly stale?: string;
  readonly origin: Origin;
}

export interface SequenceModel {
  readonly schema: string;
  readonly name: string;
  /** The CREATE SEQUENCE statement; for a serial column's sequence, undefined. */
  readonly definitionText?: string;
  readonly ownedBy?: { readonly table: string; readonly column: string };
  /** Its parameters (type, increment, bounds, start, cache, cycle) after every ALTER SEQUENCE; undefined when not understood. */
  readonly params?: SequenceParams;
  /** True when an ALTER SEQUENCE changed parameters the model could not read: `definitionText` no longer recreates it. */
  readonly stale?: boolean;
  readonly origin: Origin;
}

export type TypeKind = 'enum' | 'composite' | 'domain' | 'range' | 'base';

export interface TypeModel {
  readonly schema: string;
  readonly name: string;
  readonly kind: TypeKind;
  /** Enum labels in order (after every ADD VALUE / RENAME VALUE). */
  readonly values?: readonly string[];
  /** The CREATE TYPE / DOMAIN statement; re-rendered for an enum whose values changed. */
  readonly definitionText: string;
  readonly altered: boolean;
  readonly origin: Origin;
}

export interface FunctionModel {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'function' | 'procedure' | 'aggregate';
  /** Input argument types, rendered: `integer`, `text[]`. */
  readonly argTypes: readonly string[];
  /** `schema.name(type, type)` (the identity PostgreSQL drops it by). */
  readonly signature: string;
  readonly returnType?: string;
  readonly definitionText: string;
  /**
   * Its attributes (volatility, STRICT, SECURITY DEFINER, COST, SET ...) after every ALTER FUNCTION;
   * undefined when not understood. `definitionText` holds those it was created with.
   */
  readonly attributes?: FunctionAttributes;
  /** Why its attributes are not known since an ALTER FUNCTION (`SET x FROM CURRENT`...), when they are not. */
  readonly staleAttributes?: string;
  readonly origin: Origin;
}

export interface ExtensionModel {
  readonly name: string;
  readonly schema?: string;
  readonly definitionText: string;
  readonly origin: Origin;
}

export interface SchemaNamespaceModel {
  readonly name: string;
  readonly definitionText: string;
  readonly origin: Origin;
}

/** Something a migration did that the model could not interpret. */
export interface Unknown {
  file: string;
  span: Span;
  reason: string;
  /** The statement's AST node kind, when it parsed. */
  statementKind?: string;
}

/** Anything that names a relation: `users`, `app.users`, a RangeVar, or `{schema, name}`. */
export type RelationRef = string | RangeVar | { schema?: string; name: string };

export interface SchemaState {
  tables: PMap<TableModel>;
  views: PMap<ViewModel>;
  sequences: PMap<SequenceModel>;
  types: PMap<TypeModel>;
  functions: PMap<FunctionModel>;
  extensions: PMap<ExtensionModel>;
  schemas: PMap<SchemaNamespaceModel>;
  unknowns: readonly Unknown[];
  /** The reverse lookups of these maps (see refs.ts), when known (a replay derives them); else built when first asked. */
  refs?: Refs;
}

export const DEFAULT_SCHEMA = 'public';

/** The map key of a schema-qualified object. */
export function qualifiedKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/** Splits `schema.name` (unquoted, as PostgreSQL stores names) into its parts; no schema → undefined. */
function splitName(name: string): { schema?: string; name: string } {
  const dot = name.indexOf('.');
  if (dot < 0) return { name };
  return { schema: name.slice(0, dot), name: name.slice(dot + 1) };
}

export function refParts(ref: RelationRef): { schema?: string; name: string } {
  if (typeof ref === 'string') return splitName(ref);
  if ('relname' in ref) return ref.schemaname ? { schema: ref.schemaname, name: ref.relname ?? '' } : { name: ref.relname ?? '' };
  if ('name' in ref) return ref.schema ? { schema: ref.schema, name: ref.name } : { name: ref.name };
  return { name: '' };
}

/**
 * For tests: with `scan` set, every snapshot's lookups name every key (`Refs.scanning`), so each
 * question the replay and the dependency queries ask visits every object, as a scan does. A replay in
 * both modes must give the same snapshots.
 */
export const lookupMode = { scan: false };

/** Each snapshot's lookups, kept beside it (a snapshot is frozen). */
const refsOf = new WeakMap<SchemaModel, Refs>();

/** An immutable snapshot of the schema. */
export class SchemaModel {
  readonly tables: ReadonlyMap<string, TableModel>;
  readonly views: ReadonlyMap<string, ViewModel>;
  readonly sequences: ReadonlyMap<string, SequenceModel>;
  /** Every user-defined type (enum, composite, domain, range, base). */
  readonly types: ReadonlyMap<string, TypeModel>;
  readonly functions: ReadonlyMap<string, FunctionModel>;
  readonly extensions: ReadonlyMap<string, ExtensionModel>;
  readonly schemas: ReadonlyMap<string, SchemaNamespaceModel>;
  readonly unknowns: readonly Unknown[];

  constructor(state: SchemaState) {
    for (const m of [state.tables, state.views, state.sequences, state.types, state.functions, state.extensions, state.schemas]) m.freeze();
    this.tables = state.tables;
    this.views = state.views;
    this.sequences = state.sequences;
    this.types = state.types;
    this.functions = state.functions;
    this.extensions = state.extensions;
    this.schemas = state.schemas;
    this.unknowns = state.unknowns;
    if (state.refs) refsOf.set(this, state.refs);
    Object.freeze(this);
  }

  /** Who may hold an index or constraint name, reference a table, read a relation, own a sequence (see refs.ts). */
  get refs(): Refs {
    if (lookupMode.scan) return Refs.scanning(this);
    let r = refsOf.get(this);
    if (!r) refsOf.set(this, (r = Refs.build(this)));
    return r;
  }

  private static readonly EMPTY = new SchemaModel(emptyState());

  static empty(): SchemaModel {
    return SchemaModel.EMPTY;
  }

  /** The (frozen) maps of this snapshot, for building the next one (`draft()` them to change). */
  state(): SchemaState {
    return {
      tables: this.tables as PMap<TableModel>,
      views: this.views as PMap<ViewModel>,
      sequences: this.sequences as PMap<SequenceModel>,
      types: this.types as PMap<TypeModel>,
      functions: this.functions as PMap<FunctionModel>,
      extensions: this.extensions as PMap<ExtensionModel>,
      schemas: this.schemas as PMap<SchemaNamespaceModel>,
      unknowns: this.unknowns,
    };
  }

  /** A table by name; an unqualified name resolves to `public`. */
  table(ref: RelationRef): TableModel | undefined {
    const p = refParts(ref);
    return this.tables.get(qualifiedKey(p.schema ?? DEFAULT_SCHEMA, p.name));
  }

  column(table: RelationRef, column: string): ColumnModel | undefined {
    return this.table(table)?.columns.get(column);
  }

  view(ref: RelationRef): ViewModel | undefined {
    const p = refParts(ref);
    return this.views.get(qualifiedKey(p.schema ?? DEFAULT_SCHEMA, p.name));
  }

  sequence(ref: RelationRef): SequenceModel | undefined {
    const p = refParts(ref);
    return this.sequences.get(qualifiedKey(p.schema ?? DEFAULT_SCHEMA, p.name));
  }

  type(ref: RelationRef): TypeModel | undefined {
    const p = refParts(ref);
    return this.types.get(qualifiedKey(p.schema ?? DEFAULT_SCHEMA, p.name));
  }

  /** Enum types only. */
  get enums(): ReadonlyMap<string, TypeModel> {
    return new Map([...this.types].filter(([, t]) => t.kind === 'enum'));
  }

  enumType(ref: RelationRef): TypeModel | undefined {
    const t = this.type(ref);
    return t?.kind === 'enum' ? t : undefined;
  }

  /** An index by name (indexes share their schema's namespace with tables), with its table. */
  index(ref: RelationRef): IndexModel | undefined {
    const p = refParts(ref);
    const schema = p.schema ?? DEFAULT_SCHEMA;
    // The lookups name the holder; more than one (PostgreSQL allows one), the first in the maps' order.
    const t = [term.index(schema, p.name)];
    for (const [, holder] of [...entriesHolding(this.refs, 'tables', this.tables, t), ...entriesHolding(this.refs, 'views', this.views, t)]) {
      const i = holder.schema === schema ? holder.indexes.get(p.name) : undefined;
      if (i) return i;
    }
    return undefined;
  }

  /** Functions (and procedures) with this name, any arguments. */
  functionsNamed(ref: RelationRef): FunctionModel[] {
    const p = refParts(ref);
    const schema = p.schema ?? DEFAULT_SCHEMA;
    return entriesHolding(this.refs, 'functions', this.functions, [term.functionNamed(schema, p.name)]).flatMap(([, f]) => (f.schema === schema && f.name === p.name ? [f] : []));
  }

  /** A function by name and input argument types (rendered as `renderTypeName` does). */
  function(ref: RelationRef, argTypes: readonly string[]): FunctionModel | undefined {
    const p = refParts(ref);
    return this.functions.get(functionKey(p.schema ?? DEFAULT_SCHEMA, p.name, argTypes));
  }

  extension(name: string): ExtensionModel | undefined {
    return this.extensions.get(name);
  }
}

export function functionKey(schema: string, name: string, argTypes: readonly string[]): string {
  return `${schema}.${name}(${argTypes.join(', ')})`;
}

export function emptyState(): SchemaState {
  return {
    tables: PMap.empty(),
    views: PMap.empty(),
    sequences: PMap.empty(),
    types: PMap.empty(),
    functions: PMap.empty(),
    extensions: PMap.empty(),
    schemas: PMap.of([[DEFAULT_SCHEMA, { name: DEFAULT_SCHEMA, definitionText: '', origin: { file: '', span: { start: 0, end: 0 } } }]]),
    unknowns: [],
  };
}
