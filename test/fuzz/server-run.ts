/**
 * Runs a sequence of editor operations against the bundled language server (`dist/server.js` over
 * stdio, through the protocol tier's harness) and checks every response:
 * - the server does not crash, logs no exception and answers no request with a JSON-RPC error;
 * - every range it returns lies inside the document as the editor has it (the fuzzer's own model);
 * - the diagnostics of the incrementally edited document equal those of the same text sent whole
 *   to a second server that saw the same files and notifications (a fresh open of that text);
 * - code actions built for diagnostics of an older text carry none of those diagnostics' fixes, and
 *   their edits apply to the current text (ranges inside it, versions current, no file overwritten);
 * - every request is answered within 1 s while the documents hold at most 2,000 lines / 200 kB;
 * - the server's peak RSS stays under 250 MB.
 * A run stops at the first broken invariant and reports it as a `Failure`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ServerUnderTest } from '../protocol/lsp-harness';
import { applyChange, applyEdits, lineStarts, rangeProblem, type ContentChange, type Position, type Range } from './model';

/** A text in a case file: literal, `repeat` with `$i` replaced by 1..count, or the concatenation of a list. */
export type TextSpec = string | { repeat: string; count: number } | TextSpec[];

export function textOf(spec: TextSpec): string {
  if (typeof spec === 'string') return spec;
  if (Array.isArray(spec)) return spec.map(textOf).join('');
  let s = '';
  for (let i = 1; i <= spec.count; i++) s += spec.repeat.replace(/\$i/g, String(i));
  return s;
}

export type ServerOp =
  /** didOpen; without `text`, the file's text on disk ('' when it has none). */
  | { op: 'open'; file: string; text?: TextSpec }
  | { op: 'close'; file: string }
  /** didChange with these content changes (a change without range replaces the text). */
  | { op: 'edit'; file: string; changes: { range?: Range; text: TextSpec }[] }
  /** textDocument/diagnostic; compared with the reference server's diagnostics for the same text. */
  | { op: 'pull'; file: string }
  /**
   * textDocument/codeAction with the diagnostics of a pull of this file: `stale` pulls back (0: the
   * latest), all of them or only those overlapping the range.
   */
  | { op: 'codeAction'; file: string; range: Range; stale: number; select: 'all' | 'overlapping' }
  | { op: 'hover'; file: string; position: Position }
  /** Applies one of the latest code action response's edits (index modulo their number), as the client does. */
  | { op: 'apply'; pick: number }
  /** migrationGuard/createPairedMigration, then applies its edit and opens the up file. */
  | { op: 'newMigration'; dir: string; title: string }
  /** Disk changes made outside the editor, with didChangeWatchedFiles. */
  | { op: 'fs'; action: 'create' | 'write'; file: string; text: TextSpec }
  | { op: 'fs'; action: 'delete'; file: string }
  | { op: 'fs'; action: 'rename'; file: string; to: string };

export interface ServerCase {
  kind: 'server';
  name?: string;
  /** What the case reproduces (for saved regression cases). */
  note?: string;
  /** Files on disk before the first operation (paths relative to the workspace folder). */
  files: Record<string, TextSpec>;
  ops: ServerOp[];
}

export interface Failure {
  kind: string;
  /** Index of the operation that broke the invariant (-1: at start or at the end). */
  step: number;
  message: string;
}

export interface RunOptions {
  /** Compare diagnostics with a second server fed whole texts (default true). */
  compare?: boolean;
  /** Requests slower than this fail, while the documents are within the size target (default 1000). */
  slowMs?: number;
  /** A request unanswered after this long is a hang (default 60,000). */
  hangMs?: number;
  /** RSS limit of the server, in kB (default 250 MB). */
  rssLimitKb?: number;
  /**
   * Record requests over the limit and RSS over the limit and go on (instead of stopping at the
   * first); the run still fails at its end. For measuring long runs.
   */
  keepGoing?: boolean;
  /** The server bundle to run (default dist/server.js). */
  server?: string;
  /** Called after each operation (progress output). */
  onStep?(index: number): void;
}

export interface MethodStats {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Requests over the slow limit (counted whatever the document size). */
  over: number;
}

export interface RunStats {
  ops: number;
  edits: number;
  requests: number;
  methods: Record<string, MethodStats>;
  /** The slowest request while the documents were within the size target. */
  slowestInTarget: { method: string; ms: number; op: number } | undefined;
  /** Requests over the limit within the size target (the run stops at the first unless `keepGoing`). */
  slow: { method: string; ms: number; op: number; lines: number; diagnostics: number }[];
  /** Requests over the limit on documents beyond the size target (reported, not failed). */
  overLimitBeyondTarget: number;
  peakRssKb: number;
  largestDocumentBytes: number;
  largestDocumentLines: number;
  diagnosticsCompared: number;
  /** Comparisons equal only after a re-pull (a server had answered before reading a long history). */
  diagnosticsSettledLater: number;
  codeActionsWithStaleDiagnostics: number;
  appliedActions: number;
}

