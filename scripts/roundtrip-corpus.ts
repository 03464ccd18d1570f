/**
 * `npm run test:roundtrip-corpus [corpus dir] [--max-per-dir N] [--budget-s S] [--json file] [--only text]`:
 * the schema-aware inverses and the consistency rules against real histories, in PGlite.
 *
 * For every migrations directory of the corpus (`../shared/corpus` by default), in version order,
 * with one PGlite database per directory (the verify engine's PGlite loader, file runner and
 * schema snapshots):
 *   1. capture the schema and row counts; apply the up (as the tool would: one query per file, or
 *      statement by statement for a non-transactional section); when it fails the directory's
 *      history stops applying there and the directory ends;
 *   2. generate the down with the schema model (`generateDownSql` with the directory context), run
 *      it inside a transaction, capture, roll back, and classify it:
 *        exact         the schema (and row counts) come back exactly;
 *        column-order  the same, except that re-added columns are now last;
 *        irreversible  the down says what it cannot undo (`-- TODO irreversible`);
 *        wrong         no TODO, yet the schema does not come back (or the down fails);
 *   3. the same round trip with the hand-written down, when there is one; for each one that fails,
 *      whether missing-inverse / unexpected-down-statement / down-order flag the migration.
 * The downs run in a rolled-back transaction (CONCURRENTLY left out), so the history goes on from
 * the state after each up. Each directory stops after `--max-per-dir` migrations (default 400) or
 * `--budget-s` seconds (default 60), so that the whole run fits in a CI step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../server/src/engine/analyze';
import { NodeFileHost } from '../server/src/engine/host';
import { generateDownSql } from '../server/src/engine/inverse/index';
import { sectionText } from '../server/src/engine/project/pair';
import { Workspace } from '../server/src/engine/project/workspace';
import { captureState, compareStates, resetDatabase, runStatements, stateAfter, type State } from '../server/src/engine/verify/roundtrip';
import type { Convention, MigrationFile } from '../server/src/engine/migrations/convention';
import { chooseConvention } from '../server/src/engine/migrations/detect';
import { readMigrationDirectory, type MigrationDirectory } from '../server/src/engine/migrations/directory';
import { folderPerMigration } from '../server/src/engine/migrations/folder-per-migration';
import { loadParser, parseSql } from '../server/src/engine/parsing/parser';
import { downOrder } from '../server/src/engine/rules/all/down-order';
import { missingInverse } from '../server/src/engine/rules/all/missing-inverse';
import { unexpectedDownStatement } from '../server/src/engine/rules/all/unexpected-down-statement';
import { extensionsIn, runMigrationFile } from '../server/src/engine/verify/execute';
import { openDatabase, type Database } from '../server/src/engine/verify/pglite';

type GeneratedClass = 'exact' | 'column-order' | 'irreversible' | 'wrong';

interface MigrationResult {
  file: string;
  generated: GeneratedClass;
  /** For `wrong`: what differs or why it failed. */
  why?: string;
  /** The hand-written down: passes, fails (with the rules that flag the migration), or absent. */
  handWritten?: { passes: boolean; why?: string; flaggedBy: string[] };
  /** Irreversible downs whose round trip nevertheless passes (the TODO is about data, not schema). */
  markedButRestores?: boolean;
}

interface DirectoryResult {
  dir: string;
  convention: string;
  ups: number;
  applied: number;
  /** Why the history stops applying (the first up PostgreSQL rejects), if it does. */
  stopped?: string;
  capped?: string;
  ms: number;
  migrations: MigrationResult[];
}

const RULES = [missingInverse, unexpectedDownStatement, downOrder];

/**
 * What a migration tool creates before the first migration, for histories that use it (as the
 * verify engine's `prelude`): harness's migrator keeps its versions in `migrations`, which its first
 * migration alters.
 */
const PRELUDES: { dir: RegExp; sql: string }[] = [{ dir: /harness__harness/, sql: 'CREATE TABLE migrations (version text NOT NULL)' }];

function args(): { corpus: string; maxPerDir: number; budgetMs: number; json?: string; only?: string } {
  const argv = process.argv.slice(2);
  const root = path.resolve(__dirname, '..', '..');
  let corpus = path.resolve(root, '..', 'shared', 'corpus');
  let maxPerDir = 400;
  let budgetMs = 60_000;
  let json: string | undefined;
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--max-per-dir') maxPerDir = Number(argv[++i]);
    else if (a === '--budget-s') budgetMs = Number(argv[++i]) * 1000;
    else if (a === '--json') json = argv[++i];
    else if (a === '--only') only = argv[++i];
    else corpus = path.resolve(a);
  }
  return { corpus, maxPerDir, budgetMs, ...(json ? { json } : {}), ...(only ? { only } : {}) };
}

