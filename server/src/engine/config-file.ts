/**
 * The project configuration file, `.migration-guard.json`, read the same way by the editor and the
 * CLI. The file that applies to a migration is the nearest one in its directory or an ancestor.
 *
 *   {
 *     "$schema": "...",
 *     "rules": { "ban-drop-table": "error", "missing-down-migration": "off" },
 *     "postgresVersion": 16,
 *     "baseline": "000042",
 *     "migrations": { "directories": ["db/migrations"], "convention": "golang-migrate" },
 *     "verify": { "databaseUrl": "postgres://me@localhost:5432/postgres" }
 *   }
 *
 * The file is strict JSON (no comments, no trailing commas). Every problem carries its exact
 * range. Errors make the file *broken*: nothing of it applies (front ends check with the defaults
 * and say so on every migration); warnings (unknown settings, unknown rule ids, duplicate keys)
 * leave the rest of the file in force, so that a config written for a newer version still works.
 */
import * as path from 'node:path';
import type { EngineOptions, RuleSetting } from './config';
import type { FileHost } from './host';
import { parseVersion, type Convention, type ConventionId } from './migrations/convention';
import { CONVENTION_IDS, conventionById } from './migrations/detect';
import { badPlaceholder, hasLiteralPassword, withSamplePlaceholders } from './env';
import { didYouMean } from './suggest';
import { checkDatabaseUrl } from './database-url';
import { LineIndex, type Range, type Span } from './text';

export const CONFIG_FILE_NAME = '.migration-guard.json';
export const MIN_POSTGRES_VERSION = 10;
export const MAX_POSTGRES_VERSION = 18;
export const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'error', 'warning', 'info', 'hint'];
export { CONVENTION_IDS, type ConventionId };
export const TOP_LEVEL_KEYS = ['$schema', 'rules', 'postgresVersion', 'baseline', 'migrations', 'verify'] as const;
export const MIGRATIONS_KEYS = ['directories', 'convention'] as const;
export const VERIFY_KEYS = ['databaseUrl', 'fixtures'] as const;

export interface ProjectConfig {
  rules: Record<string, RuleSetting>;
  postgresVersion?: number;
  /** Migrations at or below this version are applied history (see EngineOptions.baseline). */
  baseline?: string;
  migrations: {
    /** Globs relative to the config file's directory, `/`-separated. */
    directories?: string[];
    convention?: ConventionId;
  };
  /** "Verify migration" settings; absent when the file has no `verify` object. */
  verify?: {
    /**
     * Verify on this PostgreSQL server (in a scratch database it creates and drops) instead of PGlite.
     * As written: `${env:NAME}` placeholders are expanded where it is used (`expandEnv`).
     */
    databaseUrl?: string;
    /** SQL files or folders run before the up (relative to the config file, `/`-separated). */
    fixtures?: string[];
  };
}

export interface ConfigProblem {
  severity: 'error' | 'warning';
  message: string;
  span: Span;
  range: Range;
}

export interface LoadedConfig {
  /** Absolute path of the file. */
  path: string;
  /** Its directory: `migrations.directories` are relative to it. */
  dir: string;
  /** What applies: the file's settings, or nothing (the defaults) while it is broken. */
  config: ProjectConfig;
  problems: ConfigProblem[];
  /** True when the file has an error: none of it applies. */
  broken: boolean;
}

// ---------------------------------------------------------------------------------------------
// A small JSON parser that keeps the span of every value and key.

export type JsonValue =
  | { kind: 'object'; span: Span; properties: JsonProperty[] }
  | { kind: 'array'; span: Span; items: JsonValue[] }
  | { kind: 'string'; span: Span; value: string }
  | { kind: 'number'; span: Span; value: number }
  | { kind: 'boolean'; span: Span; value: boolean }
  | { kind: 'null'; span: Span };

export interface JsonProperty {
  key: string;
  /** The key with its quotes. */
  keySpan: Span;
  value: JsonValue;
}

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly span: Span) {
    super(message);
  }
}

const describeChar = (c: string | undefined): string => (c === undefined ? 'the end of the file' : JSON.stringify(c));

