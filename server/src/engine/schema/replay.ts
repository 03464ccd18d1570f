/**
 * Applies one migration file's statements to a schema snapshot and returns the next snapshot.
 * Only what the AST states is applied; anything else is recorded in `unknowns`, never guessed.
 * The previous snapshot is never changed: maps are copied once per file and an object is cloned
 * the first time the file changes it (copy on write).
 */
import type {
  AlterTableCmd,
  AlterTableStmt,
  ColumnDef,
  Constraint,
  CreateStmt,
  DropStmt,
  IndexElem,
  IndexStmt,
  Node,
  ObjectWithArgs,
  RangeVar,
  RenameStmt,
  TypeName,
} from '@pgsql/types';
import { quoteIdent, renderTypeName, stringList } from '../parsing/ast';
import { alterTableCommandSpans } from '../parsing/clauses';
import { tokenize, type Token } from '../parsing/lexer';
import { nodeKind, type ParsedFile, type Statement } from '../parsing/parser';
import type { Span } from '../text';
import {
  DEFAULT_SCHEMA,
  SchemaModel,
  functionKey,
  qualifiedKey,
  type ColumnModel,
  type ConstraintKind,
  type ConstraintModel,
  type FunctionModel,
  type IndexModel,
  type Origin,
  type SchemaState,
  type SequenceModel,
  type TableModel,
  type TriggerModel,
  type TypeModel,
  type Unknown,
  type ViewModel,
} from './model';
import { columnDependents, constraintDependents, functionDependents, indexDependents, sequenceDependents, tableDependents, type Dependent, type SchemaMaps } from './dependencies';
import { chooseName, figureColname, indexColumnNames, nameAddition } from './names';
import { sameSchema } from './same';
import { renameColumnInView, renameRelationInView, type ResolveRelation } from './rewrite';
import { PMap } from './pmap';
import { columnTypeKey, typeIndexed } from './mentions';
import { entriesHolding, term, type Lookup, type RefKind, type Refs } from './refs';
import { applyFunctionOptions, applySequenceOptions, createSequenceParams, renderSequenceParams, returnsSet, sameSequenceParams, serialSequenceParams, type FunctionAttributes } from './options';
import {
  elementEndIn,
  firstGroup,
  identValue,
  indexDefinitionParts,
  isName,
  lastTokenEnd,
  renameIdentifier,
  replaceNameAfter,
  splice,
  withoutConstraintName,
} from './text';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface MutableTable extends Omit<Mutable<TableModel>, 'columns' | 'constraints' | 'indexes' | 'triggers'> {
  columns: PMap<ColumnModel>;
  constraints: PMap<ConstraintModel>;
  indexes: PMap<IndexModel>;
  triggers: PMap<TableModel['triggers'] extends ReadonlyMap<string, infer V> ? V : never>;
}

type MemberKind = 'columns' | 'constraints' | 'indexes' | 'triggers';
const MEMBER_KINDS: readonly MemberKind[] = ['columns', 'constraints', 'indexes', 'triggers'];
/** How a member kind is named in change keys (as inverse/schema-diff.ts names them). */
const MEMBER_LABEL: Record<MemberKind, string> = { columns: 'column', constraints: 'constraint', indexes: 'index', triggers: 'trigger' };

/** A new table's member maps, writable until the draft finishes. */
function newMembers(): Pick<MutableTable, 'columns' | 'constraints' | 'indexes' | 'triggers'> {
  return { columns: PMap.empty<ColumnModel>().draft(), constraints: PMap.empty<ConstraintModel>().draft(), indexes: PMap.empty<IndexModel>().draft(), triggers: PMap.empty<TriggerModel>().draft() };
}

/** Where a statement is: the file, its text, and the statement being applied. */
interface Ctx {
  file: string;
  text: string;
  stmt: Statement;
}

const SERIAL_TYPES: Record<string, string> = {
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
  smallserial: 'int2',
  serial2: 'int2',
};

/** ALTER TABLE subcommands that change nothing the model holds. */
const IGNORED_ALTER = new Set([
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_SetLogged',
  'AT_SetUnLogged',
  'AT_SetAccessMethod',
  'AT_SetTableSpace',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ReplaceRelOptions',
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
  'AT_EnableRule',
  'AT_EnableAlwaysRule',
  'AT_EnableReplicaRule',
  'AT_DisableRule',
  'AT_ChangeOwner',
  'AT_ReplicaIdentity',
  'AT_EnableRowSecurity',
  'AT_DisableRowSecurity',
  'AT_ForceRowSecurity',
  'AT_NoForceRowSecurity',
  'AT_GenericOptions',
  'AT_AlterColumnGenericOptions',
  'AT_AttachPartition',
  'AT_DetachPartition',
  'AT_DetachPartitionFinalize',
  'AT_AddInherit',
  'AT_DropInherit',
  'AT_SetIdentity',
]);

/** Statements that change nothing the model holds (data, permissions, comments, session settings...). */
const IGNORED_STATEMENTS = new Set([
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'MergeStmt',
  'SelectStmt',
  'TransactionStmt',
  'VariableShowStmt',
  'GrantStmt',
  'GrantRoleStmt',
  'CommentStmt',
  'SecLabelStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'AlterRoleSetStmt',
  'DropRoleStmt',
  'AlterOwnerStmt',
  'AlterDefaultPrivilegesStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'RuleStmt',
  'LockStmt',
  'TruncateStmt',
  'VacuumStmt',
  'ClusterStmt',
  'ReindexStmt',
  'RefreshMatViewStmt',
  'ExplainStmt',
  'CopyStmt',
  'NotifyStmt',
  'ListenStmt',
  'UnlistenStmt',
  'CheckPointStmt',
  'DiscardStmt',
  'ConstraintsSetStmt',
  'AlterDatabaseStmt',
  'AlterDatabaseSetStmt',
  'AlterSystemStmt',
  'CreatedbStmt',
  'DropdbStmt',
  'CreatePublicationStmt',
  'AlterPublicationStmt',
  'CreateSubscriptionStmt',
  'AlterSubscriptionStmt',
  'DropSubscriptionStmt',
  'CreateEventTrigStmt',
  'AlterEventTrigStmt',
  'CreateStatsStmt',
  'AlterStatsStmt',
  'CreateCastStmt',
  'CreateOpClassStmt',
  'CreateOpFamilyStmt',
  'AlterOpFamilyStmt',
  'CreateConversionStmt',
  'CreateTransformStmt',
  'CreatePLangStmt',
  'CreateFdwStmt',
  'CreateForeignServerStmt',
  'CreateUserMappingStmt',
  'AlterTSConfigurationStmt',
  'AlterTSDictionaryStmt',
  'AlterExtensionStmt',
  'AlterExtensionContentsStmt',
  'AlterCollationStmt',
  'AlterTableSpaceOptionsStmt',
  'CreateTableSpaceStmt',
  'DropTableSpaceStmt',
  'AlterObjectDependsStmt',
  'DeallocateStmt',
  'PrepareStmt',
  'CallStmt',
  'AlterTypeStmt',
  'AlterDomainStmt',
]);

export class Draft {
  private readonly s: SchemaState;
  private readonly unknowns: Unknown[] = [];
  private readonly clonedTables = new Set<string>();
  /** The schemas unqualified names resolve to, in order (`SET search_path`); reset per file. */
  private searchPath: string[] = [DEFAULT_SCHEMA];
  /**
   * The change log: every top-level key written since the draft began (`table:public.users`,
   * `view:...`), and for a table changed in place the members written (`table:public.users#column:email`)
   * or, when a member map was replaced as a whole, `table:public.users#column:*`.
   */
  readonly touched = new Set<string>();
  /** The member maps `editTable` gave each table it cloned (their writes are logged). */
  private readonly memberDrafts = new Map<string, Pick<MutableTable, MemberKind>>();

  /** The keys written in the maps the lookups index (what the lookups of the next snapshot must look at). */
  private readonly changed = { tables: new Set<string>(), views: new Set<string>(), sequences: new Set<string>(), types: new Set<string>(), functions: new Set<string>() };
  /** For each table `editTable` cloned from the snapshot this draft began from: the columns written in it. */
  private readonly columnsWritten = new Map<string, Set<string>>();
  /** The lookups of the snapshot this draft began from (see refs.ts). */
  private readonly refs: Refs;
  /** Those lookups with the keys this draft wrote (see `holders`), for the dependency queries and `inOrder`. */
  private readonly lookup: Lookup = { holders: (kind, t) => this.holders(kind, t) };

  constructor(private readonly base: SchemaModel) {
    const b = base.state();
    this.refs = base.refs;
    const log = (kind: string) => (key: string) => this.touched.add(`${kind}:${key}`);
    const logChanged = (kind: string, keys: Set<string>) => (key: string) => {
      this.touched.add(`${kind}:${key}`);
      keys.add(key);
    };
    this.s = {
      tables: b.tables.draft(logChanged('table', this.changed.tables)),
      views: b.views.draft(logChanged('view', this.changed.views)),
      sequences: b.sequences.draft(logChanged('sequence', this.changed.sequences)),
      types: b.types.draft(logChanged('type', this.changed.types)),
      functions: b.functions.draft(logChanged('function', this.changed.functions)),
      extensions: b.extensions.draft(log('extension')),
      schemas: b.schemas.draft(log('schema')),
      unknowns: b.unknowns,
    };
  }

  /** Applies every statement of a parsed file. */
  applyFile(file: string, parsed: ParsedFile): void {
    this.searchPath = [DEFAULT_SCHEMA];
    for (const stmt of parsed.statements) this.applyStatement(file, parsed.text, stmt);
  }

  /** Applies one statement (`search_path` carries over from the statements applied before). */
  applyStatement(file: string, text: string, stmt: Statement): void {
    const ctx: Ctx = { file, text, stmt };
    if (!stmt.ast) {
      this.unknown(ctx, stmt.span, `the statement does not parse: ${stmt.error?.message ?? 'syntax error'}`);
      return;
    }
    try {
      this.apply(ctx, stmt.ast);
    } catch (e) {
      // A bug here must not lose the rest of the history; say so instead.
      this.unknown(ctx, stmt.span, `internal error while reading the statement: ${(e as Error).message}`);
    }
  }

  get currentSearchPath(): readonly string[] {
    return this.searchPath;
  }

  set currentSearchPath(path: readonly string[]) {
    this.searchPath = [...path];
  }

  finish(): SchemaModel {
    for (const key of this.clonedTables) {
      const t = this.s.tables.get(key) as unknown as MutableTable | undefined;
      if (!t || Object.isFrozen(t)) continue;
      const logged = this.memberDrafts.get(key);
      for (const kind of MEMBER_KINDS) if (!logged || logged[kind] !== t[kind]) this.touched.add(`table:${key}#${MEMBER_LABEL[kind]}:*`);
      t.columns.freeze();
      t.constraints.freeze();
      t.indexes.freeze();
      t.triggers.freeze();
      Object.freeze(t);
    }
    const unknowns = this.unknowns.length > 0 ? Object.freeze([...this.s.unknowns, ...this.unknowns]) : this.s.unknowns;
    // The columns written are exact only for a table whose columns are still the map editTable drafted from the snapshot's.
    const columns = new Map<string, ReadonlySet<string>>();
    for (const [key, names] of this.columnsWritten) if (this.memberDrafts.get(key)?.columns === this.s.tables.get(key)?.columns) columns.set(key, names);
    return new SchemaModel({ ...this.s, unknowns, refs: this.refs.derive(this.base, this.s, { ...this.changed, columns }) });
  }

  // ---------------------------------------------------------------- dispatch

