/**
 * The language server's workspace keeps, per file, what makes its next keystroke cheap (analysis,
 * last replay, parses, its pair's facts). Those caches must follow the open documents: a document
 * closed, or a file deleted or renamed away, leaves nothing behind, so a long session that opens,
 * creates and deletes many files keeps as much as it has open (the fuzz tier's 20,000-edit run grew
 * by ~100 MB without this). Entries are counted in-process (`Workspace.cacheSizes`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { THROUGH_KEPT, Workspace } from '../../../server/src/engine/project/workspace';
import { Documents } from '../../../server/src/lsp/documents';
import { RunFileHost } from '../../../cli/src/check';
import { writeTree } from '../golden-folder';

const UP = 'CREATE TABLE t$i (id bigint PRIMARY KEY, name text);\nALTER TABLE t$i ADD COLUMN email text;\n';
const DOWN = 'ALTER TABLE t$i DROP COLUMN email;\nDROP TABLE t$i;\n';

describe('workspace caches follow the open documents', () => {
  let dir: string;
  let docs: Documents;

  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cache-bounds-')));
    fs.mkdirSync(path.join(dir, 'db', 'migrations'), { recursive: true });
    for (let i = 1; i <= 3; i++) {
      fs.writeFileSync(file(i, 'up'), UP.replace(/\$i/g, String(i)));
      fs.writeFileSync(file(i, 'down'), DOWN.replace(/\$i/g, String(i)));
    }
    docs = new Documents();
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function file(i: number, direction: 'up' | 'down'): string {
    return path.join(dir, 'db', 'migrations', `${String(i).padStart(6, '0')}_m${i}.${direction}.sql`);
  }

  function pull(p: string, text: string): string[] {
    const ws = docs.workspace;
    return analyzeFile({ filePath: p, text, host: ws.host, workspace: ws }).findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}`);
  }

  it('opening, editing and closing 150 documents keeps only what is open', () => {
    const keep = file(3, 'up');
    const keepText = fs.readFileSync(keep, 'utf8');
    docs.contentChanged(keep, keepText);
    pull(keep, keepText);
    for (let i = 10; i < 160; i++) {
      // Unsaved new documents and existing files alike, each edited a few times.
      const p = i % 3 === 0 ? file(1 + (i % 3), i % 2 ? 'up' : 'down') : file(i, i % 2 ? 'up' : 'down');
      let text = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : UP.replace(/\$i/g, String(i));
      docs.contentChanged(p, text);
      pull(p, text);
      for (let k = 0; k < 3; k++) {
        text += `ALTER TABLE t${i} ADD COLUMN c${k} int;\n`;
        docs.contentChanged(p, text);
        pull(p, text);
      }
      docs.closed(p);
    }
    const sizes = docs.workspace.cacheSizes();
    if (process.env.MG_DEBUG_SIZES) console.log(sizes);
    // The document still open: its analysis, replay, parses (its own and its down's, for the pair), one pair.
    assert.ok(sizes.analyses <= 1, `analyses ${sizes.analyses}`);
    // The last replays of edited files: the open document's (the others were closed).
    assert.ok(sizes.replays <= 1, `replays ${sizes.replays}`);
    // The replays kept for whoever asks next: those files' (the 3 ups and the open document's down),
    // one each, not one per version typed, nor those of the documents closed.
    assert.ok(sizes.lastReplays <= 4, `last replays ${sizes.lastReplays}`);
    assert.ok(sizes.pairs <= 1, `pairs ${sizes.pairs}`);
    // Parses of the files the open document's history and pair need (the 3 migrations on disk, each side).
    assert.ok(sizes.parses <= 8, `parses ${sizes.parses}`);
    // What is kept still answers the open document as a fresh analysis does.
    assert.deepEqual(pull(keep, keepText), analyzeFile({ filePath: keep, text: keepText, host: new Documents().workspace.host }).findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}`));
  });

  it('files created and deleted (or renamed) on disk leave nothing behind', () => {
    // The newest migration stays open: every file created before it enters its history.
    const last = file(999, 'up');
    const lastText = 'ALTER TABLE t1 DROP COLUMN email;\n';
    docs.contentChanged(last, lastText);
    const before = pull(last, lastText);
    for (let i = 10; i < 130; i++) {
      const p = file(i, 'up');
      fs.writeFileSync(p, UP.replace(/\$i/g, String(i)));
      docs.filesChanged([{ path: p, kind: 'created' }]);
      pull(last, lastText);
      if (i % 2) {
        fs.rmSync(p);
        docs.filesChanged([{ path: p, kind: 'deleted' }]);
      } else {
        const to = file(i + 1000, 'up');
        fs.renameSync(p, to);
        docs.filesChanged([{ path: p, kind: 'deleted' }, { path: to, kind: 'created' }]);
        pull(last, lastText);
        fs.rmSync(to);
        docs.filesChanged([{ path: to, kind: 'deleted' }]);
      }
      pull(last, lastText);
    }
    const sizes = docs.workspace.cacheSizes();
    assert.ok(sizes.parses <= 8, `parses ${sizes.parses}`);
    assert.ok(sizes.replays <= 8, `replays ${sizes.replays}`);
    assert.ok(sizes.analyses <= 1, `analyses ${sizes.analyses}`);
    assert.deepEqual(pull(last, lastText), before);
  });
});

describe('replays kept do not grow with the history', () => {
  const MIGRATIONS = 150;
  let dir: string;
  const files: string[] = [];

  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cache-history-')));
    for (let i = 1; i <= MIGRATIONS; i++) {
      for (const direction of ['up', 'down'] as const) {
        const p = path.join(dir, `${String(i).padStart(6, '0')}_m${i}.${direction}.sql`);
        fs.writeFileSync(p, (direction === 'up' ? UP : DOWN).replace(/\$i/g, String(i)));
        files.push(p);
      }
    }
    files.sort();
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const statements = (p: string): number => fs.readFileSync(p, 'utf8').split(';').length - 1;

  it('a one-run check replays each file once and keeps at most THROUGH_KEPT replays', () => {
    const ws = new Workspace(new RunFileHost());
    ws.willAnalyse(files);
    for (const p of files) analyzeFile({ filePath: p, text: fs.readFileSync(p, 'utf8'), host: ws.host, workspace: ws });
    // Every up once (its timeline entry, its rules, its pair), every down once (its pair, its rules):
    // the replays let go were not needed again.
    assert.equal(ws.stats.replayed, files.reduce((n, p) => n + statements(p), 0));
    const sizes = ws.cacheSizes();
    assert.ok(sizes.lastReplays <= THROUGH_KEPT, `last replays ${sizes.lastReplays}`);
    assert.equal(sizes.replays, 0);
  });

  it('a run that analyses every file replays each statement at most once (the timeline takes the replay the rules and the pair make)', () => {
    // Richer migrations than the others here: a down is analysed (and asks for its up's schema) before its up.
    const tree = writeTree(
      Object.fromEntries(
        Array.from({ length: 20 }, (_, k) => {
          const i = k + 1;
          const v = String(i).padStart(6, '0');
          return [
            [`${v}_t${i}.up.sql`, `CREATE TYPE mood${i} AS ENUM ('a');\nCREATE TABLE t${i} (id bigint PRIMARY KEY, name text, m mood${i});\nCREATE INDEX ON t${i} (name);\nCREATE VIEW v${i} AS SELECT id FROM t${i};\nALTER TABLE t${i} RENAME COLUMN name TO title;\n`],
            [`${v}_t${i}.down.sql`, `ALTER TABLE t${i} RENAME COLUMN title TO name;\nDROP VIEW v${i};\nDROP TABLE t${i};\nDROP TYPE mood${i};\n`],
          ];
        }).flat(),
      ),
      'mg-cache-run-',
    );
    try {
      const paths = fs.readdirSync(tree).sort().map((n) => path.join(tree, n));
      const ws = new Workspace(new RunFileHost());
      ws.willAnalyse(paths);
      for (const p of paths) analyzeFile({ filePath: p, text: fs.readFileSync(p, 'utf8'), host: ws.host, workspace: ws });
      const total = paths.reduce((n, p) => n + statements(p), 0);
      assert.ok(ws.stats.replayed <= total, `replayed ${ws.stats.replayed} statements of ${total}`);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  it('a history replayed only for the schema it leaves is applied file by file, with no replay kept', () => {
    const ws = new Workspace(new RunFileHost());
    const newest = files[files.length - 1]!;
    analyzeFile({ filePath: newest, text: fs.readFileSync(newest, 'utf8'), host: ws.host, workspace: ws });
    // Every statement of the history applied once, each earlier up as one snapshot (replayFile)...
    const history = files.filter((p) => p.endsWith('.up.sql') && p !== newest).reduce((n, p) => n + statements(p), 0);
    assert.ok(ws.stats.replayed >= history, `replayed ${ws.stats.replayed}`);
    // ...so the only replays kept are the newest's and its down's (its rules, its pair).
    assert.ok(ws.cacheSizes().lastReplays <= 2, `last replays ${ws.cacheSizes().lastReplays}`);
  });

  it("an editor's workspace keeps the last replay of the edited files only, not of their history", () => {
    const docs = new Documents();
    const ws = docs.workspace;
    const open = files[files.length - 1]!; // the newest up
    let text = fs.readFileSync(open, 'utf8');
    docs.contentChanged(open, text);
    // The workspace report: every file of the folder analysed.
    for (const p of files) analyzeFile({ filePath: p, text: p === open ? text : fs.readFileSync(p, 'utf8'), host: ws.host, workspace: ws });
    const sizes = ws.cacheSizes();
    assert.equal(sizes.replays, 1, `replays ${sizes.replays}`);
    assert.ok(sizes.lastReplays <= THROUGH_KEPT, `last replays ${sizes.lastReplays}`);
    // Its next keystroke still replays only what it changed: the statement typed at its end, then
    // its down's two statements, against the schema that statement changed.
    const replayed = ws.stats.replayed;
    text += `ALTER TABLE t${MIGRATIONS} ADD COLUMN typed int;\n`;
    docs.contentChanged(open, text);
    const findings = analyzeFile({ filePath: open, text, host: ws.host, workspace: ws }).findings.map((f) => `${f.ruleId}@${f.range.start.line}`);
    assert.equal(ws.stats.replayed - replayed, 1 + statements(files[files.length - 2]!));
    assert.deepEqual(findings, analyzeFile({ filePath: open, text, host: new Documents().workspace.host }).findings.map((f) => `${f.ruleId}@${f.range.start.line}`));
  });
});
