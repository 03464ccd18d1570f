/**
 * The command line, parsed into a plain value. No file system, no registry: `run.ts` checks that
 * paths exist and rule ids are known, so this module stays small and testable.
 */
import { isRuleSetting, type RuleSetting } from '../../server/src/engine/config';
import { FORMAT_NAMES, isOutputFormat, type OutputFormat } from './format/index';

export type { OutputFormat };

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'check'; paths: string[]; format: OutputFormat; rules: RuleOverride[]; changedSince?: string; maxWarnings?: number; jobs?: number; baseline?: string }
  | { kind: 'down'; file: string }
  | { kind: 'review'; paths: string[]; rules: RuleOverride[]; changedSince?: string; verify: boolean; baseline?: string };

/** One `--rule id=setting`, in command-line order (a later one wins). */
export interface RuleOverride {
  id: string;
  setting: RuleSetting;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; message: string };

const fail = (message: string): ParseResult => ({ ok: false, message });

export function parseArgs(argv: readonly string[]): ParseResult {
  if (argv.length === 0) return fail('missing command (check, review, down or verify)');
  if (argv.includes('--help') || argv.includes('-h')) return { ok: true, command: { kind: 'help' } };
  if (argv.includes('--version') || argv.includes('-V')) return { ok: true, command: { kind: 'version' } };
  const [name, ...rest] = argv as [string, ...string[]];
  if (name === 'help') return { ok: true, command: { kind: 'help' } };
  if (name === 'check') return parseCheck(rest);
  if (name === 'down') return parseDown(rest);
  if (name === 'review') return parseReview(rest);
  if (name.startsWith('-')) return fail(`unknown option ${name}`);
  return fail(`unknown command ${JSON.stringify(name)} (expected check, review, down or verify)`);
}

/** Splits `--name=value` and `--name value`; returns the value and how many arguments it used. */
function optionValue(args: readonly string[], i: number, name: string): { value: string; used: number } | { error: string } {
  const arg = args[i]!;
  if (arg.startsWith(`${name}=`)) return { value: arg.slice(name.length + 1), used: 1 };
  const next = args[i + 1];
  if (next === undefined || (next.startsWith('-') && next.length > 1)) return { error: `${name} needs a value` };
  return { value: next, used: 2 };
}

/** Options `check` and `review` share: paths, `--rule`, `--changed-since`; the caller handles the rest. */
interface CommonOptions {
  paths: string[];
  rules: RuleOverride[];
  changedSince?: string;
  /** `--baseline <version>`: migrations at or below it are applied history (wins over the config's). */
  baseline?: string;
}

type OptionHandler = (args: readonly string[], i: number, arg: string) => { used: number } | { error: string } | undefined;

function parsePathsAndOptions(command: string, args: readonly string[], extra: OptionHandler): { ok: true; value: CommonOptions } | { ok: false; message: string } {
  const out: CommonOptions = { paths: [], rules: [] };
  let onlyPaths = false;
  for (let i = 0; i < args.length; ) {
    const arg = args[i]!;
    if (onlyPaths || arg === '-' || !arg.startsWith('-')) {
      out.paths.push(arg);
      i++;
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      i++;
      continue;
    }
    if (arg === '--rule' || arg.startsWith('--rule=')) {
      const v = optionValue(args, i, '--rule');
      if ('error' in v) return { ok: false, message: v.error };
      const eq = v.value.indexOf('=');
      const id = eq >= 0 ? v.value.slice(0, eq).trim() : '';
      const setting = eq >= 0 ? v.value.slice(eq + 1).trim() : '';
      if (id === '' || !isRuleSetting(setting)) {
        return { ok: false, message: `--rule expects <rule-id>=off|error|warning|info|hint, not ${JSON.stringify(v.value)}` };
      }
      out.rules.push({ id, setting });
      i += v.used;
      continue;
    }
    if (arg === '--changed-since' || arg.startsWith('--changed-since=')) {
      const v = optionValue(args, i, '--changed-since');
      if ('error' in v) return { ok: false, message: v.error };
      if (v.value.trim() === '') return { ok: false, message: '--changed-since needs a git ref' };
      out.changedSince = v.value;
      i += v.used;
      continue;
    }
    if (arg === '--baseline' || arg.startsWith('--baseline=')) {
      const v = optionValue(args, i, '--baseline');
      if ('error' in v) return { ok: false, message: v.error };
      if (!/^\s*(?:[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}|[0-9]+(?:[._][0-9]+)*)\s*$/.test(v.value)) {
        return { ok: false, message: `--baseline expects a migration version such as 000042 or 20240101120000, not ${JSON.stringify(v.value)}` };
      }
      out.baseline = v.value.trim();
      i += v.used;
      continue;
    }
    const handled = extra(args, i, arg);
    if (handled === undefined) return { ok: false, message: `unknown option ${arg} for ${command}` };
    if ('error' in handled) return { ok: false, message: handled.error };
    i += handled.used;
  }
  return { ok: true, value: out };
}

