/**
 * Random editor sessions for the server fuzzer: what an editor (a careless one included) sends while
 * someone edits migrations. Each call of `next` returns a few operations chosen from the current
 * state (open documents, files on disk); the operations are recorded, so a run replays without the
 * generator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyChange, lineLength, lineStarts, positionAt, type Position, type Range } from './model';
import type { Rng } from './rng';
import type { ServerOp, ServerRun, TextSpec } from './server-run';
import { bigText, deepNesting, randomUnits, snippet, statements } from './texts';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SHOP = 'shop/db/migrations';

/** The starting workspace: the demo project (`examples/shop`) and a goose and a dbmate folder. */
export function initialFiles(): Record<string, TextSpec> {
  const files: Record<string, TextSpec> = {};
  const src = path.join(ROOT, 'examples', 'shop');
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(src, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else files[`shop/${rel}`] = fs.readFileSync(path.join(src, rel), 'utf8');
    }
  };
  walk('');
  files['goose/migrations/00001_users.sql'] = [
    '-- +goose Up',
    'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);',
    '-- +goose Down',
    'DROP TABLE users;',
    '',
  ].join('\n');
  files['goose/migrations/00002_drop_email.sql'] = ['-- +goose Up', 'ALTER TABLE users DROP COLUMN email;', '-- +goose Down', ''].join('\n');
  files['dbmate/db/migrations/20240101000000_init.sql'] = [
    '-- migrate:up',
    'CREATE TABLE accounts (id bigint PRIMARY KEY, name text);',
    'CREATE INDEX accounts_name_idx ON accounts (name);',
    '',
    '-- migrate:down',
    'DROP TABLE accounts;',
    '',
  ].join('\n');
  return files;
}

const MIGRATION_DIRS = [SHOP, 'goose/migrations', 'dbmate/db/migrations'];

const CONFIGS = [
  '{ "postgresVersion": 16 }\n',
  '{ "rules": { "ban-drop-table": "off", "require-lock-timeout": "error" } }\n',
  '{ "rules": { "ban-drop-tabel": "off" }, "postgresVersion": 10 }\n',
  '{ "postgresVersion": 16, }\n',
  '{ "migrations": { "convention": "goose" } }\n',
  '{ "rules": ',
  '',
];

const TITLES = ['add users email', 'drop legacy', '../escape', 'a/b\\c', '', '   ', '日本語', 'x'.repeat(300), 'DROP TABLE; --', '\u0000nul', 'e\u0301t\u00e9'];

function randomName(rng: Rng): string {
  const dir = rng.pick(MIGRATION_DIRS);
  const v = String(rng.between(1, 12)).padStart(dir === SHOP ? 6 : 5, '0');
  const title = rng.pick(['x', 'add_column', 'drop_it', 'init', '']);
  if (dir === SHOP) {
    return `${dir}/${rng.pick([
      `${v}_${title}.up.sql`,
      `${v}_${title}.down.sql`,
      `${v}_${title}.up.sql`,
      `${v}_${title}.down.sql`,
      `${v}_${title}_down.sql`,
      `${Number(v)}_${title}.up.sql`,
      `${v}.up.sql`,
      `notes.sql`,
    ])}`;
  }
  if (dir === 'dbmate/db/migrations') return `${dir}/2024010${rng.between(1, 9)}000000_${title || 'm'}.sql`;
  return `${dir}/${v}_${title || 'm'}.sql`;
}

export interface GeneratorOptions {
  /** How often (per edit) a very large insertion or deep nesting is typed. */
  bigRate?: number;
}

export class ServerGenerator {
  constructor(
    private readonly rng: Rng,
    private readonly options: GeneratorOptions = {},
  ) {}

  /** The first operations: open a few documents and pull their diagnostics. */
  start(run: ServerRun): ServerOp[] {
    const files = run.diskFiles().filter((f) => f.endsWith('.sql'));
    const first = [`${SHOP}/000004_backfill_order_status.up.sql`, `${SHOP}/000004_backfill_order_status.down.sql`, this.rng.pick(files)];
    const ops: ServerOp[] = [];
    for (const f of new Set(first)) ops.push({ op: 'open', file: f }, { op: 'pull', file: f });
    return ops;
  }

