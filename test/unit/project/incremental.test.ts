/**
 * Property: the language server's incremental path (one workspace for its life, told what changed
 * by document edits and file-watcher events, keeping timelines, parses, replays and analyses) gives
 * exactly what a from-scratch analysis of the same files gives, after any sequence of edits:
 * typing in the newest and in early migrations, files created, deleted and renamed on disk,
 * documents opened and closed unsaved. Seeded; `MIGRATION_GUARD_PROPERTY_SEED` and
 * `MIGRATION_GUARD_PROPERTY_STEPS` run it longer or with another seed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { NodeFileHost, OverlayFileHost } from '../../../server/src/engine/host';
import { Workspace } from '../../../server/src/engine/project/workspace';
import { Documents } from '../../../server/src/lsp/documents';
import { seededRandom } from '../seeded-random';

/** Statements whose effect on the schema (and on the rules) depends on what came before. */
const SNIPPETS = [
  'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);',
  'ALTER TABLE users ADD COLUMN name varchar(40);',
  'ALTER TABLE users ALTER COLUMN name TYPE varchar(20);',
  'ALTER TABLE users DROP COLUMN name;',
  'ALTER TABLE users RENAME COLUMN email TO mail;',
  'CREATE INDEX users_email_idx ON users (email);',
  'DROP INDEX users_email_idx;',
  'CREATE TABLE posts (id int, author bigint REFERENCES users);',
  'DROP TABLE posts;',
  'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
  'UPDATE users SET email = lower(email);',
  'DELETE FROM posts;',
  'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
  '-- a comment; with a semicolon',
  'CREATE TYPE mood AS ENUM (\'ok\');',
  'ALTER TYPE mood ADD VALUE \'sad\';',
  'SELEC broken;',
  "SET search_path = app, public;",
  'CREATE SCHEMA app;',
  'CREATE TABLE app.events (id int);',
];

interface State {
  dir: string;
  docs: Documents;
  /** What the editor has open: path → text (maybe unsaved, maybe not on disk). */
  open: Map<string, string>;
}

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function migrationFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith('.sql')).sort();
}

/** Every file the editor or the disk has, as a from-scratch host sees it. */
function freshAnalysis(state: State, file: string, text: string): string {
  const overlay = new OverlayFileHost(new NodeFileHost());
  for (const [p, t] of state.open) overlay.set(p, t);
  return summarize(analyzeFile({ filePath: file, text, host: new Workspace(overlay).host }).findings);
}

function incrementalAnalysis(state: State, file: string, text: string): string {
  const ws = state.docs.workspace;
  return summarize(analyzeFile({ filePath: file, text, host: ws.host, workspace: ws }).findings);
}

