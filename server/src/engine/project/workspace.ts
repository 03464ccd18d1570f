/**
 * A workspace: every fact about its migrations folders computed once and shared. Texts and
 * directory listings are read once (`CachedHost`), each text is parsed once per content, each
 * folder has one timeline (schemas before and after every migration) and one set of pair facts
 * per migration. The language server keeps one workspace for its life and tells it what changed;
 * the CLI makes one per run.
 *
 * What invalidates what:
 * - a file's text changed (`changed`): its parses, the timeline entries from that migration on
 *   (rebuilt lazily, with early cut-off), the pair facts of its migration; nothing else is re-read;
 * - files appeared or disappeared (`listingChanged`): the directory's reading and convention; the
 *   timeline keeps its entries by path and revalidates them on use;
 * - a document closed, a file deleted or renamed away (`forget`): what is kept of that file only
 *   to answer its next keystroke fast (its analysis, last replay, parses, its pair's facts), so
 *   that these caches hold the open documents (and what they use), not every file ever opened;
 * - anything else (`clear`): everything.
 */
import { keyOf, type FileHost } from '../host';
import type { Convention, MigrationFile } from '../migrations/convention';
import { chooseConvention, type ConventionChoice } from '../migrations/detect';
import { readMigrationDirectory, type MigrationDirectory } from '../migrations/directory';
import { parseSql, StatementMemo, type ParsedFile } from '../parsing/parser';
import type { SchemaModel } from '../schema/model';
import type { ResolvedSchema } from '../inverse/index';
import { replayFile, replayThrough, type Replay } from '../schema/replay';
import { CachedHost } from './cached-host';
import { migrationPair, PairFacts, sameStatements, sectionText, type PairSource, type SectionParse } from './pair';
import { Timeline, type TimelineSource } from './timeline';

/** How many replays the workspace keeps beyond the edited files' (see `Workspace.through`). */
export const THROUGH_KEPT = 64;

export class Workspace {
  readonly host: CachedHost;
  private readonly folders = new Map<string, Folder>();
  private readonly parses = new Map<string, { text: string; parsed: ParsedFile }>();
  /** A single-file migration's sections of each direction, parsed, by `path\0direction`, with the file's text they come from. */
  private readonly sections = new Map<string, { raw: string; convention: Convention; section: SectionParse }>();
  /**
   * The last replays asked for, by file part (`path\0part`, as `recent`), most recent last, at most
   * `THROUGH_KEPT`: a file's replay serves its timeline entry, its rules and its pair's consistency,
   * which ask one after another. One per part, so a file typed into keeps only its latest; and not
   * one per parse alive, which was every up migration's (the timeline holds their parses): a third
   * of a long history's memory.
   */
  private readonly through = new Map<string, { parsed: ParsedFile; base: SchemaModel; replay: Replay }>();
  /** The files edited (a document opened or changed, a file changed on disk): the ones whose last replay `recent` keeps. */
  private readonly edited = new Set<string>();
  /** Parses done, statements replayed (tests and the bench: a keystroke parses the edited file only, and replays what it changed). */
  readonly stats = { parses: 0, replayed: 0 };
  /** Bumped when files appear or disappear: directory readings of an older listing are read again. */
  listing = 0;

  /** Statement parses by text (an editor's workspace): an edit re-parses the statements it changed. */
  private readonly memo: StatementMemo | undefined;
  /**
   * The last replay of each part of each file (an editor's workspace), by `path\0part` (see
   * `parse`): the next one replays what changed. A single-file migration (goose, dbmate,
   * sql-migrate) is replayed as a whole file (its rules) and as its up and down sections (its
   * timeline and pair): each keeps its own, or each keystroke would replay them all from scratch.
   */
  private readonly recent: Map<string, Replay> | undefined;
  /** The part each parse of `parse` stands for. */
  private readonly partOf = new WeakMap<ParsedFile, 'file' | 'up' | 'down'>();

  /** An editor's workspace: it keeps analyses, statement parses and replays for the next keystroke. */
  readonly incremental: boolean;

  /** The analysis kept per file (an editor's workspace; analyze.ts owns what an entry holds). */
  readonly analyses = new Map<string, unknown>();

  constructor(host: FileHost, options: { incremental?: boolean } = {}) {
    this.incremental = options.incremental === true;
    this.host = host instanceof CachedHost ? host : new CachedHost(host);
    this.memo = options.incremental ? new StatementMemo() : undefined;
    this.recent = options.incremental ? new Map() : undefined;
  }

  // ---------------------------------------------------------------- what changed