  private apply(ctx: Ctx, ast: Node): void {
    const kind = nodeKind(ast) ?? '';
    if ('CreateStmt' in ast) return this.createTable(ctx, ast.CreateStmt);
    if ('AlterTableStmt' in ast) return this.alterTable(ctx, ast.AlterTableStmt);
    if ('IndexStmt' in ast) return this.createIndex(ctx, ast.IndexStmt);
    if ('DropStmt' in ast) return this.drop(ctx, ast.DropStmt);
    if ('RenameStmt' in ast) return this.rename(ctx, ast.RenameStmt);
    if ('ViewStmt' in ast) return this.createView(ctx, ast.ViewStmt.view, ast.ViewStmt.query, false, ast.ViewStmt.replace === true);
    if ('CreateTableAsStmt' in ast) return this.createTableAs(ctx, ast);
    if ('CreateSeqStmt' in ast) {
      const rel = ast.CreateSeqStmt.sequence;
      if (!rel?.relname || rel.relpersistence === 't') return;
      const key = this.createKey(rel);
      if (this.s.sequences.has(key) && ast.CreateSeqStmt.if_not_exists) return;
      const schema = this.schemaOf(rel);
      const params = createSequenceParams(ast.CreateSeqStmt.options);
      this.s.sequences.set(key, Object.freeze({ schema, name: rel.relname, definitionText: ctx.stmt.text, ...(params ? { params } : {}), origin: this.origin(ctx) }));
      this.sequenceOwner(key, ast.CreateSeqStmt.options);
      return;
    }
    if ('AlterSeqStmt' in ast) {
      const rel = ast.AlterSeqStmt.sequence;
      const key = rel?.relname ? this.resolve(this.s.sequences, rel.schemaname, rel.relname) : undefined;
      if (key) {
        this.alterSequence(key, ast.AlterSeqStmt.options);
        this.sequenceOwner(key, ast.AlterSeqStmt.options);
      }
      return;
    }
    if ('AlterFunctionStmt' in ast) {
      const a = ast.AlterFunctionStmt;
      const f = a.func ? this.findFunction(a.func) : undefined;
      if (!f) return;
      const next: Mutable<FunctionModel> = { ...f };
      const applied = f.attributes ? applyFunctionOptions(f.attributes, a.actions) : undefined;
      if (applied?.ok) next.attributes = applied.attributes;
      else {
        delete next.attributes;
        next.staleAttributes = applied ? applied.why : f.staleAttributes ?? 'its attributes';
      }
      this.s.functions.set(functionKey(f.schema, f.name, f.argTypes), Object.freeze(next));
      return;
    }
    if ('CreateEnumStmt' in ast) {
      const { schema, name } = this.nameParts(ast.CreateEnumStmt.typeName ?? []);
      const values = stringList(ast.CreateEnumStmt.vals);
      this.setType(ctx, { schema, name, kind: 'enum', values: Object.freeze(values), definitionText: ctx.stmt.text, altered: false, origin: this.origin(ctx) });
      return;
    }
    if ('CompositeTypeStmt' in ast) {
      const rel = ast.CompositeTypeStmt.typevar;
      if (!rel?.relname) return;
      this.setType(ctx, { schema: this.schemaOf(rel), name: rel.relname, kind: 'composite', definitionText: ctx.stmt.text, altered: false, origin: this.origin(ctx) });
      return;
    }
    if ('CreateDomainStmt' in ast) {
      const { schema, name } = this.nameParts(ast.CreateDomainStmt.domainname ?? []);
      this.setType(ctx, { schema, name, kind: 'domain', definitionText: ctx.stmt.text, altered: false, origin: this.origin(ctx) });
      return;
    }
    if ('CreateRangeStmt' in ast) {
      const { schema, name } = this.nameParts(ast.CreateRangeStmt.typeName ?? []);
      this.setType(ctx, { schema, name, kind: 'range', definitionText: ctx.stmt.text, altered: false, origin: this.origin(ctx) });
      return;
    }
    if ('DefineStmt' in ast) {
      const d = ast.DefineStmt;
      if (d.kind === 'OBJECT_TYPE') {
        const { schema, name } = this.nameParts(d.defnames ?? []);
        this.setType(ctx, { schema, name, kind: 'base', definitionText: ctx.stmt.text, altered: false, origin: this.origin(ctx) });
      } else if (d.kind === 'OBJECT_AGGREGATE') {
        const { schema, name } = this.nameParts(d.defnames ?? []);
        const argList = d.args?.[0];
        const args = argList && 'List' in argList ? argList.List.items ?? [] : [];
        const argTypes = args.flatMap((a) => ('FunctionParameter' in a ? [signatureType(a.FunctionParameter.argType)] : 'TypeName' in a ? [signatureType(a.TypeName)] : []));
        this.setFunction(ctx, schema, name, 'aggregate', argTypes, undefined);
      }
      return;
    }
    if ('AlterEnumStmt' in ast) return this.alterEnum(ctx, ast.AlterEnumStmt);
    if ('CreateFunctionStmt' in ast) {
      const f = ast.CreateFunctionStmt;
      const { schema, name } = this.nameParts(f.funcname ?? []);
      const argTypes = inputArgTypes(f.parameters);
      const ret = f.returnType ? renderTypeName(f.returnType) : undefined;
      const attributes = applyFunctionOptions(undefined, f.options, { returnsSet: returnsSet(f) });
      this.setFunction(ctx, schema, name, f.is_procedure ? 'procedure' : 'function', argTypes, ret, attributes.ok ? attributes.attributes : undefined);
      return;
    }
    if ('CreateExtensionStmt' in ast) {
      const e = ast.CreateExtensionStmt;
      if (!e.extname || (this.s.extensions.has(e.extname) && e.if_not_exists)) return;
      const schemaOpt = (e.options ?? []).find((o) => 'DefElem' in o && o.DefElem.defname === 'schema');
      const schema = schemaOpt && 'DefElem' in schemaOpt && schemaOpt.DefElem.arg && 'String' in schemaOpt.DefElem.arg ? schemaOpt.DefElem.arg.String.sval : undefined;
      this.s.extensions.set(e.extname, Object.freeze({ name: e.extname, ...(schema ? { schema } : {}), definitionText: ctx.stmt.text, origin: this.origin(ctx) }));
      return;
    }
    if ('CreateSchemaStmt' in ast) {
      const c = ast.CreateSchemaStmt;
      const name = c.schemaname ?? c.authrole?.rolename;
      if (!name) return this.unknown(ctx, ctx.stmt.span, 'CREATE SCHEMA AUTHORIZATION of the current user: the name is not known');
      if (!(this.s.schemas.has(name) && c.if_not_exists)) {
        this.s.schemas.set(name, Object.freeze({ name, definitionText: ctx.stmt.text, origin: this.origin(ctx) }));
      }
      if ((c.schemaElts ?? []).length > 0) {
        const saved = this.searchPath;
        this.searchPath = [name];
        try {
          for (const el of c.schemaElts ?? []) this.apply(ctx, el);
        } finally {
          this.searchPath = saved;
        }
      }
      return;
    }
    if ('AlterObjectSchemaStmt' in ast) return this.setSchema(ctx, ast.AlterObjectSchemaStmt);
    if ('CreateTrigStmt' in ast) {
      const t = ast.CreateTrigStmt;
      if (!t.trigname || !t.relation) return;
      const table = this.editTable(this.resolveTableKey(t.relation));
      if (!table) return this.unknown(ctx, ctx.stmt.span, `CREATE TRIGGER on ${relLabel(t.relation)}, which the model does not know`);
      const fn = this.nameParts(t.funcname ?? []);
      table.triggers.set(t.trigname, { name: t.trigname, definitionText: ctx.stmt.text, functionName: qualifiedKey(fn.schema, fn.name), origin: this.origin(ctx) });
      return;
    }
    if ('VariableSetStmt' in ast) {
      const v = ast.VariableSetStmt;
      if (v.name === 'search_path' && !v.is_local) {
        if (v.kind === 'VAR_SET_VALUE') {
          const schemas = (v.args ?? []).flatMap((a) => ('A_Const' in a && a.A_Const.sval ? [a.A_Const.sval.sval ?? ''] : []));
          const real = schemas.filter((s) => s !== '$user' && s !== 'pg_catalog' && s !== '');
          this.searchPath = real.length > 0 ? real : [DEFAULT_SCHEMA];
        } else if (v.kind === 'VAR_SET_DEFAULT' || v.kind === 'VAR_RESET') this.searchPath = [DEFAULT_SCHEMA];
      }
      return;
    }
    if ('DoStmt' in ast) return this.unknown(ctx, ctx.stmt.span, 'a DO block runs procedural code whose effect is not read');
    if ('ExecuteStmt' in ast) return this.unknown(ctx, ctx.stmt.span, 'EXECUTE runs a prepared statement whose effect is not read');
    if ('CreateForeignTableStmt' in ast) {
      const base = ast.CreateForeignTableStmt.base;
      if (base) this.createTable(ctx, base);
      return;
    }
    if (IGNORED_STATEMENTS.has(kind)) return;
    if (kind === 'VariableSetStmt') return;
    this.unknown(ctx, ctx.stmt.span, `${kind} is not interpreted by the schema model`);
  }

  // ---------------------------------------------------------------- helpers

  private readonly tokenCache = new WeakMap<Statement, Token[]>();

  /** Where the list element (column, constraint, subcommand) starting at `start` ends. */
  private elementEnd(ctx: Ctx, start: number): number {
    let tokens = this.tokenCache.get(ctx.stmt);
    if (!tokens) {
      tokens = tokenize(ctx.text, ctx.stmt.span.start, ctx.stmt.span.end);
      this.tokenCache.set(ctx.stmt, tokens);
    }
    return elementEndIn(tokens, start);
  }

  private origin(ctx: Ctx, span: Span = ctx.stmt.span): Origin {
    return { file: ctx.file, span };
  }

  private unknown(ctx: Ctx, span: Span, reason: string): void {
    const kind = nodeKind(ctx.stmt.ast);
    this.unknowns.push(Object.freeze({ file: ctx.file, span, reason, ...(kind ? { statementKind: kind } : {}) }));
  }

  /** The schema a new object goes to. */
  private schemaOf(rel: { schemaname?: string } | undefined): string {
    return rel?.schemaname ?? this.searchPath[0] ?? DEFAULT_SCHEMA;
  }

  private createKey(rel: RangeVar): string {
    return qualifiedKey(this.schemaOf(rel), rel.relname ?? '');
  }

  /** `schema.name` of a list of String nodes naming a type or function (unqualified: first of search_path). */
  private nameParts(names: Node[]): { schema: string; name: string } {
    const parts = stringList(names);
    const name = parts[parts.length - 1] ?? '';
    const schema = parts.length >= 2 ? parts[parts.length - 2]! : this.searchPath[0] ?? DEFAULT_SCHEMA;
    return { schema, name };
  }

  /** Resolves an existing relation of a kind through the search path. */
  private resolve(map: ReadonlyMap<string, unknown>, schema: string | undefined, name: string): string | undefined {
    if (schema) return map.has(qualifiedKey(schema, name)) ? qualifiedKey(schema, name) : undefined;
    for (const s of this.searchPath) if (map.has(qualifiedKey(s, name))) return qualifiedKey(s, name);
    return undefined;
  }

  private resolveTableKey(rel: RangeVar | undefined): string | undefined {
    if (!rel?.relname) return undefined;
    return this.resolve(this.s.tables, rel.schemaname, rel.relname);
  }

  /** The table for changing, cloned the first time this file changes it. */
  private editTable(key: string | undefined): MutableTable | undefined {
    if (key === undefined) return undefined;
    const t = this.s.tables.get(key);
    if (!t) return undefined;
    if (this.clonedTables.has(key)) return t as unknown as MutableTable;
    const m = t as unknown as MutableTable;
    const log = (kind: MemberKind) => (name: string) => this.touched.add(`table:${key}#${MEMBER_LABEL[kind]}:${name}`);
    // The columns written, for the lookups (refs.ts), when this is the snapshot's own table.
    let written: Set<string> | undefined;
    if (this.base.tables.get(key) === t) this.columnsWritten.set(key, (written = new Set()));
    const logColumn = log('columns');
    const members = {
      columns: m.columns.draft((name) => {
        logColumn(name);
        written?.add(name);
      }),
      constraints: m.constraints.draft(log('constraints')),
      indexes: m.indexes.draft(log('indexes')),
      triggers: m.triggers.draft(log('triggers')),
    };
    this.memberDrafts.set(key, members);
    const clone: MutableTable = { ...m, ...members };
    this.s.tables.set(key, clone as unknown as TableModel);
    this.clonedTables.add(key);
    return clone;
  }

  private putTable(key: string, table: MutableTable): void {
    this.s.tables.set(key, table as unknown as TableModel);
    this.clonedTables.add(key);
  }

  /** Whether a relation name (table, view, sequence, index, composite type) is taken in a schema. */
  private relationTaken(schema: string, name: string, extra: ReadonlySet<string>): boolean {
    const key = qualifiedKey(schema, name);
    if (extra.has(name) || this.s.tables.has(key) || this.s.views.has(key) || this.s.sequences.has(key)) return true;
    return this.indexHolder(schema, name) !== undefined;
  }

  private constraintTaken(schema: string, name: string, extra: ReadonlySet<string>): boolean {
    if (extra.has(name)) return true;
    return this.holding('tables', this.s.tables, term.constraint(schema, name), (t) => t.schema === schema && t.constraints.has(name)) !== undefined;
  }

  /**
   * The keys of one map that may hold a term now: those the lookups of the snapshot this draft began
   * from name (see refs.ts), and those the draft wrote. Callers check each against the map itself.
   */
  private holders(kind: RefKind, t: string): readonly string[] {
    const before = this.refs.holders(kind, t);
    return this.changed[kind].size === 0 ? before : [...before, ...this.changed[kind]];
  }

  /** The first key of `map` that may hold a term (see `holders`) and whose value passes `test`. */
  private holding<V>(kind: RefKind, map: ReadonlyMap<string, V>, t: string, test: (value: V) => boolean): string | undefined {
    return this.holders(kind, t).find((k) => {
      const value = map.get(k);
      return value !== undefined && test(value);
    });
  }

  /** The entries of `map` that may hold any of these terms (see `holders`), in the map's order; a copy (callers may write). */
  private inOrder<V>(kind: RefKind, map: ReadonlyMap<string, V>, terms: readonly string[]): [string, V][] {
    return entriesHolding(this.lookup, kind, map, terms);
  }

  /** The views that may read relation `key` (the lookups name them), in the map's order; callers still test each. */
  private viewsReading(key: string): [string, ViewModel][] {
    return this.inOrder('views', this.s.views, [term.reads(key)]);
  }

  /** The table or materialized view with an index of this name in this schema (its key and which map), if any. */
  private indexHolder(schema: string, name: string): { table?: string; view?: string } | undefined {
    const t = term.index(schema, name);
    const table = this.holding('tables', this.s.tables, t, (x) => x.schema === schema && x.indexes.has(name));
    if (table !== undefined) return { table };
    const view = this.holding('views', this.s.views, t, (x) => x.schema === schema && x.indexes.has(name));
    return view !== undefined ? { view } : undefined;
  }

