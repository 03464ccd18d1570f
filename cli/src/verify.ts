/**
 * `migration-guard verify [dir] [--migration <version> | --all] [--format text|json] [--cache-dir <dir> | --no-cache]
 *                        [--prelude <file.sql>] [--database-url <url> | --pglite]`
 *
 * Runs up → down → up of a migration in an embedded PostgreSQL (or, with a database URL, in a
 * scratch database on a real server, created and dropped) and reports what the round trip
 * does not bring back. Exit status: 0 when every verified round trip passes, 1 when one fails (or
 * cannot be verified: an earlier migration fails, or the chosen version has no down file),
 * 2 on bad usage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, ConfigResolver, firstError, formatConfigProblem } from '../../server/src/engine/config-file';
import { NodeFileHost } from '../../server/src/engine/host';
import { RULES } from '../../server/src/engine/rules/registry';
import { LineIndex, type Range, type Span } from '../../server/src/engine/text';
import { listVersions, verifyMigration, type VerifyResult } from '../../server/src/engine/verify/index';
import { checkDatabaseUrl } from '../../server/src/engine/verify/pg-server';
import { changedVersions } from './changed';
import { resolveDatabaseUrl } from './database-url';

/** Structurally the same as run.ts's `CliIO`. */
export interface VerifyIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const VERIFY_USAGE = `Usage: migration-guard verify [dir] [--migration <version> | --all] [--changed-since <git-ref>] [--format text|json]
                             [--cache-dir <dir> | --no-cache] [--prelude <file.sql>]
                             [--database-url <url> | --pglite]

Replays the earlier migrations of <dir> (default: the current directory) into an embedded
PostgreSQL 18 (PGlite), then runs the migration's up, its down and its up again, and reports
schema objects the down does not restore, data the round trip loses, and failing statements.
  --migration <version>  the version to verify (default: the last one)
  --all                  every version that has a down file, in order
  --changed-since <ref>  every version with a file that differs from the merge base of <ref> and
                         HEAD (added, modified, renamed; uncommitted included) and has a down file
  --format text|json     output format (default: text)
  --cache-dir <dir>      where replayed states are kept (default: <tmp>/migration-guard/verify-cache)
  --no-cache             replay everything, keep nothing
  --prelude <file.sql>   SQL to run on the empty database first (e.g. another migration tool's
                         version table); golang-migrate's schema_migrations is always created
  --database-url <url>   verify on this PostgreSQL server instead (default: the environment
                         variable MIGRATION_GUARD_DATABASE_URL, else "verify.databaseUrl" of the
                         nearest .migration-guard.json, its \${env:NAME} expanded): its database is used only to
                         create a scratch database migration_guard_verify_<random>, which the
                         migrations run in and which is dropped afterwards (needs CREATEDB)
  --pglite               use the embedded PostgreSQL even when the config names a server
Exit status: 0 passed, 1 a round trip fails, 2 bad usage.
`;

interface VerifyArgs {
  dir: string;
  migration?: string;
  all: boolean;
  format: 'text' | 'json';
  cacheDir?: string | false;
  prelude?: string;
  databaseUrl?: string;
  pglite: boolean;
  changedSince?: string;
}

function parseVerifyArgs(args: readonly string[]): { ok: true; value: VerifyArgs } | { ok: false; message: string } | { ok: 'help' } {
  const out: VerifyArgs = { dir: '.', all: false, format: 'text', pglite: false };
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) return undefined;
      i++;
      return next;
    };
    switch (name) {
      case '--help':
      case '-h':
        return { ok: 'help' };
      case '--all':
        out.all = true;
        break;
      case '--no-cache':
        out.cacheDir = false;
        break;
      case '--pglite':
        out.pglite = true;
        break;
      case '--database-url':
      case '--migration':
      case '--cache-dir':
      case '--prelude':
      case '--changed-since':
      case '--format': {
        const v = value();
        if (v === undefined || v === '') return { ok: false, message: `${name} needs a value` };
        if (name === '--migration') {
          if (!/^[0-9]+$/.test(v)) return { ok: false, message: `--migration expects a version number, got ${JSON.stringify(v)}` };
          out.migration = v;
        } else if (name === '--database-url') {
          const bad = checkDatabaseUrl(v);
          if (bad) return { ok: false, message: `--database-url ${bad}` };
          out.databaseUrl = v;
        } else if (name === '--cache-dir') out.cacheDir = v;
        else if (name === '--prelude') out.prelude = v;
        else if (name === '--changed-since') out.changedSince = v;
        else if (v === 'text' || v === 'json') out.format = v;
        else return { ok: false, message: `--format must be text or json, got ${JSON.stringify(v)}` };
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') return { ok: false, message: `unknown option ${arg}` };
        if (dir !== undefined) return { ok: false, message: `only one directory can be verified at a time (got ${dir} and ${arg})` };
        dir = arg;
    }
  }
  if (out.all && out.migration !== undefined) return { ok: false, message: '--migration and --all cannot be used together' };
  if (out.pglite && out.databaseUrl !== undefined) return { ok: false, message: '--database-url and --pglite cannot be used together' };
  if (dir !== undefined) out.dir = dir;
  // --changed-since verifies every changed version that has a down (as --all does), unless --migration names one.
  if (out.changedSince !== undefined && out.migration === undefined) out.all = true;
  return { ok: true, value: out };
}

