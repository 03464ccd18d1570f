/**
 * Runs the documented GitHub Actions workflow (docs/ci/github-actions.yml) against examples/, the
 * way a runner would, offline:
 *
 * - parses the file (YAML) and checks what the README promises: triggers, permissions, a full-history
 *   checkout, the SARIF upload of the file a step writes, the review into $GITHUB_STEP_SUMMARY;
 * - packs the CLI (`npm pack`) and lets the workflow's own install step install the tarball
 *   (MIGRATION_GUARD_PACKAGE) into a temporary global prefix;
 * - builds a git repository from examples/shop with two commits (the pull request adds 000007 and
 *   000008) and an `origin/main` at the first, and runs every `run:` step with `bash -eo pipefail`,
 *   the workflow's env, $GITHUB_ENV carried from step to step and `if:` conditions honoured;
 * - asserts each step's exit status, the annotations, the summary's migrations, and that the SARIF
 *   log the upload step would send is valid SARIF 2.1.0.
 *
 *   npm run test:workflow          (exit 0 when everything holds; prints one line per step)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Validator } from 'jsonschema';
import { parse } from 'yaml';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, { steps: Step[]; env?: Record<string, string> }>;
}

const ROOT = path.resolve(__dirname, '..', '..');
const WORKFLOW = path.join(ROOT, 'docs', 'ci', 'github-actions.yml');

const failures: string[] = [];
function expect(cond: boolean, what: string): void {
  if (!cond) failures.push(what);
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'CI', GIT_AUTHOR_EMAIL: 'ci@example.invalid', GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.invalid' },
  }).trim();
}

/** `${{ ... }}` as the runner would see it here: only the conditions this workflow uses. */
function shouldRun(step: Step, failedBefore: boolean): boolean {
  const cond = (step.if ?? 'success()').replace(/^\$\{\{\s*|\s*\}\}$/g, '').trim();
  if (cond === 'always()' || cond === '!cancelled()') return true;
  if (cond === 'success()') return !failedBefore;
  if (cond === 'failure()') return failedBefore;
  throw new Error(`ci-workflow: the condition ${JSON.stringify(step.if)} is not understood here; teach shouldRun about it`);
}

/** KEY=VALUE lines of a $GITHUB_ENV file (the single-line form). */
function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

