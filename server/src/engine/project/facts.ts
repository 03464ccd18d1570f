/**
 * What rules may know beyond the file they check, as facts computed by the workspace (never by
 * reading files): the schema the file starts from and the schema before each of its statements,
 * the pair it belongs to with its consistency, the up migrations of a down file's version.
 *
 * Every fact a rule asks for is recorded as a dependency of the analysis (`deps`): the language
 * server keeps an analysis while each dependency still gives the very same value, so re-pulling a
 * file that an edit elsewhere could not change costs a few pointer comparisons.
 */
import type { MigrationFile } from '../migrations/convention';
import { parseSql, type ParsedFile } from '../parsing/parser';
import type { SchemaModel } from '../schema/model';
import { sectionText, type PairFacts } from './pair';
import type { Folder } from './workspace';

export interface FileFacts {
  /**
   * The schema the file starts from: for an up file (or a file outside the convention) what the
   * directory's earlier up migrations leave; for a down file, what its up leaves (the state the
   * down undoes). Undefined when the model fails.
   */
  schema(): SchemaModel | undefined;
  /** The schema statement `i` of the checked file runs against: `schema()` plus the statements before it. */
  schemaAt(statementIndex: number): SchemaModel | undefined;
  /** The facts of the file's up/down pair, when the file is a migration of the convention. */
  pair(): PairFacts | undefined;
  /** The up migration files of a down file's version, parsed (two-file conventions; [] otherwise). */
  upParses(): ParsedFile[];
  /**
   * A single-file migration's up sections (goose, dbmate, sql-migrate), parsed as its timeline and
   * its pair parse them: the rest of the file blanked, so statements keep their file offsets.
   * Undefined for other files.
   */
  upSection(): ParsedFile | undefined;
  /** Whether a file of this name (relative to the directory) exists. */
  exists(fileName: string): boolean;
  /** The current text of a file of the directory (relative name), undefined when it does not exist. */
  textOf(fileName: string): string | undefined;
  /**
   * For a down file (two-file conventions): the later up migration that proves a table (or a column
   * of it) does not exist once this version's up has run: the first later up statement naming it
   * creates it without IF NOT EXISTS (which fails on an existing one). Its file name, or undefined
   * when no later up names it first that way.
   */
  createdLater(table: string, column?: string): string | undefined;
}

/** A value an analysis used, and how to get it again. */
export interface Dependency {
  get(): unknown;
  value: unknown;
}

export class WorkspaceFileFacts implements FileFacts {
  readonly deps: Dependency[] = [];
  private schemaValue: SchemaModel | null | undefined;
  /**
   * How many times a history fact (a schema, the pair) was asked for. Without history (`local`,
   * the first answer while the folder's timeline is still being built) they are not computed: the
   * analysis drops the findings of every rule that asked, so nothing it shows can be wrong.
   */
  historyAsks = 0;

  constructor(
    private readonly folder: Folder,
    private readonly filePath: string,
    private readonly parsed: ParsedFile,
    private readonly migration: MigrationFile | undefined,
    private readonly local = false,
    /** Texts that count instead of the workspace's (a probe of SQL not written yet: analyze.ts). */
    private readonly texts?: ReadonlyMap<string, string>,
    /** The checked text is a probe (analyze.ts): its parses are not the workspace's to keep. */
    private readonly probe = false,
  ) {}

  private text(filePath: string): string | undefined {
    return this.texts?.get(filePath) ?? this.folder.text(filePath);
  }

  private use<T>(get: () => T): T {
    const value = get();
    this.deps.push({ get, value });
    return value;
  }

  schema(): SchemaModel | undefined {
    this.historyAsks++;
    if (this.local) return undefined;
    if (this.schemaValue === undefined) {
      try {
        const m = this.migration;
        this.schemaValue = this.use(() => (m?.direction === 'down' ? this.folder.schemaAfter(m) : this.folder.schemaBefore(m)));
      } catch {
        this.schemaValue = null;
      }
    }
    return this.schemaValue ?? undefined;
  }

  schemaAt(statementIndex: number): SchemaModel | undefined {
    const base = this.schema();
    if (this.local) return undefined;
    if (!base || statementIndex <= 0) return base;
    try {
      const models = this.folder.workspace.schemasThrough(this.parsed, base, this.filePath);
      return models[Math.min(statementIndex, models.length - 1)];
    } catch {
      return undefined;
    }
  }

  private pairValue: PairFacts | null | undefined;

