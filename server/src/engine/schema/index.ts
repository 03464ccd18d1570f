/**
 * The schema a migration runs against: every earlier up migration of its directory replayed, in
 * version order, from the AST. Cached per directory with one snapshot after each migration, keyed
 * by the file's content hash: when a file changes, only the files from it on are replayed, so a
 * keystroke in the newest migration replays nothing of the history.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { FileHost } from '../host';
import { compareVersions, type MigrationFile } from '../migrations/convention';
import type { MigrationDirectory } from '../migrations/directory';
import { parseSql, type ParsedFile } from '../parsing/parser';
import { SchemaModel } from './model';
import { replayFile } from './replay';

export * from './model';
export { replayFile, schemasThroughFile, renderColumn, inputArgTypes, normalizeTypeName } from './replay';
export { makeObjectName, chooseName } from './names';
export { renderTable, qualifiedLabel } from './render';

export interface SchemaContext {
  directory: MigrationDirectory;
  /** The file as a migration (undefined when its name follows no convention: then every up counts). */
  migration: MigrationFile | undefined;
  host: FileHost;
  filePath: string;
  /** The file's current text when the caller has it (else it is read from the host). */
  text?: string;
  /**
   * The file parsed, when the caller has it (a RuleContext does): its text is the file's current
   * text, and for a pair layout its parse is reused by `schemaAfter`.
   */
  parsed?: ParsedFile;
}

interface Entry {
  path: string;
  hash: string;
  model: SchemaModel;
}

interface DirectoryCache {
  entries: Entry[];
}

const MAX_DIRECTORIES = 32;
const caches = new Map<string, DirectoryCache>();

/** How much work the cache saved; tests use it to prove a keystroke replays nothing. */
export interface SchemaStats {
  /** Files parsed by the schema model. */
  parses: number;
  /** Files applied to a snapshot. */
  replays: number;
  /** Snapshots reused from the cache. */
  hits: number;
}

const stats: SchemaStats = { parses: 0, replays: 0, hits: 0 };

export function schemaStats(): SchemaStats {
  return { ...stats };
}

/** Forgets every cached snapshot and resets the counters. */
export function resetSchemaCache(): void {
  caches.clear();
  stats.parses = 0;
  stats.replays = 0;
  stats.hits = 0;
}

/**
 * The schema before a migration runs: every up migration of the directory with a lower version.
 * For a down file, the schema before its up (the state the down must restore).
 */
export function schemaBefore(ctx: SchemaContext): SchemaModel {
  const ups = ctx.directory.migrations.filter((m) => m.direction === 'up');
  const m = ctx.migration;
  const files = m ? ups.filter((u) => compareVersions(u, m) < 0) : ups;
  return replayChain(ctx, files);
}

/**
 * The schema after a migration: for an up file, the schema before it plus the file itself; for a
 * down file, the schema after its up (the state the down starts from).
 */
export function schemaAfter(ctx: SchemaContext): SchemaModel {
  const ups = ctx.directory.migrations.filter((m) => m.direction === 'up');
  const m = ctx.migration;
  if (!m) return replayChain(ctx, ups);
  if (m.direction === 'down') return replayChain(ctx, ups.filter((u) => compareVersions(u, m) <= 0));
  const self = path.resolve(ctx.filePath);
  const files = ups.filter((u) => compareVersions(u, m) < 0 || (compareVersions(u, m) === 0 && path.resolve(u.path) <= self));
  if (!files.some((u) => path.resolve(u.path) === self)) files.push(m);
  return replayChain(ctx, files);
}

/** Applies a SQL text (e.g. a down file, a generated inverse) to a snapshot; the snapshot is unchanged. */
export function applySql(base: SchemaModel, text: string, file = ''): SchemaModel {
  stats.parses++;
  return replayFile(base, file, parseSql(text));
}

function hashOf(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * The up SQL of a migration file: the whole file for pair layouts; for single-file conventions
 * (goose, dbmate, sql-migrate) the file with everything outside its up sections blanked out, so
 * that offsets stay those of the file.
 */
export function upText(file: MigrationFile, text: string, directory: MigrationDirectory): string {
  const convention = directory.convention;
  if (convention.layout !== 'single' || typeof convention.sections !== 'function') return text;
  let ups;
  try {
    ups = convention.sections(file, text).filter((s) => s.direction === 'up');
  } catch {
    return text;
  }
  let out = '';
  let at = 0;
  for (const s of ups) {
    out += blank(text.slice(at, s.span.start)) + text.slice(s.span.start, s.span.end);
    at = s.span.end;
  }
  return out + blank(text.slice(at));
}

/** Spaces for every UTF-16 unit except line breaks (positions and lines stay the same). */
function blank(s: string): string {
  return s.replace(/[^\r\n]/g, ' ');
}

function replayChain(ctx: SchemaContext, files: MigrationFile[]): SchemaModel {
  const dir = `${ctx.directory.convention.id}:${path.resolve(ctx.directory.dir)}`;
  let cache = caches.get(dir);
  if (!cache) {
    if (caches.size >= MAX_DIRECTORIES) caches.delete(caches.keys().next().value!);
    cache = { entries: [] };
    caches.set(dir, cache);
  }
  const self = path.resolve(ctx.filePath);
  let model = SchemaModel.empty();
  files.forEach((f, i) => {
    const filePath = path.resolve(f.path);
    const own = filePath === self;
    const raw = (own ? ctx.text ?? ctx.parsed?.text : undefined) ?? ctx.host.readFile(filePath) ?? '';
    const text = upText(f, raw, ctx.directory);
    const hash = hashOf(text);
    const entry = cache!.entries[i];
    if (entry && entry.path === filePath && entry.hash === hash) {
      stats.hits++;
      model = entry.model;
      return;
    }
    // This file changed (or the list did): every later snapshot is stale.
    cache!.entries.length = i;
    let parsed: ParsedFile;
    if (own && ctx.parsed && ctx.parsed.text === text) parsed = ctx.parsed; // the caller's parse of this very text
    else {
      stats.parses++;
      parsed = parseSql(text);
    }
    stats.replays++;
    model = replayFile(model, filePath, parsed);
    cache!.entries.push({ path: filePath, hash, model });
  });
  return model;
}
