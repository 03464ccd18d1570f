/**
 * The review as Markdown (GitHub flavoured: a pull-request comment, `$GITHUB_STEP_SUMMARY`, VS Code's
 * Markdown preview). One section per migration: the verdict, a table of the up statements, the
 * findings, the down migration, the round trip when it ran, the suppressions.
 */
import { verdictOf, type MigrationReview, type StatementReview, type Verdict } from './index';
import { LOCK_BLOCKS } from './locks';

export interface RenderOptions {
  /** How a file path is shown (relative to the working directory or the workspace). */
  display(filePath: string): string;
  /** Link rule ids to this URL (`{id}` is replaced); plain ids when absent. */
  ruleUrl?: (ruleId: string) => string | undefined;
  /** Shown under the title (`Migrations changed since origin/main`). */
  subtitle?: string;
}

const VERDICT_LABEL: Record<Verdict['level'], string> = {
  blocking: '❌ Fix before merging',
  caution: '⚠️ Review carefully',
  safe: '✅ Looks safe',
};

/** Text for a table cell: one line, pipes escaped. */
function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code that survives backticks in the text. */
function code(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${s}${pad}${ticks}`;
}

function fence(sql: string): string {
  const longest = Math.max(2, ...[...sql.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}sql\n${sql.replace(/\s+$/, '')}\n${f}`;
}

export function verdictLine(v: Verdict): string {
  return v.level === 'safe' ? `${VERDICT_LABEL.safe}: no finding, no blocking lock, no data loss, and the down undoes the up.` : `${VERDICT_LABEL[v.level]}: ${v.reasons.join('; ')}.`;
}

function lockCell(s: StatementReview): string {
  if (s.locks === undefined) return 'not assessed';
  if (s.locks.length === 0) return 'none on existing tables';
  return s.locks.map((l) => `${l.mode} on ${l.relation}: blocks ${LOCK_BLOCKS[l.mode]}`).join('<br>');
}

function ruleRef(id: string, opts: RenderOptions): string {
  const url = opts.ruleUrl?.(id);
  return url ? `[${code(id)}](${url})` : code(id);
}

/** One migration's section. */
export function renderMigration(r: MigrationReview, opts: RenderOptions): string {
  const out: string[] = [];
  const verdict = verdictOf(r);
  out.push(`## ${r.name}`, '');
  const files = [...r.upFiles, ...r.downFiles].map((f) => code(opts.display(f))).join(' · ');
  out.push(`${files}`, '', `**Verdict:** ${verdictLine(verdict)}`, '');

  if (r.upFiles.length === 0) out.push('There is no up migration.', '');
  else if (r.statements.length === 0) out.push('The up migration has no statements.', '');
  else {
    out.push('| Line | Statement | What it does | Lock, and what it blocks | Table rewrite | Data it can lose |', '| ---: | --- | --- | --- | --- | --- |');
    for (const s of r.statements) {
      const line = r.upFiles.length > 1 ? `${opts.display(s.file)}:${s.line}` : String(s.line);
      const work = s.parsed ? (s.work ?? 'no') : 'not assessed';
      const loss = s.parsed ? (s.dataLoss.length > 0 ? s.dataLoss.join('; ') : 'nothing') : 'not assessed';
      out.push(`| ${line} | ${cell(code(s.text))} | ${cell(s.does)} | ${cell(lockCell(s))} | ${cell(work)} | ${cell(loss)} |`);
    }
    out.push('');
  }

  if (r.findings.length > 0) {
    out.push('**Findings**', '');
    for (const { file, finding: f } of r.findings) {
      out.push(`- ${f.severity} ${ruleRef(f.ruleId, opts)} at ${code(`${opts.display(file)}:${f.range.start.line + 1}:${f.range.start.character + 1}`)}: ${f.message}`);
    }
    out.push('');
  }

  out.push(`**Down migration:** ${downLine(r, opts)}`, '');
  if (r.down.status === 'does-not-undo') {
    for (const { file, finding: f } of r.down.problems) out.push(`- ${ruleRef(f.ruleId, opts)} at ${code(`${opts.display(file)}:${f.range.start.line + 1}`)}: ${f.message}`);
    out.push('');
  }
  if (r.down.rollbackLoses.length > 0) out.push(`Rolling back loses: ${r.down.rollbackLoses.join('; ')}.`, '');
  if (r.down.generated) {
    out.push(`Generated down (for ${code(opts.display(r.down.generated.where))}; \`migration-guard down\` prints it):`, '', fence(r.down.generated.sql), '');
  }

  if (r.verify) {
    const label = r.verify.ok ? 'PASS' : r.verify.status === 'no-down' ? 'SKIP' : 'FAIL';
    out.push(`**Round trip (up → down → up):** ${label}: ${r.verify.summary}`, '');
    for (const d of r.verify.details) out.push(`- ${d}`);
    if (r.verify.details.length > 0) out.push('');
  }

  if (r.suppressions.length > 0) {
    out.push('**Suppressed**', '');
    for (const s of r.suppressions) {
      out.push(`- ${s.rules.map((id) => code(id)).join(', ') || 'no rule named'} at ${code(`${opts.display(s.file)}:${s.line}`)}${s.reason ? `: ${s.reason}` : ' (no reason given)'}`);
    }
    out.push('');
  }
  return out.join('\n');
}

function downLine(r: MigrationReview, opts: RenderOptions): string {
  switch (r.down.status) {
    case 'missing':
      return 'missing.';
    case 'empty':
      return `${r.down.files.length > 0 ? code(opts.display(r.down.files[0]!)) : 'the down section'} has no statements.`;
    case 'does-not-undo':
      return 'does not undo the up:';
    case 'undoes':
      return 'exists, and undoes the up (applied after the up, the schema model is back where it started).';
    case 'orphan':
      return 'exists, but there is no up migration for it to undo.';
  }
}

/** The whole summary: a title, one line per migration with its verdict, then each migration's section. */
export function renderReview(reviews: readonly MigrationReview[], opts: RenderOptions): string {
  const out: string[] = ['# Migration Guard review', ''];
  if (opts.subtitle) out.push(opts.subtitle, '');
  if (reviews.length === 0) {
    out.push('No migration to review.', '');
    return out.join('\n');
  }
  out.push('| Migration | Verdict |', '| --- | --- |');
  for (const r of reviews) out.push(`| ${cell(r.name)} | ${cell(verdictLine(verdictOf(r)))} |`);
  out.push('');
  for (const r of reviews) out.push(renderMigration(r, opts));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
