/**
 * SARIF 2.1.0 for code scanning (GitHub uploads it with `github/codeql-action/upload-sarif`): one
 * run whose tool lists every rule as a `reportingDescriptor` (id, short description, help URI of its
 * page, default level, help text), and one result per finding with its rule, level, message and
 * region. URIs are relative to the working directory (`uriBaseId` `%SRCROOT%`) so code scanning
 * places them in the repository; columns count UTF-16 code units, as the engine does. A finding
 * with a machine fix carries it as a SARIF `fix`.
 */
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { RULES, ruleById } from '../../../server/src/engine/rules/registry';
import type { Finding, Severity } from '../../../server/src/engine/rules/types';
import type { Range } from '../../../server/src/engine/text';
import { PROJECT_URL, ruleHelpUri, slashPath, type FormatInput } from './types';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/** Severities as SARIF levels: `info` and `hint` are notes. */
export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

/** 1-based lines and columns; SARIF's end column is the column after the region (exclusive). */
export function sarifRegion(range: Range): SarifRegion {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/** A relative path as a URI reference (each segment percent-encoded), or a `file:` URI for an absolute one. */
export function artifactLocation(display: string): SarifArtifactLocation {
  if (path.isAbsolute(display)) return { uri: pathToFileURL(display).href };
  return { uri: slashPath(display).split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

/** Markdown as plain text for SARIF's `help.text`: no emphasis marks, links as `text (url)`. */
function plainText(markdown: string): string {
  return markdown
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
}

function ruleDescriptor(id: string): Record<string, unknown> {
  const rule = ruleById(id);
  if (!rule) {
    // Not a registered rule (a rule that threw reports `internal-error`): a descriptor all the same.
    return { id, shortDescription: { text: `Migration Guard: ${id}` }, defaultConfiguration: { level: 'note' } };
  }
  const m = rule.meta;
  const help = m.help?.trim();
  return {
    id: m.id,
    shortDescription: { text: m.description },
    helpUri: ruleHelpUri(m.id),
    ...(help ? { help: { text: `${plainText(help)}\n\nDocumentation: ${ruleHelpUri(m.id)}`, markdown: `${help}\n\n[Documentation for ${m.id}](${ruleHelpUri(m.id)})` } } : {}),
    defaultConfiguration: { level: sarifLevel(m.defaultSeverity), ...(m.optIn ? { enabled: false } : {}) },
    properties: { category: m.category, tags: ['postgresql', 'migrations', m.category] },
  };
}

function sarifFixes(finding: Finding, location: SarifArtifactLocation): unknown[] | undefined {
  if (!finding.fix || finding.fix.edits.length === 0) return undefined;
  return [
    {
      description: { text: finding.fix.title },
      artifactChanges: [
        {
          artifactLocation: location,
          replacements: finding.fix.edits.map((e) => ({ deletedRegion: sarifRegion(e.range), insertedContent: { text: e.newText } })),
        },
      ],
    },
  ];
}

export function formatSarif(input: FormatInput): string {
  const ids = RULES.map((r) => r.meta.id);
  for (const { finding } of input.findings) if (!ids.includes(finding.ruleId)) ids.push(finding.ruleId);
  const index = new Map(ids.map((id, i) => [id, i]));
  const results = input.findings.map(({ file, finding: f }) => {
    const location = artifactLocation(file.display);
    const fixes = sarifFixes(f, location);
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: sarifRegion(f.range) } }],
      ...(fixes ? { fixes } : {}),
    };
  });
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'migration-guard',
            fullName: 'Migration Guard',
            version: input.toolVersion,
            ...(/^\d+\.\d+\.\d+(?:[-+].*)?$/.test(input.toolVersion) ? { semanticVersion: input.toolVersion } : {}),
            informationUri: PROJECT_URL,
            rules: ids.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(input.cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A directory as a `file:` URI ending in `/` (SARIF requires the slash on a base URI). */
export function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}
