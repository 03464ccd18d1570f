/**
 * An up migration and its down, as the consistency checks, "Add inverse" and the backup copy see
 * them, for any convention: two files (golang-migrate, Flyway, folder-per-migration) or two
 * sections of one file (goose, dbmate, sql-migrate). Each side's SQL keeps the offsets of its file
 * (the other sections are blanked), so findings and edits land where the text is.
 *
 * `PairFacts` is everything computed about one pair (its consistency, the inverse of each up
 * statement), once per state of the two sides and the schema before them, shared by every rule,
 * code action and command that asks.
 */
import * as path from 'node:path';
import { checkConsistency, type Consistency } from '../inverse/consistency';
import { invertFile, type InverseStep, type ResolvedSchema } from '../inverse/index';
import type { Convention, Direction, MigrationFile } from '../migrations/convention';
import type { MigrationDirectory } from '../migrations/directory';
import type { ParsedFile } from '../parsing/parser';
import type { SchemaModel } from '../schema/model';
import type { Replay } from '../schema/replay';

export interface PairSide {
  path: string;
  /** The whole file's text (undefined: the file does not exist). */
  text: string | undefined;
  /** This side's SQL, blanked outside its sections, parsed. */
  parsed: ParsedFile;
  /** Where this side's SQL is in its file (a single-file section, or the whole file). */
  span: { start: number; end: number } | undefined;
}

export interface MigrationPair {
  directory: MigrationDirectory;
  convention: Convention;
  /** The up migration (for single-file conventions, the file). */
  migration: MigrationFile;
  up: PairSide;
  down: PairSide;
  single: boolean;
}

/** Spaces for every UTF-16 unit except line breaks (offsets and lines stay the same). */
function blank(s: string): string {
  return s.replace(/[^\r\n]+/g, (run) => ' '.repeat(run.length));
}

/** The text with everything outside the sections of one direction blanked. */
export function sectionText(convention: Convention, file: MigrationFile, text: string, direction: Direction): { text: string; span?: { start: number; end: number } } {
  let sections;
  try {
    sections = convention.sections(file, text).filter((s) => s.direction === direction);
  } catch {
    return { text: direction === 'up' ? text : blank(text) };
  }
  let out = '';
  let at = 0;
  for (const s of sections) {
    out += blank(text.slice(at, s.span.start)) + text.slice(s.span.start, s.span.end);
    at = s.span.end;
  }
  const span = sections.length > 0 ? { start: sections[0]!.span.start, end: sections[sections.length - 1]!.span.end } : undefined;
  return { text: out + blank(text.slice(at)), ...(span ? { span } : {}) };
}

/** What a pair is built from: the folder's texts and parses. */
export interface PairSource {
  directory(): MigrationDirectory;
  convention: Convention;
  text(filePath: string): string | undefined;
  /** A cached parse of a text standing for one part (`file`, `up`, `down`) of a file. */
  parse(filePath: string, part: 'file' | 'up' | 'down', text: string): ParsedFile;
  /** A single-file migration's sections of one direction (`sectionText`), parsed; cached by the file's text. */
  section(file: MigrationFile, text: string, direction: Direction): SectionParse;
}

/** A single-file migration's sections of one direction, the rest blanked, parsed; where they are in the file. */
export interface SectionParse {
  parsed: ParsedFile;
  span?: { start: number; end: number };
}

/**
 * The pair a file belongs to (the file is either side); `text` is the file's current text.
 * Undefined when the file is not a migration of the convention.
 */
export function migrationPair(source: PairSource, filePath: string): MigrationPair | undefined {
  const convention = source.convention;
  const file = convention.parse(filePath);
  if (!file) return undefined;
  const directory = source.directory();
  const text = source.text(filePath) ?? '';
  if (convention.layout === 'single') {
    const up = source.section(file, text, 'up');
    const down = source.section(file, text, 'down');
    return {
      directory,
      convention,
      migration: file,
      single: true,
      up: { path: filePath, text, parsed: up.parsed, span: up.span },
      down: { path: filePath, text: down.span ? text : undefined, parsed: down.parsed, span: down.span },
    };
  }
  const otherPath = convention.counterpartIn?.(file, directory) ?? convention.counterpartPath(file);
  const otherText = source.text(otherPath);
  const self: PairSide = { path: filePath, text, parsed: source.parse(filePath, 'file', text), span: { start: 0, end: text.length } };
  const other: PairSide = { path: otherPath, text: otherText, parsed: source.parse(otherPath, 'file', otherText ?? ''), span: otherText === undefined ? undefined : { start: 0, end: otherText.length } };
  if (file.direction === 'up') return { directory, convention, migration: file, single: false, up: self, down: other };
  const upFile = convention.parse(otherPath);
  if (!upFile) return undefined;
  return { directory, convention, migration: upFile, single: false, up: other, down: self };
}