  /** `OWNED BY table.column` / `OWNED BY NONE` of CREATE / ALTER SEQUENCE. */
  private sequenceOwner(key: string, options: Node[] | undefined): void {
    for (const o of options ?? []) {
      if (!('DefElem' in o) || o.DefElem.defname !== 'owned_by') continue;
      const arg = o.DefElem.arg;
      const parts = stringList(arg && 'List' in arg ? arg.List.items : []);
      const seq = this.s.sequences.get(key);
      if (!seq) return;
      const next: Mutable<SequenceModel> = { ...seq };
      delete next.ownedBy;
      if (parts.length >= 2) {
        const column = parts[parts.length - 1]!;
        const table = this.resolve(this.s.tables, parts.length > 2 ? parts[parts.length - 3] : undefined, parts[parts.length - 2]!);
        if (table) next.ownedBy = Object.freeze({ table, column });
      }
      this.s.sequences.set(key, Object.freeze(next));
    }
  }

  /** The parameters ALTER SEQUENCE sets (RESTART changes the value, not a parameter). */
  private alterSequence(key: string, options: Node[] | undefined): void {
    const PARAMS = new Set(['as', 'increment', 'minvalue', 'maxvalue', 'start', 'cache', 'cycle']);
    if (!(options ?? []).some((o) => 'DefElem' in o && PARAMS.has(o.DefElem.defname ?? ''))) return;
    const seq = this.s.sequences.get(key);
    if (!seq) return;
    const params = seq.params ? applySequenceOptions(seq.params, options) : undefined;
    if (params && seq.params && sameSequenceParams(params, seq.params)) return;
    const next: Mutable<SequenceModel> = { ...seq };
    if (params) {
      next.params = params;
      // The definition recreates what the sequence is now (a serial's sequence is recreated with its column).
      if (seq.definitionText !== undefined) next.definitionText = `CREATE SEQUENCE ${seq.schema === DEFAULT_SCHEMA ? quoteIdent(seq.name) : `${quoteIdent(seq.schema)}.${quoteIdent(seq.name)}`} ${renderSequenceParams(params)}`;
    } else {
      delete next.params;
      next.stale = true;
    }
    this.s.sequences.set(key, Object.freeze(next));
  }

  private setType(ctx: Ctx, type: TypeModel): void {
    const key = qualifiedKey(type.schema, type.name);
    if (this.s.types.has(key)) this.unknown(ctx, ctx.stmt.span, `type ${type.name}: the model already has this type; the new definition replaces it`);
    this.s.types.set(key, Object.freeze(type));
  }

  private setFunction(ctx: Ctx, schema: string, name: string, kind: FunctionModel['kind'], argTypes: string[], returnType: string | undefined, attributes?: FunctionAttributes): void {
    const key = functionKey(schema, name, argTypes);
    this.s.functions.set(
      key,
      Object.freeze({
        schema,
        name,
        kind,
        argTypes: Object.freeze(argTypes),
        signature: functionKey(schema, name, argTypes),
        ...(returnType !== undefined ? { returnType } : {}),
        definitionText: ctx.stmt.text,
        ...(attributes ? { attributes } : {}),
        origin: this.origin(ctx),
      }),
    );
  }

  // ---------------------------------------------------------------- CREATE TABLE

  private createTable(ctx: Ctx, c: CreateStmt): void {
    const rel = c.relation;
    if (!rel?.relname) return;
    if (rel.relpersistence === 't') return; // temporary: gone at the end of the session
    const schema = this.schemaOf(rel);
    const key = qualifiedKey(schema, rel.relname);
    if (this.s.tables.has(key)) {
      if (c.if_not_exists) return;
      this.unknown(ctx, ctx.stmt.span, `CREATE TABLE ${relLabel(rel)}: the model already has this table; the new definition replaces it`);
    }
    const table: MutableTable = {
      schema,
      name: rel.relname,
      ...newMembers(),
      definitionText: ctx.stmt.text,
      complete: true,
      parents: [],
      unlogged: rel.relpersistence === 'u',
      origin: this.origin(ctx),
    };
    // INHERITS / PARTITION OF: the parents' columns come first.
    const parents: string[] = [];
    for (const p of c.inhRelations ?? []) {
      if (!('RangeVar' in p)) continue;
      const pk = this.resolveTableKey(p.RangeVar);
      const parent = pk ? this.s.tables.get(pk) : undefined;
      if (!parent) {
        table.complete = false;
        this.unknown(ctx, ctx.stmt.span, `${c.partbound ? 'PARTITION OF' : 'INHERITS'} ${relLabel(p.RangeVar)}: the parent table is not known, its columns are missing`);
        parents.push(qualifiedKey(this.schemaOf(p.RangeVar), p.RangeVar.relname ?? ''));
        continue;
      }
      parents.push(pk!);
      if (!parent.complete) table.complete = false;
      for (const col of parent.columns.values()) if (!table.columns.has(col.name)) table.columns.set(col.name, col);
    }
    table.parents = Object.freeze(parents);
    if (c.ofTypename) {
      table.complete = false;
      this.unknown(ctx, ctx.stmt.span, `CREATE TABLE ${relLabel(rel)} OF ${renderTypeName(c.ofTypename)}: the columns of the type are not read`);
    }
    this.putTable(key, table);
    const pending = new Set<string>();
    for (const el of c.tableElts ?? []) {
      if ('ColumnDef' in el) {
        const start = ctx.stmt.offsetOf(el.ColumnDef.location);
        this.addColumn(ctx, table, el.ColumnDef, { start, end: this.elementEnd(ctx, start) }, pending);
      } else if ('Constraint' in el) {
        const start = ctx.stmt.offsetOf(el.Constraint.location);
        this.addTableConstraint(ctx, table, el.Constraint, { start, end: this.elementEnd(ctx, start) }, pending);
      } else if ('TableLikeClause' in el) {
        this.like(ctx, table, el.TableLikeClause.relation, el.TableLikeClause.options ?? 0);
      }
    }
    this.flushConstraints();
  }

  /** Constraints of one statement, named in PostgreSQL's order once all are known. */
  private constraintQueue: { kind: ConstraintKind; seq: number; run: () => void }[] = [];
  private seq = 0;

  private like(ctx: Ctx, table: MutableTable, rel: RangeVar | undefined, options: number): void {
    const key = this.resolveTableKey(rel);
    const source = key ? this.s.tables.get(key) : undefined;
    if (!source) {
      table.complete = false;
      this.unknown(ctx, ctx.stmt.span, `LIKE ${relLabel(rel)}: the table is not known, its columns are missing`);
      return;
    }
    if (!source.complete) table.complete = false;
    // CREATE_TABLE_LIKE_DEFAULTS = 1 << 3 (COMMENTS 0, COMPRESSION 1, CONSTRAINTS 2, DEFAULTS 3,
    // GENERATED 4, IDENTITY 5, INDEXES 6, STATISTICS 7, STORAGE 8).
    const defaults = (options & (1 << 3)) !== 0;
    for (const col of source.columns.values()) {
      if (table.columns.has(col.name)) continue;
      const copy: Mutable<ColumnModel> = { ...col, altered: true };
      delete copy.serial;
      delete copy.ownedSequence;
      if (!defaults) delete copy.defaultText;
      if ((options & (1 << 5)) === 0) delete copy.identity;
      if ((options & (1 << 4)) === 0) delete copy.generatedText;
      copy.definitionText = renderColumn(copy);
      table.columns.set(col.name, Object.freeze(copy));
    }
    if ((options & ((1 << 2) | (1 << 6))) !== 0) {
      table.complete = false;
      this.unknown(ctx, ctx.stmt.span, `LIKE ${relLabel(rel)} INCLUDING CONSTRAINTS/INDEXES: the copied constraints and indexes are not modelled`);
    }
  }

  /** Adds a column (CREATE TABLE element or ADD COLUMN) with its inline constraints. */
  private addColumn(ctx: Ctx, table: MutableTable, cd: ColumnDef, span: Span, pending: Set<string>): void {
    const name = cd.colname ?? '';
    const definitionText = ctx.text.slice(span.start, span.end);
    let typeName: TypeName = normalizeTypeName(cd.typeName ?? { names: [] });
    const typeNames = stringList(typeName.names);
    const last = typeNames[typeNames.length - 1] ?? '';
    const serial = typeNames.length === 1 && !(typeName.arrayBounds ?? []).length ? SERIAL_TYPES[last] : undefined;
    const inherited = table.columns.get(name);
    if (inherited && cd.typeName === undefined) typeName = inherited.typeName;
    if (serial) typeName = { names: [{ String: { sval: 'pg_catalog' } }, { String: { sval: serial } }], typemod: -1 };
    const col: Mutable<ColumnModel> = {
      name,
      typeName,
      typeText: renderTypeName(typeName),
      notNull: inherited?.notNull ?? false,
      definitionText,
      altered: false,
      origin: this.origin(ctx, span),
    };
    if (inherited?.defaultText !== undefined) col.defaultText = inherited.defaultText;
    if (cd.collClause) col.collation = stringList(cd.collClause.collname).join('.');
    if (serial) {
      col.serial = last;
      col.notNull = true;
      const seqName = chooseName(table.name, name, 'seq', (n) => this.relationTaken(table.schema, n, pending));
      pending.add(seqName);
      const seqKey = qualifiedKey(table.schema, seqName);
      col.ownedSequence = seqKey;
      const qualified = table.schema === DEFAULT_SCHEMA ? quoteIdent(seqName) : `${quoteIdent(table.schema)}.${quoteIdent(seqName)}`;
      col.defaultText = `nextval('${qualified.replace(/'/g, "''")}'::regclass)`;
      const params = serialSequenceParams(last);
      this.s.sequences.set(seqKey, Object.freeze({ schema: table.schema, name: seqName, ownedBy: Object.freeze({ table: qualifiedKey(table.schema, table.name), column: name }), ...(params ? { params } : {}), origin: this.origin(ctx, span) }));
    }
    // Segments: each inline constraint (and COLLATE) runs to the next one; attributes
    // (DEFERRABLE, INITIALLY ...) belong to the constraint before them.
    const constraints = (cd.constraints ?? []).flatMap((n) => ('Constraint' in n ? [n.Constraint] : []));
    const boundaries = constraints
      .filter((k) => !isAttr(k))
      .map((k) => ctx.stmt.offsetOf(k.location))
      .concat(cd.collClause?.location !== undefined && cd.collClause.location >= 0 ? [ctx.stmt.offsetOf(cd.collClause.location)] : [])
      .sort((a, b) => a - b);
    const segmentOf = (k: Constraint): Span => {
      const start = ctx.stmt.offsetOf(k.location);
      const next = boundaries.find((b) => b > start) ?? span.end;
      return { start, end: lastTokenEnd(ctx.text, start, next) };
    };
    for (const k of constraints) {
      if (isAttr(k)) continue;
      const seg = segmentOf(k);
      switch (k.contype) {
        case 'CONSTR_NOTNULL':
          col.notNull = true;
          break;
        case 'CONSTR_NULL':
          col.notNull = false;
          break;
        case 'CONSTR_DEFAULT': {
          const tokens = tokenize(ctx.text, seg.start, seg.end);
          const at = tokens.findIndex((t) => t.kind === 'word' && t.value === 'DEFAULT');
          if (at >= 0 && tokens[at + 1]) col.defaultText = ctx.text.slice(tokens[at + 1]!.start, seg.end);
          else this.unknown(ctx, seg, `the default of column ${name} could not be read`);
          break;
        }
        case 'CONSTR_IDENTITY':
          col.identity = k.generated_when === 'a' ? 'always' : 'by default';
          col.notNull = true;
          break;
        case 'CONSTR_GENERATED':
          col.generatedText = ctx.text.slice(withoutConstraintName(ctx.text, seg).start, seg.end);
          break;
        case 'CONSTR_PRIMARY':
          col.notNull = true;
          this.queueConstraint(ctx, table, k, 'primary key', [name], seg, true, name, pending);
          break;
        case 'CONSTR_UNIQUE':
          this.queueConstraint(ctx, table, k, 'unique', [name], seg, true, name, pending);
          break;
        case 'CONSTR_CHECK':
          this.queueConstraint(ctx, table, k, 'check', columnRefs(k.raw_expr), seg, true, name, pending);
          break;
        case 'CONSTR_FOREIGN':
          this.queueConstraint(ctx, table, k, 'foreign key', [name], seg, true, name, pending);
          break;
        default:
          this.unknown(ctx, seg, `column constraint ${k.contype ?? '?'} of ${name} is not interpreted`);
      }
    }
    table.columns.set(name, Object.freeze(col));
  }