/** Parses strict JSON; throws a JsonSyntaxError at the first error. A leading byte order mark is skipped. */
export function parseJson(text: string): JsonValue {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const err = (message: string, start = i, end = Math.min(text.length, start + 1)): JsonSyntaxError => new JsonSyntaxError(message, { start, end });

  const skip = (): void => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) throw err('Comments are not allowed in JSON.', i, i + 2);
      else return;
    }
  };

  const string = (): { value: string; span: Span } => {
    const start = i;
    i++; // opening quote
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n' || c === '\r') throw err('Unterminated string: a closing " is missing.', start, i);
      if (c === '"') {
        i++;
        return { value, span: { start, end: i } };
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          value += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          throw err(`Invalid escape sequence in a string: \\${e ?? ''}`, i, Math.min(text.length, i + 2));
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) throw err('Control characters must be escaped in JSON strings.');
      value += c;
      i++;
    }
  };

  const value = (): JsonValue => {
    skip();
    const c = text[i];
    const start = i;
    if (c === '{') {
      i++;
      const properties: JsonProperty[] = [];
      skip();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', span: { start, end: i }, properties };
      }
      for (;;) {
        skip();
        if (text[i] !== '"') {
          if (text[i] === '}' && properties.length > 0) throw err('Trailing comma: JSON does not allow a comma before "}".', lastComma, lastComma + 1);
          throw err(`Expected a property name in double quotes, found ${describeChar(text[i])}.`);
        }
        const key = string();
        skip();
        if (text[i] !== ':') throw err(`Expected ":" after the property name, found ${describeChar(text[i])}.`);
        i++;
        const v = value();
        properties.push({ key: key.value, keySpan: key.span, value: v });
        skip();
        if (text[i] === ',') {
          lastComma = i;
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', span: { start, end: i }, properties };
        }
        throw err(`Expected "," or "}" after a property value, found ${describeChar(text[i])}.`);
      }
    }
    if (c === '[') {
      i++;
      const items: JsonValue[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', span: { start, end: i }, items };
      }
      for (;;) {
        skip();
        if (text[i] === ']' && items.length > 0) throw err('Trailing comma: JSON does not allow a comma before "]".', lastComma, lastComma + 1);
        items.push(value());
        skip();
        if (text[i] === ',') {
          lastComma = i;
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', span: { start, end: i }, items };
        }
        throw err(`Expected "," or "]" after an array item, found ${describeChar(text[i])}.`);
      }
    }
    if (c === '"') {
      const s = string();
      return { kind: 'string', span: s.span, value: s.value };
    }
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (num && (c === '-' || (c !== undefined && c >= '0' && c <= '9'))) {
      i += num[0].length;
      return { kind: 'number', span: { start, end: i }, value: Number(num[0]) };
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v === null ? { kind: 'null', span: { start, end: i } } : { kind: 'boolean', span: { start, end: i }, value: v };
      }
    }
    if (c === undefined) throw err('Unexpected end of file: a value is missing.', i, i);
    const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i, i + 100));
    if (word) throw err(`Unexpected ${JSON.stringify(word[0])}: strings must be in double quotes.`, i, i + word[0].length);
    if (c === "'") throw err('Strings must be in double quotes, not single quotes.');
    throw err(`Unexpected character ${describeChar(c)}.`);
  };

  let lastComma = -1;
  skip();
  if (i >= text.length) throw err('The file is empty: expected a JSON object such as { "rules": {} }.', i, i);
  const root = value();
  skip();
  if (i < text.length) throw err(`Unexpected ${describeChar(text[i])} after the end of the JSON value.`);
  return root;
}

// ---------------------------------------------------------------------------------------------
// Validation.

