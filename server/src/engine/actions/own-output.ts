/**
 * Our own output passes our own checks. SQL that Migration Guard writes into a migration (a generated
 * down, a backup copy's restore) is checked with the project's rules before it is offered:
 * - a finding whose rule's own fix makes it go away is fixed in place: `CONCURRENTLY` where the file
 *   can run it (a one-statement golang-migrate file runs outside a transaction), the `lock_timeout`
 *   line where require-lock-timeout wants one;
 * - what stays is inherent to undoing the up (a type changed back, an index rebuilt inside the
 *   down's transaction): a comment line above the statement names the rules that will report it and
 *   says why, so nobody mistakes it for a slip.
 */
import type { EngineOptions } from '../config';
import { analyzeFile } from '../analyze';
import type { Convention } from '../migrations/convention';
import { parseSql } from '../parsing/parser';
import type { Workspace } from '../project/workspace';
import { RULES } from '../rules/registry';
import type { Finding, Rule } from '../rules/types';
import { eolOf } from '../text';

/** Why a finding on generated SQL cannot be avoided there, by rule. */
const INHERENT: Record<string, string> = {
  'changing-column-type': 'the type changes back as the up changed it, and that rewrites the table under its lock',
  'narrowing-column-type': 'the type changes back to the narrower one the column had before the up; values the wider type allowed since then may not fit',
  'require-concurrent-index-creation': 'the index is rebuilt inside the transaction the down runs in, where CONCURRENTLY cannot run',
  'require-concurrent-index-deletion': 'the index is dropped inside the transaction the down runs in, where CONCURRENTLY cannot run',
  'constraint-missing-not-valid': 'the constraint is restored as it was; a rollback has no later migration to validate it in',
  'adding-foreign-key-constraint': 'the constraint is restored as it was; a rollback has no later migration to validate it in',
  'disallowed-unique-constraint': 'the unique constraint is restored as it was before the up',
  'adding-serial-primary-key-field': 'the column and key are restored as they were before the up',
  'adding-not-nullable-field': 'NOT NULL is restored as it was before the up',
  'adding-required-field': 'the column is restored NOT NULL as it was; its dropped values are gone, so the down fails on a table with rows unless you add a DEFAULT',
  'adding-field-with-default': 'the column is restored with the default it had before the up',
  'ban-drop-column': 'the up added this column; undoing the up drops it',
  'ban-drop-table': 'the up created this table; undoing the up drops it',
};

const GENERIC = 'it restores what the up removed, as it was before the up';

/**
 * The rules that judge statements: not the file rules (they judge the file's name and place, not SQL
 * we write), nor the up/down consistency rules (a probe's pair is the one on disk; generated downs
 * undo their up by construction, which the round-trip corpus run checks).
 */
const CONSISTENCY = new Set(['missing-inverse', 'unexpected-down-statement', 'down-order', 'unused-suppression']);
const STATEMENT_RULES: readonly Rule[] = RULES.filter((r) => r.meta.category !== 'migration-files' && !CONSISTENCY.has(r.meta.id));

export interface OwnOutputInput {
  workspace: Workspace;
  /** The file the SQL goes into (it may not exist yet). */
  filePath: string;
  convention: Convention;
  options?: EngineOptions;
  /** The whole file's text with the generated SQL in it, and where that SQL is. */
  text: string;
  region: { start: number; end: number };
  /** Other files the same change edits, with their new texts (the up a backup copy rewrites). */
  alongside?: ReadonlyMap<string, string>;
}

export interface OwnOutput {
  text: string;
  region: { start: number; end: number };
}

/** The findings the project's rules report on the generated region of `text`. */
export function regionFindings(input: OwnOutputInput, text: string, region: { start: number; end: number }): Finding[] {
  const analysis = analyzeFile({
    ...(input.options ?? {}),
    filePath: input.filePath,
    text,
    host: input.workspace.host,
    workspace: input.workspace,
    convention: input.convention,
    only: [...STATEMENT_RULES],
    probe: input.alongside ? { texts: input.alongside } : true,
  });
  return analysis.findings.filter((f) => f.span.start >= region.start && f.span.start < region.end);
}