/** Runs `body` with a new `migrations` folder in a temporary directory, removed afterwards. */
function inMigrationsFolder(prefix: string, body: (dir: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    const dir = path.join(root, 'migrations');
    fs.mkdirSync(dir);
    body(dir);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Typing into an open document: its incremental analysis, checked against a fresh one of the same files. */
function typist(state: State, file: string): (text: string) => string {
  return (text) => {
    state.open.set(file, text);
    state.docs.contentChanged(file, text);
    const incremental = incrementalAnalysis(state, file, text);
    assert.equal(incremental, freshAnalysis(state, file, text));
    return incremental;
  };
}

function summarize(findings: { ruleId: string; range: unknown; message: string; fix?: unknown; suppress?: unknown }[]): string {
  return JSON.stringify(findings.map((f) => [f.ruleId, f.range, f.message, f.fix ?? null, f.suppress ?? null]));
}

/** How migrations are laid out: golang-migrate's up and down files, or goose's one file with both sections. */
type Layout = 'pair' | 'goose';

function gooseText(up: string, down: string): string {
  return `-- +goose Up\n${up}\n-- +goose Down\n${down}\n`;
}

/** One random step, as the editor and the file watcher report it to the server. */
function step(state: State, r: () => number, layout: Layout = 'pair'): string {
  const { dir, docs, open } = state;
  const files = migrationFiles(dir);
  const roll = r();
  const textOf = (p: string): string => open.get(p) ?? (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '');
  if (roll < 0.6 && files.length > 0) {
    // Typing: insert or delete text in an open (or newly opened) file, early or late.
    const name = r() < 0.5 ? files[files.length - 1]! : pick(r, files);
    const p = path.join(dir, name);
    let text = textOf(p);
    const at = Math.floor(r() * (text.length + 1));
    if (r() < 0.6 || text.length === 0) text = text.slice(0, at) + (r() < 0.5 ? `\n${pick(r, SNIPPETS)}\n` : pick(r, [' ', 'x', ';', '(', "'"])) + text.slice(at);
    else text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(r() * 12)));
    open.set(p, text);
    docs.contentChanged(p, text);
    return `edit ${name}`;
  }
  if (roll < 0.68) {
    // A new migration on disk (the next version, or one slipped in before others).
    const version = r() < 0.7 ? files.length + 1 : Math.max(1, Math.floor(r() * files.length));
    const name = `${String(version).padStart(4, '0')}_${Math.floor(r() * 1000)}${layout === 'goose' ? '' : r() < 0.75 ? '.up' : '.down'}.sql`;
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return 'noop';
    fs.writeFileSync(p, layout === 'goose' ? gooseText(`${pick(r, SNIPPETS)}\n${pick(r, SNIPPETS)}`, pick(r, SNIPPETS)) : `${pick(r, SNIPPETS)}\n${pick(r, SNIPPETS)}\n`);
    docs.filesChanged([{ path: p, kind: 'created' }]);
    return `create ${name}`;
  }
  if (roll < 0.72 && files.length > 1) {
    const name = pick(r, files);
    const p = path.join(dir, name);
    fs.rmSync(p);
    docs.filesChanged([{ path: p, kind: 'deleted' }]);
    return `delete ${name}`;
  }
  if (roll < 0.76 && files.length > 0) {
    // A rename: the watcher reports a delete and a create.
    const name = pick(r, files);
    const to = name.replace(/^(\d+)_/, (_, v: string) => `${String(Number(v) + 1).padStart(v.length, '0')}_`).replace('.up.', r() < 0.3 ? '.down.' : '.up.');
    const from = path.join(dir, name);
    const dest = path.join(dir, to);
    if (fs.existsSync(dest) || open.has(from)) return 'noop';
    fs.renameSync(from, dest);
    docs.filesChanged([
      { path: from, kind: 'deleted' },
      { path: dest, kind: 'created' },
    ]);
    return `rename ${name} → ${to}`;
  }
  if (roll < 0.9 && files.length > 0) {
    // An early migration changed on disk (a pull, a checkout).
    const name = files[Math.floor(r() * Math.min(3, files.length))]!;
    const p = path.join(dir, name);
    if (open.has(p)) return 'noop';
    fs.writeFileSync(p, `${fs.readFileSync(p, 'utf8')}\n${pick(r, SNIPPETS)}\n`);
    docs.filesChanged([{ path: p, kind: 'changed' }]);
    return `change on disk ${name}`;
  }
  // Open an unsaved new file, or close a document (its unsaved text is dropped).
  if (r() < 0.5 || open.size === 0) {
    const p = path.join(dir, `${String(files.length + 1).padStart(4, '0')}_draft${layout === 'goose' ? '' : '.down'}.sql`);
    if (fs.existsSync(p) || open.has(p)) return 'noop';
    open.set(p, layout === 'goose' ? gooseText(pick(r, SNIPPETS), pick(r, SNIPPETS)) : pick(r, SNIPPETS));
    docs.contentChanged(p, open.get(p)!);
    return `open unsaved ${path.basename(p)}`;
  }
  const p = pick(r, [...open.keys()]);
  open.delete(p);
  docs.closed(p);
  return `close ${path.basename(p)}`;
}