/** Migration directories under `root` with their conventions. */
function findDirectories(root: string, host: NodeFileHost): { dir: string; convention: Convention }[] {
  const out = new Map<string, Convention>();
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && /\.sql$/i.test(e.name))) {
      // An unrecognised tool's folder too: its files run in name order, `up`/`down` pair by name.
      const choice = chooseConvention(path.join(dir, 'x.sql'), host);
      const convention = choice.state === 'assumed' ? undefined : choice.convention;
      if (convention) {
        const migrationsDir = convention === folderPerMigration ? convention.directoryOf(path.join(dir, 'up.sql')) : dir;
        if (!out.has(migrationsDir)) out.set(migrationsDir, convention);
      }
    }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) walk(path.join(dir, e.name));
  };
  walk(root);
  return [...out].map(([dir, convention]) => ({ dir, convention })).sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

interface Sides {
  up: string;
  upTransactional: boolean;
  down: string | undefined;
  downPath: string | undefined;
}

function sides(directory: MigrationDirectory, m: MigrationFile, host: NodeFileHost): Sides {
  const text = host.readFile(m.path) ?? '';
  const convention = directory.convention;
  if (convention.layout === 'single') {
    const sections = convention.sections(m, text);
    const down = sectionText(convention, m, text, 'down');
    return {
      up: sectionText(convention, m, text, 'up').text,
      upTransactional: sections.find((s) => s.direction === 'up')?.transactional ?? true,
      down: down.span ? down.text : undefined,
      downPath: down.span ? m.path : undefined,
    };
  }
  const downs = directory.downs(m);
  const downPath = downs[0]?.path;
  return { up: text, upTransactional: true, down: downPath ? host.readFile(downPath) : undefined, downPath };
}

/**
 * The state without what depends on the time it was taken: views that compare with `'now'` keep the
 * timestamp of their creation (`'2026-11-25 10:50:44.661'::timestamp`), so recreating them later differs.
 */
function timeless(state: State): State {
  const TS = /'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?([+-]\d\d(:\d\d)?)?'::timestamp( with(out)? time zone)?/g;
  return { ...state, schema: { objects: state.schema.objects.map((o) => ({ ...o, lines: o.lines.map((l) => l.replace(TS, "'<now>'::timestamp")) })) } };
}

function describeDifferences(before: State, after: State): string | undefined {
  const c = compareStates(timeless(before), timeless(after));
  const first = c.ignoringColumnOrder[0];
  if (first) {
    const detail = [...first.expected.map((l) => `expected ${l}`), ...first.actual.map((l) => `found ${l}`)].slice(0, 2).join('; ');
    return `${c.ignoringColumnOrder.length} difference(s), first: ${first.change} ${first.kind} ${first.name}${detail ? ` (${detail})` : ''}`;
  }
  return undefined;
}

function flags(directory: MigrationDirectory, m: MigrationFile, downPath: string | undefined, host: NodeFileHost, ws: Workspace): string[] {
  const found = new Set<string>();
  const files = [m.path, ...(downPath && downPath !== m.path ? [downPath] : [])];
  for (const file of files) {
    const text = host.readFile(file);
    if (text === undefined) continue;
    for (const f of analyzeFile({ filePath: file, text, host, workspace: ws, only: RULES, convention: directory.convention }).findings) found.add(f.ruleId);
  }
  return [...found].sort();
}

async function runDirectory(db: Database, dir: string, convention: Convention, host: NodeFileHost, maxPerDir: number, budgetMs: number): Promise<DirectoryResult> {
  const started = Date.now();
  const ws = new Workspace(host);
  const folder = ws.folder(dir, convention);
  const directory = readMigrationDirectory(dir, host, convention);
  const ups = directory.migrations.filter((m) => m.direction === 'up');
  const result: DirectoryResult = { dir, convention: convention.id, ups: ups.length, applied: 0, ms: 0, migrations: [] };
  try {
    // One database for the whole run, emptied for each directory (starting PGlite costs seconds).
    await resetDatabase(db);
    await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
    for (const p of PRELUDES) if (p.dir.test(dir)) await db.exec(p.sql);
    for (const m of ups) {
      if (result.applied >= maxPerDir) {
        result.capped = `stopped after ${maxPerDir} migrations (--max-per-dir)`;
        break;
      }
      if (Date.now() - started > budgetMs) {
        result.capped = `stopped after ${Math.round(budgetMs / 1000)} s (--budget-s), ${result.applied} of ${ups.length} migrations`;
        break;
      }
      const s = sides(directory, m, host);
      const before = await captureState(db);
      const error = s.upTransactional ? await runMigrationFile(db, s.up) : await runStatements(db, s.up).then((r) => (r.ok ? undefined : { message: r.message }));
      if (error) {
        result.stopped = `${m.fileName}: ${error.message}`;
        break;
      }
      // A file ending in BEGIN (some do, after a COMMIT) leaves its transaction open: close it.
      await db.exec('COMMIT').catch(() => undefined);
      result.applied++;
      const entry: MigrationResult = { file: m.fileName, generated: 'exact' };

      const generated = generateDownSql(parseSql(s.up), { schema: folder.resolvedSchema(m) });
      const marked = /^-- TODO irreversible:/m.test(generated);
      const g = await stateAfter(db, generated);
      if (marked) {
        entry.generated = 'irreversible';
        if (g.ok && !describeDifferences(before, g.state)) entry.markedButRestores = true;
      } else if (!g.ok) {
        entry.generated = 'wrong';
        entry.why = `the generated down fails: ${g.message} (in: ${g.statement.slice(0, 120)})`;
      } else {
        const c = compareStates(timeless(before), timeless(g.state));
        const commentedData = /recreated empty|comes back empty/.test(generated);
        const rowsOk = c.rows.length === 0 || commentedData;
        if (c.exact.length === 0 && rowsOk) entry.generated = 'exact';
        else if (c.ignoringColumnOrder.length === 0 && rowsOk) entry.generated = 'column-order';
        else {
          entry.generated = 'wrong';
          entry.why = describeDifferences(before, g.state) ?? `row counts differ: ${c.rows.map((r) => `${r.table} ${r.expected} → ${r.actual}`).join(', ')}`;
        }
      }

      if (s.down !== undefined && parseSql(s.down).statements.length > 0) {
        const h = await stateAfter(db, s.down);
        const why = h.ok ? describeDifferences(before, h.state) : `fails: ${h.message}`;
        entry.handWritten = { passes: why === undefined, ...(why ? { why } : {}), flaggedBy: flags(directory, m, s.downPath, host, ws) };
      }
      result.migrations.push(entry);
    }
  } catch (e) {
    result.stopped = `the run stopped: ${e instanceof Error ? e.message : String(e)}`;
  }
  result.ms = Date.now() - started;
  return result;
}

