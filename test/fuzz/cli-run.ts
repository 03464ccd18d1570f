/**
 * The CLI fuzzer: real migrations from the corpus, mutated (byte flips, truncations, splices,
 * random Unicode, lexer breakers, deep nesting), through the bundled `dist/cli.js` as CI runs it:
 * `check --format json`, `down <file>` and (a few) `verify --format json`. Each run must end with
 * exit 0/1 and valid JSON whose ranges lie inside their files (for `down`: exit 0 and the SQL), or
 * exit 2 with a one-line message; never a stack trace, a signal or a hang.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lineStarts, rangeProblem } from './model';
import type { Rng } from './rng';
import type { Failure } from './server-run';
import { deepNesting, randomCodePoint, snippet } from './texts';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'dist', 'cli.js');

/** A file of a CLI case: UTF-8 text, or any bytes as base64. */
export type FileContent = string | { base64: string };

export interface CliCase {
  kind: 'cli';
  name?: string;
  note?: string;
  command: 'check' | 'down' | 'verify';
  /** Files of the working directory. */
  files: Record<string, FileContent>;
  /** `down`: the up file; `verify`: the directory. */
  target?: string;
}

export interface CliResult {
  failure: Failure | undefined;
  ms: number;
  status: number | null;
}

const bytesOf = (c: FileContent): Buffer => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.base64, 'base64'));

export function contentOf(bytes: Buffer): FileContent {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : { base64: bytes.toString('base64') };
}

function argsOf(c: CliCase): string[] {
  switch (c.command) {
    case 'check':
      return ['check', '--format', 'json', '.'];
    case 'down':
      return ['down', c.target ?? ''];
    case 'verify':
      return ['verify', c.target ?? '.', '--format', 'json', '--no-cache', '--pglite'];
  }
}

const STACK = /\n\s+at \S.*[(:]\d|internal error|Error: .*\n\s+at /;

function spawnCli(args: string[], cwd: string, timeoutMs: number): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}

/** The text of a file as the CLI reads it (UTF-8, invalid bytes replaced, BOM dropped). */
function cliText(bytes: Buffer): string {
  const t = bytes.toString('utf8');
  return t.charCodeAt(0) === 0xfeff ? t.slice(1) : t;
}

