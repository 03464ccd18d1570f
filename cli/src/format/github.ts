/**
 * GitHub Actions workflow commands, one per finding, so findings appear as annotations on the pull
 * request's diff without any upload:
 *
 *   ::error file=db/migrations/3_x.up.sql,line=1,col=1,endLine=1,endColumn=37,title=ban-drop-column::Dropping column ...
 *
 * `error` and `warning` keep their severity; `info` and `hint` are notices. Lines and columns are
 * 1-based, the end column inclusive. GitHub's annotations take columns only within one line, so a
 * finding that spans lines gives `line` and `endLine` alone. Property values escape `%`, CR, LF, `:`
 * and `,`; the message escapes `%`, CR and LF (as the Actions toolkit does).
 */
import type { Severity } from '../../../server/src/engine/rules/types';
import { slashPath, type FormatInput } from './types';

export function githubCommand(severity: Severity): 'error' | 'warning' | 'notice' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'notice';
}

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(input: FormatInput): string {
  let out = '';
  for (const { file, finding: f } of input.findings) {
    const { start, end } = f.range;
    const props: [string, string][] = [
      ['file', slashPath(file.display)],
      ['line', String(start.line + 1)],
    ];
    if (start.line === end.line) {
      props.push(['col', String(start.character + 1)], ['endLine', String(end.line + 1)], ['endColumn', String(Math.max(start.character + 1, end.character))]);
    } else {
      props.push(['endLine', String(end.line + 1)]);
    }
    props.push(['title', f.ruleId]);
    out += `::${githubCommand(f.severity)} ${props.map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',')}::${escapeData(f.message)}\n`;
  }
  return out;
}
