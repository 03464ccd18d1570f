/**
 * A migrations folder's timeline: its up migrations in version order, each with its parse and the
 * schema before and after it. Snapshots are persistent (they share structure), so keeping one per
 * migration costs what the migration changed, not the size of the schema.
 *
 * An entry is valid while its file's text is the one it was built from and the snapshot before it
 * is the very object the previous entry ends with: checking that is a string and a pointer
 * comparison per migration, no file read and no hash. A change to migration N rebuilds entries
 * from N on, and stops as soon as a rebuilt entry ends with the same schema as before (early
 * cut-off, `sameSchema`): the old snapshot object is kept, so every later entry stays valid.
 */
import { compareVersions, type MigrationFile } from '../migrations/convention';
import type { MigrationDirectory } from '../migrations/directory';
import type { ParsedFile } from '../parsing/parser';
import { SchemaModel } from '../schema/model';
import type { Replay } from '../schema/replay';
import { sameSchema } from '../schema/same';
import { keyOf } from '../host';

export interface TimelineEntry {
  file: MigrationFile;
  /** The file's text the entry was built from. */
  raw: string;
  /** Its up SQL (single-file conventions: the other sections blanked, offsets kept). */
  parsed: ParsedFile;
  before: SchemaModel;
  after: SchemaModel;
}

export interface TimelineSource {
  directory(): MigrationDirectory;
  /** The current text of a file (cached by the workspace). */
  text(filePath: string): string | undefined;
  /** The up SQL of a migration file, parsed (cached by the workspace). */
  parseUp(file: MigrationFile, raw: string): ParsedFile;
  /** A parse replayed statement by statement (shared with the rules and the pair's consistency). */
  replayThrough(parsed: ParsedFile, base: SchemaModel, filePath: string): Replay;
  /**
   * The schema after a parse, from `base`: the last snapshot of its statement-by-statement replay
   * when one was made (or the file is being edited, or will be analysed), else the whole file
   * applied at once (one snapshot: what a migration that is only history needs).
   */
  schemaAfterParse(parsed: ParsedFile, base: SchemaModel, filePath: string): SchemaModel;
}

/** Work done, for tests and the bench: a keystroke in the newest file replays nothing before it. */
export interface TimelineStats {
  replays: number;
  /** Replays whose schema came out unchanged, so that nothing after them was replayed. */
  cutOffs: number;
}

export class Timeline {
  private directory: MigrationDirectory | undefined;
  private ups: MigrationFile[] = [];
  private index = new Map<string, number>();
  private entries: TimelineEntry[] = [];
  /**
   * Entries [0, checked) are known valid: nothing they depend on changed since they were checked.
   * A change to a file lowers it to that file's position (`invalidate`); nothing is re-checked
   * before it, so a keystroke in the newest migration costs the same after 30 or 3,000 earlier ones.
   */
  private checked = 0;
  readonly stats: TimelineStats = { replays: 0, cutOffs: 0 };

  constructor(private readonly source: TimelineSource) {}

  /** The up migrations, in version order. */
  files(): readonly MigrationFile[] {
    this.sync();
    return this.ups;
  }

  /** The entry of the i-th up migration, rebuilt (with everything before it) if stale. */
  entry(i: number): TimelineEntry {
    this.sync();
    if (i < 0 || i >= this.ups.length) throw new Error(`timeline: no migration ${i}`);
    if (i < this.checked) return this.entries[i]!;
    let before = this.checked > 0 ? this.entries[this.checked - 1]!.after : SchemaModel.empty();
    for (let j = this.checked; j <= i; j++) before = this.valid(j, before).after;
    this.checked = i + 1;
    return this.entries[i]!;
  }

  /** A file's text changed: the entries from its position on are checked again when used. */
  invalidate(filePath: string): void {
    const i = this.index.get(keyOf(filePath));
    if (i !== undefined && i < this.checked) this.checked = i;
  }