describe('project: the incremental path gives what a fresh analysis gives', function () {
  this.timeout(120000);

  const seeds = process.env.MIGRATION_GUARD_PROPERTY_SEED ? [Number(process.env.MIGRATION_GUARD_PROPERTY_SEED)] : [20261203, 5];
  const runs: [number, Layout][] = [...seeds.map((seed): [number, Layout] => [seed, 'pair']), [seeds[0]!, 'goose']];
  for (const [seed, layout] of runs) it(`after every step of a seeded random edit sequence (seed ${seed}${layout === 'goose' ? ', goose files: up and down sections in one file' : ''})`, () => {
    const steps = Number(process.env.MIGRATION_GUARD_PROPERTY_STEPS ?? 150);
    const r = seededRandom(seed);
    inMigrationsFolder('mg-incremental-', (dir) => {
      if (layout === 'goose') {
        fs.writeFileSync(path.join(dir, '0001_users.sql'), gooseText(SNIPPETS[0]!, 'DROP TABLE users;'));
        fs.writeFileSync(path.join(dir, '0002_name.sql'), gooseText(`${SNIPPETS[1]}\n${SNIPPETS[5]}`, 'DROP INDEX users_email_idx;'));
      } else {
        fs.writeFileSync(path.join(dir, '0001_users.up.sql'), `${SNIPPETS[0]}\n`);
        fs.writeFileSync(path.join(dir, '0001_users.down.sql'), 'DROP TABLE users;\n');
        fs.writeFileSync(path.join(dir, '0002_name.up.sql'), `${SNIPPETS[1]}\n${SNIPPETS[5]}\n`);
      }
      const state: State = { dir, docs: new Documents(), open: new Map() };
      const log: string[] = [];
      let compared = 0;
      for (let i = 0; i < steps; i++) {
        log.push(step(state, r, layout));
        // The open documents and two files from disk, as VS Code re-pulls the open ones.
        const onDisk = migrationFiles(dir).map((n) => path.join(dir, n));
        const targets = new Set([...state.open.keys(), ...(onDisk.length > 0 ? [pick(r, onDisk), onDisk[onDisk.length - 1]!] : [])]);
        for (const file of targets) {
          const text = state.open.get(file) ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
          if (text === undefined) continue;
          const incremental = incrementalAnalysis(state, file, text);
          const fresh = freshAnalysis(state, file, text);
          assert.equal(incremental, fresh, `seed ${seed}, step ${i} (${log.slice(-5).join('; ')}): ${path.basename(file)} differs from a fresh analysis`);
          compared++;
        }
      }
      assert.ok(compared > steps, `compared ${compared} analyses`);
      if (layout === 'goose') {
        const first = path.join(dir, migrationFiles(dir)[0]!);
        assert.equal(analyzeFile({ filePath: first, text: fs.readFileSync(first, 'utf8'), host: new NodeFileHost() }).convention.id, 'goose', 'the folder is read as goose files');
      }
    });
  });
});

describe('project: a comment typed in an up keeps what its pair computed', () => {
  it('the findings move with their statements, as a fresh analysis puts them, without checking the pair again', () => {
    inMigrationsFolder('mg-rebase-', (dir) => {
      const up = path.join(dir, '0001_init.up.sql');
      const upText = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n';
      fs.writeFileSync(up, upText);
      fs.writeFileSync(path.join(dir, '0001_init.down.sql'), 'DROP TABLE b;\n');
      const state: State = { dir, docs: new Documents(), open: new Map() };
      const ws = state.docs.workspace;
      const edit = typist(state, up);
      const missingAt = (summary: string): unknown[] => (JSON.parse(summary) as [string, unknown][]).filter(([id]) => id === 'missing-inverse').map(([, range]) => range);
      const first = edit(upText);
      assert.deepEqual(missingAt(first), [{ start: { line: 0, character: 0 }, end: { line: 0, character: 23 } }]);
      const facts = ws.folderOf(up, ws.conventionOf(up)).pairOf(up)!;
      const consistency = facts.consistency();
      // A comment before the statements: every statement moves down two lines.
      const moved = edit(`-- why\n-- and how\n${upText}`);
      assert.deepEqual(missingAt(moved), [{ start: { line: 2, character: 0 }, end: { line: 2, character: 23 } }]);
      const again = ws.folderOf(up, ws.conventionOf(up)).pairOf(up)!;
      assert.notEqual(again, facts);
      assert.equal(again.consistency()!.upSchemas, consistency!.upSchemas, 'the pair was not checked again');
      assert.equal(again.consistency()!.missing[0]!.statement.span.start, `-- why\n-- and how\n`.length);
      // A statement changed: checked again.
      edit(`-- why\n${upText.replace('b (id int)', 'b (id bigint)')}`);
      assert.notEqual(ws.folderOf(up, ws.conventionOf(up)).pairOf(up)!.consistency()!.upSchemas, consistency!.upSchemas);
    });
  });
});