function apply(text: string, region: { start: number; end: number }, edits: { span: { start: number; end: number }; newText: string }[]): OwnOutput {
  let out = text;
  let end = region.end;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    if (e.span.start < region.start || e.span.end > region.end) continue;
    out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
    end += e.newText.length - (e.span.end - e.span.start);
  }
  return { text: out, region: { start: region.start, end } };
}

/**
 * The generated SQL with the findings it could avoid fixed, and the ones it cannot avoid named in
 * a comment above their statement. Never throws: on any failure the text is returned as it was.
 */
export function cleanOwnOutput(input: OwnOutputInput): OwnOutput {
  let current: OwnOutput = { text: input.text, region: input.region };
  try {
    // One statement in a golang-migrate file: the driver sends it alone, outside any transaction.
    const sql = parseSql(current.text.slice(current.region.start, current.region.end));
    const alone = input.convention.id === 'golang-migrate' && current.region.start === 0 && current.region.end === current.text.length && sql.statements.length === 1;
    let findings = regionFindings(input, current.text, current.region);
    if (alone) {
      const concurrent = findings.filter((f) => (f.ruleId === 'require-concurrent-index-creation' || f.ruleId === 'require-concurrent-index-deletion') && f.fix);
      if (concurrent.length > 0) {
        current = apply(current.text, current.region, concurrent.flatMap((f) => f.fix!.edits));
        findings = regionFindings(input, current.text, current.region);
      }
    }
    const timeout = findings.filter((f) => f.ruleId === 'require-lock-timeout' && f.fix);
    if (timeout.length > 0) {
      current = apply(current.text, current.region, timeout.flatMap((f) => f.fix!.edits));
      findings = regionFindings(input, current.text, current.region);
    }
    return explainInherent(current, findings);
  } catch {
    return current;
  }
}

/** A comment line above each statement that still draws findings, naming their rules and why. */
function explainInherent(output: OwnOutput, findings: Finding[]): OwnOutput {
  if (findings.length === 0) return output;
  const parsed = parseSql(output.text);
  const eol = eolOf(output.text);
  const byLine = new Map<number, { indent: string; rules: string[] }>();
  for (const f of findings) {
    const stmt = parsed.statements.find((s) => f.span.start >= s.span.start && f.span.start <= s.span.end);
    const at = stmt ? stmt.span.start : f.span.start;
    const line = parsed.lines.positionAt(at).line;
    const lineStart = parsed.lines.lineStart(line);
    const entry = byLine.get(lineStart) ?? { indent: /^[ \t]*/.exec(output.text.slice(lineStart))![0], rules: [] };
    if (!entry.rules.includes(f.ruleId)) entry.rules.push(f.ruleId);
    byLine.set(lineStart, entry);
  }
  const edits = [...byLine].map(([lineStart, { indent, rules }]) => {
    const reasons = [...new Set(rules.map((r) => INHERENT[r] ?? GENERIC))].join('; ');
    return { span: { start: lineStart, end: lineStart }, newText: `${indent}${inherentComment(rules, reasons)}${eol}` };
  });
  return apply(output.text, output.region, edits);
}

/** `-- Inherent to undoing the up, reported by <rules>: <why>.` */
export function inherentComment(rules: readonly string[], why: string): string {
  return `-- Inherent to undoing the up, reported by ${rules.join(', ')}: ${why}.`;
}

/** The rule ids an inherent-finding comment line names (tests read the generated text with it). */
export function inherentRules(line: string): string[] {
  const m = /^\s*-- Inherent to undoing the up, reported by ([a-z0-9, -]+):/.exec(line);
  return m ? m[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}