const TARGET_BYTES = 200 * 1024;
const TARGET_LINES = 2000;
/** What the server logs (window/logMessage, stderr) when a handler threw: the guard's, vscode-jsonrpc's, Node's. */
const EXCEPTION = /failed: |failed with message|uncaught|unhandled|\n\s+at \S/i;

interface Pull {
  text: string;
  items: Diagnostic[];
}

interface Diagnostic {
  range: Range;
  data?: { fix?: { edits?: unknown } };
  relatedInformation?: { location: { uri: string; range: Range } }[];
  [k: string]: unknown;
}

interface OpenDoc {
  text: string;
  version: number;
  pulls: Pull[];
  /** The text the reference server has. */
  referenceText: string;
}

interface TextEditLike {
  range: Range;
  newText: string;
}

interface WorkspaceEditLike {
  changes?: Record<string, TextEditLike[]>;
  documentChanges?: ({ kind: 'create' | 'rename' | 'delete'; uri?: string; oldUri?: string; newUri?: string; options?: { overwrite?: boolean; ignoreIfExists?: boolean } } | { textDocument: { uri: string; version: number | null }; edits: TextEditLike[] })[];
}

class Broken extends Error {
  constructor(readonly kind: string, message: string) {
    super(message);
  }
}

const APPLY_EDIT_AND_OPEN = 'migrationGuard.applyEditAndOpen';

function emptyStats(): RunStats {
  return {
    ops: 0,
    edits: 0,
    requests: 0,
    methods: {},
    slowestInTarget: undefined,
    slow: [],
    overLimitBeyondTarget: 0,
    peakRssKb: 0,
    largestDocumentBytes: 0,
    largestDocumentLines: 0,
    diagnosticsCompared: 0,
    diagnosticsSettledLater: 0,
    codeActionsWithStaleDiagnostics: 0,
    appliedActions: 0,
  };
}

