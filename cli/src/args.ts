/**
 * The command line, parsed into a plain value. No file system, no registry: `run.ts` checks that
 * paths exist and rule ids are known, so this module stays small and testable.
 */
import { isRuleSetting, type RuleSetting } from '../../server/src/engine/config';

export type OutputFormat = 'text' | 'json';

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'check'; paths: string[]; format: OutputFormat; rules: RuleOverride[] }
  | { kind: 'down'; file: string };

/** One `--rule id=setting`, in command-line order (a later one wins). */
export interface RuleOverride {
  id: string;
  setting: RuleSetting;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; message: string };

const fail = (message: string): ParseResult => ({ ok: false, message });

export function parseArgs(argv: readonly string[]): ParseResult {
  if (argv.length === 0) return fail('missing command (check, down or verify)');
  if (argv.includes('--help') || argv.includes('-h')) return { ok: true, command: { kind: 'help' } };
  if (argv.includes('--version') || argv.includes('-V')) return { ok: true, command: { kind: 'version' } };
  const [name, ...rest] = argv as [string, ...string[]];
  if (name === 'help') return { ok: true, command: { kind: 'help' } };
  if (name === 'check') return parseCheck(rest);
  if (name === 'down') return parseDown(rest);
  if (name.startsWith('-')) return fail(`unknown option ${name}`);
  return fail(`unknown command ${JSON.stringify(name)} (expected check, down or verify)`);
}

/** Splits `--name=value` and `--name value`; returns the value and how many arguments it used. */
function optionValue(args: readonly string[], i: number, name: string): { value: string; used: number } | { error: string } {
  const arg = args[i]!;
  if (arg.startsWith(`${name}=`)) return { value: arg.slice(name.length + 1), used: 1 };
  const next = args[i + 1];
  if (next === undefined || (next.startsWith('-') && next.length > 1)) return { error: `${name} needs a value` };
  return { value: next, used: 2 };
}

function parseCheck(args: readonly string[]): ParseResult {
  const paths: string[] = [];
  const rules: RuleOverride[] = [];
  let format: OutputFormat = 'text';
  let onlyPaths = false;
  for (let i = 0; i < args.length; ) {
    const arg = args[i]!;
    if (onlyPaths || arg === '-' || !arg.startsWith('-')) {
      paths.push(arg);
      i++;
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      i++;
      continue;
    }
    if (arg === '--format' || arg.startsWith('--format=')) {
      const v = optionValue(args, i, '--format');
      if ('error' in v) return fail(v.error);
      if (v.value !== 'text' && v.value !== 'json') return fail(`--format must be text or json, not ${JSON.stringify(v.value)}`);
      format = v.value;
      i += v.used;
      continue;
    }
    if (arg === '--rule' || arg.startsWith('--rule=')) {
      const v = optionValue(args, i, '--rule');
      if ('error' in v) return fail(v.error);
      const eq = v.value.indexOf('=');
      const id = eq >= 0 ? v.value.slice(0, eq).trim() : '';
      const setting = eq >= 0 ? v.value.slice(eq + 1).trim() : '';
      if (id === '' || !isRuleSetting(setting)) {
        return fail(`--rule expects <rule-id>=off|error|warning|info|hint, not ${JSON.stringify(v.value)}`);
      }
      rules.push({ id, setting });
      i += v.used;
      continue;
    }
    return fail(`unknown option ${arg} for check`);
  }
  return { ok: true, command: { kind: 'check', paths, format, rules } };
}

function parseDown(args: readonly string[]): ParseResult {
  const files: string[] = [];
  let onlyPaths = false;
  for (const arg of args) {
    if (!onlyPaths && arg === '--') onlyPaths = true;
    else if (!onlyPaths && arg.startsWith('-') && arg !== '-') return fail(`unknown option ${arg} for down`);
    else files.push(arg);
  }
  if (files.length !== 1) return fail(`down takes exactly one up migration file (got ${files.length})`);
  return { ok: true, command: { kind: 'down', file: files[0]! } };
}

export const USAGE = `Usage:
  migration-guard check [paths...] [--format text|json] [--rule <rule-id>=off|error|warning|info|hint]...
  migration-guard down <up-file>
  migration-guard verify [dir] [--migration <version> | --all] [--format text|json] [--database-url <url>]
  migration-guard --help | --version

check   Lints SQL migration files. Paths are files or directories (searched recursively for *.sql,
        skipping node_modules and directories whose name starts with a dot); default: the current
        directory. Settings come from the nearest .migration-guard.json above each file; --rule
        changes a rule's severity or turns it off on top of it (repeatable; the last one wins).
down    Prints the down migration generated from an up migration file.
verify  Runs a migration's up, down and up again in an embedded PostgreSQL (or a scratch database on
        the server --database-url names) and reports what the down does not restore, data the round
        trip loses and failing statements; exit 1 when a round trip fails. See verify --help.

Exit status: 0 no error-severity finding, 1 at least one error-severity finding,
             2 bad usage, unreadable input, an invalid .migration-guard.json or no .sql file to check.
`;