function parseCheck(args: readonly string[]): ParseResult {
  let format: OutputFormat = 'text';
  let maxWarnings: number | undefined;
  let jobs: number | undefined;
  const parsed = parsePathsAndOptions('check', args, (all, i, arg) => {
    if (arg === '--jobs' || arg.startsWith('--jobs=')) {
      const v = optionValue(all, i, '--jobs');
      if ('error' in v) return v;
      if (!/^[1-9][0-9]*$/.test(v.value)) return { error: `--jobs expects a number of threads (1 or more), not ${JSON.stringify(v.value)}` };
      jobs = Number(v.value);
      return { used: v.used };
    }
    if (arg === '--format' || arg.startsWith('--format=')) {
      const v = optionValue(all, i, '--format');
      if ('error' in v) return v;
      if (!isOutputFormat(v.value)) return { error: `--format must be ${FORMAT_NAMES.join(', ')}, not ${JSON.stringify(v.value)}` };
      format = v.value;
      return { used: v.used };
    }
    if (arg === '--max-warnings' || arg.startsWith('--max-warnings=')) {
      const v = optionValue(all, i, '--max-warnings');
      if ('error' in v) return v;
      if (!/^[0-9]+$/.test(v.value)) return { error: `--max-warnings expects a number of warnings (0 or more), not ${JSON.stringify(v.value)}` };
      maxWarnings = Number(v.value);
      return { used: v.used };
    }
    return undefined;
  });
  if (!parsed.ok) return fail(parsed.message);
  const { paths, rules, changedSince, baseline } = parsed.value;
  return {
    ok: true,
    command: {
      kind: 'check',
      paths,
      format,
      rules,
      ...(changedSince !== undefined ? { changedSince } : {}),
      ...(maxWarnings !== undefined ? { maxWarnings } : {}),
      ...(jobs !== undefined ? { jobs } : {}),
      ...(baseline !== undefined ? { baseline } : {}),
    },
  };
}

function parseReview(args: readonly string[]): ParseResult {
  let verify = false;
  const parsed = parsePathsAndOptions('review', args, (_all, _i, arg) => {
    if (arg === '--verify') {
      verify = true;
      return { used: 1 };
    }
    return undefined;
  });
  if (!parsed.ok) return fail(parsed.message);
  const { paths, rules, changedSince, baseline } = parsed.value;
  return { ok: true, command: { kind: 'review', paths, rules, verify, ...(changedSince !== undefined ? { changedSince } : {}), ...(baseline !== undefined ? { baseline } : {}) } };
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
  migration-guard check [paths...] [--format text|json|sarif|github|gitlab] [--changed-since <git-ref>]
                        [--max-warnings <n>] [--jobs <n>] [--baseline <version>] [--rule <rule-id>=off|error|warning|info|hint]...
  migration-guard review [paths...] [--changed-since <git-ref>] [--verify] [--baseline <version>] [--rule <rule-id>=<severity>]...
  migration-guard down <up-file>
  migration-guard verify [dir] [--migration <version> | --all] [--format text|json] [--database-url <url>]
  migration-guard --help | --version

check   Lints SQL migration files. Paths are files or directories (searched recursively for *.sql,
        skipping node_modules and directories whose name starts with a dot); default: the current
        directory. Settings come from the nearest .migration-guard.json above each file; --rule
        changes a rule's severity or turns it off on top of it (repeatable; the last one wins).
        --format: text (default), json, sarif (SARIF 2.1.0 for code scanning), github (workflow
        commands: annotations on a pull request), gitlab (code quality report).
        --changed-since <ref>: only the migrations that differ from the merge base of <ref> and
        HEAD (added, modified or renamed, uncommitted and untracked included) are checked and
        reported; the earlier ones still feed the schema model.
        --max-warnings <n>: exit 1 when more than n warnings are reported.
        --jobs <n>: threads that check folders in parallel on a large tree (default: one per core).
        --baseline <version>: migrations at or below this version are applied history: they feed the
        schema model and keep the file-level rules (syntax, names, duplicate versions), statement
        rules report nothing there (wins over "baseline" in .migration-guard.json).
review  Prints a Markdown summary per migration for a pull request or a job summary: what each
        statement does, its lock and what that blocks, table rewrites, data it can lose, whether
        the down undoes the up (or the generated down), a verdict; --verify adds the up -> down -> up
        round trip. Takes the same paths and --changed-since as check.
down    Prints the down migration generated from an up migration file.
verify  Runs a migration's up, down and up again in an embedded PostgreSQL (or a scratch database on
        the server --database-url names) and reports what the down does not restore, data the round
        trip loses and failing statements; exit 1 when a round trip fails. --changed-since <ref>
        verifies the versions that differ from <ref>. See verify --help.

Exit status: 0 no error-severity finding, 1 at least one error-severity finding (or more warnings
             than --max-warnings), 2 bad usage, unreadable input, an invalid .migration-guard.json,
             no .sql file to check, or a --changed-since git cannot answer. review exits 0 once it
             printed the summary, 2 on the same bad input.
`;