  private addTableConstraint(ctx: Ctx, table: MutableTable, k: Constraint, span: Span, pending: Set<string>): void {
    switch (k.contype) {
      case 'CONSTR_PRIMARY':
        this.queueConstraint(ctx, table, k, 'primary key', stringList(k.keys), span, false, undefined, pending);
        return;
      case 'CONSTR_UNIQUE':
        this.queueConstraint(ctx, table, k, 'unique', stringList(k.keys), span, false, undefined, pending);
        return;
      case 'CONSTR_CHECK':
        this.queueConstraint(ctx, table, k, 'check', columnRefs(k.raw_expr), span, false, undefined, pending);
        return;
      case 'CONSTR_FOREIGN':
        this.queueConstraint(ctx, table, k, 'foreign key', stringList(k.fk_attrs), span, false, undefined, pending);
        return;
      case 'CONSTR_EXCLUSION': {
        const cols = (k.exclusions ?? []).flatMap((pair) => {
          const items = 'List' in pair ? pair.List.items ?? [] : [];
          const el = items[0];
          return el && 'IndexElem' in el ? [indexElemName(el.IndexElem)] : [];
        });
        this.queueConstraint(ctx, table, k, 'exclusion', cols, span, false, undefined, pending);
        return;
      }
      case 'CONSTR_NOTNULL': {
        for (const c of stringList(k.keys)) this.updateColumn(table, c, (col) => ({ ...col, notNull: true }), false);
        return;
      }
      default:
        this.unknown(ctx, span, `table constraint ${k.contype ?? '?'} is not interpreted`);
    }
  }

  /** Registers a constraint; its default name is chosen when the statement's constraints are all known. */
  private queueConstraint(
    ctx: Ctx,
    table: MutableTable,
    k: Constraint,
    kind: ConstraintKind,
    columns: string[],
    span: Span,
    inline: boolean,
    column: string | undefined,
    pending: Set<string>,
  ): void {
    const sourceText = ctx.text.slice(span.start, span.end);
    const body = withoutConstraintName(ctx.text, span);
    // NOT VALID is a state (`notValid`), not part of the definition a later VALIDATE keeps.
    const bodyTokens = tokenize(ctx.text, body.start, body.end);
    const n = bodyTokens.length;
    if (n > 2 && bodyTokens[n - 2]!.value === 'NOT' && bodyTokens[n - 1]!.value === 'VALID') body.end = bodyTokens[n - 3]!.end;
    const bodyText = ctx.text.slice(body.start, body.end);
    let definitionText = bodyText;
    if (inline && column !== undefined) {
      const col = quoteIdent(column);
      const tokens = tokenize(ctx.text, body.start, body.end);
      const rest = (from: number): string => (tokens[from] ? ' ' + ctx.text.slice(tokens[from]!.start, body.end) : '');
      if (kind === 'primary key') definitionText = `PRIMARY KEY (${col})${rest(2)}`;
      else if (kind === 'unique') {
        // UNIQUE [NULLS [NOT] DISTINCT] ...
        let i = 1;
        let nulls = '';
        if (tokens[i]?.value === 'NULLS') {
          const end = tokens[i + 1]?.value === 'NOT' ? i + 2 : i + 1;
          nulls = ' ' + ctx.text.slice(tokens[i]!.start, tokens[end]!.end);
          i = end + 1;
        }
        definitionText = `UNIQUE${nulls} (${col})${rest(i)}`;
      } else if (kind === 'foreign key') definitionText = `FOREIGN KEY (${col}) ${bodyText}`;
    }
    const seq = this.seq++;
    const run = (): void => {
      let name = k.conname;
      const nameDerived = !name;
      const taken = (n: string): boolean =>
        kind === 'primary key' || kind === 'unique' || kind === 'exclusion'
          ? this.relationTaken(table.schema, n, pending) || this.constraintTaken(table.schema, n, pending)
          : this.constraintTaken(table.schema, n, pending);
      if (!name) {
        if (kind === 'primary key') name = chooseName(table.name, undefined, 'pkey', taken);
        else if (kind === 'unique') name = chooseName(table.name, nameAddition(columns), 'key', taken);
        else if (kind === 'exclusion') name = chooseName(table.name, nameAddition(columns), 'excl', taken);
        else if (kind === 'foreign key') name = chooseName(table.name, nameAddition(columns), 'fkey', taken);
        else {
          const distinct = [...new Set(columns)];
          name = chooseName(table.name, distinct.length === 1 ? distinct[0] : undefined, 'check', taken);
        }
      }
      pending.add(name);
      const constraint: Mutable<ConstraintModel> = {
        name,
        nameDerived,
        kind,
        columns: Object.freeze([...columns]),
        definitionText,
        sourceText,
        inline,
        ...(inline && column !== undefined ? { column } : {}),
        notValid: k.skip_validation === true || k.initially_valid === false,
        origin: this.origin(ctx, span),
      };
      if (kind === 'foreign key' && k.pktable) {
        const refKey = this.resolveTableKey(k.pktable) ?? qualifiedKey(this.schemaOf(k.pktable), k.pktable.relname ?? '');
        const [refSchema, refName] = splitKey(refKey);
        let refCols = stringList(k.pk_attrs);
        if (refCols.length === 0) {
          const target = refKey === qualifiedKey(table.schema, table.name) ? table : this.s.tables.get(refKey);
          refCols = [...(target?.primaryKey ?? [])];
        }
        constraint.references = Object.freeze({ schema: refSchema, table: refName, columns: Object.freeze(refCols) });
      }
      if (kind === 'primary key' || kind === 'unique' || kind === 'exclusion') {
        if (k.indexname) {
          // ADD CONSTRAINT ... USING INDEX: the index becomes the constraint's, renamed to it.
          const idx = table.indexes.get(k.indexname);
          table.indexes.delete(k.indexname);
          const cols = idx ? idx.columns.filter((c): c is string => c !== undefined) : columns;
          constraint.columns = Object.freeze(cols);
          if (kind === 'primary key') definitionText = `PRIMARY KEY (${cols.map(quoteIdent).join(', ')})`;
          else if (kind === 'unique') definitionText = `UNIQUE (${cols.map(quoteIdent).join(', ')})`;
          constraint.definitionText = definitionText;
        }
        constraint.indexName = name;
        const cols = constraint.columns;
        table.indexes.set(
          name,
          Object.freeze({
            name,
            nameDerived,
            schema: table.schema,
            table: table.name,
            unique: kind !== 'exclusion',
            columns: cols,
            definitionText: `CREATE UNIQUE INDEX ${quoteIdent(name)} ON ${tableLabel(table)} (${cols.map(quoteIdent).join(', ')})`,
            constraint: name,
            origin: this.origin(ctx, span),
          }),
        );
        if (kind === 'primary key') {
          table.primaryKey = Object.freeze([...cols]);
          for (const c of cols) this.updateColumn(table, c, (col) => (col.notNull ? col : { ...col, notNull: true }), false);
        }
      }
      table.constraints.set(name, Object.freeze(constraint));
    };
    this.constraintQueue.push({ kind, seq, run });
  }

  /** Replaces a column with `f(column)`; `altered` marks a change after its definition. */
  private updateColumn(table: MutableTable, name: string, f: (c: ColumnModel) => ColumnModel, altered = true): boolean {
    const col = table.columns.get(name);
    if (!col) return false;
    let next = f(col);
    if (next === col) return true;
    if (altered) next = { ...next, altered: true, definitionText: renderColumn(next) };
    table.columns.set(name, Object.freeze(next));
    return true;
  }

  private flushConstraints(): void {
    const order = (kind: string): number => (kind === 'check' ? 0 : kind === 'primary key' ? 1 : kind === 'foreign key' ? 3 : 2);
    const queue = this.constraintQueue.splice(0).sort((a, b) => order(a.kind) - order(b.kind) || a.seq - b.seq);
    for (const t of queue) t.run();
  }

  // ---------------------------------------------------------------- CREATE TABLE AS / VIEW

  private createTableAs(ctx: Ctx, ast: { CreateTableAsStmt: import('@pgsql/types').CreateTableAsStmt }): void {
    const c = ast.CreateTableAsStmt;
    const rel = c.into?.rel;
    if (!rel?.relname) return;
    if (c.objtype === 'OBJECT_MATVIEW') {
      this.createView(ctx, rel, c.query, true, false);
      return;
    }
    if (rel.relpersistence === 't') return;
    const schema = this.schemaOf(rel);
    const key = qualifiedKey(schema, rel.relname);
    if (this.s.tables.has(key) && c.if_not_exists) return;
    this.putTable(key, {
      schema,
      name: rel.relname,
      ...newMembers(),
      definitionText: ctx.stmt.text,
      complete: false,
      parents: [],
      unlogged: rel.relpersistence === 'u',
      origin: this.origin(ctx),
    });
    this.unknown(ctx, ctx.stmt.span, `CREATE TABLE ${relLabel(rel)} AS: the columns come from a query and are not known`);
  }

  private createView(ctx: Ctx, rel: RangeVar | undefined, query: Node | undefined, materialized: boolean, replace: boolean): void {
    if (!rel?.relname || rel.relpersistence === 't') return;
    const key = this.createKey(rel);
    const old = this.s.views.get(key);
    if (old && !replace) {
      const ast = ctx.stmt.ast;
      if (ast && 'CreateTableAsStmt' in ast && ast.CreateTableAsStmt.if_not_exists) return;
    }
    const view: ViewModel = {
      schema: this.schemaOf(rel),
      name: rel.relname,
      materialized,
      definitionText: ctx.stmt.text,
      dependsOn: Object.freeze(this.relationsRead(query)),
      indexes: old && replace ? old.indexes : PMap.empty(),
      origin: this.origin(ctx),
    };
    this.s.views.set(key, Object.freeze(view));
  }

  /** Qualified keys of the tables and views a query reads (not its CTEs). */
  private relationsRead(query: Node | undefined): string[] {
    const ctes = new Set<string>();
    const rels: RangeVar[] = [];
    walk(query, (key, value) => {
      if (key === 'CommonTableExpr' && value && typeof value === 'object') {
        const name = (value as { ctename?: string }).ctename;
        if (name) ctes.add(name);
      }
      if (key === 'RangeVar' && value && typeof value === 'object') rels.push(value as RangeVar);
    });
    const out: string[] = [];
    for (const r of rels) {
      if (!r.relname || (!r.schemaname && ctes.has(r.relname))) continue;
      const k =
        this.resolve(this.s.tables, r.schemaname, r.relname) ??
        this.resolve(this.s.views, r.schemaname, r.relname) ??
        qualifiedKey(r.schemaname ?? this.searchPath[0] ?? DEFAULT_SCHEMA, r.relname);
      if (!out.includes(k)) out.push(k);
    }
    return out;
  }

  // ---------------------------------------------------------------- CREATE INDEX

  private createIndex(ctx: Ctx, ix: IndexStmt): void {
    const rel = ix.relation;
    if (!rel?.relname) return;
    const tableKey = this.resolveTableKey(rel);
    const viewKey = tableKey ? undefined : this.resolve(this.s.views, rel.schemaname, rel.relname);
    if (!tableKey && !viewKey) {
      this.unknown(ctx, ctx.stmt.span, `CREATE INDEX on ${relLabel(rel)}, which the model does not know`);
      return;
    }
    const [schema, tableName] = splitKey((tableKey ?? viewKey)!);
    const params = [...(ix.indexParams ?? []), ...(ix.indexIncludingParams ?? [])].flatMap((p) => ('IndexElem' in p ? [p.IndexElem] : []));
    const keyParams = (ix.indexParams ?? []).flatMap((p) => ('IndexElem' in p ? [p.IndexElem] : []));
    let name = ix.idxname;
    const nameDerived = !name;
    if (name && this.relationTaken(schema, name, new Set()) && ix.if_not_exists) return;
    if (!name) {
      const colNames = indexColumnNames(params.map(indexElemName));
      const label = ix.primary ? 'pkey' : ix.isconstraint ? 'key' : 'idx';
      name = chooseName(tableName, ix.primary ? undefined : nameAddition(colNames), label, (n) => this.relationTaken(schema, n, new Set()));
    }
    let definitionText = ctx.stmt.text;
    if (nameDerived) {
      // Write the chosen name in, so that the definition recreates the same index.
      const parts = indexDefinitionParts(definitionText);
      if (parts) definitionText = splice(definitionText, [{ span: parts.name, newText: ` ${quoteIdent(name)}` }]);
    }
    const index: IndexModel = Object.freeze({
      name,
      nameDerived,
      schema,
      table: tableName,
      unique: ix.unique === true,
      columns: Object.freeze(keyParams.map((p) => p.name)),
      definitionText,
      origin: this.origin(ctx),
    });
    if (tableKey) this.editTable(tableKey)!.indexes.set(name, index);
    else {
      const v = this.s.views.get(viewKey!)!;
      this.s.views.set(viewKey!, Object.freeze({ ...v, indexes: (v.indexes as PMap<IndexModel>).draft().set(name, index).freeze() }));
    }
  }

  // ---------------------------------------------------------------- ALTER TABLE