  pair(): PairFacts | undefined {
    this.historyAsks++;
    if (this.local) return undefined;
    if (this.pairValue === undefined) {
      try {
        this.pairValue = this.use(() => this.folder.pairOf(this.filePath)) ?? null;
      } catch {
        this.pairValue = null;
      }
    }
    return this.pairValue ?? undefined;
  }

  upParses(): ParsedFile[] {
    const m = this.migration;
    if (!m || m.direction !== 'down' || this.folder.convention.layout === 'single') return [];
    // The directory reading is the dependency (the same object while the listing is): `ups()` filters
    // into a new array on every call, which would never compare equal and never keep the analysis.
    const ups = this.use(() => this.folder.directory()).ups(m);
    const out: ParsedFile[] = [];
    for (const up of ups) {
      const text = this.use(() => this.text(up.path));
      if (text !== undefined) out.push(this.folder.parse(up.path, 'file', text));
    }
    return out;
  }

  private upSectionValue: ParsedFile | null | undefined;

  upSection(): ParsedFile | undefined {
    if (this.upSectionValue !== undefined) return this.upSectionValue ?? undefined;
    const m = this.migration;
    const convention = this.folder.convention;
    if (!m || convention.layout !== 'single') {
      this.upSectionValue = null;
      return undefined;
    }
    // The file's own text only: nothing to depend on. The workspace's parse is the one the
    // timeline and the pair use (kept by the file's text, statements from the memo): a keystroke in
    // a comment parses no statement again. A probe's text is not the file's: parsed here.
    this.upSectionValue = this.probe ? parseSql(sectionText(convention, m, this.parsed.text, 'up').text) : this.folder.section(m, this.parsed.text, 'up').parsed;
    return this.upSectionValue;
  }

  exists(fileName: string): boolean {
    const dir = this.folder.dir;
    return this.use(() => this.folder.workspace.host.exists(`${dir}/${fileName}`));
  }

  textOf(fileName: string): string | undefined {
    const file = `${this.folder.dir}/${fileName}`;
    return this.use(() => this.text(file));
  }

  createdLater(table: string, column?: string): string | undefined {
    const m = this.migration;
    if (!m || m.direction !== 'down' || this.folder.convention.layout === 'single') return undefined;
    const migrations = this.use(() => this.folder.directory()).migrations;
    const at = migrations.findIndex((f) => f.path === m.path);
    if (at < 0) return undefined;
    for (const f of migrations.slice(at + 1)) {
      if (f.direction !== 'up' || (f.version === m.version && f.versionKey === m.versionKey)) continue;
      const text = this.use(() => this.text(f.path));
      if (text === undefined) continue;
      const verdict = firstMention(this.folder.parse(f.path, 'file', text), table, column);
      if (verdict === 'creates') return f.fileName;
      if (verdict === 'other') return undefined;
    }
    return undefined;
  }
}

/**
 * How the first statement of `parsed` naming table `table` (or its column `column`) treats it: creates
 * it without IF NOT EXISTS, names it any other way, or none names it. By name without schema, as
 * up-objects.ts keys tables; anything the file cannot say for sure (an unparsed statement, SQL in a
 * string) counts as another way only when it names the table in its text.
 */
function firstMention(parsed: ParsedFile, table: string, column: string | undefined): 'creates' | 'other' | undefined {
  for (const stmt of parsed.statements) {
    if (!stmt.text.includes(table)) continue;
    const ast = stmt.ast;
    if (!ast) return 'other';
    if (column === undefined) {
      if ('CreateStmt' in ast && ast.CreateStmt.relation?.relname === table) return ast.CreateStmt.if_not_exists ? 'other' : 'creates';
      return 'other';
    }
    if ('CreateStmt' in ast && ast.CreateStmt.relation?.relname === table) return 'other';
    if ('AlterTableStmt' in ast && ast.AlterTableStmt.relation?.relname === table) {
      for (const c of ast.AlterTableStmt.cmds ?? []) {
        if (!('AlterTableCmd' in c)) continue;
        const cmd = c.AlterTableCmd;
        const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
        if (cmd.subtype === 'AT_AddColumn' && def?.colname === column) return cmd.missing_ok ? 'other' : 'creates';
        if (cmd.name === column || def?.colname === column) return 'other';
      }
      // The table named, not the column: keep looking.
      if (!stmt.text.includes(column)) continue;
      return 'other';
    }
    if (stmt.text.includes(column)) return 'other';
  }
  return undefined;
}