  next(run: ServerRun): ServerOp[] {
    const rng = this.rng;
    const open = [...run.docs.keys()];
    if (open.length === 0) return this.openSome(run);
    // What a client pulls when the server asks for a refresh: the visible documents (a few of the open ones).
    const refresh = (): ServerOp[] => [...new Set([rng.pick(open), rng.pick(open), rng.pick(open)])].map((f): ServerOp => ({ op: 'pull', file: f }));
    const many = open.length > 6;
    switch (rng.weighted({ edit: 58, codeAction: 12, hover: 9, fs: 4, open: many ? 1 : 4, close: many ? 8 : 2, newMigration: 1, reload: 1 })) {
      case 'edit': {
        const file = rng.pick(open);
        const ops: ServerOp[] = [this.edit(file, run.docs.get(file)!.text), { op: 'pull', file }];
        if (rng.chance(0.1)) ops.push({ op: 'pull', file: rng.pick(open) });
        return ops;
      }
      case 'codeAction': {
        const file = rng.pick(open);
        const d = run.docs.get(file)!;
        const ops: ServerOp[] = [];
        if (d.pulls.length === 0) ops.push({ op: 'pull', file });
        const stale = rng.chance(0.6) ? 0 : rng.between(1, 6);
        ops.push({ op: 'codeAction', file, range: this.actionRange(d.text, d.pulls[d.pulls.length - 1]?.items.map((i) => i.range) ?? []), stale, select: rng.chance(0.7) ? 'overlapping' : 'all' });
        if (rng.chance(0.5)) ops.push({ op: 'apply', pick: rng.int(1000) }, { op: 'pull', file }, ...refresh());
        return ops;
      }
      case 'hover': {
        const file = rng.pick(open);
        return [{ op: 'hover', file, position: this.position(run.docs.get(file)!.text) }];
      }
      case 'fs':
        return [this.fsOp(run), ...refresh()];
      case 'open':
        return this.openSome(run);
      case 'close':
        return open.length > 1 ? [{ op: 'close', file: rng.pick(open) }] : [];
      case 'newMigration':
        // Not in the dbmate folder: its next version is the current time, and replays must name the same files.
        return [{ op: 'newMigration', dir: rng.pick([SHOP, 'goose/migrations']), title: rng.pick(TITLES) }, ...refresh()];
      default: {
        // Close and reopen a document (the editor reloads it from disk).
        const file = rng.pick(open);
        return [{ op: 'close', file }, { op: 'open', file }, { op: 'pull', file }];
      }
    }
  }

  private openSome(run: ServerRun): ServerOp[] {
    const rng = this.rng;
    const closed = run.diskFiles().filter((f) => !run.docs.has(f) && (f.endsWith('.sql') || f.endsWith('.json')));
    if (closed.length > 0 && rng.chance(0.85)) {
      const file = rng.pick(closed);
      return [{ op: 'open', file }, { op: 'pull', file }];
    }
    // A new, unsaved document.
    const file = randomName(rng);
    if (run.docs.has(file)) return [];
    return [{ op: 'open', file, text: statements(rng, rng.between(0, 6)) }, { op: 'pull', file }];
  }

  private fsOp(run: ServerRun): ServerOp {
    const rng = this.rng;
    const files = run.diskFiles();
    const kind = rng.weighted({ create: 4, write: 2, delete: 2, rename: 2, config: 1 });
    if (kind === 'config') {
      const file = 'shop/.migration-guard.json';
      if (files.includes(file) && rng.chance(0.3)) return { op: 'fs', action: 'delete', file };
      return { op: 'fs', action: files.includes(file) ? 'write' : 'create', file, text: rng.pick(CONFIGS) };
    }
    if (kind === 'create' || files.length === 0) return { op: 'fs', action: 'create', file: randomName(rng), text: statements(rng, rng.between(0, 8)) };
    const file = rng.pick(files);
    if (kind === 'write') return { op: 'fs', action: 'write', file, text: statements(rng, rng.between(0, 8)) };
    if (kind === 'delete') return { op: 'fs', action: 'delete', file };
    return { op: 'fs', action: 'rename', file, to: randomName(rng) };
  }

