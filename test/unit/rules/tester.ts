/**
 * RuleTester, in the manner of ESLint's: valid SQL must produce no finding of the rule; invalid
 * SQL must produce exactly the listed findings (message id and, when given, the exact range as
 * `line:col-line:col`, 0-based, and the fixed output after applying every fix).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze';
import { MemoryFileHost } from '../../../server/src/engine/host';
import type { Finding, Rule } from '../../../server/src/engine/rules/types';

export interface ValidCase {
  code: string;
  /** File name inside a `migrations/` directory; default `000001_test.up.sql`. */
  fileName?: string;
  /** Other files in the same directory. */
  files?: Record<string, string>;
  name?: string;
  /** PostgreSQL major version; the engine's default when absent. */
  postgresVersion?: number;
  /** `"baseline"` of the config: migrations at or below it are applied history. */
  baseline?: string;
}

export interface InvalidCase extends ValidCase {
  errors: { messageId: string; range?: string; message?: string }[];
  /** The text after applying every fix of this rule's findings. */
  output?: string;
}

const DIR = path.resolve('/virtual/migrations');

export function runRule(rule: Rule, c: ValidCase): Finding[] {
  const fileName = c.fileName ?? '000001_test.up.sql';
  const files: Record<string, string> = { [path.join(DIR, fileName)]: c.code };
  for (const [n, t] of Object.entries(c.files ?? {})) files[path.join(DIR, n)] = t;
  const host = new MemoryFileHost(files);
  return analyzeFile({
    filePath: path.join(DIR, fileName),
    text: c.code,
    host,
    only: [rule],
    // An opt-in rule runs once the configuration names it.
    ...(rule.meta.optIn ? { rules: { [rule.meta.id]: rule.meta.defaultSeverity } } : {}),
    ...(c.postgresVersion !== undefined ? { postgresVersion: c.postgresVersion } : {}),
    ...(c.baseline !== undefined ? { baseline: c.baseline } : {}),
  }).findings;
}

export function formatRange(f: Finding): string {
  const r = f.range;
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/** Applies non-overlapping edits (from last to first) to a text. */
export function applyEdits(text: string, edits: { span: { start: number; end: number }; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  }
  return out;
}

export function ruleTester(rule: Rule, cases: { valid: (string | ValidCase)[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    for (const v of cases.valid) {
      const c = typeof v === 'string' ? { code: v } : v;
      it(`valid: ${c.name ?? c.code.slice(0, 60)}`, () => {
        const found = runRule(rule, c).filter((f) => f.ruleId === rule.meta.id);
        assert.deepEqual(found.map((f) => `${f.messageId} ${formatRange(f)}`), []);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name ?? c.code.slice(0, 60)}`, () => {
        const found = runRule(rule, c).filter((f) => f.ruleId === rule.meta.id);
        assert.deepEqual(
          found.map((f) => ({ messageId: f.messageId, ...(c.errors.some((e) => e.range) ? { range: formatRange(f) } : {}) })),
          c.errors.map((e) => ({ messageId: e.messageId, ...(e.range ? { range: e.range } : {}) })),
        );
        c.errors.forEach((e, i) => {
          if (e.message !== undefined) assert.equal(found[i]!.message, e.message);
        });
        for (const f of found) assert.ok(rule.meta.messages[f.messageId], `message id ${f.messageId} is declared`);
        if (c.output !== undefined) {
          const edits = found.flatMap((f) => f.fix?.edits ?? []);
          assert.equal(applyEdits(c.code, edits), c.output);
        }
      });
    }
  });
}