/** A span as an LSP range (0-based line, UTF-16 character) in the file's current text. */
function rangeIn(file: string, span: Span, texts: Map<string, LineIndex>): Range {
  let index = texts.get(file);
  if (!index) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      // The file vanished meanwhile: positions fall back to 0:0.
    }
    index = new LineIndex(text);
    texts.set(file, index);
  }
  return index.rangeOf(span);
}

export interface JsonVerifyReport {
  version: 1;
  directory: string;
  ok: boolean;
  results: JsonVerifyResult[];
  /** Versions not verified (no down file), with --all. */
  skipped: { version: string; reason: string }[];
}

export interface JsonVerifyResult {
  version: string;
  status: VerifyResult['status'];
  ok: boolean;
  summary: string;
  upFiles: string[];
  downFiles: string[];
  cache: { hit: boolean; fromCache: number; baseFiles: number };
  backend: VerifyResult['backend'];
  failures: { phase: string; file: string; range: Range; span: Span; message: string; code?: string; detail?: string; hint?: string; located: string }[];
  differences: { phase: string; kind: string; name: string; change: string; expected: string[]; actual: string[]; file: string; range: Range; span: Span; message: string }[];
  dataLoss: { table: string; column?: string; before: number; after: number; file: string; range: Range; span: Span; message: string }[];
  seed: VerifyResult['seed'];
  timings: Record<string, number>;
}

export async function runVerify(args: readonly string[], io: VerifyIO): Promise<number> {
  const parsed = parseVerifyArgs(args);
  if (parsed.ok === 'help') {
    io.stdout(VERIFY_USAGE);
    return 0;
  }
  if (!parsed.ok) {
    io.stderr(`migration-guard verify: ${parsed.message}\n${VERIFY_USAGE}`);
    return 2;
  }
  const a = parsed.value;
  const dir = path.resolve(io.cwd, a.dir);
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    io.stderr(`migration-guard verify: ${a.dir} is not a directory\n`);
    return 2;
  }
  let prelude: string | undefined;
  if (a.prelude !== undefined) {
    try {
      prelude = fs.readFileSync(path.resolve(io.cwd, a.prelude), 'utf8');
    } catch {
      io.stderr(`migration-guard verify: cannot read the prelude ${a.prelude}\n`);
      return 2;
    }
  }
  const host = new NodeFileHost();
  // The server to verify on: --database-url, else the config file's, unless --pglite.
  let databaseUrl = a.databaseUrl;
  if (databaseUrl === undefined && !a.pglite) {
    const config = new ConfigResolver(host, RULES.map((r) => r.meta.id)).forFile(path.join(dir, 'x.sql'));
    if (config?.broken) {
      const error = firstError(config);
      io.stderr(`migration-guard verify: ${error ? formatConfigProblem(path.relative(io.cwd, config.path) || CONFIG_FILE_NAME, error) : `${config.path} is broken`}\n`);
      return 2;
    }
    const url = resolveDatabaseUrl(config);
    if (!url.ok) {
      io.stderr(`migration-guard verify: ${url.message}\n`);
      return 2;
    }
    databaseUrl = url.url;
  }
  const versions = listVersions(dir, host);
  if (versions.length === 0) {
    io.stderr(`migration-guard verify: ${a.dir} has no migrations (expected files like 000001_title.up.sql)\n`);
    return 2;
  }
  let targets: typeof versions;
  const skipped: { version: string; reason: string }[] = [];
  if (a.all) {
    targets = versions.filter((v) => v.hasDown);
    for (const v of versions) if (!v.hasDown) skipped.push({ version: v.version, reason: 'no down migration' });
  } else if (a.migration !== undefined) {
    const n = BigInt(a.migration);
    const v = versions.find((x) => x.versionNumber === n);
    if (!v) {
      io.stderr(`migration-guard verify: ${a.dir} has no migration with version ${a.migration}\n`);
      return 2;
    }
    targets = [v];
  } else targets = [versions[versions.length - 1]!];
  if (a.changedSince !== undefined) {
    const changed = changedVersions(a.changedSince, dir, io.cwd, host);
    if (!changed.ok) {
      io.stderr(`migration-guard verify: ${changed.message}\n`);
      return 2;
    }
    targets = targets.filter((v) => changed.versions.has(v.versionNumber));
    skipped.splice(0, skipped.length, ...skipped.filter((s) => changed.versions.has(BigInt(s.version))));
  }

  const display = (p: string): string => {
    const rel = path.relative(io.cwd, p);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
  };
  const texts = new Map<string, LineIndex>();
  const results: VerifyResult[] = [];
  for (const t of targets) {
    if (a.format === 'text' && targets.length > 1) io.stderr(`verifying ${t.version}...\n`);
    const r = await verifyMigration({
      directory: dir,
      version: t.versionNumber,
      host,
      ...(a.cacheDir !== undefined ? { cacheDir: a.cacheDir } : {}),
      ...(prelude !== undefined ? { prelude } : {}),
      ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    });
    results.push(r);
    if (a.format === 'text') io.stdout(formatText(r, display, texts));
    // Every later version replays the same failing file: stop here.
    if (r.status === 'replay-failed') break;
  }
  const failed = results.some((r) => r.status === 'failed' || r.status === 'replay-failed' || r.status === 'error' || (!a.all && r.status !== 'passed'));
  if (a.format === 'json') {
    const report: JsonVerifyReport = { version: 1, directory: display(dir), ok: !failed, results: results.map((r) => toJson(r, display, texts)), skipped };
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    const passed = results.filter((r) => r.status === 'passed').length;
    let line = `${passed} of ${results.length} verified migration${results.length === 1 ? '' : 's'} round-trip`;
    if (skipped.length > 0) line += `; ${skipped.length} without a down migration skipped`;
    if (a.all && results.length < targets.length) line += `; ${targets.length - results.length} not verified after the replay failure`;
    io.stdout(`${line}.\n`);
  }
  return failed ? 1 : 0;
}