export async function runCliCase(c: CliCase): Promise<CliResult> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-fuzz-cli-')));
  const started = performance.now();
  const fail = (kind: string, message: string, status: number | null): CliResult => ({ failure: { kind, step: -1, message }, ms: performance.now() - started, status });
  try {
    const texts = new Map<string, string>();
    for (const [file, content] of Object.entries(c.files)) {
      const p = path.join(dir, file);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      const bytes = bytesOf(content);
      fs.writeFileSync(p, bytes);
      texts.set(path.normalize(file), cliText(bytes));
    }
    const r = await spawnCli(argsOf(c), dir, c.command === 'verify' ? 300000 : 60000);
    const what = `migration-guard ${argsOf(c).join(' ')}`;
    if (r.timedOut) return fail('hang', `${what} did not finish`, null);
    if (r.status === null) return fail('crash', `${what} ended by ${String(r.signal)}; stderr: ${r.stderr.slice(0, 2000)}`, null);
    if (STACK.test(r.stderr) || STACK.test(r.stdout)) return fail('stack-trace', `${what} exited ${r.status} with a stack trace: ${r.stderr.slice(0, 3000)}`, r.status);
    if (r.status === 2) {
      const message = r.stderr.trim();
      if (message === '' || message.includes('\n')) return fail('usage-message', `${what} exited 2 without a one-line message: ${JSON.stringify(r.stderr.slice(0, 2000))}`, 2);
      return { failure: undefined, ms: performance.now() - started, status: 2 };
    }
    if (c.command === 'down') {
      if (r.status !== 0) return fail('exit-status', `${what} exited ${r.status}: ${r.stderr.slice(0, 2000)}`, r.status);
      if (r.stderr !== '') return fail('stderr', `${what} succeeded but wrote to stderr: ${r.stderr.slice(0, 2000)}`, 0);
      return { failure: undefined, ms: performance.now() - started, status: 0 };
    }
    if (r.status !== 0 && r.status !== 1) return fail('exit-status', `${what} exited ${r.status}: ${r.stderr.slice(0, 2000)}`, r.status);
    let report: unknown;
    try {
      report = JSON.parse(r.stdout);
    } catch {
      return fail('json', `${what} exited ${r.status} without valid JSON: ${JSON.stringify(r.stdout.slice(0, 1000))}`, r.status);
    }
    const located = c.command === 'check' ? checkLocations(report) : verifyLocations(report);
    if (typeof located === 'string') return fail('json', `${what}: ${located}`, r.status);
    for (const l of located) {
      const text = texts.get(path.normalize(l.file));
      if (text === undefined) return fail('range', `${what} reports ${l.file}, not a file of the run`, r.status);
      const problem = rangeProblem(text, l.range);
      if (problem) return fail('range', `${what}: ${l.what} in ${l.file}: ${problem} (${lineStarts(text).length} lines)`, r.status);
    }
    return { failure: undefined, ms: performance.now() - started, status: r.status };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Located {
  file: string;
  range: unknown;
  what: string;
}

function checkLocations(report: unknown): Located[] | string {
  const r = report as { version?: unknown; findings?: unknown };
  if (r?.version !== 1 || !Array.isArray(r.findings)) return `not a check report: ${JSON.stringify(report).slice(0, 500)}`;
  const out: Located[] = [];
  for (const f of r.findings as { file?: unknown; rule?: unknown; severity?: unknown; message?: unknown; range?: unknown }[]) {
    if (typeof f?.file !== 'string' || typeof f.rule !== 'string' || typeof f.message !== 'string' || f.message === '' || !['error', 'warning', 'info', 'hint'].includes(String(f.severity))) {
      return `a malformed finding: ${JSON.stringify(f).slice(0, 500)}`;
    }
    out.push({ file: f.file, range: f.range, what: `finding ${f.rule}` });
  }
  return out;
}

function verifyLocations(report: unknown): Located[] | string {
  const r = report as { version?: unknown; ok?: unknown; results?: unknown; skipped?: unknown };
  if (r?.version !== 2 || typeof r.ok !== 'boolean' || !Array.isArray(r.results) || !Array.isArray(r.skipped)) return `not a verify report: ${JSON.stringify(report).slice(0, 500)}`;
  const out: Located[] = [];
  for (const res of r.results as Record<string, unknown>[]) {
    if (typeof res?.status !== 'string' || typeof res.summary !== 'string') return `a verify result without a status or summary: ${JSON.stringify(res).slice(0, 500)}`;
    const list = res.findings;
    if (!Array.isArray(list)) return 'a verify result without findings';
    for (const x of list as { file?: unknown; range?: unknown; message?: unknown; rule?: unknown }[]) {
      if (typeof x?.file !== 'string' || typeof x.message !== 'string' || typeof x.rule !== 'string') return `a malformed verify finding: ${JSON.stringify(x).slice(0, 500)}`;
      out.push({ file: x.file, range: x.range, what: `verify finding ${x.rule}` });
    }
  }
  return out;
}

// ---------- the corpus and its mutations ----------

export interface Corpus {
  root: string;
  /** Groups of migrations that belong together (one directory, in order), as paths relative to `root`. */
  groups: string[][];
}

/** The corpus's .sql files grouped by migrations directory (a diesel-style `<version>/up.sql` folder counts as its parent). */
export function loadCorpus(root: string): Corpus {
  const byDir = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = dir ? path.join(dir, e.name) : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.sql')) {
        const nested = /^(up|down)\.sql$/.test(e.name);
        const group = nested ? path.dirname(path.dirname(rel)) : path.dirname(rel);
        byDir.set(group, [...(byDir.get(group) ?? []), rel]);
      }
    }
  };
  walk('');
  return { root, groups: [...byDir.keys()].sort().map((k) => byDir.get(k)!) };
}