async function main(): Promise<void> {
  const { corpus, maxPerDir, budgetMs, json, only } = args();
  if (!fs.existsSync(corpus)) {
    console.log(`roundtrip-corpus: no corpus at ${corpus}; skipped`);
    return;
  }
  await loadParser();
  const host = new NodeFileHost();
  const started = Date.now();
  const results: DirectoryResult[] = [];
  const directories = findDirectories(corpus, host).filter((d) => !only || d.dir.includes(only));
  const extensions = new Set<string>();
  for (const { dir, convention } of directories) {
    for (const m of readMigrationDirectory(dir, host, convention).migrations) for (const e of extensionsIn(host.readFile(m.path) ?? '')) extensions.add(e);
  }
  const db = await openDatabase({ extensions: [...extensions] });
  for (const { dir, convention } of directories) {
    const r = await runDirectory(db, dir, convention, host, maxPerDir, budgetMs);
    results.push(r);
    const count = (k: GeneratedClass): number => r.migrations.filter((m) => m.generated === k).length;
    const rel = path.relative(corpus, dir) || '.';
    console.log(
      `${rel} [${r.convention}]: ${r.applied}/${r.ups} ups applied in ${(r.ms / 1000).toFixed(1)} s; generated downs: ${count('exact')} exact, ${count('column-order')} column order, ${count('irreversible')} irreversible, ${count('wrong')} wrong` +
        (r.stopped ? `\n    history stops applying: ${r.stopped.slice(0, 200)}` : '') +
        (r.capped ? `\n    ${r.capped}` : ''),
    );
    for (const m of r.migrations.filter((x) => x.generated === 'wrong')) console.log(`    WRONG ${m.file}: ${m.why}`);
  }

  const all = results.flatMap((r) => r.migrations);
  const n = (f: (m: MigrationResult) => boolean): number => all.filter(f).length;
  const withHand = all.filter((m) => m.handWritten);
  const failing = withHand.filter((m) => !m.handWritten!.passes);
  const flagged = failing.filter((m) => m.handWritten!.flaggedBy.length > 0);
  const passingFlagged = withHand.filter((m) => m.handWritten!.passes && m.handWritten!.flaggedBy.length > 0);
  console.log('');
  console.log(`directories: ${results.length} (${results.filter((r) => !r.stopped && !r.capped).length} whose whole history applies, ${results.filter((r) => r.stopped).length} that stop applying, ${results.filter((r) => r.capped).length} capped)`);
  console.log(`migrations round-tripped: ${all.length}`);
  console.log(`generated downs: ${n((m) => m.generated === 'exact')} exact, ${n((m) => m.generated === 'column-order')} exact but for column order, ${n((m) => m.generated === 'irreversible')} marked irreversible (${n((m) => m.markedButRestores === true)} of them restore the schema anyway), ${n((m) => m.generated === 'wrong')} wrong`);
  console.log(`hand-written downs: ${withHand.length}; ${failing.length} fail the round trip, ${flagged.length} of those flagged by the consistency rules; ${passingFlagged.length} passing downs flagged`);
  for (const m of failing) console.log(`    ${m.handWritten!.flaggedBy.length > 0 ? 'flagged  ' : 'UNFLAGGED'} ${m.file}: ${m.handWritten!.why?.slice(0, 160)}${m.handWritten!.flaggedBy.length ? ` [${m.handWritten!.flaggedBy.join(', ')}]` : ''}`);
  for (const m of passingFlagged) console.log(`    passes but flagged [${m.handWritten!.flaggedBy.join(', ')}]: ${m.file}`);
  await db.close().catch(() => undefined);
  console.log(`time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (json) fs.writeFileSync(json, JSON.stringify(results, null, 2));
  process.exitCode = n((m) => m.generated === 'wrong') > 0 ? 1 : 0;
}

void main();