const quoted = (words: readonly string[]): string => {
  const q = words.map((w) => `"${w}"`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
};

const kindName = (v: JsonValue): string => (v.kind === 'object' ? 'an object' : v.kind === 'array' ? 'an array' : v.kind === 'null' ? 'null' : `a ${v.kind}`);

/**
 * Parses and checks the text of a config file. `knownRuleIds` are the registered rules (passed in
 * so that this module does not load every rule). Never throws.
 */
export function parseConfigText(text: string, knownRuleIds: readonly string[]): { config: ProjectConfig; problems: ConfigProblem[]; broken: boolean } {
  const lines = new LineIndex(text);
  const problems: ConfigProblem[] = [];
  const problem = (severity: ConfigProblem['severity'], message: string, span: Span): void => {
    problems.push({ severity, message, span, range: lines.rangeOf(span) });
  };
  const config: ProjectConfig = { rules: {}, migrations: {} };
  const done = (): { config: ProjectConfig; problems: ConfigProblem[]; broken: boolean } => {
    problems.sort((a, b) => a.span.start - b.span.start);
    const broken = problems.some((p) => p.severity === 'error');
    return { config: broken ? { rules: {}, migrations: {} } : config, problems, broken };
  };

  let root: JsonValue;
  try {
    root = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    problem('error', `Invalid JSON: ${e.message}`, e.span);
    return done();
  }
  if (root.kind !== 'object') {
    problem('error', `The configuration must be a JSON object, not ${kindName(root)}.`, root.span);
    return done();
  }

  /** The properties of an object, warning about keys given twice (the last one wins, as in JSON.parse). */
  const entries = (obj: Extract<JsonValue, { kind: 'object' }>): JsonProperty[] => {
    const last = new Map<string, JsonProperty>();
    for (const p of obj.properties) {
      const before = last.get(p.key);
      if (before) problem('warning', `"${p.key}" is given twice; the last one wins.`, before.keySpan);
      last.set(p.key, p);
    }
    return [...last.values()];
  };

  for (const prop of entries(root)) {
    const v = prop.value;
    switch (prop.key) {
      case '$schema':
        if (v.kind !== 'string') problem('error', `"$schema" must be a string, not ${kindName(v)}.`, v.span);
        break;
      case 'rules':
        if (v.kind !== 'object') {
          problem('error', `"rules" must be an object mapping rule ids to ${quoted(RULE_SETTINGS)}, not ${kindName(v)}.`, v.span);
          break;
        }
        for (const rule of entries(v)) {
          const s = rule.value;
          const settingOk = s.kind === 'string' && (RULE_SETTINGS as readonly string[]).includes(s.value);
          if (!settingOk) {
            const hint = s.kind === 'string' ? didYouMean(s.value, RULE_SETTINGS) : '';
            const shown = s.kind === 'string' ? JSON.stringify(s.value) : kindName(s);
            problem('error', `Invalid setting ${shown} for rule "${rule.key}": expected ${quoted(RULE_SETTINGS)}.${hint}`, s.span);
          }
          if (!knownRuleIds.includes(rule.key)) {
            problem('warning', `Unknown rule "${rule.key}"; it is ignored.${didYouMean(rule.key, knownRuleIds)}`, rule.keySpan);
            continue;
          }
          if (settingOk) config.rules[rule.key] = (s as { value: RuleSetting }).value;
        }
        break;
      case 'postgresVersion':
        if (v.kind !== 'number' || !Number.isInteger(v.value) || v.value < MIN_POSTGRES_VERSION || v.value > MAX_POSTGRES_VERSION) {
          const shown = v.kind === 'number' || v.kind === 'string' ? JSON.stringify(v.value) : kindName(v);
          problem('error', `"postgresVersion" must be a PostgreSQL major version, an integer from ${MIN_POSTGRES_VERSION} to ${MAX_POSTGRES_VERSION}, not ${shown}.`, v.span);
        } else config.postgresVersion = v.value;
        break;
      case 'baseline':
        if (v.kind !== 'string' || parseVersion(v.value) === undefined) {
          const shown = v.kind === 'string' || v.kind === 'number' ? JSON.stringify(v.value) : kindName(v);
          const hint = v.kind === 'number' ? ` (write it as a string, "${v.value}", to keep its leading zeros)` : '';
          problem('error', `"baseline" must be a migration version as a string, such as "000042" or "20240101120000", not ${shown}${hint}.`, v.span);
        } else config.baseline = v.value.trim();
        break;
      case 'migrations':
        if (v.kind !== 'object') {
          problem('error', `"migrations" must be an object with "directories" and/or "convention", not ${kindName(v)}.`, v.span);
          break;
        }
        for (const m of entries(v)) {
          const mv = m.value;
          if (m.key === 'directories') {
            if (mv.kind !== 'array') {
              problem('error', `"migrations.directories" must be an array of globs relative to this file, not ${kindName(mv)}.`, mv.span);
              continue;
            }
            const dirs: string[] = [];
            for (const item of mv.items) {
              if (item.kind !== 'string' || item.value.trim() === '') {
                problem('error', `Each of "migrations.directories" must be a non-empty glob string, not ${item.kind === 'string' ? 'an empty string' : kindName(item)}.`, item.span);
              } else if (path.isAbsolute(item.value) || /^[a-zA-Z]:[\\/]/.test(item.value)) {
                problem('error', `"${item.value}" is an absolute path: "migrations.directories" are relative to the directory of ${CONFIG_FILE_NAME}.`, item.span);
              } else dirs.push(item.value.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, ''));
            }
            config.migrations.directories = dirs;
          } else if (m.key === 'convention') {
            if (mv.kind === 'string' && (CONVENTION_IDS as readonly string[]).includes(mv.value)) {
              config.migrations.convention = mv.value as ConventionId;
            } else {
              const hint = mv.kind === 'string' ? didYouMean(mv.value, CONVENTION_IDS) : '';
              const shown = mv.kind === 'string' ? JSON.stringify(mv.value) : kindName(mv);
              problem('error', `Unknown convention ${shown}: expected ${quoted(CONVENTION_IDS)}.${hint}`, mv.span);
            }
          } else {
            problem('warning', `Unknown setting "migrations.${m.key}"; it is ignored. Known: ${quoted(MIGRATIONS_KEYS)}.${didYouMean(m.key, MIGRATIONS_KEYS)}`, m.keySpan);
          }
        }
        break;
      case 'verify':
        if (v.kind !== 'object') {
          problem('error', `"verify" must be an object with "databaseUrl" and/or "fixtures", not ${kindName(v)}.`, v.span);
          break;
        }
        config.verify = {};
        for (const m of entries(v)) {
          const mv = m.value;
          if (m.key === 'databaseUrl') {
            const raw = mv.kind === 'string' ? mv.value.trim() : undefined;
            const placeholder = raw !== undefined ? badPlaceholder(raw) : undefined;
            const bad =
              raw === undefined ? `is ${kindName(mv)}, not a string` : placeholder ? `has ${JSON.stringify(placeholder)}, which is not a \${env:NAME} placeholder` : checkDatabaseUrl(withSamplePlaceholders(raw));
            if (bad) problem('error', `"verify.databaseUrl" ${bad}: expected a PostgreSQL URL such as "postgres://user@localhost:5432/postgres".`, mv.span);
            else {
              config.verify.databaseUrl = raw;
              if (hasLiteralPassword(raw!)) {
                problem(
                  'warning',
                  '"verify.databaseUrl" has a password written in the file: anyone who can read the repository can read it. Write ${env:NAME} in its place (expanded from the environment), or set MIGRATION_GUARD_DATABASE_URL for the CLI and migrationGuard.verify.databaseUrl in your user settings.',
                  mv.span,
                );
              }
            }
          } else if (m.key === 'fixtures') {
            const items = mv.kind === 'array' ? mv.items : mv.kind === 'string' ? [mv] : undefined;
            if (!items) {
              problem('error', `"verify.fixtures" must be a path or an array of paths (SQL files or folders relative to this file), not ${kindName(mv)}.`, mv.span);
              continue;
            }
            const paths: string[] = [];
            for (const item of items) {
              if (item.kind !== 'string' || item.value.trim() === '') {
                problem('error', `Each of "verify.fixtures" must be a non-empty path, not ${item.kind === 'string' ? 'an empty string' : kindName(item)}.`, item.span);
              } else if (path.isAbsolute(item.value) || /^[a-zA-Z]:[\\/]/.test(item.value)) {
                problem('error', `"${item.value}" is an absolute path: "verify.fixtures" are relative to the directory of ${CONFIG_FILE_NAME}.`, item.span);
              } else paths.push(item.value.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, ''));
            }
            config.verify.fixtures = paths;
          } else {
            problem('warning', `Unknown setting "verify.${m.key}"; it is ignored. Known: ${quoted(VERIFY_KEYS)}.${didYouMean(m.key, VERIFY_KEYS)}`, m.keySpan);
          }
        }
        break;
      default:
        problem('warning', `Unknown setting "${prop.key}"; it is ignored. Known: ${quoted(TOP_LEVEL_KEYS)}.${didYouMean(prop.key, TOP_LEVEL_KEYS)}`, prop.keySpan);
    }
  }
  return done();
}

