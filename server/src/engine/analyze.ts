/**
 * How a file becomes findings: parse, place it in its migrations directory, run every rule,
 * then apply severities and suppressions. The server and the CLI both call `analyzeFile`.
 */
import * as path from 'node:path';
import { DEFAULT_POSTGRES_VERSION, type EngineOptions } from './config';
import type { FileHost } from './host';
import type { Convention, MigrationFile } from './migrations/convention';
import { readMigrationDirectory, type MigrationDirectory } from './migrations/directory';
import { golangMigrate } from './migrations/golang-migrate';
import { parseSql, type ParsedFile } from './parsing/parser';
import { RULES, ruleById } from './rules/registry';
import { formatMessage, type Finding, type Report, type Rule, type RuleContext } from './rules/types';
import { findSuppression, parseSuppressions } from './suppressions';

export interface Analysis {
  filePath: string;
  parsed: ParsedFile;
  migration: MigrationFile | undefined;
  directory: MigrationDirectory;
  findings: Finding[];
}

export interface AnalyzeInput extends EngineOptions {
  filePath: string;
  text: string;
  host: FileHost;
  convention?: Convention;
  /** Rules to run; all registered rules by default. */
  only?: Rule[];
}

export function analyzeFile(input: AnalyzeInput): Analysis {
  const filePath = path.resolve(input.filePath);
  const convention = input.convention ?? golangMigrate;
  const parsed = parseSql(input.text);
  const directory = readMigrationDirectory(path.dirname(filePath), input.host, convention);
  const migration = convention.parse(filePath);
  const suppressions = parseSuppressions(parsed);
  const findings: Finding[] = [];

  for (const rule of input.only ?? RULES) {
    const setting = input.rules?.[rule.meta.id];
    if (setting === 'off') continue;
    const severity = setting ?? rule.meta.defaultSeverity;
    const ctx: RuleContext = {
      filePath,
      parsed,
      convention,
      migration,
      directory,
      host: input.host,
      postgresVersion: input.postgresVersion ?? DEFAULT_POSTGRES_VERSION,
      report(r: Report) {
        if (findSuppression(suppressions, rule.meta.id, r.span)) return;
        const template = rule.meta.messages[r.messageId];
        if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown message id ${r.messageId}`);
        const finding: Finding = {
          ruleId: rule.meta.id,
          messageId: r.messageId,
          message: formatMessage(template, r.data),
          severity,
          span: r.span,
          range: parsed.lines.rangeOf(r.span),
        };
        if (r.fix) {
          finding.fix = {
            title: r.fix.title,
            edits: r.fix.edits.map((e) => ({ span: e.span, range: parsed.lines.rangeOf(e.span), newText: e.newText })),
          };
        }
        if (r.actions && r.actions.length > 0) finding.actions = r.actions;
        findings.push(finding);
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      // A rule bug must not take the other rules' findings with it.
      findings.push({
        ruleId: 'internal-error',
        messageId: 'internal',
        message: `Migration Guard rule ${rule.meta.id} failed on this file: ${(e as Error).message}`,
        severity: 'hint',
        span: { start: 0, end: 0 },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      });
    }
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
  return { filePath, parsed, migration, directory, findings };
}

export { ruleById };