  /** A file's text changed (edited, saved, changed on disk). */
  changed(filePath: string): void {
    if (this.recent) this.edited.add(keyOf(filePath));
    this.host.changed(filePath);
    for (const folder of this.folders.values()) folder.timeline.invalidate(filePath);
  }

  /** The text of a file as the caller has it (the document being checked, unsaved). */
  setText(filePath: string, text: string): void {
    this.changed(filePath);
    this.host.setText(filePath, text);
  }

  /** Files appeared in or disappeared from a directory. */
  listingChanged(dir: string): void {
    this.listing++;
    this.host.listingChanged(dir);
  }

  /**
   * Forget what is kept of one file for its next keystroke: its analysis, its last replay, its
   * parses and the facts of the pair it is a side of (a document was closed, a file deleted or
   * renamed away). Its timeline entry stays while the file exists: the folder's history needs it.
   * Asked for again (the file reopened, or an open file's pair or down needs it), each is
   * recomputed, from the statement memo.
   */
  forget(filePath: string): void {
    const key = keyOf(filePath);
    this.analyses.delete(key);
    this.edited.delete(key);
    const sides = new Set([key]);
    // The other side of its pair was parsed (and replayed) for the pair only: it goes too.
    for (const folder of this.folders.values()) for (const side of folder.forget(key)) sides.add(side);
    for (const side of sides) {
      for (const part of ['file', 'up', 'down']) {
        this.recent?.delete(`${side}\0${part}`);
        this.through.delete(`${side}\0${part}`);
        this.parses.delete(`${side}\0${part}`);
        this.sections.delete(`${side}\0${part}`);
      }
    }
  }

  /**
   * How many entries each per-file cache holds (tests: they stay bounded by what is open).
   * `replays`: the last replay of each edited file, for its next keystroke; `lastReplays`: the
   * replays kept for whoever asks next (at most `THROUGH_KEPT`, whatever the history's length).
   */
  cacheSizes(): { analyses: number; parses: number; replays: number; lastReplays: number; pairs: number; statements: number } {
    let pairs = 0;
    for (const folder of this.folders.values()) pairs += folder.pairCount;
    return { analyses: this.analyses.size, parses: this.parses.size, replays: this.recent?.size ?? 0, lastReplays: this.through.size, pairs, statements: this.memo?.size ?? 0 };
  }

  /** Forget everything. */
  clear(): void {
    this.listing++;
    this.host.clear();
    this.folders.clear();
    this.parses.clear();
    this.sections.clear();
    this.analyses.clear();
    this.recent?.clear();
    this.through.clear();
    this.edited.clear();
  }

  /** Forget a folder's timeline and parses (the CLI, once it has checked the folder). */
  release(folder: Folder): void {
    this.folders.delete(folder.key);
    for (const m of folder.directory().migrations) {
      for (const part of ['file', 'up', 'down']) {
        this.parses.delete(`${keyOf(m.path)}\0${part}`);
        this.sections.delete(`${keyOf(m.path)}\0${part}`);
      }
    }
  }

  // ---------------------------------------------------------------- facts

  text(filePath: string): string | undefined {
    return this.host.readFile(filePath);
  }

  /** The parse of a text standing for one part of a file; parsed again only when the text differs. */
  parse(filePath: string, part: 'file' | 'up' | 'down', text: string): ParsedFile {
    const key = `${keyOf(filePath)}\0${part}`;
    const hit = this.parses.get(key);
    if (hit && hit.text === text) return hit.parsed;
    this.stats.parses++;
    const parsed = parseSql(text, this.memo);
    this.parses.set(key, { text, parsed });
    this.partOf.set(parsed, part);
    return parsed;
  }

  /**
   * A single-file migration's sections of one direction, the rest of the file blanked (offsets
   * kept), parsed as `parse` does: worked out again only when the file's text differs (a keystroke
   * asks for them from the file's pair, its timeline entry and its rules).
   */
  section(file: MigrationFile, convention: Convention, raw: string, direction: 'up' | 'down'): SectionParse {
    const key = `${keyOf(file.path)}\0${direction}`;
    const hit = this.sections.get(key);
    if (hit && hit.raw === raw && hit.convention === convention) return hit.section;
    const blanked = sectionText(convention, file, raw, direction);
    const section: SectionParse = { parsed: this.parse(file.path, direction, blanked.text), ...(blanked.span ? { span: blanked.span } : {}) };
    this.sections.set(key, { raw, convention, section });
    return section;
  }

  /**
   * The convention of a file: the configured one, else the one its directory follows, else
   * golang-migrate (a folder without `.sql` files yet) or the unknown tool (see ConventionState).
   */
  conventionOf(filePath: string, configured?: Convention): Convention {
    return this.conventionChoice(filePath, configured).convention;
  }