function statusKb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (pid === undefined) return 0;
  try {
    const m = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function short(s: string, n = 300): string {
  return s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;
}

/** One fuzz session: a workspace folder, the server under test and the reference server. */
export class ServerRun {
  readonly root: string;
  readonly stats = emptyStats();
  readonly docs = new Map<string, OpenDoc>();
  private main: ServerUnderTest | undefined;
  private reference: ServerUnderTest | undefined;
  private mainLogsSeen = 0;
  private referenceLogsSeen = 0;
  private lastActions: { file: string; version: number; actions: unknown[] } | undefined;
  private readonly slowMs: number;
  private readonly hangMs: number;
  private readonly rssLimitKb: number;
  private readonly compare: boolean;

  constructor(private readonly options: RunOptions = {}) {
    this.root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-fuzz-')));
    this.slowMs = options.slowMs ?? 1000;
    this.hangMs = options.hangMs ?? 60000;
    this.rssLimitKb = options.rssLimitKb ?? 250 * 1024;
    this.compare = options.compare ?? true;
  }

  abs(file: string): string {
    return path.join(this.root, file);
  }

  uri(file: string): string {
    return pathToFileURL(this.abs(file)).href;
  }

  /** The workspace-relative path of a file: URI, or undefined when it is outside the workspace. */
  fileOf(uri: string): string | undefined {
    let p: string;
    try {
      p = fileURLToPath(uri);
    } catch {
      return undefined;
    }
    const rel = path.relative(this.root, p);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : undefined;
  }

  diskText(file: string): string | undefined {
    try {
      return fs.readFileSync(this.abs(file), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Files on disk (workspace-relative), for the generator. */
  diskFiles(): string[] {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(path.join(this.root, dir), { withFileTypes: true })) {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        if (e.isDirectory()) walk(rel);
        else out.push(rel);
      }
    };
    walk('');
    return out.sort();
  }

  get actionCount(): number {
    return this.lastActions ? this.applicable(this.lastActions.actions).length : 0;
  }

  async start(files: Record<string, TextSpec>): Promise<Failure | undefined> {
    for (const [file, spec] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(this.abs(file)), { recursive: true });
      fs.writeFileSync(this.abs(file), textOf(spec));
    }
    try {
      this.main = new ServerUnderTest(this.options.server);
      await this.timed(this.main, 'initialize', this.main.initialize(this.root), -1, true);
      if (this.compare) {
        this.reference = new ServerUnderTest(this.options.server);
        await this.reference.initialize(this.root);
      }
      this.checkServers();
      return undefined;
    } catch (e) {
      return this.failureOf(e, -1);
    }
  }

  /** Runs one operation and checks what came back. */
  async exec(op: ServerOp, index: number): Promise<Failure | undefined> {
    this.stats.ops++;
    try {
      await this.run(op, index);
      this.checkServers();
      this.options.onStep?.(index);
      return undefined;
    } catch (e) {
      return this.failureOf(e, index);
    }
  }

  /** Final checks: alive, peak RSS. */
  async finish(): Promise<Failure | undefined> {
    try {
      this.checkServers();
      const first = this.stats.slow[0];
      if (first) throw new Broken('slow', `${this.stats.slow.length} requests over ${this.slowMs} ms, the first ${first.method} (${Math.round(first.ms)} ms at operation ${first.op})`);
      const hwm = statusKb(this.main?.proc.pid, 'VmHWM');
      this.stats.peakRssKb = Math.max(this.stats.peakRssKb, hwm);
      if (hwm > this.rssLimitKb) throw new Broken('memory', `peak RSS ${Math.round(hwm / 1024)} MB over ${Math.round(this.rssLimitKb / 1024)} MB`);
      return undefined;
    } catch (e) {
      return this.failureOf(e, -1);
    }
  }

  async dispose(): Promise<void> {
    const stop = async (s: ServerUnderTest | undefined): Promise<void> => {
      if (!s) return;
      try {
        await Promise.race([s.stop(), new Promise((r) => setTimeout(r, 5000))]);
      } finally {
        if (s.alive) s.proc.kill('SIGKILL');
      }
    };
    await Promise.all([stop(this.main), stop(this.reference)]);
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private failureOf(e: unknown, step: number): Failure {
    if (e instanceof Broken) return { kind: e.kind, step, message: e.message };
    return { kind: 'harness', step, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }

  private checkServers(): void {
    for (const [name, s] of [['server', this.main], ['reference server', this.reference]] as const) {
      if (!s) continue;
      if (!s.alive) throw new Broken('crash', `the ${name} exited (code ${String(s.exitCode)}); stderr: ${short(s.stderr, 2000)}`);
      const seen = s === this.main ? this.mainLogsSeen : this.referenceLogsSeen;
      for (const message of s.logs.slice(seen)) {
        if (EXCEPTION.test(message)) throw new Broken('logged-exception', `the ${name} logged: ${short(message, 3000)}`);
      }
      if (s === this.main) this.mainLogsSeen = s.logs.length;
      else this.referenceLogsSeen = s.logs.length;
      if (EXCEPTION.test(s.stderr)) throw new Broken('logged-exception', `the ${name} wrote to stderr: ${short(s.stderr, 3000)}`);
    }
    const rss = statusKb(this.main?.proc.pid, 'VmRSS');
    this.stats.peakRssKb = Math.max(this.stats.peakRssKb, rss);
    if (rss > this.rssLimitKb && !this.options.keepGoing) throw new Broken('memory', `RSS ${Math.round(rss / 1024)} MB over ${Math.round(this.rssLimitKb / 1024)} MB`);
  }

  /** Whether every open document is within 2,000 lines / 200 kB (where the timing target applies). */
  private withinTarget(): boolean {
    for (const d of this.docs.values()) {
      const bytes = Buffer.byteLength(d.text, 'utf8');
      const lines = lineStarts(d.text).length;
      this.stats.largestDocumentBytes = Math.max(this.stats.largestDocumentBytes, bytes);
      this.stats.largestDocumentLines = Math.max(this.stats.largestDocumentLines, lines);
      if (bytes > TARGET_BYTES || lines > TARGET_LINES) return false;
    }
    return true;
  }

  private async timed<T>(server: ServerUnderTest, method: string, promise: Promise<T>, op: number, counted = true, detail?: { file: string; diagnostics: number }): Promise<T> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Broken('hang', `${method} unanswered after ${this.hangMs} ms`)), this.hangMs);
    });
    let result: T;
    try {
      result = await Promise.race([promise, hang]);
    } catch (e) {
      if (e instanceof Broken) throw e;
      const err = e as { code?: number; message?: string };
      if (!server.alive) throw new Broken('crash', `the server exited during ${method} (code ${String(server.exitCode)}); stderr: ${short(server.stderr, 2000)}`);
      throw new Broken('jsonrpc-error', `${method} answered with an error ${String(err.code)}: ${short(String(err.message), 2000)}`);
    } finally {
      clearTimeout(timer);
    }
    const ms = performance.now() - started;
    if (server === this.main && counted) {
      this.stats.requests++;
      const m = (this.stats.methods[method] ??= { count: 0, totalMs: 0, maxMs: 0, over: 0 });
      m.count++;
      m.totalMs += ms;
      m.maxMs = Math.max(m.maxMs, ms);
      if (ms > this.slowMs) m.over++;
      if (method !== 'initialize') {
        if (this.withinTarget()) {
          if (!this.stats.slowestInTarget || ms > this.stats.slowestInTarget.ms) this.stats.slowestInTarget = { method, ms, op };
          if (ms > this.slowMs) {
            const d = detail ? this.docs.get(detail.file) : undefined;
            const lines = d ? lineStarts(d.text).length : 0;
            this.stats.slow.push({ method, ms, op, lines, diagnostics: detail?.diagnostics ?? 0 });
            const what = `${method} took ${Math.round(ms)} ms (limit ${this.slowMs} ms)${d ? ` on ${detail!.file} (${lines} lines${detail!.diagnostics ? `, ${detail!.diagnostics} diagnostics in the request` : ''})` : ''}`;
            if (!this.options.keepGoing) throw new Broken('slow', what);
          }
        } else if (ms > this.slowMs) this.stats.overLimitBeyondTarget++;
      }
    }
    return result;
  }

  private request<T>(server: ServerUnderTest, method: string, params: unknown, op: number): Promise<T> {
    const p = params as { textDocument?: { uri?: string }; context?: { diagnostics?: unknown[] } };
    const file = p?.textDocument?.uri ? this.fileOf(p.textDocument.uri) : undefined;
    const detail = file !== undefined ? { file, diagnostics: p.context?.diagnostics?.length ?? 0 } : undefined;
    return this.timed(server, method, server.connection.sendRequest(method, params) as Promise<T>, op, true, detail);
  }

  private doc(file: string): OpenDoc | undefined {
    return this.docs.get(file);
  }

  private async notifyBoth(method: string, params: unknown): Promise<void> {
    await this.main!.connection.sendNotification(method, params);
    if (this.reference) await this.reference.connection.sendNotification(method, params);
  }

  private async run(op: ServerOp, index: number): Promise<void> {
    switch (op.op) {
      case 'open':
        return this.open(op.file, op.text === undefined ? undefined : textOf(op.text));
      case 'close': {
        if (!this.docs.has(op.file)) return;
        this.docs.delete(op.file);
        await this.notifyBoth('textDocument/didClose', { textDocument: { uri: this.uri(op.file) } });
        return;
      }
      case 'edit':
        return this.edit(op.file, op.changes.map((c) => ({ ...(c.range ? { range: c.range } : {}), text: textOf(c.text) })));
      case 'pull':
        return this.pull(op.file, index);
      case 'codeAction':
        return this.codeAction(op, index);
      case 'hover':
        return this.hover(op.file, op.position, index);
      case 'apply':
        return this.apply(op.pick, index);
      case 'newMigration':
        return this.newMigration(op.dir, op.title, index);
      case 'fs':
        return this.fsOp(op);
    }
  }

  private async open(file: string, text: string | undefined): Promise<void> {
    if (this.docs.has(file)) return;
    const t = text ?? this.diskText(file) ?? '';
    this.docs.set(file, { text: t, version: 1, pulls: [], referenceText: t });
    await this.notifyBoth('textDocument/didOpen', { textDocument: { uri: this.uri(file), languageId: 'sql', version: 1, text: t } });
  }

  private async edit(file: string, changes: ContentChange[]): Promise<void> {
    const d = this.doc(file);
    if (!d) return;
    this.stats.edits++;
    d.version++;
    for (const c of changes) d.text = applyChange(d.text, c);
    await this.main!.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri(file), version: d.version }, contentChanges: changes });
  }

  /** Brings the reference server's documents to the model's texts, each sent whole. */
  private async syncReference(): Promise<void> {
    if (!this.reference) return;
    for (const [file, d] of this.docs) {
      if (d.referenceText === d.text) continue;
      d.referenceText = d.text;
      await this.reference.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri(file), version: d.version }, contentChanges: [{ text: d.text }] });
    }
  }

  private textForUri(uri: string): string | undefined {
    const file = this.fileOf(uri);
    if (file === undefined) return undefined;
    return this.docs.get(file)?.text ?? this.diskText(file);
  }

  private async pull(file: string, index: number): Promise<void> {
    const d = this.doc(file);
    if (!d) return;
    const params = { textDocument: { uri: this.uri(file) } };
    const report = await this.request<{ kind: string; items: Diagnostic[] }>(this.main!, 'textDocument/diagnostic', params, index);
    if (!report || report.kind !== 'full' || !Array.isArray(report.items)) throw new Broken('bad-response', `textDocument/diagnostic: ${short(JSON.stringify(report))}`);
    const starts = lineStarts(d.text);
    for (const item of report.items) {
      const problem = rangeProblem(d.text, item.range, starts);
      if (problem) throw new Broken('range', `diagnostic ${String(item.code)} of ${file}: ${problem} (document of ${starts.length} lines, ${d.text.length} characters)`);
      for (const rel of item.relatedInformation ?? []) {
        const other = this.textForUri(rel.location.uri);
        const p = other === undefined ? `unknown file ${rel.location.uri}` : rangeProblem(other, rel.location.range);
        if (p) throw new Broken('range', `related information of ${String(item.code)} in ${file}: ${p}`);
      }
    }
    d.pulls.push({ text: d.text, items: report.items });
    if (d.pulls.length > 20) d.pulls.shift();
    if (this.reference) {
      await this.syncReference();
      let ref = await this.request<{ kind: string; items: Diagnostic[] }>(this.reference, 'textDocument/diagnostic', params, index);
      this.stats.diagnosticsCompared++;
      // In a folder with a long history, a server answers first without the findings that need it
      // and pulls again once it has read it (it asks the client to refresh): the two servers may be
      // at different points of that. Equal once both have settled is what counts.
      let mineNow = report.items;
      for (let retry = 0; retry < 40 && !sameJson(mineNow, ref.items); retry++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        mineNow = (await this.request<{ kind: string; items: Diagnostic[] }>(this.main!, 'textDocument/diagnostic', params, index)).items;
        ref = await this.request<{ kind: string; items: Diagnostic[] }>(this.reference, 'textDocument/diagnostic', params, index);
        if (sameJson(mineNow, ref.items)) this.stats.diagnosticsSettledLater++;
      }
      if (!sameJson(mineNow, ref.items)) {
        const mine = mineNow.map((i) => JSON.stringify(i));
        const theirs = new Set(ref.items.map((i) => JSON.stringify(i)));
        const extra = mine.filter((m) => !theirs.has(m));
        const missing = ref.items.map((i) => JSON.stringify(i)).filter((t) => !mine.includes(t));
        throw new Broken(
          'desync',
          `diagnostics of the edited ${file} differ from those of its text sent whole: only incremental: ${short(extra.join('\n'), 1500)}; only whole: ${short(missing.join('\n'), 1500)}`,
        );
      }
    }
  }

  private async hover(file: string, position: Position, index: number): Promise<void> {
    const d = this.doc(file);
    if (!d) return;
    const hover = await this.request<{ contents: unknown; range?: Range } | null>(this.main!, 'textDocument/hover', { textDocument: { uri: this.uri(file) }, position }, index);
    if (hover === null) return;
    if (typeof hover !== 'object' || hover.contents === undefined) throw new Broken('bad-response', `textDocument/hover: ${short(JSON.stringify(hover))}`);
    if (hover.range) {
      const problem = rangeProblem(d.text, hover.range);
      if (problem) throw new Broken('range', `hover range in ${file}: ${problem}`);
    }
  }

  private async codeAction(op: Extract<ServerOp, { op: 'codeAction' }>, index: number): Promise<void> {
    const d = this.doc(op.file);
    if (!d || d.pulls.length === 0) return;
    const pull = d.pulls[Math.max(0, d.pulls.length - 1 - op.stale)]!;
    const overlaps = (r: Range): boolean => {
      const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character < b.character);
      return !before(r.end, op.range.start) && !before(op.range.end, r.start);
    };
    const diagnostics = op.select === 'all' ? pull.items : pull.items.filter((i) => overlaps(i.range));
    const stale = pull.text !== d.text;
    if (stale) this.stats.codeActionsWithStaleDiagnostics++;
    const params = { textDocument: { uri: this.uri(op.file) }, range: op.range, context: { diagnostics, triggerKind: 1 } };
    const result = await this.request<unknown[] | null>(this.main!, 'textDocument/codeAction', params, index);
    if (result === null) return;
    if (!Array.isArray(result)) throw new Broken('bad-response', `textDocument/codeAction: ${short(JSON.stringify(result))}`);
    // Diagnostics of an older text that the current text no longer has (as they are): their fixes are stale.
    const current = d.pulls.filter((p) => p.text === d.text).flatMap((p) => p.items.map((i) => JSON.stringify(i)));
    const staleFixes = stale
      ? diagnostics.filter((g) => g.data?.fix?.edits !== undefined && !current.includes(JSON.stringify(g))).map((g) => ({ code: g['code'], edits: JSON.stringify(g.data!.fix!.edits) }))
      : [];
    for (const action of result) {
      const a = action as { title?: string; edit?: WorkspaceEditLike; command?: { command?: string; arguments?: unknown[] } | string; arguments?: unknown[] };
      if (typeof a?.title !== 'string') throw new Broken('bad-response', `a code action without a title: ${short(JSON.stringify(action))}`);
      const edits = this.editsOf(a);
      for (const e of edits) {
        this.checkWorkspaceEdit(e, `code action "${a.title}"`);
        const onThis = [...(e.changes?.[this.uri(op.file)] ?? []), ...(e.documentChanges ?? []).flatMap((c) => ('textDocument' in c && c.textDocument.uri === this.uri(op.file) ? c.edits : []))];
        const json = JSON.stringify(onThis.map((x) => ({ range: x.range, newText: x.newText })));
        const hit = staleFixes.find((s) => s.edits === json);
        if (hit) throw new Broken('stale-fix', `code action "${a.title}" returns the fix of a ${String(hit.code)} diagnostic from an older text: ${short(json)}`);
      }
    }
    this.lastActions = { file: op.file, version: d.version, actions: result };
  }

  private editsOf(a: { edit?: WorkspaceEditLike; command?: { command?: string; arguments?: unknown[] } | string; arguments?: unknown[] }): WorkspaceEditLike[] {
    const out: WorkspaceEditLike[] = [];
    if (a.edit) out.push(a.edit);
    const cmd = typeof a.command === 'object' ? a.command : typeof a.command === 'string' ? { command: a.command, arguments: a.arguments } : undefined;
    if (cmd?.command === APPLY_EDIT_AND_OPEN) {
      const e = cmd.arguments?.[0] as WorkspaceEditLike | undefined;
      if (!e || typeof e !== 'object') throw new Broken('bad-response', `${APPLY_EDIT_AND_OPEN} without an edit: ${short(JSON.stringify(cmd))}`);
      out.push(e);
    }
    return out;
  }

  /** Checks a WorkspaceEdit against the current texts, as a client would apply it (without applying it). */
  private checkWorkspaceEdit(edit: WorkspaceEditLike, what: string): void {
    const virtual = new Map<string, string | undefined>();
    const textOfUri = (uri: string): string | undefined => (virtual.has(uri) ? virtual.get(uri) : this.textForUri(uri));
    const checkEdits = (uri: string, edits: TextEditLike[]): void => {
      if (this.fileOf(uri) === undefined) throw new Broken('edit-target', `${what} edits ${uri}, outside the workspace`);
      const text = textOfUri(uri);
      if (text === undefined) throw new Broken('edit-target', `${what} edits ${this.fileOf(uri)}, which does not exist`);
      if (!Array.isArray(edits)) throw new Broken('bad-response', `${what}: edits of ${uri} are not an array`);
      const starts = lineStarts(text);
      for (const e of edits) {
        const problem = rangeProblem(text, e?.range, starts);
        if (problem) throw new Broken('range', `${what} edits ${this.fileOf(uri)}: ${problem} (${starts.length} lines)`);
        if (typeof e.newText !== 'string') throw new Broken('bad-response', `${what}: an edit without newText`);
      }
      const sorted = edits.map((e) => e.range).sort((x, y) => x.start.line - y.start.line || x.start.character - y.start.character);
      for (let i = 1; i < sorted.length; i++) {
        const p = sorted[i - 1]!.end;
        const c = sorted[i]!.start;
        if (p.line > c.line || (p.line === c.line && p.character > c.character)) throw new Broken('range', `${what}: overlapping edits in ${this.fileOf(uri)}`);
      }
      virtual.set(uri, applyEdits(text, edits));
    };
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) checkEdits(uri, edits);
    for (const c of edit.documentChanges ?? []) {
      if ('textDocument' in c) {
        const file = this.fileOf(c.textDocument.uri);
        const open = file === undefined ? undefined : this.docs.get(file);
        if (c.textDocument.version !== null && c.textDocument.version !== undefined && open && c.textDocument.version !== open.version) {
          throw new Broken('stale-version', `${what} edits ${file} at version ${c.textDocument.version}; the document is at ${open.version}`);
        }
        checkEdits(c.textDocument.uri, c.edits);
      } else if (c.kind === 'create') {
        const uri = c.uri ?? '';
        if (this.fileOf(uri) === undefined) throw new Broken('edit-target', `${what} creates ${uri}, outside the workspace`);
        const exists = textOfUri(uri) !== undefined;
        if (exists && c.options?.overwrite) throw new Broken('overwrite', `${what} overwrites ${this.fileOf(uri)}`);
        if (exists && !c.options?.ignoreIfExists) throw new Broken('overwrite', `${what} creates ${this.fileOf(uri)}, which exists (the client would refuse the edit)`);
        if (!exists) virtual.set(uri, '');
      } else if (c.kind === 'rename') {
        // "Rename to <name>": a file of the workspace to a name that is free, never overwriting.
        const from = c.oldUri ?? '';
        const to = c.newUri ?? '';
        if (this.fileOf(from) === undefined || this.fileOf(to) === undefined) throw new Broken('edit-target', `${what} renames ${from} to ${to}, outside the workspace`);
        if (textOfUri(from) === undefined) throw new Broken('edit-target', `${what} renames ${this.fileOf(from)}, which does not exist`);
        if (textOfUri(to) !== undefined) throw new Broken('overwrite', `${what} renames onto ${this.fileOf(to)}, which exists`);
        if (c.options?.overwrite) throw new Broken('overwrite', `${what} renames with overwrite`);
        virtual.set(to, textOfUri(from));
        virtual.set(from, undefined);
      } else {
        throw new Broken('edit-target', `${what} ${c.kind}s files: ${short(JSON.stringify(c))}`);
      }
    }
  }

  private applicable(actions: unknown[]): { edit?: WorkspaceEditLike; command?: { command?: string; arguments?: unknown[] } | string; arguments?: unknown[]; disabled?: unknown }[] {
    return (actions as { edit?: WorkspaceEditLike; command?: { command?: string; arguments?: unknown[] } | string; disabled?: unknown }[]).filter(
      (a) => !a.disabled && this.editsOf(a).length > 0,
    );
  }

  private async apply(pick: number, index: number): Promise<void> {
    const last = this.lastActions;
    if (!last) return;
    const d = this.docs.get(last.file);
    // A client applies an action only while its document is as it was when the action was computed.
    if (!d || d.version !== last.version) return;
    const candidates = this.applicable(last.actions);
    if (candidates.length === 0) return;
    const action = candidates[pick % candidates.length]!;
    this.stats.appliedActions++;
    for (const e of this.editsOf(action)) await this.applyWorkspaceEdit(e);
    const cmd = typeof action.command === 'object' ? action.command : undefined;
    const toOpen = cmd?.command === APPLY_EDIT_AND_OPEN && typeof cmd.arguments?.[1] === 'string' ? this.fileOf(cmd.arguments[1]) : undefined;
    if (toOpen !== undefined) await this.open(toOpen, undefined);
    this.lastActions = undefined;
    void index;
  }

  /** Applies a WorkspaceEdit as a client does: open documents through didChange, other files on disk. */
  private async applyWorkspaceEdit(edit: WorkspaceEditLike): Promise<void> {
    try {
      await this.applyWorkspaceEditUnchecked(edit);
    } catch (e) {
      if (e instanceof Broken) throw e;
      throw new Broken('edit-target', `the client cannot apply the edit: ${(e as Error).message}`);
    }
  }

  private async applyWorkspaceEditUnchecked(edit: WorkspaceEditLike): Promise<void> {
    const events: { uri: string; type: number }[] = [];
    const renamed: [string, string][] = [];
    const editFile = async (uri: string, edits: TextEditLike[]): Promise<void> => {
      const file = this.fileOf(uri);
      if (file === undefined) return;
      const open = this.docs.get(file);
      if (open) {
        const changes = edits
          .map((e, i) => ({ e, i }))
          .sort((x, y) => y.e.range.start.line - x.e.range.start.line || y.e.range.start.character - x.e.range.start.character || y.i - x.i)
          .map(({ e }) => ({ range: e.range, text: e.newText }));
        await this.edit(file, changes);
      } else {
        const text = this.diskText(file);
        if (text === undefined) return;
        fs.writeFileSync(this.abs(file), applyEdits(text, edits));
        events.push({ uri, type: 2 });
      }
    };
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) await editFile(uri, edits);
    for (const c of edit.documentChanges ?? []) {
      if ('textDocument' in c) await editFile(c.textDocument.uri, c.edits);
      else if (c.kind === 'create' && c.uri) {
        const file = this.fileOf(c.uri);
        if (file === undefined || fs.existsSync(this.abs(file))) continue;
        fs.mkdirSync(path.dirname(this.abs(file)), { recursive: true });
        fs.writeFileSync(this.abs(file), '');
        events.push({ uri: c.uri, type: 1 });
      } else if (c.kind === 'rename' && c.oldUri && c.newUri) {
        const from = this.fileOf(c.oldUri);
        const to = this.fileOf(c.newUri);
        if (from === undefined || to === undefined || !fs.existsSync(this.abs(from)) || fs.existsSync(this.abs(to))) continue;
        fs.mkdirSync(path.dirname(this.abs(to)), { recursive: true });
        fs.renameSync(this.abs(from), this.abs(to));
        events.push({ uri: c.oldUri, type: 3 }, { uri: c.newUri, type: 1 });
        renamed.push([from, to]);
      }
    }
    if (events.length > 0) await this.notifyBoth('workspace/didChangeWatchedFiles', { changes: events });
    // An editor follows a rename of an open file: it closes the old document and opens the new one.
    for (const [from, to] of renamed) {
      const d = this.docs.get(from);
      if (!d) continue;
      this.docs.delete(from);
      await this.notifyBoth('textDocument/didClose', { textDocument: { uri: this.uri(from) } });
      await this.open(to, d.text);
    }
  }

  private async newMigration(dir: string, title: string, index: number): Promise<void> {
    const result = await this.request<{ ok: boolean; upUri?: string; edit?: WorkspaceEditLike; message?: string }>(
      this.main!,
      'migrationGuard/createPairedMigration',
      { directory: this.uri(dir), title },
      index,
    );
    if (!result || typeof result.ok !== 'boolean') throw new Broken('bad-response', `createPairedMigration: ${short(JSON.stringify(result))}`);
    if (!result.ok) {
      if (typeof result.message !== 'string' || result.message.trim() === '') throw new Broken('bad-response', 'createPairedMigration failed without a message');
      return;
    }
    if (!result.edit) throw new Broken('bad-response', 'createPairedMigration succeeded without an edit');
    this.checkWorkspaceEdit(result.edit, 'createPairedMigration');
    for (const c of result.edit.documentChanges ?? []) {
      const uri = 'textDocument' in c ? c.textDocument.uri : (c.uri ?? '');
      const file = this.fileOf(uri);
      if (file === undefined || !(file === dir || file.startsWith(`${dir}/`))) throw new Broken('edit-target', `createPairedMigration in ${dir} writes ${uri}`);
    }
    await this.applyWorkspaceEdit(result.edit);
    const up = result.upUri ? this.fileOf(result.upUri) : undefined;
    if (up !== undefined) await this.open(up, undefined);
  }

  private async fsOp(op: Extract<ServerOp, { op: 'fs' }>): Promise<void> {
    const p = this.abs(op.file);
    const events: { uri: string; type: number }[] = [];
    switch (op.action) {
      case 'create':
      case 'write': {
        const exists = fs.existsSync(p);
        if (op.action === 'create' ? exists : !exists) return;
        if (exists && fs.statSync(p).isDirectory()) return;
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, textOf(op.text));
        events.push({ uri: this.uri(op.file), type: exists ? 2 : 1 });
        break;
      }
      case 'delete':
        if (!fs.existsSync(p) || fs.statSync(p).isDirectory()) return;
        fs.rmSync(p);
        events.push({ uri: this.uri(op.file), type: 3 });
        break;
      case 'rename': {
        const to = this.abs(op.to);
        if (!fs.existsSync(p) || fs.statSync(p).isDirectory() || fs.existsSync(to) || this.docs.has(op.to)) return;
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.renameSync(p, to);
        events.push({ uri: this.uri(op.file), type: 3 }, { uri: this.uri(op.to), type: 1 });
        break;
      }
    }
    await this.notifyBoth('workspace/didChangeWatchedFiles', { changes: events });
    // An editor follows a rename of an open file: it closes the old document and opens the new one.
    if (op.action === 'rename' && this.docs.has(op.file)) {
      const d = this.docs.get(op.file)!;
      this.docs.delete(op.file);
      await this.notifyBoth('textDocument/didClose', { textDocument: { uri: this.uri(op.file) } });
      await this.open(op.to, d.text);
    }
  }
}

/** Runs a whole case; stops at the first failure. */
export async function runServerCase(c: ServerCase, options: RunOptions = {}): Promise<{ failure: Failure | undefined; stats: RunStats }> {
  const run = new ServerRun(options);
  try {
    let failure = await run.start(c.files);
    for (let i = 0; !failure && i < c.ops.length; i++) failure = await run.exec(c.ops[i]!, i);
    failure ??= await run.finish();
    return { failure, stats: run.stats };
  } finally {
    await run.dispose();
  }
}
