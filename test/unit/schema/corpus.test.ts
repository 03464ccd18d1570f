/**
 * The schema model over every migrations directory of the real corpus (../shared/corpus): it must
 * never throw, and it reports what it modelled and what it could not read. Skipped without the corpus.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeFileHost } from '../../../server/src/engine/host';
import { detectConvention } from '../../../server/src/engine/migrations/detect';
import { readMigrationDirectory } from '../../../server/src/engine/migrations/directory';
import { MIGRATION_FOLDER } from '../../../server/src/engine/migrations/folder-per-migration';
import { golangMigrate } from '../../../server/src/engine/migrations/golang-migrate';
import { Workspace } from '../../../server/src/engine/project/workspace';
import { SchemaModel, applySql } from '../../../server/src/engine/schema';

const CORPUS = path.resolve(__dirname, '../../../../../shared/corpus');

/** Every directory holding `.sql` files; a folder-per-migration folder counts as its parent. */
function migrationDirectories(root: string): string[] {
  const out = new Set<string>();
  const visit = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith('.sql'))) {
      const isFolder = MIGRATION_FOLDER.test(path.basename(dir)) && entries.some((e) => e.name === 'up.sql' || e.name === 'down.sql');
      out.add(isFolder ? path.dirname(dir) : dir);
    }
    for (const e of entries) if (e.isDirectory()) visit(path.join(dir, e.name));
  };
  visit(root);
  return [...out].sort();
}

describe('schema model over the corpus', function () {
  this.timeout(300000);

  before(function () {
    if (!fs.existsSync(CORPUS)) this.skip();
  });

  it('models every directory without throwing, and reports its figures', () => {
    const host = new NodeFileHost();
    const ws = new Workspace(host);
    const rows: string[] = [];
    let totals = { dirs: 0, files: 0, tables: 0, columns: 0, unknowns: 0, incomplete: 0 };
    const reasons = new Map<string, number>();
    for (const dir of migrationDirectories(CORPUS)) {
      const convention = detectConvention(dir, host) ?? golangMigrate;
      const directory = readMigrationDirectory(dir, host, convention);
      const ups = directory.migrations.filter((m) => m.direction === 'up');
      if (ups.length === 0) continue;
      const last = ups[ups.length - 1]!;
      // Before the last migration, then after it: the second call replays one file.
      const folder = ws.folder(dir, convention);
      const parsesBefore = ws.stats.parses;
      folder.schemaBefore(last);
      const afterBefore = ws.stats.parses;
      const m = folder.schemaAfter(last);
      assert.equal(ws.stats.parses - afterBefore, 1, `${dir}: schemaAfter replays only the last file`);
      assert.equal(afterBefore - parsesBefore, ups.length - 1, `${dir}: every earlier file parsed once`);
      let columns = 0;
      for (const t of m.tables.values()) columns += t.columns.size;
      const incomplete = [...m.tables.values()].filter((t) => !t.complete).length;
      totals = {
        dirs: totals.dirs + 1,
        files: totals.files + ups.length,
        tables: totals.tables + m.tables.size,
        columns: totals.columns + columns,
        unknowns: totals.unknowns + m.unknowns.length,
        incomplete: totals.incomplete + incomplete,
      };
      for (const u of m.unknowns) {
        const key = u.reason.replace(/^(ALTER TABLE|CREATE INDEX on|RENAME of|CREATE TRIGGER on|column|constraint) \S+.*$/, '$1 <name> ...').slice(0, 90);
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
      }
      rows.push(
        `${path.relative(CORPUS, dir)} [${convention.id}] ups=${ups.length} tables=${m.tables.size} columns=${columns} views=${m.views.size} indexes=${[...m.tables.values()].reduce((n, t) => n + t.indexes.size, 0)} enums=${m.enums.size} functions=${m.functions.size} unknowns=${m.unknowns.length} incomplete=${incomplete}`,
      );
    }
    if (process.env.SCHEMA_CORPUS_REPORT) {
      console.log(rows.join('\n'));
      console.log(JSON.stringify(totals));
      console.log([...reasons].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([r, n]) => `${n}\t${r}`).join('\n'));
    }
    assert.ok(totals.dirs > 10, 'the corpus has directories');
    assert.ok(totals.tables > 100, 'tables were modelled');
  });

  it('models a history split into numbered folders (boundary: <major>/<NN>_name.up.sql) as one', () => {
    const roots: string[] = [];
    const visit = (dir: string): void => {
      const subs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
      if (subs.length > 1 && subs.every((e) => /^\d+$/.test(e.name))) roots.push(dir);
      else for (const e of subs) visit(path.join(dir, e.name));
    };
    visit(CORPUS);
    assert.ok(roots.length > 0);
    for (const root of roots) {
      const majors = fs.readdirSync(root).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
      let m = SchemaModel.empty();
      let files = 0;
      for (const major of majors) {
        for (const name of fs.readdirSync(path.join(root, major)).filter((n) => n.endsWith('.up.sql')).sort()) {
          const file = path.join(root, major, name);
          m = applySql(m, fs.readFileSync(file, 'utf8'), file);
          files++;
        }
      }
      let columns = 0;
      for (const t of m.tables.values()) columns += t.columns.size;
      if (process.env.SCHEMA_CORPUS_REPORT) {
        console.log(`${path.relative(CORPUS, root)} (one history) ups=${files} tables=${m.tables.size} columns=${columns} views=${m.views.size} functions=${m.functions.size} unknowns=${m.unknowns.length} incomplete=${[...m.tables.values()].filter((t) => !t.complete).length}`);
        const reasons = new Map<string, number>();
        for (const u of m.unknowns) reasons.set(u.reason.slice(0, 60), (reasons.get(u.reason.slice(0, 60)) ?? 0) + 1);
        console.log([...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([r, n]) => `${n}\t${r}`).join('\n'));
      }
      assert.ok(m.tables.size > 0);
    }
  });
});