/** Everything known about one pair, computed on first use and kept while the pair is unchanged. */
export class PairFacts {
  private consistencyValue: Consistency | null | undefined;
  private lenientValue: Consistency | null | undefined;
  private steps: Map<number, InverseStep> | undefined;

  constructor(
    readonly pair: MigrationPair,
    /** The schema before the up, with the rank of every migration file. */
    readonly schema: ResolvedSchema,
    /** How files are replayed statement by statement (the workspace shares them). */
    private readonly replay?: (parsed: ParsedFile, base: SchemaModel, file: string) => Replay,
  ) {}

  get before(): SchemaModel {
    return this.schema.before;
  }

  /** The down's name for messages and titles. */
  get downName(): string {
    return this.pair.single ? 'the down section' : path.basename(this.pair.down.path);
  }

  /** Whether both sides exist (a down file, or a down section). */
  get complete(): boolean {
    return this.pair.up.text !== undefined && this.pair.down.text !== undefined;
  }

  /** Does the down undo the up? Undefined when the model cannot tell (see inverse/consistency.ts). */
  consistency(): Consistency | undefined {
    if (this.consistencyValue === undefined) this.consistencyValue = this.compute(false) ?? null;
    return this.consistencyValue ?? undefined;
  }

  /** The same, computed even where the findings would not be reported (to place an inverse). */
  lenientConsistency(): Consistency | undefined {
    if (this.lenientValue === undefined) this.lenientValue = this.compute(true) ?? null;
    return this.lenientValue ?? undefined;
  }

  /**
   * These facts for the same pair after an edit that left every statement as it was (its text and
   * parse tree; only comments, blank lines or a statement's place changed): the same schema before;
   * for two files an edit of the up (the down is the very same), for a single file an edit anywhere
   * (both sections hold the same statements). What was computed is kept, its statements taken from
   * the new parses (the results depend on the statements, never on where they are), so typing a
   * comment does not check the pair again.
   */
  rebased(pair: MigrationPair, schema: ResolvedSchema): PairFacts {
    const next = new PairFacts(pair, schema, this.replay);
    // The same statements, maybe moved (a comment typed above them): each finding takes the new parse's statement of its index.
    const ups = pair.up.parsed.statements;
    const downs = pair.down.parsed.statements;
    const move = (c: Consistency | null | undefined): Consistency | null | undefined =>
      c
        ? {
            ...c,
            missing: c.missing.map((m) => ({ ...m, statement: ups[m.statement.index]! })),
            unexpected: c.unexpected.map((u) => ({ ...u, statement: downs[u.statement.index]! })),
            order: c.order.map((o) => ({ ...o, statement: downs[o.statement.index]!, later: downs[o.later.index]! })),
          }
        : c;
    next.consistencyValue = move(this.consistencyValue);
    next.lenientValue = move(this.lenientValue);
    next.steps = this.steps;
    return next;
  }

  /** The inverse of an up statement, by statement index, knowing the schema before the up. */
  inverseOf(index: number): InverseStep | undefined {
    if (!this.steps) {
      this.steps = new Map();
      for (const s of invertFile(this.pair.up.parsed, { ...this.schema, filePath: this.pair.up.path }).steps) this.steps.set(s.statement.index, s.step);
    }
    return this.steps.get(index);
  }

  private compute(lenient: boolean): Consistency | undefined {
    if (!this.complete) return undefined;
    try {
      const input = { up: this.pair.up.parsed, down: this.pair.down.parsed, before: this.before, upPath: this.pair.up.path, downPath: this.pair.down.path };
      return checkConsistency(this.replay ? { ...input, replay: this.replay } : input, lenient);
    } catch {
      return undefined;
    }
  }
}

/**
 * Whether two parses of an up hold the same statements (each one's text and parse tree, in order,
 * none with a syntax error): what PairFacts computes from one holds for the other (see `rebased`).
 */
export function sameStatements(a: ParsedFile, b: ParsedFile): boolean {
  if (a === b) return true;
  if (a.errors.length > 0 || b.errors.length > 0 || a.statements.length !== b.statements.length) return false;
  for (let i = 0; i < a.statements.length; i++) {
    const x = a.statements[i]!;
    const y = b.statements[i]!;
    if (x.ast === undefined || x.ast !== y.ast || x.text !== y.text || x.index !== y.index || x.templated !== y.templated) return false;
  }
  return true;
}