  /** The convention of a file and how it was chosen (configured, detected, assumed, unknown). */
  conventionChoice(filePath: string, configured?: Convention): ConventionChoice {
    return chooseConvention(filePath, this.host, configured);
  }

  /** The folder (migrations directory) of a file under a convention. */
  folderOf(filePath: string, convention: Convention): Folder {
    return this.folder(convention.directoryOf(keyOf(filePath)), convention);
  }

  folder(dir: string, convention: Convention): Folder {
    const key = `${convention.id}\0${keyOf(dir)}`;
    let folder = this.folders.get(key);
    if (!folder) {
      folder = new Folder(this, key, keyOf(dir), convention);
      this.folders.set(key, folder);
    }
    return folder;
  }

  /**
   * The schema before each statement of a parse and after the last (`models[i]` is what statement
   * `i` runs against), with each statement's change log, from one pass, shared by everyone who asks
   * with the same base (the rules, the consistency of its pair, the inverses).
   */
  replayThrough(parsed: ParsedFile, base: SchemaModel, filePath: string): Replay {
    const path = keyOf(filePath);
    const key = this.partKey(parsed, path);
    const hit = this.through.get(key);
    if (hit) {
      this.through.delete(key);
      if (hit.parsed === parsed && hit.base === base) {
        this.through.set(key, hit);
        return hit.replay;
      }
    }
    const replay = replayThrough(base, filePath, parsed, this.recent?.get(key));
    this.stats.replayed += replay.applied;
    this.through.set(key, { parsed, base, replay });
    if (this.through.size > THROUGH_KEPT) this.through.delete(this.through.keys().next().value!);
    // The next keystroke in an edited file replays what it changed from this one.
    if (this.edited.has(path)) this.recent?.set(key, replay);
    return replay;
  }

  /**
   * Files this workspace's owner will analyse (the CLI's run: its input files): their timeline
   * entries take the statement-by-statement replay their rules and pair need anyway.
   */
  willAnalyse(filePaths: Iterable<string>): void {
    for (const p of filePaths) this.analysed.add(keyOf(p));
  }

  private readonly analysed = new Set<string>();

  /**
   * The schema after a parse, from `base` (a timeline entry): the last snapshot of its replay when
   * one is kept, when the file is edited (its next keystroke replays what changed from it) or will be
   * analysed (its rules and pair replay it statement by statement anyway); else the whole file
   * applied at once, one snapshot instead of one per statement, and nothing kept.
   */
  schemaAfterParse(parsed: ParsedFile, base: SchemaModel, filePath: string): SchemaModel {
    const path = keyOf(filePath);
    const hit = this.through.get(this.partKey(parsed, path));
    if ((hit?.parsed === parsed && hit.base === base) || this.edited.has(path) || this.analysed.has(path)) {
      const models = this.replayThrough(parsed, base, filePath).models;
      return models[models.length - 1]!;
    }
    this.stats.replayed += parsed.statements.length;
    return replayFile(base, filePath, parsed);
  }

  /** `path\0part`: the key `recent` and `through` keep a parse's replay by (see `parse`). */
  private partKey(parsed: ParsedFile, path: string): string {
    return `${path}\0${this.partOf.get(parsed) ?? 'file'}`;
  }

  schemasThrough(parsed: ParsedFile, base: SchemaModel, filePath: string): SchemaModel[] {
    return this.replayThrough(parsed, base, filePath).models;
  }
}

/** One migrations directory under one convention: its reading, timeline and pairs. */
export class Folder implements TimelineSource, PairSource {
  readonly timeline: Timeline;
  /** The facts of each pair asked for, by its up file's path (its down's path kept to forget it by either side). */
  private readonly pairs = new Map<string, { up: ParsedFile; down: ParsedFile; downPath: string; downText: string | undefined; schema: SchemaModel; facts: PairFacts }>();

  constructor(
    readonly workspace: Workspace,
    readonly key: string,
    readonly dir: string,
    readonly convention: Convention,
  ) {
    this.timeline = new Timeline(this);
  }

  private reading: { listing: number; directory: MigrationDirectory } | undefined;

  directory(): MigrationDirectory {
    const listing = this.workspace.listing;
    if (this.reading?.listing !== listing) this.reading = { listing, directory: readMigrationDirectory(this.dir, this.workspace.host, this.convention) };
    return this.reading.directory;
  }

  text(filePath: string): string | undefined {
    return this.workspace.text(filePath);
  }

  parse(filePath: string, part: 'file' | 'up' | 'down', text: string): ParsedFile {
    return this.workspace.parse(filePath, this.convention.layout === 'single' ? part : 'file', text);
  }