  /**
   * How many of the first `count` entries would be rebuilt to use them (without rebuilding or
   * reading anything): what a caller weighs before asking for a schema.
   */
  pending(count: number): number {
    this.sync();
    const from = Math.min(this.checked, count);
    let before = from > 0 ? this.entries[from - 1]!.after : SchemaModel.empty();
    for (let j = from; j < count && j < this.ups.length; j++) {
      const e = this.entries[j];
      if (!e || e.file.path !== this.ups[j]!.path || e.before !== before || e.raw !== (this.source.text(e.file.path) ?? '')) return Math.min(count, this.ups.length) - j;
      before = e.after;
    }
    return 0;
  }

  /** The schema after the first `count` up migrations. */
  after(count: number): SchemaModel {
    return count <= 0 ? SchemaModel.empty() : this.entry(Math.min(count, this.files().length) - 1).after;
  }

  /** How many up migrations run before a migration (those of a lower version). */
  countBefore(m: MigrationFile): number {
    // The files are in version order: the first one not lower, by bisection (a keystroke's cost
    // must not grow with the history).
    const ups = this.files();
    let lo = 0;
    let hi = ups.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareVersions(ups[mid]!, m) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** How many up migrations run up to and including a migration's version. */
  countThrough(m: MigrationFile): number {
    const ups = this.files();
    let n = this.countBefore(m);
    while (n < ups.length && compareVersions(ups[n]!, m) === 0) n++;
    return n;
  }

  /** The schema a migration runs against: every up migration of a lower version. */
  before(m: MigrationFile): SchemaModel {
    return this.after(this.countBefore(m));
  }

  /** The position of an up migration file in the timeline, or -1. */
  indexOf(filePath: string): number {
    this.sync();
    return this.index.get(keyOf(filePath)) ?? -1;
  }

  /** The rank of each file, for ordering objects by where they were created (inverse/restore.ts). */
  rank(filePath: string): number | undefined {
    const i = this.indexOf(filePath);
    return i < 0 ? undefined : i;
  }

  /** The entries built so far (tests). */
  built(): number {
    return this.entries.length;
  }

  private sync(): void {
    const directory = this.source.directory();
    if (directory === this.directory) return;
    // A file appeared or disappeared: entries are kept by path and revalidated on use.
    this.checked = 0;
    const old = new Map(this.entries.map((e) => [keyOf(e.file.path), e] as const));
    this.directory = directory;
    this.ups = directory.migrations.filter((m) => m.direction === 'up');
    this.index = new Map(this.ups.map((m, i) => [keyOf(m.path), i] as const));
    this.entries = this.ups.map((m) => old.get(keyOf(m.path))).filter((e): e is TimelineEntry => e !== undefined);
    // Keep only a prefix that is still in place; the rest is rebuilt (reusing parses) on use.
    let keep = 0;
    while (keep < this.entries.length && this.entries[keep]!.file.path === this.ups[keep]!.path) keep++;
    this.stale = new Map(this.entries.slice(keep).map((e) => [e.file.path, e] as const));
    this.entries.length = keep;
  }

  /** Entries that left their place (a file was inserted before them): their parses are reused. */
  private stale = new Map<string, TimelineEntry>();

  private valid(j: number, before: SchemaModel): TimelineEntry {
    const file = this.ups[j]!;
    const raw = this.source.text(file.path) ?? '';
    const old = this.entries[j] ?? this.stale.get(file.path);
    if (old && old.file.path === file.path && old.raw === raw && old.before === before) {
      const kept = old.file === file ? old : { ...old, file };
      this.entries[j] = kept;
      return kept;
    }
    const parsed = old && old.raw === raw ? old.parsed : this.source.parseUp(file, raw);
    this.stats.replays++;
    let after = this.source.schemaAfterParse(parsed, before, file.path);
    if (old && sameSchema(after, old.after)) {
      this.stats.cutOffs++;
      after = old.after;
    }
    const entry: TimelineEntry = { file, raw, parsed, before, after };
    this.entries[j] = entry;
    return entry;
  }
}