describe('project: a keystroke in a single-file migration replays what it changed', () => {
  it('a comment typed in a goose file replays no statement, parses none again, and gives what a fresh analysis gives', () => {
    inMigrationsFolder('mg-goose-keystroke-', (dir) => {
      fs.writeFileSync(path.join(dir, '0001_users.sql'), gooseText(SNIPPETS[0]!, 'DROP TABLE users;'));
      const file = path.join(dir, '0002_posts.sql');
      const up = [SNIPPETS[7], SNIPPETS[1], SNIPPETS[5], 'ALTER TABLE posts ADD COLUMN title text;'].join('\n');
      const text = gooseText(up, 'ALTER TABLE users ADD COLUMN extra int;\nDROP INDEX users_email_idx;\nALTER TABLE users DROP COLUMN name;');
      fs.writeFileSync(file, text);
      const state: State = { dir, docs: new Documents(), open: new Map() };
      const ws = state.docs.workspace;
      const edit = typist(state, file);
      const first = edit(text);
      // The analysis reads the pair: the down leaves posts behind (missing-inverse on the up) and
      // adds a column the up never touched (unexpected-down-statement on the down).
      const ids = (JSON.parse(first) as [string][]).map(([id]) => id);
      assert.ok(ids.includes('missing-inverse') && ids.includes('unexpected-down-statement'), first);
      const pairNow = () => ws.folderOf(file, ws.conventionOf(file)).pairOf(file)!;
      const checked = pairNow().consistency()!;
      const statements = ws.stats.replayed;
      const parsed = ws.stats.parses;
      // The file (its rules), its up section (timeline, pair) and its down section (pair) each
      // replay from their own last replay: every statement is where it was, nothing is replayed.
      const commented = text.replace('-- +goose Up\n', '-- +goose Up\n-- why\n');
      edit(commented);
      assert.equal(ws.stats.replayed - statements, 0, 'statements replayed after a comment was typed');
      // The three texts are parsed again (their offsets moved), each once, their statements from the memo.
      assert.equal(ws.stats.parses - parsed, 3, 'parses after a comment was typed');
      // The pair is not checked again: its findings are taken over, on the moved statements of both sections.
      const moved = pairNow().consistency()!;
      assert.equal(moved.undoes, checked.undoes, 'the pair was not checked again');
      assert.equal(moved.unexpected[0]!.statement.span.start, commented.indexOf('ALTER TABLE users ADD COLUMN extra'));
      assert.equal(moved.missing[0]!.statement.span.start, commented.indexOf(SNIPPETS[7]!));
      // A statement changed at the end of the up: the statements before it are not replayed again.
      const replayed = ws.stats.replayed;
      edit(text.replace('-- +goose Up\n', '-- +goose Up\n-- why\n').replace('title text', 'title varchar(80)'));
      assert.ok(ws.stats.replayed - replayed <= 3 * 3, `statements replayed after the last up statement changed: ${ws.stats.replayed - replayed}`);
    });
  });
});