  replayThrough(parsed: ParsedFile, base: SchemaModel, filePath: string): Replay {
    return this.workspace.replayThrough(parsed, base, filePath);
  }

  schemaAfterParse(parsed: ParsedFile, base: SchemaModel, filePath: string): SchemaModel {
    return this.workspace.schemaAfterParse(parsed, base, filePath);
  }

  section(file: MigrationFile, raw: string, direction: 'up' | 'down'): SectionParse {
    return this.workspace.section(file, this.convention, raw, direction);
  }

  parseUp(file: MigrationFile, raw: string): ParsedFile {
    if (this.convention.layout !== 'single') return this.workspace.parse(file.path, 'file', raw);
    return this.section(file, raw, 'up').parsed;
  }

  /** The schema a migration runs against: every up migration of a lower version; without a migration, all of them. */
  schemaBefore(m: MigrationFile | undefined): SchemaModel {
    return m ? this.timeline.before(m) : this.timeline.after(this.timeline.files().length);
  }

  /**
   * The schema after a migration's version (what its down starts from): every up migration of a
   * version up to its own.
   */
  schemaAfter(m: MigrationFile): SchemaModel {
    return this.timeline.after(this.timeline.countThrough(m));
  }

  /**
   * How many up migrations the schema a file starts from needs replayed (0: ready), and how many
   * up migrations that schema spans: for a down file through its version, else those before it.
   */
  historyOf(m: MigrationFile | undefined): { pending: number; count: number } {
    const tl = this.timeline;
    const count = !m ? tl.files().length : m.direction === 'down' ? tl.countThrough(m) : tl.countBefore(m);
    return { pending: tl.pending(count), count };
  }

  /** What the schema option of inverse generation needs: the schema before a migration and file ranks. */
  resolvedSchema(m: MigrationFile): ResolvedSchema {
    const before = this.schemaBefore(m);
    const self = this.timeline.countBefore(m);
    const own = keyOf(m.path);
    return {
      before,
      filePath: m.path,
      fileRank: (file) => this.timeline.rank(file) ?? (keyOf(file) === own ? self : undefined),
      replay: (parsed, base, file) => this.workspace.replayThrough(parsed, base, file),
    };
  }

  /** The facts of the pair a file belongs to (either side), or undefined when it is not a migration. */
  pairOf(filePath: string): PairFacts | undefined {
    const pair = migrationPair(this, filePath);
    if (!pair) return undefined;
    const schema = this.schemaBefore(pair.migration);
    const key = keyOf(pair.up.path);
    const hit = this.pairs.get(key);
    if (hit && hit.up === pair.up.parsed && hit.down === pair.down.parsed && hit.downText === pair.down.text && hit.schema === schema) return hit.facts;
    // An edit that changed no statement (a comment typed): what was computed still holds. Two files:
    // an edit of the up (the down is the very same). One file (goose, dbmate, sql-migrate): an edit
    // anywhere in it moves both sections' statements, so both sides must hold the same statements.
    const same =
      hit !== undefined &&
      hit.schema === schema &&
      (pair.single
        ? (hit.downText === undefined) === (pair.down.text === undefined) && sameStatements(hit.down, pair.down.parsed) && sameStatements(hit.up, pair.up.parsed)
        : hit.down === pair.down.parsed && hit.downText === pair.down.text && sameStatements(hit.up, pair.up.parsed));
    const facts = same ? hit.facts.rebased(pair, this.resolvedSchema(pair.migration)) : new PairFacts(pair, this.resolvedSchema(pair.migration), (parsed, base, file) => this.workspace.replayThrough(parsed, base, file));
    this.pairs.set(key, { up: pair.up.parsed, down: pair.down.parsed, downPath: keyOf(pair.down.path), downText: pair.down.text, schema, facts });
    return facts;
  }

  /** Drops the facts of the pairs a file is a side of (`Workspace.forget`; `key` is a resolved path); returns their sides. */
  forget(key: string): string[] {
    const sides: string[] = [];
    for (const [up, p] of this.pairs) {
      if (up !== key && p.downPath !== key) continue;
      this.pairs.delete(up);
      sides.push(up, p.downPath);
    }
    return sides;
  }

  get pairCount(): number {
    return this.pairs.size;
  }
}

/**
 * The workspace to compute facts in: the caller's (the language server keeps one), else a new one
 * over `host` (it reads what it needs once). With a file's current text, that text counts for the
 * file (an unsaved document, the file being checked).
 */
export function workspaceFor(host: FileHost, workspace?: Workspace, filePath?: string, text?: string): Workspace {
  const ws = workspace ?? new Workspace(host);
  if (filePath !== undefined && text !== undefined && ws.text(filePath) !== text) ws.setText(filePath, text);
  return ws;
}