function main(): number {
  const wf = parse(fs.readFileSync(WORKFLOW, 'utf8')) as Workflow;
  const jobs = Object.values(wf.jobs);
  expect(jobs.length === 1, 'one job');
  const steps = jobs[0]!.steps;
  expect('pull_request' in wf.on, 'runs on pull requests');
  expect(wf.permissions['security-events'] === 'write', 'permission to upload SARIF');
  const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'));
  expect(checkout?.with?.['fetch-depth'] === 0, 'checkout with the whole history (fetch-depth: 0)');
  const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
  const sarifFile = String(upload?.with?.sarif_file ?? '');
  expect(sarifFile !== '' && steps.some((s) => s.run?.includes(`> ${sarifFile}`)), 'the uploaded SARIF file is written by a step');
  expect(steps.some((s) => s.run?.includes('>> "$GITHUB_STEP_SUMMARY"') && s.run.includes('migration-guard review')), 'the review goes into the job summary');

  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-workflow-')));
  try {
    // The tarball users would install (the prepack script builds dist/).
    const npmEnv = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8', env: npmEnv, stdio: ['ignore', 'pipe', 'inherit'] });
    const tarball = path.join(tmp, (JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string }[])[0]!.filename);

    // A repository whose pull request adds 000007 and 000008 of examples/shop.
    const repo = path.join(tmp, 'repo');
    fs.cpSync(path.join(ROOT, 'examples', 'shop'), repo, { recursive: true });
    const later = ['000007_drop_legacy_carts', '000008_add_customer_tier'];
    const migrations = path.join(repo, 'db', 'migrations');
    const held = path.join(tmp, 'held');
    fs.mkdirSync(held);
    for (const f of fs.readdirSync(migrations)) if (later.some((l) => f.startsWith(l))) fs.renameSync(path.join(migrations, f), path.join(held, f));
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'main');
    git(repo, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    git(repo, 'checkout', '-q', '-b', 'feature');
    for (const f of fs.readdirSync(held)) fs.renameSync(path.join(held, f), path.join(migrations, f));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'pull request');

    const prefix = path.join(tmp, 'global');
    const githubEnv = path.join(tmp, 'github-env');
    const summary = path.join(tmp, 'step-summary.md');
    fs.writeFileSync(githubEnv, '');
    fs.writeFileSync(summary, '');
    let env: Record<string, string | undefined> = {
      ...npmEnv,
      ...wf.env,
      ...jobs[0]!.env,
      MIGRATION_GUARD_PACKAGE: tarball,
      npm_config_prefix: prefix,
      PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      GITHUB_ACTIONS: 'true',
      GITHUB_BASE_REF: 'main',
      GITHUB_ENV: githubEnv,
      GITHUB_STEP_SUMMARY: summary,
      MIGRATION_GUARD_DATABASE_URL: undefined,
    };

    // What each step must do on this pull request: 000008 does not parse (an error: check fails),
    // neither 000007 (its down loses the rows) nor 000008 round-trips (verify fails), the review and
    // the SARIF steps succeed.
    const expected: Record<string, number> = {
      'Install Migration Guard': 0,
      'Base of the comparison': 0,
      'Check the changed migrations (annotations on the pull request)': 1,
      'Review summary': 0,
      'Verify the changed migrations (up, down, up)': 1,
      'SARIF of every migration': 0,
    };
    const outputs = new Map<string, string>();
    let failed = false;
    for (const step of steps) {
      const name = step.name ?? step.uses ?? '(unnamed)';
      if (!step.run) {
        console.log(`skip  ${name} (uses ${step.uses}: an action, not run here)`);
        continue;
      }
      if (!shouldRun(step, failed)) {
        console.log(`skip  ${name} (if: ${step.if ?? 'success()'})`);
        expect(!(name in expected), `${name} runs`);
        continue;
      }
      const started = Date.now();
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], { cwd: repo, encoding: 'utf8', env: { ...env, ...step.env } as NodeJS.ProcessEnv });
      const code = r.status ?? -1;
      console.log(`${code === 0 ? 'ok   ' : `exit ${code}`} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      outputs.set(name, r.stdout);
      if (name in expected) expect(code === expected[name], `${name}: exit ${expected[name]} expected, got ${code}\n${r.stdout}\n${r.stderr}`);
      else failures.push(`a step this script does not know: ${name}`);
      if (code !== 0) failed = true;
      env = { ...env, ...readEnvFile(githubEnv) };
    }

    expect(env.BASE_REF === 'origin/main', `BASE_REF=origin/main in $GITHUB_ENV, got ${env.BASE_REF}`);
    const annotations = outputs.get('Check the changed migrations (annotations on the pull request)') ?? '';
    expect(/^::error file=db\/migrations\/000008_add_customer_tier\.up\.sql,line=3,col=52,endLine=3,endColumn=52,title=syntax-error::/m.test(annotations), `the syntax error of 000008 is an annotation:\n${annotations}`);
    expect(annotations.split('\n').filter((l) => l !== '').every((l) => /^::(error|warning|notice) file=db\/migrations\/00000[78]_/.test(l)), `only the changed migrations are annotated:\n${annotations}`);
    const verified = outputs.get('Verify the changed migrations (up, down, up)') ?? '';
    // 000007 drops a table: its down brings the table back without its rows; 000008 does not parse.
    expect(
      /^FAIL 000007_drop_legacy_carts: The down does not restore 3 of 3 rows of `legacy_carts` /m.test(verified) && /^FAIL 000008_add_customer_tier: The up fails: syntax error /m.test(verified),
      `verify fails 000007 (data) and 000008 (syntax):\n${verified}`,
    );
    const md = fs.readFileSync(summary, 'utf8');
    const sections = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(JSON.stringify(sections) === JSON.stringify(later), `the summary reviews ${later.join(', ')}, got ${sections.join(', ')}`);
    const sarifPath = path.join(repo, sarifFile);
    const log = JSON.parse(fs.readFileSync(sarifPath, 'utf8')) as { runs: { results: unknown[] }[] };
    const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const errors = new Validator().validate(log, schema).errors;
    expect(errors.length === 0, `${sarifFile} is valid SARIF 2.1.0: ${errors.map((e) => `${e.property} ${e.message}`).join('; ')}`);
    expect((log.runs[0]?.results.length ?? 0) > 10, 'the SARIF log holds the findings of every migration');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(`ci-workflow: ${failures.length} failed:\n- ${failures.join('\n- ')}`);
    return 1;
  }
  console.log('ci-workflow: the documented workflow runs as described.');
  return 0;
}

process.exitCode = main();