  /** A position: usually inside the text, sometimes past a line's end, past the last line, inside a surrogate pair or a CRLF. */
  position(text: string): Position {
    const rng = this.rng;
    const starts = lineStarts(text);
    switch (rng.weighted({ valid: 80, pastLine: 5, pastEnd: 5, surrogate: 3, crlf: 3, negative: 1, huge: 1 })) {
      case 'pastLine': {
        const line = rng.int(starts.length);
        return { line, character: lineLength(text, starts, line) + rng.between(1, 30) };
      }
      case 'pastEnd':
        return { line: starts.length + rng.int(4), character: rng.int(20) };
      case 'surrogate': {
        const from = rng.int(text.length + 1);
        const i = text.slice(from).search(/[\ud800-\udbff][\udc00-\udfff]/);
        if (i >= 0) return positionAt(text, from + i + 1, starts);
        break;
      }
      case 'crlf': {
        const from = rng.int(text.length + 1);
        const i = text.indexOf('\r\n', from);
        if (i >= 0) {
          const p = positionAt(text, i, starts);
          return { line: p.line, character: p.character + 1 };
        }
        break;
      }
      case 'negative':
        return rng.chance(0.5) ? { line: -1, character: rng.int(5) } : { line: rng.int(starts.length), character: -rng.between(1, 5) };
      case 'huge':
        return { line: rng.chance(0.5) ? 2147483647 : rng.int(starts.length), character: 2147483647 };
    }
    return positionAt(text, rng.int(text.length + 1), starts);
  }

  private range(text: string): Range {
    const rng = this.rng;
    const a = this.position(text);
    if (rng.chance(0.3)) return { start: a, end: a };
    let b = this.position(text);
    // Mostly short ranges: a few characters or lines from the start.
    if (rng.chance(0.6)) {
      const starts = lineStarts(text);
      const ln = Math.max(0, Math.min(a.line, starts.length - 1));
      const from = starts[ln]! + Math.max(0, Math.min(a.character, lineLength(text, starts, ln)));
      b = positionAt(text, from + rng.int(rng.chance(0.8) ? 20 : 400), starts);
      if (a.line < 0 || a.line >= starts.length) b = a;
    }
    const before = a.line < b.line || (a.line === b.line && a.character <= b.character);
    // Reversed ranges now and then (LSP clients should not send them; some do).
    return before || rng.chance(0.1) ? { start: a, end: b } : { start: b, end: a };
  }

  private actionRange(text: string, diagnosticRanges: Range[]): Range {
    const rng = this.rng;
    const starts = lineStarts(text);
    const kind = rng.weighted({ whole: 3, diagnostic: 3, random: 3 });
    if (kind === 'whole') {
      const last = starts.length - 1;
      return { start: { line: 0, character: 0 }, end: { line: last, character: lineLength(text, starts, last) } };
    }
    if (kind === 'diagnostic' && diagnosticRanges.length > 0) return rng.pick(diagnosticRanges);
    return this.range(text);
  }

  edit(file: string, text: string): ServerOp {
    const rng = this.rng;
    const bytes = Buffer.byteLength(text, 'utf8');
    const lines = lineStarts(text).length;
    // Documents stay around the size the timing target covers: large ones shrink.
    if (bytes > 150 * 1024 || lines > 1800) {
      const starts = lineStarts(text);
      const from = rng.int(Math.floor(text.length / 3));
      const to = Math.min(text.length, from + Math.ceil(text.length / 2) + rng.int(text.length));
      return { op: 'edit', file, changes: [{ range: { start: positionAt(text, from, starts), end: positionAt(text, to, starts) }, text: '' }] };
    }
    const bigRate = this.options.bigRate ?? 0.004;
    if (rng.chance(bigRate)) {
      const insert = rng.chance(0.6) ? bigText(rng, 200 * 1024 - bytes - 1024) : deepNesting(rng);
      return { op: 'edit', file, changes: [{ range: this.range(text), text: insert }] };
    }
    if (rng.chance(0.02)) {
      // A paste of many statements.
      const p = this.position(text);
      return { op: 'edit', file, changes: [{ range: { start: p, end: p }, text: statements(rng, rng.between(20, 400)) }] };
    }
    if (rng.chance(0.01)) return { op: 'edit', file, changes: [{ text: rng.chance(0.5) ? statements(rng, rng.between(0, 30)) : randomUnits(rng, rng.between(0, 500)) }] };
    const n = rng.chance(0.85) ? 1 : rng.between(2, 4);
    const changes: { range: Range; text: string }[] = [];
    let t = text;
    for (let i = 0; i < n; i++) {
      const kind = rng.weighted({ insert: 5, delete: 3, replace: 2 });
      const range = kind === 'insert' ? (() => {
        const p = this.position(t);
        return { start: p, end: p };
      })() : this.range(t);
      const newText = kind === 'delete' ? '' : snippet(rng);
      changes.push({ range, text: newText });
      // Later changes of the same didChange apply to the text after the earlier ones.
      t = applyChange(t, { range, text: newText });
    }
    return { op: 'edit', file, changes };
  }
}

