/**
 * `migration-guard verify [dir] [--migration <version> | --all] [--format text|json] [--cache-dir <dir> | --no-cache]
 *                        [--prelude <file.sql>] [--database-url <url> | --pglite] [--fixtures <path>]... [--show-data]
 *                        [--rule <rule-id>=<severity>]...`
 *
 * Runs up → down → up of a migration (any convention the engine knows) in an embedded PostgreSQL
 * (or, with a database URL, in a scratch database on a real server, created and dropped), with
 * distinctive rows in every table, and reports as findings of the verify rules what the round trip
 * does not bring back. Exit status: 0 when no finding has error severity, 1 when one does (or a
 * migration cannot be verified: an earlier one fails, a fixture fails, the chosen one has no down),
 * 2 on bad usage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, ConfigResolver, conventionFor, firstError, fixturePaths, formatConfigProblem, type LoadedConfig } from '../../server/src/engine/config-file';
import { isRuleSetting, type RuleSetting } from '../../server/src/engine/config';
import { NodeFileHost } from '../../server/src/engine/host';
import { RULES, ruleById } from '../../server/src/engine/rules/registry';
import { LineIndex, type Range, type Span } from '../../server/src/engine/text';
import {
  describeSeed,
  verifyAll,
  verifyMigration,
  type PlannedMigration,
  type VerifyOptions,
  type VerifyPlan,
  type VerifyResult,
} from '../../server/src/engine/verify/index';
import { migrationsMatching } from '../../server/src/engine/verify/plan';
import { checkDatabaseUrl } from '../../server/src/engine/verify/pg-server';
import { displayPath } from './files';
import { changedFilesSince } from './git';
import { resolveVerifyFolder } from './verify-folder';
import { resolveDatabaseUrl } from './database-url';

/** Structurally the same as run.ts's `CliIO`. */
export interface VerifyIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const VERIFY_USAGE = `Usage: migration-guard verify [dir] [--migration <version> | --all] [--changed-since <git-ref>] [--format text|json]
                             [--fixtures <path>]... [--show-data] [--rule <rule-id>=<severity>]...
                             [--cache-dir <dir> | --no-cache] [--prelude <file.sql>]
                             [--database-url <url> | --pglite]

Replays the earlier migrations of <dir> (default: the current directory; any supported convention)
into an embedded PostgreSQL 18 (PGlite), fills every table with distinctive rows, then runs the
migration's up, its down and its up again, and reports what the round trip does not bring back:
failing statements, schema differences, and rows or values lost, row by row.
  --migration <version>  the migration to verify (default: the last one)
  --all                  every migration that has a down, in one pass over the directory
  --changed-since <ref>  every migration with a file that differs from the merge base of <ref> and
                         HEAD (added, modified, renamed; uncommitted included) and has a down
  --format text|json     output format (default: text)
  --fixtures <path>      SQL file or folder run before the up, so the up meets realistic rows
                         (repeatable; default: "verify.fixtures" of the nearest .migration-guard.json)
  --show-data            print the rows of the tables the migration touches: before the up,
                         after it and after the down
  --rule <id>=<severity> off, error, warning, info or hint for a verify rule (wins over the config)
  --cache-dir <dir>      where replayed states are kept (default: <tmp>/migration-guard/verify-cache)
  --no-cache             replay everything, keep nothing
  --prelude <file.sql>   SQL to run on the empty database first (e.g. another migration tool's
                         version table); the migration tool's own version table is always created
  --database-url <url>   verify on this PostgreSQL server instead (default: the environment
                         variable MIGRATION_GUARD_DATABASE_URL, else "verify.databaseUrl" of the
                         nearest .migration-guard.json, its \${env:NAME} expanded): its database is used only to
                         create a scratch database migration_guard_verify_<random>, which the
                         migrations run in and which is dropped afterwards (needs CREATEDB)
  --pglite               use the embedded PostgreSQL even when the config names a server
Nothing is written into <dir>.
Exit status: 0 passed, 1 a round trip fails (a finding of error severity), 2 bad usage.
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
  fixtures: string[];
  showData: boolean;
  rules: { id: string; setting: RuleSetting }[];
}

function parseVerifyArgs(args: readonly string[]): { ok: true; value: VerifyArgs } | { ok: false; message: string } | { ok: 'help' } {
  const out: VerifyArgs = { dir: '.', all: false, format: 'text', pglite: false, fixtures: [], showData: false, rules: [] };
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
      case '--show-data':
        out.showData = true;
        break;
      case '--database-url':
      case '--migration':
      case '--cache-dir':
      case '--prelude':
      case '--changed-since':
      case '--fixtures':
      case '--rule':
      case '--format': {
        const v = value();
        if (v === undefined || v === '') return { ok: false, message: `${name} needs a value` };
        if (name === '--migration') {
          if (!/^[0-9]+(?:[._-][0-9]+)*$/.test(v)) return { ok: false, message: `--migration expects a version such as 3, 000003 or 1.2, got ${JSON.stringify(v)}` };
          out.migration = v;
        } else if (name === '--database-url') {
          const bad = checkDatabaseUrl(v);
          if (bad) return { ok: false, message: `--database-url ${bad}` };
          out.databaseUrl = v;
        } else if (name === '--cache-dir') out.cacheDir = v;
        else if (name === '--prelude') out.prelude = v;
        else if (name === '--changed-since') out.changedSince = v;
        else if (name === '--fixtures') out.fixtures.push(v);
        else if (name === '--rule') {
          const eq = v.indexOf('=');
          const id = eq >= 0 ? v.slice(0, eq).trim() : '';
          const setting = eq >= 0 ? v.slice(eq + 1).trim() : '';
          if (id === '' || !isRuleSetting(setting)) return { ok: false, message: `--rule expects <rule-id>=off|error|warning|info|hint, not ${JSON.stringify(v)}` };
          if (!ruleById(id)) return { ok: false, message: `unknown rule ${JSON.stringify(id)} in --rule` };
          out.rules.push({ id, setting });
        } else if (v === 'text' || v === 'json') out.format = v;
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

/**
 * Which migrations of the plan this run verifies, and the ones it skips with why. The one place
 * that decides (a filter such as "changed since a git revision" belongs here).
 */
export function selectMigrations(
  plan: VerifyPlan,
  a: Pick<VerifyArgs, 'all' | 'migration'>,
): { ok: true; targets: PlannedMigration[]; skipped: { version: string; reason: string }[] } | { ok: false; message: string } {
  const skipped: { version: string; reason: string }[] = [];
  if (a.all) {
    const targets = plan.migrations.filter((m) => m.down.length > 0);
    for (const m of plan.migrations) if (m.down.length === 0) skipped.push({ version: m.version, reason: 'no down migration' });
    return { ok: true, targets, skipped };
  }
  if (a.migration !== undefined) {
    const matches = migrationsMatching(plan.migrations, a.migration);
    if (matches.length === 0) return { ok: false, message: `has no migration with version ${a.migration}` };
    if (matches.length > 1) return { ok: false, message: `has ${matches.length} migrations with version ${a.migration}: ${matches.map((m) => m.name).join(', ')}` };
    return { ok: true, targets: matches, skipped };
  }
  return { ok: true, targets: [plan.migrations[plan.migrations.length - 1]!], skipped };
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
  version: 2;
  directory: string;
  convention: string;
  ok: boolean;
  results: JsonVerifyResult[];
  /** Migrations not verified (no down file, or after a migration that does not apply). */
  skipped: { version: string; reason: string }[];
}

export interface JsonFinding {
  file: string;
  rule: string;
  severity: string;
  message: string;
  details: string[];
  phase: string;
  range: Range;
  span: Span;
}

export interface JsonVerifyResult {
  version: string;
  name: string;
  status: VerifyResult['status'];
  ok: boolean;
  summary: string;
  upFiles: string[];
  downFiles: string[];
  cache: { hit: boolean; fromCache: number; baseFiles: number };
  backend: VerifyResult['backend'];
  findings: JsonFinding[];
  suppressed: number;
  notes: string[];
  seed: VerifyResult['seed'];
  fixtures: string[];
  fixtureFailure?: { file: string; message: string; range?: Range; code?: string };
  data?: VerifyResult['data'];
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
  const named = path.resolve(io.cwd, a.dir);
  let isDir = false;
  try {
    isDir = fs.statSync(named).isDirectory();
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
  const config: LoadedConfig | undefined = new ConfigResolver(host, RULES.map((r) => r.meta.id)).forFile(path.join(named, 'x.sql'));
  if (config?.broken) {
    const error = firstError(config);
    io.stderr(`migration-guard verify: ${error ? formatConfigProblem(path.relative(io.cwd, config.path) || CONFIG_FILE_NAME, error) : `${config.path} is broken`}\n`);
    return 2;
  }
  // The server: --database-url, else MIGRATION_GUARD_DATABASE_URL, else the config file's (its
  // ${env:NAME} expanded), unless --pglite.
  let databaseUrl = a.databaseUrl;
  if (databaseUrl === undefined && !a.pglite) {
    const url = resolveDatabaseUrl(config);
    if (!url.ok) {
      io.stderr(`migration-guard verify: ${url.message}\n`);
      return 2;
    }
    databaseUrl = url.url;
  }
  const fixtures = a.fixtures.length > 0 ? a.fixtures.map((f) => path.resolve(io.cwd, f)) : fixturePaths(config);
  for (const f of fixtures) {
    if (!fs.existsSync(f)) {
      io.stderr(`migration-guard verify: the fixture ${path.relative(io.cwd, f) || f} does not exist\n`);
      return 2;
    }
  }
  const rules: Record<string, RuleSetting> = { ...(config?.config.rules ?? {}) };
  for (const r of a.rules) rules[r.id] = r.setting;
  const convention = conventionFor(config?.config.migrations.convention);

  const folder = resolveVerifyFolder(named, host, convention, (p) => displayPath(io.cwd, p));
  if (!folder.ok) {
    io.stderr(`migration-guard verify: ${folder.message}\n`);
    return 2;
  }
  const { dir, plan } = folder;
  if (folder.note && a.format === 'text') io.stderr(`${folder.note}\n`);
  if (folder.version !== undefined && !a.all && a.migration === undefined) a.migration = folder.version;
  const selection = selectMigrations(plan, a);
  if (!selection.ok) {
    io.stderr(`migration-guard verify: ${a.dir} ${selection.message}\n`);
    return 2;
  }
  let { targets, skipped } = selection;
  if (a.changedSince !== undefined) {
    const changed = changedFilesSince(a.changedSince, io.cwd);
    if (!changed.ok) {
      io.stderr(`migration-guard verify: ${changed.message}\n`);
      return 2;
    }
    const touched = new Set(plan.migrations.filter((m) => m.files.some((f) => changed.files.has(f))).map((m) => m.version));
    targets = targets.filter((m) => m.files.some((f) => changed.files.has(f)));
    skipped = skipped.filter((s) => touched.has(s.version));
  }

  const display = (p: string): string => {
    const rel = path.relative(io.cwd, p);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
  };
  const texts = new Map<string, LineIndex>();
  const common: Omit<VerifyOptions, 'directory'> = {
    host,
    rules,
    fixtures,
    showData: a.showData,
    ...(convention ? { convention } : {}),
    ...(a.cacheDir !== undefined ? { cacheDir: a.cacheDir } : {}),
    ...(prelude !== undefined ? { prelude } : {}),
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
  };
  const results: VerifyResult[] = [];
  const print = (r: VerifyResult): void => {
    if (a.format === 'text') io.stdout(formatText(r, display, texts, a.showData));
  };
  let notVerified = 0;
  if (a.all) {
    const chosen = new Set(targets);
    const run = await verifyAll({
      directory: dir,
      ...common,
      plan,
      select: (m) => chosen.has(m),
      onProgress: (p) => {
        if (a.format === 'text') io.stderr(`verifying ${p.message}\n`);
      },
      onResult: (r) => {
        results.push(r);
        print(r);
      },
    });
    if (run.error) {
      io.stderr(`migration-guard verify: ${run.error}\n`);
      if (results.length === 0) return 1;
    }
    if (run.stoppedAt !== undefined) {
      const later = plan.migrations.slice(run.stoppedAt + 1).filter((m) => chosen.has(m));
      notVerified = later.length;
      for (const m of later) skipped.push({ version: m.version, reason: `not verified: ${plan.migrations[run.stoppedAt]!.name} does not apply` });
    }
  } else {
    for (const t of targets) {
      const r = await verifyMigration({ directory: dir, version: t.version, ...common });
      results.push(r);
      print(r);
    }
  }
  const failed = results.some((r) => !r.ok && (r.status !== 'no-down' || !a.all));
  if (a.format === 'json') {
    const report: JsonVerifyReport = {
      version: 2,
      directory: display(dir),
      convention: plan.convention.id,
      ok: !failed,
      results: results.map((r) => toJson(r, display, texts, a.showData)),
      skipped,
    };
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    const passed = results.filter((r) => r.status === 'passed').length;
    let line = `${passed} of ${results.length} verified migration${results.length === 1 ? '' : 's'} round-trip`;
    const noDown = skipped.filter((s) => s.reason === 'no down migration').length;
    if (noDown > 0) line += `; ${noDown} without a down migration skipped`;
    if (notVerified > 0) line += `; ${notVerified} not verified after the failure`;
    io.stdout(`${line}.\n`);
  }
  return failed ? 1 : 0;
}

function toJson(r: VerifyResult, display: (p: string) => string, texts: Map<string, LineIndex>, showData: boolean): JsonVerifyResult {
  const out: JsonVerifyResult = {
    version: r.version,
    name: r.name,
    status: r.status,
    ok: r.ok,
    summary: r.summary,
    upFiles: r.upFiles.map(display),
    downFiles: r.downFiles.map(display),
    cache: { hit: r.cache.hit, fromCache: r.cache.fromCache, baseFiles: r.baseFiles },
    backend: r.backend,
    findings: r.findings.map((f) => ({
      file: display(f.file),
      rule: f.ruleId,
      severity: f.severity,
      message: f.message,
      details: f.details,
      phase: f.phase,
      range: rangeIn(f.file, f.span, texts),
      span: f.span,
    })),
    suppressed: r.suppressed,
    notes: r.notes,
    seed: r.seed,
    fixtures: r.fixtures.map(display),
    timings: r.timings,
  };
  if (r.fixtureFailure) {
    out.fixtureFailure = {
      file: display(r.fixtureFailure.file),
      message: r.fixtureFailure.message,
      ...(r.fixtureFailure.range ? { range: r.fixtureFailure.range } : {}),
      ...(r.fixtureFailure.code ? { code: r.fixtureFailure.code } : {}),
    };
  }
  if (showData) out.data = r.data;
  return out;
}

function formatText(r: VerifyResult, display: (p: string) => string, texts: Map<string, LineIndex>, showData: boolean): string {
  const at = (file: string, span: Span): string => {
    const p = rangeIn(file, span, texts).start;
    return `${display(file)}:${p.line + 1}:${p.character + 1}`;
  };
  let out = '';
  if (r.fixtureFailure) {
    const f = r.fixtureFailure;
    const p = f.range?.start ?? { line: 0, character: 0 };
    out += `${display(f.file)}:${p.line + 1}:${p.character + 1}: error: the fixture fails: ${f.message}${f.code ? ` [${f.code}]` : ''}\n`;
  }
  for (const f of r.findings) {
    out += `${at(f.file, f.span)}: ${f.severity} ${f.ruleId} ${f.message}\n`;
    for (const d of f.details) out += `    ${d}\n`;
  }
  const label = r.status === 'passed' ? 'PASS' : r.status === 'no-down' ? 'SKIP' : 'FAIL';
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
  out += `${label} ${r.name || r.version}: ${r.summary} (${(r.timings.total ?? 0) / 1000} s${cache})\n`;
  const seeded = r.status !== 'replay-failed' ? describeSeed(r.seed) : undefined;
  if (seeded) out += `  rows: ${seeded}\n`;
  for (const n of r.notes) out += `  note: ${n}\n`;
  if (r.seed.skipped.length > 0 && r.status !== 'replay-failed') {
    out += `  note: no synthetic rows in ${r.seed.skipped.map((s) => `${s.table} (${s.reason})`).join(', ')}\n`;
  }
  if (showData && r.data.length > 0) {
    out += '  data change:\n';
    for (const t of r.data) {
      for (const [label2, text] of [
        ['before the up', t.before],
        ['after the up', t.afterUp],
        ['after the down', t.afterDown],
      ] as const) {
        out += `  -- ${label2}: ${text === undefined ? `${t.table.replace(/^public\./, '')}: (the table does not exist)\n` : text.replace(/\n(?=.)/g, '\n  ')}`;
      }
    }
  }
  return out;
}