function mutate(rng: Rng, bytes: Buffer, donors: () => Buffer): Buffer {
  let b = bytes;
  for (let n = rng.between(1, 4); n > 0; n--) {
    const at = rng.int(b.length + 1);
    switch (rng.weighted({ flip: 4, truncate: 2, splice: 3, unicode: 3, snippet: 4, lines: 2, deep: 1, nul: 1 })) {
      case 'flip': {
        const c = Buffer.from(b);
        for (let k = rng.between(1, 8); k > 0 && c.length > 0; k--) {
          const i = rng.int(c.length);
          c[i] = rng.chance(0.5) ? c[i]! ^ (1 << rng.int(8)) : rng.int(256);
        }
        b = c;
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'splice': {
        const donor = donors();
        const from = rng.int(donor.length + 1);
        const piece = donor.subarray(from, from + rng.int(2000));
        const cut = rng.chance(0.5) ? rng.int(500) : 0;
        b = Buffer.concat([b.subarray(0, at), piece, b.subarray(Math.min(b.length, at + cut))]);
        break;
      }
      case 'unicode': {
        let s = '';
        for (let k = rng.between(1, 20); k > 0; k--) s += randomCodePoint(rng);
        // Lone surrogates, as WTF-8 bytes (invalid UTF-8).
        const extra = rng.chance(0.3) ? Buffer.from([0xed, 0xa0 + rng.int(0x20), 0x80 + rng.int(0x40)]) : Buffer.alloc(0);
        b = Buffer.concat([b.subarray(0, at), Buffer.from(s, 'utf8'), extra, b.subarray(at)]);
        break;
      }
      case 'snippet':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(snippet(rng), 'utf8'), b.subarray(at)]);
        break;
      case 'lines': {
        const lines = b.toString('latin1').split('\n');
        const i = rng.int(lines.length);
        const j = rng.int(lines.length);
        const op = rng.int(3);
        if (op === 0) lines.splice(i, 0, lines[j]!);
        else if (op === 1) lines.splice(i, rng.between(1, 10));
        else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        b = Buffer.from(lines.join('\n'), 'latin1');
        break;
      }
      case 'deep':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(deepNesting(rng), 'utf8'), b.subarray(at)]);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), Buffer.alloc(rng.between(1, 4)), b.subarray(at)]);
    }
  }
  return b;
}

/** A window of one corpus directory's migrations under `dir`, some of them (and always the last) mutated. */
function window(rng: Rng, corpus: Corpus, dir: string, migrations: number, files: Record<string, FileContent>, withDowns = false): string[] {
  const paired = withDowns ? corpus.groups.filter((g) => g.some((f) => /(^|[._/])down\.sql$/.test(f))) : [];
  const group = rng.pick(paired.length > 0 ? paired : corpus.groups);
  const groupRoot = commonDir(group);
  const end = rng.int(group.length);
  const chosen = group.slice(Math.max(0, end - migrations * 2 + 1), end + 1);
  const donors = (): Buffer => fs.readFileSync(path.join(corpus.root, rng.pick(rng.pick(corpus.groups))));
  const mutateShare = rng.chance(0.2) ? 1 : 0.5;
  const names: string[] = [];
  for (const f of chosen) {
    const name = path.join(dir, path.relative(groupRoot, f)).split(path.sep).join('/');
    let bytes: Buffer = fs.readFileSync(path.join(corpus.root, f));
    if (rng.chance(mutateShare) || f === chosen[chosen.length - 1]) bytes = mutate(rng, bytes, donors);
    files[name] = contentOf(bytes);
    names.push(name);
  }
  return names;
}

/**
 * A random CLI case: `check` gets one to four windows of corpus directories (each in a folder of
 * its own), `down` one file of a window, `verify` a window of up to three migrations.
 */
export function generateCliCase(rng: Rng, corpus: Corpus, command: CliCase['command']): CliCase {
  const files: Record<string, FileContent> = {};
  if (command === 'check') {
    for (let w = rng.between(1, 4); w > 0; w--) window(rng, corpus, `w${w}/migrations`, rng.between(1, 6), files);
    return { kind: 'cli', command, files };
  }
  const names = window(rng, corpus, 'migrations', command === 'verify' ? rng.between(1, 3) : rng.between(1, 6), files, command === 'verify');
  const ups = names.filter((n) => !/down/i.test(path.basename(n)));
  const target = command === 'down' ? rng.pick(ups.length > 0 ? ups : names) : 'migrations';
  return { kind: 'cli', command, files, target };
}

function commonDir(files: string[]): string {
  const first = files[0]!;
  const nested = /^(up|down)\.sql$/.test(path.basename(first));
  return nested ? path.dirname(path.dirname(first)) : path.dirname(first);
}
