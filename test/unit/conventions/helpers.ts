/** Shared by the convention tests: run one rule on a file of a directory, create a migration in a temporary folder. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost, NodeFileHost } from '../../../server/src/engine/host';
import type { Rule } from '../../../server/src/engine/rules/types';
import { formatRange } from '../rules/tester';
import { createPairedMigration } from '../../../server/src/lsp/paired-migration';

export const DIR = path.resolve('/virtual/db');

/** `messageId range` of each finding of the rule, for a file (relative to DIR) among others. */
export function findings(rule: Rule, fileName: string, files: Record<string, string>): string[] {
  const host = new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(DIR, n), t])));
  const filePath = path.join(DIR, fileName);
  return analyzeFile({ filePath, text: files[fileName]!, host, only: [rule] })
    .findings.filter((f) => f.ruleId === rule.meta.id)
    .map((f) => `${f.messageId} ${formatRange(f)}`);
}

export function messages(rule: Rule, fileName: string, files: Record<string, string>): string[] {
  const host = new MemoryFileHost(Object.fromEntries(Object.entries(files).map(([n, t]) => [path.join(DIR, n), t])));
  return analyzeFile({ filePath: path.join(DIR, fileName), text: files[fileName]!, host, only: [rule] })
    .findings.filter((f) => f.ruleId === rule.meta.id)
    .map((f) => f.message);
}

/** A temporary folder with these files (paths relative to it, `/` separated). */
export function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-conv-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export interface Created {
  upPath: string;
  downPath: string;
  /** Each created file (relative path) with its initial text. */
  files: [string, string][];
}

/** Runs "Create paired migration" in a folder and summarises the edit. */
export function create(dir: string, title: string, now: Date): Created | string {
  const r = createPairedMigration({ directory: dir, title }, new NodeFileHost(), now);
  if (!r.ok) return r.message;
  const files: [string, string][] = [];
  for (const c of r.edit.documentChanges ?? []) {
    if ('kind' in c && c.kind === 'create') files.push([path.relative(dir, new URL(c.uri).pathname).split(path.sep).join('/'), '']);
    else if ('textDocument' in c) {
      const rel = path.relative(dir, new URL(c.textDocument.uri).pathname).split(path.sep).join('/');
      const entry = files.find(([n]) => n === rel)!;
      entry[1] = c.edits.map((e) => ('newText' in e ? e.newText : '')).join('');
    }
  }
  const rel = (uri: string): string => path.relative(dir, new URL(uri).pathname).split(path.sep).join('/');
  return { upPath: rel(r.upUri), downPath: rel(r.downUri), files };
}

export const NOW = new Date(Date.UTC(2026, 2, 5, 9, 7, 3));