function toJson(r: VerifyResult, display: (p: string) => string, texts: Map<string, LineIndex>): JsonVerifyResult {
  return {
    version: r.version,
    status: r.status,
    ok: r.ok,
    summary: r.summary,
    upFiles: r.upFiles.map(display),
    downFiles: r.downFiles.map(display),
    cache: { hit: r.cache.hit, fromCache: r.cache.fromCache, baseFiles: r.baseFiles },
    backend: r.backend,
    failures: r.failures.map((f) => ({
      phase: f.phase,
      file: display(f.file),
      range: rangeIn(f.file, f.span, texts),
      span: f.span,
      message: f.message,
      ...(f.code ? { code: f.code } : {}),
      ...(f.detail ? { detail: f.detail } : {}),
      ...(f.hint ? { hint: f.hint } : {}),
      located: f.located,
    })),
    differences: r.differences.map((d) => ({
      phase: d.phase,
      kind: d.kind,
      name: d.name,
      change: d.change,
      expected: d.expected,
      actual: d.actual,
      file: display(d.file),
      range: rangeIn(d.file, d.span, texts),
      span: d.span,
      message: d.message,
    })),
    dataLoss: r.dataLoss.map((l) => ({
      table: l.table,
      ...(l.column ? { column: l.column } : {}),
      before: l.before,
      after: l.after,
      file: display(l.file),
      range: rangeIn(l.file, l.span, texts),
      span: l.span,
      message: l.message,
    })),
    seed: r.seed,
    timings: r.timings,
  };
}

function formatText(r: VerifyResult, display: (p: string) => string, texts: Map<string, LineIndex>): string {
  const at = (file: string, span: Span): string => {
    const p = rangeIn(file, span, texts).start;
    return `${display(file)}:${p.line + 1}:${p.character + 1}`;
  };
  let out = '';
  for (const f of r.failures) {
    out += `${at(f.file, f.span)}: error: ${f.message}${f.code ? ` [${f.code}]` : ''}${f.phase === 'reup' ? ' (running the up again after the down)' : ''}\n`;
    if (f.detail) out += `  detail: ${f.detail}\n`;
    if (f.hint) out += `  hint: ${f.hint}\n`;
  }
  for (const d of r.differences) {
    out += `${at(d.file, d.span)}: error: ${d.message}\n`;
    if (d.change !== 'changed') for (const l of [...d.expected, ...d.actual]) out += `    ${l}\n`;
  }
  for (const l of r.dataLoss) out += `${at(l.file, l.span)}: error: ${l.message}\n`;
  const label = r.status === 'passed' ? 'PASS' : r.status === 'no-down' ? 'SKIP' : 'FAIL';
  const name = r.upFiles[0] ? path.basename(r.upFiles[0]).replace(/\.up\.[^.]+$/, '') : r.version;
  const cache =
    r.backend.kind === 'server'
      ? `, on ${r.backend.url}${r.backend.database ? `, scratch database ${r.backend.database} dropped` : ''}`
      : r.cache.enabled
        ? r.cache.hit
          ? ', warm'
          : r.cache.fromCache > 0
            ? `, ${r.cache.fromCache}/${r.baseFiles} from cache`
            : ', cold'
        : '';
  out += `${label} ${name}: ${r.summary} (${(r.timings.total ?? 0) / 1000} s${cache})\n`;
  if (r.seed.skipped.length > 0 && r.status !== 'replay-failed') {
    out += `  note: no synthetic row in ${r.seed.skipped.map((s) => `${s.table} (${s.reason})`).join(', ')}\n`;
  }
  return out;
}