/** `path:line:col: error message` (1-based, as compilers print) for the CLI and logs. */
export function formatConfigProblem(configPath: string, p: ConfigProblem): string {
  return `${configPath}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity} ${p.message}`;
}

// ---------------------------------------------------------------------------------------------
// Conventions.

/** The Convention a config names; undefined when it names none (the engine then detects it per directory). */
export function conventionFor(id: ConventionId | undefined): Convention | undefined {
  return id === undefined ? undefined : conventionById(id);
}

// ---------------------------------------------------------------------------------------------
// Finding the file that applies.

/**
 * Finds and parses the config file that applies to a path: the nearest `.migration-guard.json` in
 * the file's directory or an ancestor, up to the file system root. Lookups are cached per directory
 * and parsed files per path; call `invalidate` when a config file is created, changed or deleted.
 */
export class ConfigResolver {
  private readonly nearest = new Map<string, string | null>();
  private readonly loaded = new Map<string, LoadedConfig>();

  constructor(
    private readonly host: FileHost,
    private readonly knownRuleIds: readonly string[],
  ) {}

  /** The path of the config file that applies to files in `dir`, if any. */
  configPathForDir(dir: string): string | undefined {
    const visited: string[] = [];
    let current = path.resolve(dir);
    let found: string | null = null;
    for (;;) {
      const hit = this.nearest.get(current);
      if (hit !== undefined) {
        found = hit;
        break;
      }
      visited.push(current);
      const candidate = path.join(current, CONFIG_FILE_NAME);
      if (this.host.exists(candidate)) {
        found = candidate;
        break;
      }
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
    for (const d of visited) this.nearest.set(d, found);
    return found ?? undefined;
  }

  /** The config that applies to a file (by its directory), parsed; undefined when there is none. */
  forFile(filePath: string): LoadedConfig | undefined {
    const configPath = this.configPathForDir(path.dirname(path.resolve(filePath)));
    return configPath ? this.load(configPath) : undefined;
  }

  /** Parses a config file (cached). A file that cannot be read counts as broken. */
  load(configPath: string): LoadedConfig {
    const abs = path.resolve(configPath);
    let hit = this.loaded.get(abs);
    if (!hit) {
      const text = this.host.readFile(abs);
      if (text === undefined) {
        const span = { start: 0, end: 0 };
        hit = {
          path: abs,
          dir: path.dirname(abs),
          config: { rules: {}, migrations: {} },
          problems: [{ severity: 'error', message: `Cannot read ${CONFIG_FILE_NAME}.`, span, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
          broken: true,
        };
      } else {
        const r = parseConfigText(text, this.knownRuleIds);
        hit = { path: abs, dir: path.dirname(abs), ...r };
      }
      this.loaded.set(abs, hit);
    }
    return hit;
  }

  /** Forgets every lookup and parsed file (a config file appeared, changed or disappeared). */
  invalidate(): void {
    this.nearest.clear();
    this.loaded.clear();
  }
}

/** The engine options a config gives: its rules, PostgreSQL version and convention (none while broken). */
export function configOptions(loaded: LoadedConfig | undefined): EngineOptions & { convention?: Convention } {
  if (!loaded || loaded.broken) return {};
  const c = loaded.config;
  const out: EngineOptions & { convention?: Convention } = { rules: { ...c.rules } };
  if (c.postgresVersion !== undefined) out.postgresVersion = c.postgresVersion;
  if (c.baseline !== undefined) out.baseline = c.baseline;
  const convention = conventionFor(c.migrations.convention);
  if (convention) out.convention = convention;
  return out;
}

/** The absolute paths of a config's `verify.fixtures` (none while it is broken). */
export function fixturePaths(loaded: LoadedConfig | undefined): string[] {
  if (!loaded || loaded.broken) return [];
  return (loaded.config.verify?.fixtures ?? []).map((p) => path.resolve(loaded.dir, ...p.split('/')));
}

/** Whether a path is a config file (by name). */
export function isConfigFile(filePath: string): boolean {
  return path.basename(filePath) === CONFIG_FILE_NAME;
}

/** The first error of a broken config, for the one-line notice on migration files and the CLI. */
export function firstError(config: LoadedConfig): ConfigProblem | undefined {
  return config.problems.find((p) => p.severity === 'error');
}