  private alterTable(ctx: Ctx, a: AlterTableStmt): void {
    const rel = a.relation;
    const cmds = (a.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : []));
    if (!rel?.relname) return;
    const relevant = cmds.filter((c) => !IGNORED_ALTER.has(c.subtype ?? ''));
    if (relevant.length === 0) return;
    const objtype = a.objtype ?? 'OBJECT_TABLE';
    if (objtype !== 'OBJECT_TABLE' && objtype !== 'OBJECT_FOREIGN_TABLE') {
      // ALTER VIEW / INDEX / SEQUENCE ... (options, defaults of view columns): nothing modelled.
      return;
    }
    const key = this.resolveTableKey(rel);
    const table = this.editTable(key);
    if (!table) {
      // ALTER TABLE works on views and sequences too (options, owners, column defaults of a view).
      if (this.resolve(this.s.views, rel.schemaname, rel.relname) || this.resolve(this.s.sequences, rel.schemaname, rel.relname)) return;
      this.unknown(ctx, ctx.stmt.span, `ALTER TABLE ${relLabel(rel)}: the model does not know this table`);
      return;
    }
    const spans = alterTableCommandSpans(ctx.stmt, a);
    const pending = new Set<string>();
    cmds.forEach((cmd, i) => {
      const span = spans?.[i] ?? ctx.stmt.span;
      this.alterTableCmd(ctx, table, key!, cmd, span, spans !== undefined, pending);
      this.flushConstraints();
    });
  }

  private alterTableCmd(ctx: Ctx, table: MutableTable, key: string, cmd: AlterTableCmd, span: Span, exactSpan: boolean, pending: Set<string>): void {
    const sub = cmd.subtype ?? '';
    if (IGNORED_ALTER.has(sub)) return;
    const col = cmd.name;
    const missing = (what: string): void => {
      if (!cmd.missing_ok) this.unknown(ctx, span, `${what} is not in the model of ${tableLabel(table)}`);
    };
    switch (sub) {
      case 'AT_AddColumn': {
        const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
        if (!def?.colname) return;
        if (table.columns.has(def.colname)) {
          if (!cmd.missing_ok) this.unknown(ctx, span, `ADD COLUMN ${def.colname}: the model already has this column`);
          return;
        }
        const start = ctx.stmt.offsetOf(def.location);
        const colSpan = { start, end: exactSpan ? span.end : this.elementEnd(ctx, start) };
        this.addColumn(ctx, table, def, colSpan, pending);
        return;
      }
      case 'AT_DropColumn': {
        if (!col || !table.columns.has(col)) return missing(`column ${col ?? '?'}`);
        this.dropColumn(ctx, table, key, col, cmd.behavior === 'DROP_CASCADE', span);
        return;
      }
      case 'AT_AlterColumnType': {
        const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
        if (!col || !def?.typeName) return;
        if (!this.updateColumn(table, col, (c) => {
          const typeName = normalizeTypeName(def.typeName!);
          const next: Mutable<ColumnModel> = { ...c, typeName, typeText: renderTypeName(typeName) };
          if (def.collClause) next.collation = stringList(def.collClause.collname).join('.');
          return next;
        })) missing(`column ${col}`);
        return;
      }
      case 'AT_ColumnDefault': {
        if (!col) return;
        if (!table.columns.has(col)) return missing(`column ${col}`);
        if (!cmd.def) {
          this.updateColumn(table, col, (c) => {
            const next: Mutable<ColumnModel> = { ...c };
            delete next.defaultText;
            return next;
          });
          return;
        }
        const text = exactSpan ? textAfterWords(ctx.text, span, ['DEFAULT']) : undefined;
        if (text === undefined) {
          this.unknown(ctx, span, `the new default of ${col} could not be read`);
          return;
        }
        this.updateColumn(table, col, (c) => ({ ...c, defaultText: text }));
        return;
      }
      case 'AT_SetNotNull':
        if (!col || !this.updateColumn(table, col, (c) => ({ ...c, notNull: true }))) missing(`column ${col ?? '?'}`);
        return;
      case 'AT_DropNotNull':
        if (!col || !this.updateColumn(table, col, (c) => ({ ...c, notNull: false }))) missing(`column ${col ?? '?'}`);
        return;
      case 'AT_AddConstraint': {
        const k = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
        if (!k) return;
        const start = ctx.stmt.offsetOf(k.location);
        const kSpan = { start, end: exactSpan ? span.end : this.elementEnd(ctx, start) };
        this.addTableConstraint(ctx, table, k, kSpan, pending);
        return;
      }
      case 'AT_DropConstraint': {
        if (!col) return;
        if (!table.constraints.has(col)) return missing(`constraint ${col}`);
        // CASCADE: the foreign keys resting on a primary key or unique constraint go with it.
        if (cmd.behavior === 'DROP_CASCADE') this.dropDependents(ctx, constraintDependents(this.model(), key, col));
        this.dropConstraint(table, col);
        return;
      }
      case 'AT_ValidateConstraint': {
        const k = col ? table.constraints.get(col) : undefined;
        if (!k) return missing(`constraint ${col ?? '?'}`);
        table.constraints.set(k.name, Object.freeze({ ...k, notValid: false }));
        return;
      }
      case 'AT_AlterConstraint': {
        const alter = cmd.def && 'ATAlterConstraint' in cmd.def ? cmd.def.ATAlterConstraint : undefined;
        const k = alter?.conname ? table.constraints.get(alter.conname) : undefined;
        if (!alter || !k) return missing(`constraint ${alter?.conname ?? '?'}`);
        const a = alter as { alterDeferrability?: boolean; alterEnforceability?: boolean; alterInheritability?: boolean; deferrable?: boolean; initdeferred?: boolean };
        if (a.alterEnforceability || a.alterInheritability || !a.alterDeferrability) {
          this.unknown(ctx, span, `ALTER CONSTRAINT ${k.name}: only a change of deferrability is interpreted`);
          return;
        }
        const attrs = a.deferrable ? ` DEFERRABLE${a.initdeferred ? ' INITIALLY DEFERRED' : ''}` : '';
        table.constraints.set(k.name, Object.freeze({ ...k, definitionText: withoutDeferrability(k.definitionText) + attrs }));
        return;
      }
      case 'AT_AddIdentity': {
        const k = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
        if (!col || !this.updateColumn(table, col, (c) => ({ ...c, notNull: true, identity: k?.generated_when === 'a' ? 'always' : 'by default' }))) missing(`column ${col ?? '?'}`);
        return;
      }
      case 'AT_DropIdentity':
        if (!col || !this.updateColumn(table, col, (c) => {
          const next: Mutable<ColumnModel> = { ...c };
          delete next.identity;
          return next;
        })) missing(`column ${col ?? '?'}`);
        return;
      case 'AT_DropExpression':
        if (!col || !this.updateColumn(table, col, (c) => {
          const next: Mutable<ColumnModel> = { ...c };
          delete next.generatedText;
          return next;
        })) missing(`column ${col ?? '?'}`);
        return;
      default:
        table.complete = false;
        this.unknown(ctx, span, `ALTER TABLE subcommand ${sub.replace(/^AT_/, '')} is not interpreted`);
    }
  }

  private dropColumn(ctx: Ctx, table: MutableTable, key: string, col: string, cascade: boolean, span: Span): void {
    const c = table.columns.get(col)!;
    table.columns.delete(col);
    // Indexes and constraints on the column go with it (PostgreSQL drops them, multi-column ones too).
    for (const [n, k] of [...table.constraints]) if (k.columns.includes(col)) this.dropConstraint(table, n);
    for (const [n, i] of [...table.indexes]) {
      if (i.columns.includes(col) || (i.columns.includes(undefined) && mentions(i.definitionText, col))) table.indexes.delete(n);
    }
    if (table.primaryKey?.includes(col)) delete table.primaryKey;
    if (c.ownedSequence) this.s.sequences.delete(c.ownedSequence);
    for (const [sk, s] of this.inOrder('sequences', this.s.sequences, [term.ownedBy(key)])) if (s.ownedBy?.table === key && s.ownedBy.column === col) this.s.sequences.delete(sk);
    if (cascade) {
      for (const [tk, t] of this.inOrder('tables', this.s.tables, [term.references(key)])) {
        if (tk === key) continue;
        const fks = [...t.constraints.values()].filter((k) => k.references && qualifiedKey(k.references.schema, k.references.table) === key && k.references.columns.includes(col));
        if (fks.length === 0) continue;
        const other = this.editTable(tk)!;
        for (const fk of fks) other.constraints.delete(fk.name);
      }
      // The views that read the column (by name, or with `*`), and the views over them.
      this.dropDependents(ctx, columnDependents(this.model(), key, col).filter((d) => d.kind === 'view'));
      void span;
    }
  }

  private dropConstraint(table: MutableTable, name: string): void {
    const k = table.constraints.get(name);
    if (!k) return;
    table.constraints.delete(name);
    // The column's definition as written holds the constraint: it is no longer the column's.
    if (k.column) this.updateColumn(table, k.column, (c) => (c.altered ? c : { ...c }));
    if (k.indexName) table.indexes.delete(k.indexName);
    if (k.kind === 'primary key') delete table.primaryKey;
  }

  // ---------------------------------------------------------------- DROP

  private drop(ctx: Ctx, d: DropStmt): void {
    const cascade = d.behavior === 'DROP_CASCADE';
    const type = d.removeType ?? '';
    for (const obj of d.objects ?? []) {
      switch (type) {
        case 'OBJECT_TABLE':
        case 'OBJECT_FOREIGN_TABLE': {
          const { schema, name } = this.listName(obj);
          const key = this.resolve(this.s.tables, schema, name);
          if (key) this.dropTable(key, cascade);
          break;
        }
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW': {
          const { schema, name } = this.listName(obj);
          const key = this.resolve(this.s.views, schema, name);
          if (key) this.dropView(key, cascade);
          break;
        }
        case 'OBJECT_INDEX': {
          const { schema, name } = this.listName(obj);
          if (cascade) {
            const schemas = schema ? [schema] : this.searchPath;
            const table = this.inOrder('tables', this.s.tables, schemas.map((s) => term.index(s, name))).find(([, t]) => schemas.includes(t.schema) && t.indexes.has(name))?.[1];
            if (table) this.dropDependents(ctx, indexDependents(this.model(), table, name));
          }
          this.dropIndex(schema, name);
          break;
        }
        case 'OBJECT_SEQUENCE': {
          const { schema, name } = this.listName(obj);
          const key = this.resolve(this.s.sequences, schema, name);
          if (!key) break;
          // CASCADE: the column defaults that name it.
          if (cascade) this.dropDependents(ctx, sequenceDependents(this.model(), key));
          this.s.sequences.delete(key);
          break;
        }
        case 'OBJECT_TYPE':
        case 'OBJECT_DOMAIN': {
          const names = 'TypeName' in obj ? obj.TypeName.names ?? [] : 'List' in obj ? obj.List.items ?? [] : [];
          const parts = stringList(names);
          const name = parts[parts.length - 1] ?? '';
          const key = this.resolve(this.s.types, parts.length > 1 ? parts[parts.length - 2] : undefined, name);
          if (!key) break;
          this.s.types.delete(key);
          if (cascade) this.dropColumnsOfType(ctx, key);
          break;
        }
        case 'OBJECT_SCHEMA': {
          const name = 'String' in obj ? obj.String.sval ?? '' : '';
          if (!this.s.schemas.has(name)) break;
          this.s.schemas.delete(name);
          if (cascade) this.dropSchemaContents(name);
          break;
        }
        case 'OBJECT_EXTENSION': {
          const name = 'String' in obj ? obj.String.sval ?? '' : '';
          this.s.extensions.delete(name);
          break;
        }
        case 'OBJECT_FUNCTION':
        case 'OBJECT_PROCEDURE':
        case 'OBJECT_ROUTINE':
        case 'OBJECT_AGGREGATE': {
          if ('ObjectWithArgs' in obj) this.dropFunction(ctx, obj.ObjectWithArgs, d.missing_ok === true, cascade);
          break;
        }
        case 'OBJECT_TRIGGER': {
          const parts = stringList('List' in obj ? obj.List.items ?? [] : []);
          const trig = parts.pop();
          const name = parts.pop() ?? '';
          const key = this.resolve(this.s.tables, parts.pop(), name);
          const table = this.editTable(key);
          if (table && trig) table.triggers.delete(trig);
          break;
        }
        default:
          // Rules, policies, casts, operators... are not modelled.
          break;
      }
    }
  }

  private listName(obj: Node): { schema: string | undefined; name: string } {
    const parts = stringList('List' in obj ? obj.List.items ?? [] : [obj]);
    return { schema: parts.length > 1 ? parts[parts.length - 2] : undefined, name: parts[parts.length - 1] ?? '' };
  }

  private dropTable(key: string, cascade: boolean): void {
    const table = this.s.tables.get(key);
    if (!table) return;
    const dependentsBefore = cascade ? tableDependents(this.model(), key) : [];
    this.s.tables.delete(key);
    this.clonedTables.delete(key);
    for (const c of table.columns.values()) if (c.ownedSequence) this.s.sequences.delete(c.ownedSequence);
    // What the lookups name, in the maps' order.
    for (const [sk, s] of this.inOrder('sequences', this.s.sequences, [term.ownedBy(key)])) if (s.ownedBy?.table === key) this.s.sequences.delete(sk);
    // Foreign keys to it (dropped with CASCADE; without, the statement fails while they exist).
    for (const [tk, t] of this.inOrder('tables', this.s.tables, [term.references(key)])) {
      const fks = [...t.constraints.values()].filter((k) => k.references && qualifiedKey(k.references.schema, k.references.table) === key);
      if (fks.length === 0) continue;
      const other = this.editTable(tk)!;
      for (const fk of fks) other.constraints.delete(fk.name);
    }
    if (cascade) {
      for (const [vk, v] of this.inOrder('views', this.s.views, [term.reads(key)])) if (v.dependsOn.includes(key)) this.dropView(vk, true);
      // Defaults elsewhere that name one of its sequences.
      this.dropDependents(undefined, dependentsBefore.filter((d) => d.kind === 'default'));
    }
  }

  private dropView(key: string, cascade: boolean): void {
    if (!this.s.views.delete(key)) return;
    if (cascade) for (const [vk, v] of this.inOrder('views', this.s.views, [term.reads(key)])) if (v.dependsOn.includes(key)) this.dropView(vk, true);
  }

  private dropIndex(schema: string | undefined, name: string): void {
    const schemas = schema ? [schema] : this.searchPath;
    for (const s of schemas) {
      if (!this.indexHolder(s, name)) continue;
      for (const [tk, t] of this.inOrder('tables', this.s.tables, [term.index(s, name)])) {
        if (t.schema !== s || !t.indexes.has(name)) continue;
        this.editTable(tk)!.indexes.delete(name);
        return;
      }
      for (const [vk, v] of this.inOrder('views', this.s.views, [term.index(s, name)])) {
        if (v.schema !== s || !v.indexes.has(name)) continue;
        const indexes = (v.indexes as PMap<IndexModel>).draft();
        indexes.delete(name);
        this.s.views.set(vk, Object.freeze({ ...v, indexes: indexes.freeze() }));
        return;
      }
    }
  }

  private dropColumnsOfType(ctx: Ctx, typeKey: string): void {
    // Columns of a built-in's name are not in the lookups (mentions.ts): every table, then.
    for (const [tk, t] of typeIndexed(typeKey) ? this.inOrder('tables', this.s.tables, [term.columnType(typeKey)]) : [...this.s.tables]) {
      for (const c of [...t.columns.values()]) {
        if (columnTypeKey(stringList(c.typeName.names)) !== typeKey) continue;
        this.dropColumn(ctx, this.editTable(tk)!, tk, c.name, true, ctx.stmt.span);
      }
    }
  }

  private dropSchemaContents(schema: string): void {
    for (const [k, t] of this.ofSchema('tables', this.s.tables, schema)) if (t.schema === schema) this.dropTable(k, true);
    for (const [k, v] of this.ofSchema('views', this.s.views, schema)) if (v.schema === schema) this.dropView(k, true);
    for (const [k, s] of this.ofSchema('sequences', this.s.sequences, schema)) if (s.schema === schema) this.s.sequences.delete(k);
    for (const [k, t] of this.ofSchema('types', this.s.types, schema)) if (t.schema === schema) this.s.types.delete(k);
    for (const [k, f] of this.ofSchema('functions', this.s.functions, schema)) if (f.schema === schema) this.s.functions.delete(k);
  }

  /**
   * The entries of a map that may be in a schema, in the map's order, as a snapshot (callers write):
   * those the lookups name, but for `public` (most of the schema: every entry).
   */
  private ofSchema<V>(kind: RefKind, map: ReadonlyMap<string, V>, schema: string): [string, V][] {
    return schema === DEFAULT_SCHEMA ? [...map] : this.inOrder(kind, map, [term.inSchema(schema)]);
  }

  /** The functions of a name in these schemas, in the map's order (the lookups name them). */
  private functionsNamed(name: string, schemas: readonly string[]): [string, FunctionModel][] {
    return this.inOrder('functions', this.s.functions, schemas.map((s) => term.functionNamed(s, name))).filter(([, f]) => f.name === name && schemas.includes(f.schema));
  }

  private dropFunction(ctx: Ctx, o: ObjectWithArgs, missingOk: boolean, cascade = false): void {
    const { schema: givenSchema, name } = splitNames(stringList(o.objname));
    const dropIt = (key: string): void => {
      const f = this.s.functions.get(key)!;
      // CASCADE: triggers executing it, defaults, CHECK constraints and views calling it.
      if (cascade) this.dropDependents(ctx, functionDependents(this.model(), new Set([qualifiedKey(f.schema, f.name)]), f.name));
      this.s.functions.delete(key);
    };
    if (o.args_unspecified) {
      const schemas = givenSchema ? [givenSchema] : this.searchPath;
      const matches = this.functionsNamed(name, schemas);
      if (matches.length === 1) dropIt(matches[0]![0]);
      else if (matches.length > 1) this.unknown(ctx, ctx.stmt.span, `DROP FUNCTION ${name} without arguments: the model has ${matches.length} functions of that name`);
      return;
    }
    const args = (o.objfuncargs ?? []).length > 0 ? inputArgTypes(o.objfuncargs) : (o.objargs ?? []).flatMap((a) => ('TypeName' in a ? [signatureType(a.TypeName)] : []));
    const schemas = givenSchema ? [givenSchema] : this.searchPath;
    for (const s of schemas) {
      const key = functionKey(s, name, args);
      if (this.s.functions.has(key)) return dropIt(key);
    }
    void missingOk;
  }

  /** The schema as this draft has it now (for the dependency queries of dependencies.ts). */
  private model(): SchemaMaps {
    return {
      tables: this.s.tables,
      views: this.s.views,
      sequences: this.s.sequences,
      refs: this.lookup,
    };
  }

  /** Removes what a CASCADE takes along (see dependencies.ts). */
  private dropDependents(ctx: Ctx | undefined, dependents: readonly Dependent[]): void {
    for (const d of dependents) {
      switch (d.kind) {
        case 'view':
          this.dropView(d.owner, true);
          break;
        case 'foreign key':
        case 'constraint': {
          const t = this.editTable(d.owner);
          if (t?.constraints.has(d.name)) this.dropConstraint(t, d.name);
          break;
        }
        case 'trigger':
          this.editTable(d.owner)?.triggers.delete(d.name);
          break;
        case 'default': {
          const t = this.editTable(d.owner);
          if (t) {
            this.updateColumn(t, d.name, (c) => {
              const next: Mutable<ColumnModel> = { ...c };
              delete next.defaultText;
              return next;
            });
          }
          break;
        }
      }
    }
    void ctx;
  }

  // ---------------------------------------------------------------- RENAME / SET SCHEMA / ALTER TYPE

  private rename(ctx: Ctx, r: RenameStmt): void {
    const newName = r.newname ?? '';
    switch (r.renameType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_FOREIGN_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_SEQUENCE':
      case 'OBJECT_INDEX': {
        // ALTER TABLE ... RENAME TO works on any relation; look the name up everywhere.
        this.renameRelation(ctx, r.relation, newName, r.missing_ok === true);
        return;
      }
      case 'OBJECT_COLUMN': {
        if (r.relationType !== 'OBJECT_TABLE' && r.relationType !== 'OBJECT_FOREIGN_TABLE') return;
        const key = this.resolveTableKey(r.relation);
        const table = this.editTable(key);
        if (!table || !r.subname || !table.columns.has(r.subname)) {
          if (!r.missing_ok) this.unknown(ctx, ctx.stmt.span, `RENAME COLUMN ${r.subname ?? '?'} of ${relLabel(r.relation)}: not in the model`);
          return;
        }
        this.renameColumn(table, key!, r.subname, newName);
        return;
      }
      case 'OBJECT_TABCONSTRAINT': {
        const key = this.resolveTableKey(r.relation);
        const table = this.editTable(key);
        const k = r.subname ? table?.constraints.get(r.subname) : undefined;
        if (!table || !k) {
          this.unknown(ctx, ctx.stmt.span, `RENAME CONSTRAINT ${r.subname ?? '?'} of ${relLabel(r.relation)}: not in the model`);
          return;
        }
        table.constraints = renameKey(table.constraints, k.name, newName, (c) => Object.freeze({ ...c, name: newName, nameDerived: false, ...(c.indexName ? { indexName: newName } : {}) }));
        if (k.column) this.updateColumn(table, k.column, (c) => (c.altered ? c : { ...c }));
        if (k.indexName) {
          const ix = table.indexes.get(k.indexName);
          if (ix) table.indexes = renameKey(table.indexes, ix.name, newName, (i) => Object.freeze({ ...i, name: newName, nameDerived: false, constraint: newName, definitionText: renameIndexText(i.definitionText, newName) }));
        }
        return;
      }
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const names = r.object && 'List' in r.object ? r.object.List.items ?? [] : r.object && 'TypeName' in r.object ? r.object.TypeName.names ?? [] : [];
        const parts = stringList(names);
        const { schema, name } = splitNames(parts);
        const key = this.resolve(this.s.types, schema, name);
        const t = key ? this.s.types.get(key) : undefined;
        if (!t) return;
        this.s.types.delete(key!);
        this.s.types.set(qualifiedKey(t.schema, newName), Object.freeze({ ...t, name: newName, altered: true, definitionText: t.kind === 'enum' ? renderEnum(t.schema, newName, t.values ?? []) : t.definitionText }));
        return;
      }
      case 'OBJECT_SCHEMA': {
        const old = r.subname ?? '';
        const s = this.s.schemas.get(old);
        if (!s) return;
        this.s.schemas.delete(old);
        this.s.schemas.set(newName, Object.freeze({ ...s, name: newName }));
        this.moveSchemaContents(old, newName);
        return;
      }
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE':
      case 'OBJECT_ROUTINE': {
        const o = r.object && 'ObjectWithArgs' in r.object ? r.object.ObjectWithArgs : undefined;
        if (!o) return;
        const f = this.findFunction(o);
        if (!f) return;
        this.s.functions.delete(functionKey(f.schema, f.name, f.argTypes));
        this.s.functions.set(functionKey(f.schema, newName, f.argTypes), Object.freeze({ ...f, name: newName, signature: functionKey(f.schema, newName, f.argTypes) }));
        return;
      }
      case 'OBJECT_TRIGGER': {
        const table = this.editTable(this.resolveTableKey(r.relation));
        if (table && r.subname && table.triggers.has(r.subname)) {
          table.triggers = renameKey(table.triggers, r.subname, newName, (t) => Object.freeze({ ...t, name: newName }));
        }
        return;
      }
      default:
        return;
    }
  }

  private findFunction(o: ObjectWithArgs): FunctionModel | undefined {
    const { schema, name } = splitNames(stringList(o.objname));
    const schemas = schema ? [schema] : this.searchPath;
    if (o.args_unspecified) {
      const matches = this.functionsNamed(name, schemas);
      return matches.length === 1 ? matches[0]![1] : undefined;
    }
    const args = (o.objfuncargs ?? []).length > 0 ? inputArgTypes(o.objfuncargs) : (o.objargs ?? []).flatMap((a) => ('TypeName' in a ? [signatureType(a.TypeName)] : []));
    for (const s of schemas) {
      const f = this.s.functions.get(functionKey(s, name, args));
      if (f) return f;
    }
    return undefined;
  }

  private renameRelation(ctx: Ctx, rel: RangeVar | undefined, newName: string, missingOk: boolean): void {
    if (!rel?.relname) return;
    const tableKey = this.resolveTableKey(rel);
    if (tableKey) return this.moveTable(tableKey, splitKey(tableKey)[0], newName);
    const viewKey = this.resolve(this.s.views, rel.schemaname, rel.relname);
    if (viewKey) return this.moveView(viewKey, splitKey(viewKey)[0], newName);
    const seqKey = this.resolve(this.s.sequences, rel.schemaname, rel.relname);
    if (seqKey) return this.moveSequence(seqKey, splitKey(seqKey)[0], newName);
    // An index: find its table.
    const schemas = rel.schemaname ? [rel.schemaname] : this.searchPath;
    for (const s of schemas) {
      if (!this.indexHolder(s, rel.relname)) continue;
      for (const [tk, t] of this.inOrder('tables', this.s.tables, [term.index(s, rel.relname)])) {
        if (t.schema !== s || !t.indexes.has(rel.relname)) continue;
        const table = this.editTable(tk)!;
        table.indexes = renameKey(table.indexes, rel.relname, newName, (i) => Object.freeze({ ...i, name: newName, nameDerived: false, definitionText: i.constraint ? i.definitionText.replace(/^CREATE UNIQUE INDEX \S+/, `CREATE UNIQUE INDEX ${quoteIdent(newName)}`) : renameIndexText(i.definitionText, newName) }));
        // An index that enforces a constraint renames the constraint too.
        const ix = table.indexes.get(newName)!;
        if (ix.constraint && table.constraints.has(ix.constraint)) {
          table.constraints = renameKey(table.constraints, ix.constraint, newName, (c) => Object.freeze({ ...c, name: newName, nameDerived: false, indexName: newName }));
          table.indexes.set(newName, Object.freeze({ ...ix, constraint: newName }));
        }
        return;
      }
      for (const [vk, v] of this.inOrder('views', this.s.views, [term.index(s, rel.relname)])) {
        if (v.schema !== s || !v.indexes.has(rel.relname)) continue;
        this.s.views.set(vk, Object.freeze({ ...v, indexes: renameKey(v.indexes, rel.relname, newName, (i) => Object.freeze({ ...i, name: newName, nameDerived: false, definitionText: renameIndexText(i.definitionText, newName) })).freeze() }));
        return;
      }
    }
    if (!missingOk) this.unknown(ctx, ctx.stmt.span, `RENAME of ${relLabel(rel)}: the model does not know this relation`);
  }

  /** Moves a table to a new schema and/or name, following every reference to it. */
  private moveTable(oldKey: string, schema: string, name: string): void {
    const table = this.editTable(oldKey)!;
    const newKey = qualifiedKey(schema, name);
    if (newKey === oldKey) return;
    const oldSchema = table.schema;
    this.renameInViews(oldKey, { schema: oldSchema, name: table.name }, { schema, name });
    this.s.tables.delete(oldKey);
    this.clonedTables.delete(oldKey);
    table.schema = schema;
    table.name = name;
    const label = tableLabel(table);
    for (const [n, i] of [...table.indexes]) {
      table.indexes.set(n, Object.freeze({ ...i, schema, table: name, definitionText: renameIndexTable(i.definitionText, label) }));
    }
    // Triggers follow the table (PostgreSQL keeps them by oid): `ON old` becomes `ON new` in their text.
    for (const [n, tr] of [...table.triggers]) table.triggers.set(n, Object.freeze({ ...tr, definitionText: replaceNameAfter(tr.definitionText, 'ON', [], label) }));
    this.putTable(newKey, table);
    for (const [tk, t] of this.inOrder('tables', this.s.tables, [term.references(oldKey)])) {
      const fks = [...t.constraints.values()].filter((k) => k.references && qualifiedKey(k.references.schema, k.references.table) === oldKey);
      if (fks.length === 0) continue;
      const other = this.editTable(tk)!;
      for (const fk of fks) {
        other.constraints.set(
          fk.name,
          Object.freeze({ ...fk, references: Object.freeze({ ...fk.references!, schema, table: name }), definitionText: replaceNameAfter(fk.definitionText, 'REFERENCES', [], label) }),
        );
      }
    }
    for (const [vk, v] of this.inOrder('views', this.s.views, [term.reads(oldKey)])) {
      if (v.dependsOn.includes(oldKey)) this.s.views.set(vk, Object.freeze({ ...v, dependsOn: Object.freeze(v.dependsOn.map((d) => (d === oldKey ? newKey : d))) }));
    }
    for (const [sk, s] of this.inOrder('sequences', this.s.sequences, [term.ownedBy(oldKey)])) {
      if (s.ownedBy?.table !== oldKey) continue;
      const updated = { ...s, ownedBy: Object.freeze({ ...s.ownedBy, table: newKey }) };
      // Owned sequences follow the table to its new schema.
      if (schema !== oldSchema) {
        this.s.sequences.delete(sk);
        const nk = qualifiedKey(schema, s.name);
        this.s.sequences.set(nk, Object.freeze({ ...updated, schema }));
        for (const c of [...table.columns.values()]) if (c.ownedSequence === sk) table.columns.set(c.name, Object.freeze({ ...c, ownedSequence: nk }));
      } else this.s.sequences.set(sk, Object.freeze(updated));
    }
  }

  private moveView(oldKey: string, schema: string, name: string): void {
    const v = this.s.views.get(oldKey)!;
    const newKey = qualifiedKey(schema, name);
    if (newKey === oldKey) return;
    this.renameInViews(oldKey, { schema: v.schema, name: v.name }, { schema, name });
    this.s.views.delete(oldKey);
    const label = schema === DEFAULT_SCHEMA ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
    this.s.views.set(newKey, Object.freeze({ ...v, schema, name, definitionText: renameViewText(v.definitionText, label) }));
    for (const [vk, o] of this.inOrder('views', this.s.views, [term.reads(oldKey)])) {
      if (o.dependsOn.includes(oldKey)) this.s.views.set(vk, Object.freeze({ ...o, dependsOn: Object.freeze(o.dependsOn.map((d) => (d === oldKey ? newKey : d))) }));
    }
  }

  private moveSequence(oldKey: string, schema: string, name: string): void {
    const s = this.s.sequences.get(oldKey)!;
    const newKey = qualifiedKey(schema, name);
    this.s.sequences.delete(oldKey);
    this.s.sequences.set(newKey, Object.freeze({ ...s, schema, name }));
    if (s.ownedBy) {
      const table = this.editTable(s.ownedBy.table);
      const c = table?.columns.get(s.ownedBy.column);
      if (table && c?.ownedSequence === oldKey) table.columns.set(c.name, Object.freeze({ ...c, ownedSequence: newKey }));
    }
  }

  /** How a view's text names resolve now (tables first, then views), through the search path. */
  private readonly resolveRelation: ResolveRelation = (schema, name) => this.resolve(this.s.tables, schema, name) ?? this.resolve(this.s.views, schema, name);

  /** Carries a rename or move of relation `key` into the texts of the views that read it (before the move). */
  private renameInViews(key: string, from: { schema: string; name: string }, to: { schema: string; name: string }): void {
    for (const [vk, v] of this.viewsReading(key)) {
      if (vk === key || !v.dependsOn.includes(key)) continue;
      const text = v.stale ? undefined : renameRelationInView(v.definitionText, this.resolveRelation, key, { ...to, qualify: to.schema !== from.schema && to.schema !== DEFAULT_SCHEMA }, from);
      if (text === v.definitionText) continue;
      const label = `${from.name} renamed to ${to.name}`;
      this.s.views.set(vk, Object.freeze(text === undefined ? { ...v, stale: v.stale ?? label } : { ...v, definitionText: text }));
    }
  }

  /** Carries a column rename of table `key` into the texts of the views that read it. */
  private renameColumnInViews(key: string, oldName: string, newName: string): void {
    const columnsOf = (k: string): ReadonlySet<string> | undefined => {
      const t = this.s.tables.get(k);
      return t ? new Set(t.columns.keys()) : undefined;
    };
    for (const [vk, v] of this.viewsReading(key)) {
      if (!v.dependsOn.includes(key)) continue;
      const text = v.stale ? undefined : renameColumnInView(v.definitionText, this.resolveRelation, key, oldName, newName, columnsOf);
      if (text === v.definitionText) continue;
      this.s.views.set(vk, Object.freeze(text === undefined ? { ...v, stale: v.stale ?? `column ${oldName} renamed to ${newName}` } : { ...v, definitionText: text }));
    }
  }

  private renameColumn(table: MutableTable, key: string, oldName: string, newName: string): void {
    this.renameColumnInViews(key, oldName, newName);
    const col = table.columns.get(oldName)!;
    const renamed: ColumnModel = { ...col, name: newName, altered: true, definitionText: renderColumn({ ...col, name: newName }) };
    table.columns = renameKey(table.columns, oldName, newName, () => Object.freeze(renamed));
    if (table.primaryKey?.includes(oldName)) table.primaryKey = Object.freeze(table.primaryKey.map((c) => (c === oldName ? newName : c)));
    for (const [n, k] of [...table.constraints]) {
      const selfRef = k.references && qualifiedKey(k.references.schema, k.references.table) === key && k.references.columns.includes(oldName);
      if (!k.columns.includes(oldName) && !selfRef) continue;
      let text = k.definitionText;
      if (k.columns.includes(oldName)) {
        const group = k.kind === 'foreign key' ? firstGroup(text) : k.kind === 'check' ? undefined : firstGroup(text);
        text = renameIdentifier(text, group, oldName, newName);
      }
      const next: Mutable<ConstraintModel> = { ...k, columns: Object.freeze(k.columns.map((c) => (c === oldName ? newName : c))), definitionText: text };
      if (selfRef) next.references = Object.freeze({ ...k.references!, columns: Object.freeze(k.references!.columns.map((c) => (c === oldName ? newName : c))) });
      table.constraints.set(n, Object.freeze(next));
    }
    // Triggers: `UPDATE OF col` and `NEW.col` / `OLD.col` in their WHEN condition.
    for (const [n, tr] of [...table.triggers]) {
      const text = renameTriggerColumn(tr.definitionText, oldName, newName);
      if (text !== tr.definitionText) table.triggers.set(n, Object.freeze({ ...tr, definitionText: text }));
    }
    for (const [n, i] of [...table.indexes]) {
      // An index over the column, an expression or a predicate (`WHERE col IS NULL`) naming it.
      if (!i.columns.includes(oldName) && !mentions(i.definitionText, oldName)) continue;
      const parts = indexDefinitionParts(i.definitionText);
      const after = parts?.table ? { start: parts.table.end, end: i.definitionText.length } : undefined;
      table.indexes.set(
        n,
        Object.freeze({
          ...i,
          columns: Object.freeze(i.columns.map((c) => (c === oldName ? newName : c))),
          definitionText: renameIdentifier(i.definitionText, after, oldName, newName),
        }),
      );
    }
    // Foreign keys of other tables that reference the column.
    for (const [tk, t] of this.inOrder('tables', this.s.tables, [term.references(key)])) {
      if (tk === key) continue;
      const fks = [...t.constraints.values()].filter((k) => k.references && qualifiedKey(k.references.schema, k.references.table) === key && k.references.columns.includes(oldName));
      if (fks.length === 0) continue;
      const other = this.editTable(tk)!;
      for (const fk of fks) {
        const refGroup = firstGroup(fk.definitionText, 'REFERENCES');
        other.constraints.set(
          fk.name,
          Object.freeze({
            ...fk,
            references: Object.freeze({ ...fk.references!, columns: Object.freeze(fk.references!.columns.map((c) => (c === oldName ? newName : c))) }),
            definitionText: refGroup ? renameIdentifier(fk.definitionText, refGroup, oldName, newName) : fk.definitionText,
          }),
        );
      }
    }
    for (const [sk, s] of this.inOrder('sequences', this.s.sequences, [term.ownedBy(key)])) {
      if (s.ownedBy?.table === key && s.ownedBy.column === oldName) this.s.sequences.set(sk, Object.freeze({ ...s, ownedBy: Object.freeze({ table: key, column: newName }) }));
    }
  }

  private moveSchemaContents(oldSchema: string, newSchema: string): void {
    for (const [k, t] of this.ofSchema('tables', this.s.tables, oldSchema)) if (t.schema === oldSchema) this.moveTable(k, newSchema, t.name);
    for (const [k, v] of this.ofSchema('views', this.s.views, oldSchema)) if (v.schema === oldSchema) this.moveView(k, newSchema, v.name);
    for (const [k, s] of this.ofSchema('sequences', this.s.sequences, oldSchema)) if (s.schema === oldSchema) this.moveSequence(k, newSchema, s.name);
    for (const [k, t] of this.ofSchema('types', this.s.types, oldSchema)) {
      if (t.schema !== oldSchema) continue;
      this.s.types.delete(k);
      this.s.types.set(qualifiedKey(newSchema, t.name), Object.freeze({ ...t, schema: newSchema }));
    }
    for (const [k, f] of this.ofSchema('functions', this.s.functions, oldSchema)) {
      if (f.schema !== oldSchema) continue;
      this.s.functions.delete(k);
      this.s.functions.set(functionKey(newSchema, f.name, f.argTypes), Object.freeze({ ...f, schema: newSchema, signature: functionKey(newSchema, f.name, f.argTypes) }));
    }
  }

  private setSchema(ctx: Ctx, a: import('@pgsql/types').AlterObjectSchemaStmt): void {
    const schema = a.newschema ?? '';
    switch (a.objectType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_FOREIGN_TABLE': {
        const key = this.resolveTableKey(a.relation);
        if (key) this.moveTable(key, schema, splitKey(key)[1]);
        else if (!a.missing_ok) this.unknown(ctx, ctx.stmt.span, `SET SCHEMA of ${relLabel(a.relation)}: the model does not know this table`);
        return;
      }
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW': {
        const key = a.relation?.relname ? this.resolve(this.s.views, a.relation.schemaname, a.relation.relname) : undefined;
        if (key) this.moveView(key, schema, splitKey(key)[1]);
        return;
      }
      case 'OBJECT_SEQUENCE': {
        const key = a.relation?.relname ? this.resolve(this.s.sequences, a.relation.schemaname, a.relation.relname) : undefined;
        if (key) this.moveSequence(key, schema, splitKey(key)[1]);
        return;
      }
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const names = a.object && 'List' in a.object ? a.object.List.items ?? [] : a.object && 'TypeName' in a.object ? a.object.TypeName.names ?? [] : [];
        const { schema: s, name } = splitNames(stringList(names));
        const key = this.resolve(this.s.types, s, name);
        const t = key ? this.s.types.get(key) : undefined;
        if (!t) return;
        this.s.types.delete(key!);
        this.s.types.set(qualifiedKey(schema, t.name), Object.freeze({ ...t, schema, altered: true, definitionText: t.kind === 'enum' ? renderEnum(schema, t.name, t.values ?? []) : t.definitionText }));
        return;
      }
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE': {
        const o = a.object && 'ObjectWithArgs' in a.object ? a.object.ObjectWithArgs : undefined;
        const f = o ? this.findFunction(o) : undefined;
        if (!f) return;
        this.s.functions.delete(functionKey(f.schema, f.name, f.argTypes));
        this.s.functions.set(functionKey(schema, f.name, f.argTypes), Object.freeze({ ...f, schema, signature: functionKey(schema, f.name, f.argTypes) }));
        return;
      }
      case 'OBJECT_EXTENSION': {
        const name = a.object && 'String' in a.object ? a.object.String.sval ?? '' : '';
        const e = this.s.extensions.get(name);
        if (e) this.s.extensions.set(name, Object.freeze({ ...e, schema }));
        return;
      }
      default:
        return;
    }
  }

  private alterEnum(ctx: Ctx, a: import('@pgsql/types').AlterEnumStmt): void {
    const { schema, name } = splitNames(stringList(a.typeName));
    const key = this.resolve(this.s.types, schema, name);
    const t = key ? this.s.types.get(key) : undefined;
    if (!t || t.kind !== 'enum') {
      this.unknown(ctx, ctx.stmt.span, `ALTER TYPE ${name}: the model does not know this enum`);
      return;
    }
    const values = [...(t.values ?? [])];
    if (a.oldVal !== undefined) {
      const i = values.indexOf(a.oldVal);
      if (i < 0) return this.unknown(ctx, ctx.stmt.span, `RENAME VALUE '${a.oldVal}': the enum ${name} has no such value in the model`);
      values[i] = a.newVal ?? '';
    } else {
      const v = a.newVal ?? '';
      if (values.includes(v)) {
        if (!a.skipIfNewValExists) this.unknown(ctx, ctx.stmt.span, `ADD VALUE '${v}': the enum ${name} already has it in the model`);
        return;
      }
      if (a.newValNeighbor !== undefined) {
        const n = values.indexOf(a.newValNeighbor);
        if (n < 0) return this.unknown(ctx, ctx.stmt.span, `ADD VALUE ... ${a.newValIsAfter ? 'AFTER' : 'BEFORE'} '${a.newValNeighbor}': no such value in the model`);
        values.splice(a.newValIsAfter ? n + 1 : n, 0, v);
      } else values.push(v);
    }
    this.s.types.set(key!, Object.freeze({ ...t, values: Object.freeze(values), altered: true, definitionText: renderEnum(t.schema, t.name, values) }));
  }
}

// ---------------------------------------------------------------- free helpers

function isAttr(k: Constraint): boolean {
  return (k.contype ?? '').startsWith('CONSTR_ATTR_');
}

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

function splitNames(parts: string[]): { schema: string | undefined; name: string } {
  return { schema: parts.length > 1 ? parts[parts.length - 2] : undefined, name: parts[parts.length - 1] ?? '' };
}

function relLabel(rel: RangeVar | undefined): string {
  if (!rel?.relname) return '?';
  return rel.schemaname ? `${quoteIdent(rel.schemaname)}.${quoteIdent(rel.relname)}` : quoteIdent(rel.relname);
}

function tableLabel(t: { schema: string; name: string }): string {
  return t.schema === DEFAULT_SCHEMA ? quoteIdent(t.name) : `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

/** Built-in types written by their internal name (`int4`, `timestamptz`) parse unqualified. */
const INTERNAL_NAMES = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'bool', 'varchar', 'bpchar', 'timestamptz', 'timetz']);

/**
 * The type as PostgreSQL resolves it: `int4` and `timestamptz` written as such become
 * `pg_catalog.int4` / `pg_catalog.timestamptz`, as `integer` and `timestamp with time zone` parse,
 * so that `renderTypeName` writes one name for one type.
 */
export function normalizeTypeName(t: TypeName): TypeName {
  const names = stringList(t.names);
  if (names.length !== 1 || !INTERNAL_NAMES.has(names[0]!)) return t;
  return { ...t, names: [{ String: { sval: 'pg_catalog' } }, { String: { sval: names[0]! } }] };
}

/** A type in a function signature: normalized, without typmods (PostgreSQL ignores them there). */
function signatureType(t: TypeName | undefined): string {
  if (!t) return '';
  const { typmods: _typmods, ...rest } = normalizeTypeName(t);
  void _typmods;
  return renderTypeName(rest);
}

/** The input argument types of a function (IN, INOUT, VARIADIC), rendered. */
export function inputArgTypes(params: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const p of params ?? []) {
    if (!('FunctionParameter' in p)) continue;
    const mode = p.FunctionParameter.mode ?? 'FUNC_PARAM_DEFAULT';
    if (mode === 'FUNC_PARAM_OUT' || mode === 'FUNC_PARAM_TABLE') continue;
    out.push(signatureType(p.FunctionParameter.argType));
  }
  return out;
}

function indexElemName(e: IndexElem): string {
  return e.indexcolname ?? e.name ?? figureColname(e.expr) ?? 'expr';
}

/** The distinct columns an expression references (last field of each ColumnRef). */
function columnRefs(expr: Node | undefined): string[] {
  const out: string[] = [];
  walk(expr, (key, value) => {
    if (key !== 'ColumnRef' || !value || typeof value !== 'object') return;
    const fields = stringList((value as { fields?: Node[] }).fields);
    const last = fields[fields.length - 1];
    if (last && last !== '*' && !out.includes(last)) out.push(last);
  });
  return out;
}

/** Visits every property of an AST (depth first). */
function walk(node: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  // for-in, not Object.entries: a parse tree is plain objects, and this runs over every node of a view.
  const o = node as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    visit(k, v);
    if (v && typeof v === 'object') walk(v, visit);
  }
}

/** Whether an identifier token of `text` equals `name` (for expression indexes). */
function mentions(text: string, name: string): boolean {
  return tokenize(text).some((t) => (t.kind === 'word' ? t.value.toLowerCase() === name : t.kind === 'quoted-ident' && t.value === name));
}

/** The text of a subcommand after its leading words up to and including `words`' last one. */
function textAfterWords(text: string, span: Span, words: string[]): string | undefined {
  const tokens = tokenize(text, span.start, span.end);
  const last = words[words.length - 1]!;
  const i = tokens.findIndex((t) => t.kind === 'word' && t.value === last);
  if (i < 0 || !tokens[i + 1]) return undefined;
  return text.slice(tokens[i + 1]!.start, span.end);
}

/** A constraint definition without its trailing `[NOT] DEFERRABLE` / `INITIALLY DEFERRED|IMMEDIATE`. */
function withoutDeferrability(text: string): string {
  const tokens = tokenize(text);
  let n = tokens.length;
  for (;;) {
    const last = tokens[n - 1];
    const prev = tokens[n - 2];
    if (last?.kind !== 'word') break;
    if (last.value === 'DEFERRABLE') n -= prev?.kind === 'word' && prev.value === 'NOT' ? 2 : 1;
    else if ((last.value === 'DEFERRED' || last.value === 'IMMEDIATE') && prev?.kind === 'word' && prev.value === 'INITIALLY') n -= 2;
    else break;
  }
  return n === tokens.length ? text : n === 0 ? '' : text.slice(0, tokens[n - 1]!.end);
}

/** A map with one key renamed, keeping the entry's position (a new draft: O(n), renames are rare). */
function renameKey<V>(map: ReadonlyMap<string, V>, oldKey: string, newKey: string, f: (v: V) => V): PMap<V> {
  const out: [string, V][] = [];
  for (const [k, v] of map) {
    if (k === oldKey) out.push([newKey, f(v)]);
    else if (k !== newKey) out.push([k, v]);
  }
  return PMap.of(out).draft();
}

/** A column's current definition: name, type, COLLATE, GENERATED/identity, DEFAULT, NOT NULL. */
export function renderColumn(c: Omit<ColumnModel, 'definitionText' | 'altered' | 'origin'> & Partial<ColumnModel>): string {
  // `serial` only while the column still is what `serial` makes: its integer type and nextval default.
  const serial = c.serial && c.ownedSequence && c.typeText === SERIAL_TYPE_TEXT[c.serial] && c.defaultText?.startsWith('nextval(') ? c.serial : undefined;
  let s = `${quoteIdent(c.name)} ${serial ?? c.typeText}`;
  if (c.collation) s += ` COLLATE ${c.collation.split('.').map(quoteIdent).join('.')}`;
  if (c.generatedText) s += ` ${c.generatedText}`;
  if (c.identity) s += ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  if (c.defaultText !== undefined && !serial) s += ` DEFAULT ${c.defaultText}`;
  if (c.notNull && !c.identity && !serial) s += ' NOT NULL';
  return s;
}

const SERIAL_TYPE_TEXT: Record<string, string> = {
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
};

function renderEnum(schema: string, name: string, values: readonly string[]): string {
  const label = schema === DEFAULT_SCHEMA ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
  return `CREATE TYPE ${label} AS ENUM (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`;
}

function renameIndexText(text: string, newName: string): string {
  const parts = indexDefinitionParts(text);
  if (!parts) return text;
  return splice(text, [{ span: parts.name, newText: parts.nameGiven ? quoteIdent(newName) : ` ${quoteIdent(newName)}` }]);
}

function renameIndexTable(text: string, label: string): string {
  const parts = indexDefinitionParts(text);
  if (!parts?.table) return text;
  return splice(text, [{ span: parts.table, newText: label }]);
}

/** A trigger's text with a column of its table renamed: in `UPDATE OF a, b` and as `NEW.a` / `OLD.a`. */
function renameTriggerColumn(text: string, oldName: string, newName: string): string {
  const tokens = tokenize(text);
  const edits: { span: Span; newText: string }[] = [];
  const on = tokens.findIndex((t) => t.kind === 'word' && t.value === 'ON');
  let inOf = false;
  tokens.forEach((t, k) => {
    if (t.kind === 'word' && t.value === 'OF' && (k < on || on < 0)) inOf = true;
    if (k === on) inOf = false;
    if (!isName(t) || identValue(t, text) !== oldName) return;
    const qualifier = tokens[k - 1]?.value === '.' ? tokens[k - 2] : undefined;
    const rowRef = qualifier?.kind === 'word' && (qualifier.value === 'NEW' || qualifier.value === 'OLD') && k > on;
    if ((inOf && !qualifier) || rowRef) edits.push({ span: { start: t.start, end: t.end }, newText: quoteIdent(newName) });
  });
  return edits.length > 0 ? splice(text, edits) : text;
}

function renameViewText(text: string, label: string): string {
  return replaceNameAfter(text, 'VIEW', ['IF', 'NOT', 'EXISTS'], label);
}

/** Applies one parsed file to a snapshot and returns the new snapshot (the old one is unchanged). */
export function replayFile(base: SchemaModel, file: string, parsed: ParsedFile): SchemaModel {
  const draft = new Draft(base);
  draft.applyFile(file, parsed);
  return draft.finish();
}

/**
 * The schema before each statement of a file and after the last: `result[i]` is what statement `i`
 * runs against, `result[statements.length]` the schema after the file. One pass over the file
 * (for rules that look at every statement; `replayFile` on a prefix per statement would be quadratic).
 */
export function schemasThroughFile(base: SchemaModel, file: string, parsed: ParsedFile): SchemaModel[] {
  return replayThrough(base, file, parsed).models;
}

/**
 * A file replayed statement by statement: `models[i]` is the schema statement `i` runs against
 * (`models[n]` the schema after the file), and `touched[i]` the change log of statement `i`: every
 * top-level object it wrote (`table:public.users`, `view:...`, `function:...`, `type:...`,
 * `sequence:...`, `extension:...`, `schema:...`). What a statement changed is found by comparing
 * those objects alone (`diffSchemas(models[i], models[i + 1], touched[i])`), never whole schemas.
 */
export interface Replay {
  models: SchemaModel[];
  touched: ReadonlySet<string>[];
  /** The search path before each statement and after the last (`SET search_path` carries over). */
  searchPaths: (readonly string[])[];
  /** The statements' texts, to compare with the next replay of the same file. */
  texts: string[];
  /** How many statements this replay applied (the others were the earlier replay's). */
  applied: number;
}

/**
 * The file replayed statement by statement. With the replay of an earlier version of the same file
 * from the same base (an editor's previous keystroke), the statements both versions start with are
 * not replayed again, and once the rest of the file is what the earlier version ended with and the
 * schema is the same as it was at that point, the earlier replay's tail is kept (early cut-off): a
 * keystroke replays the statements it changed.
 */
export function replayThrough(base: SchemaModel, file: string, parsed: ParsedFile, previous?: Replay): Replay {
  const texts = parsed.statements.map((s) => s.text);
  const n = texts.length;
  let prefix = 0;
  let suffix = 0;
  if (previous && previous.models[0] === base) {
    const old = previous.texts;
    while (prefix < n && prefix < old.length && texts[prefix] === old[prefix]) prefix++;
    while (suffix < n - prefix && suffix < old.length - prefix && texts[n - 1 - suffix] === old[old.length - 1 - suffix]) suffix++;
  } else previous = undefined;
  const models: SchemaModel[] = previous ? previous.models.slice(0, prefix + 1) : [base];
  const touched: ReadonlySet<string>[] = previous ? previous.touched.slice(0, prefix) : [];
  const searchPaths: (readonly string[])[] = previous ? previous.searchPaths.slice(0, prefix + 1) : [[DEFAULT_SCHEMA]];
  let searchPath = searchPaths[searchPaths.length - 1]!;
  let model = models[models.length - 1]!;
  const delta = previous ? previous.texts.length - n : 0;
  for (let j = prefix; j < n; j++) {
    // From here on the file is the earlier version's tail: if the schema and search path are what
    // they were there, so is everything after.
    if (previous && j >= n - suffix) {
      const k = j + delta;
      const was = previous.models[k]!;
      if (sameSearchPath(previous.searchPaths[k]!, searchPath) && (was === model || sameSchema(was, model))) {
        if (was !== model) models[models.length - 1] = was;
        models.push(...previous.models.slice(k + 1));
        touched.push(...previous.touched.slice(k));
        searchPaths.push(...previous.searchPaths.slice(k + 1));
        return { models, touched, searchPaths, texts, applied: j - prefix };
      }
    }
    const draft = new Draft(model);
    draft.currentSearchPath = searchPath;
    draft.applyStatement(file, parsed.text, parsed.statements[j]!);
    searchPath = draft.currentSearchPath;
    model = draft.finish();
    models.push(model);
    touched.push(draft.touched);
    searchPaths.push(searchPath);
  }
  return { models, touched, searchPaths, texts, applied: n - prefix };
}

function sameSearchPath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
