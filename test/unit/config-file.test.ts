/** `.migration-guard.json`: strict JSON with exact error positions, validation, nearest-ancestor lookup. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  CONVENTION_IDS,
  ConfigResolver,
  configOptions,
  fixturePaths,
  formatConfigProblem,
  parseConfigText,
  parseJson,
  type ConfigProblem,
} from '../../server/src/engine/config-file';
import { MemoryFileHost, type FileHost } from '../../server/src/engine/host';
import { conventionById } from '../../server/src/engine/migrations/detect';
import { golangMigrate } from '../../server/src/engine/migrations/golang-migrate';
import { RULES } from '../../server/src/engine/rules/registry';
import { closest } from '../../server/src/engine/suggest';

const IDS = ['ban-drop-table', 'ban-truncate', 'missing-down-migration'];

/** `severity line:col-line:col message` (0-based), for exact comparisons. */
const show = (p: ConfigProblem): string =>
  `${p.severity} ${p.range.start.line}:${p.range.start.character}-${p.range.end.line}:${p.range.end.character} ${p.message}`;

const problems = (text: string): string[] => parseConfigText(text, IDS).problems.map(show);

describe('config file', () => {
  describe('parsing', () => {
    it('reads every setting of a valid file', () => {
      const r = parseConfigText(
        JSON.stringify({
          $schema: './node_modules/migration-guard/schemas/migration-guard.schema.json',
          rules: { 'ban-drop-table': 'error', 'missing-down-migration': 'off' },
          postgresVersion: 16,
          migrations: { directories: ['db/migrations', './services/*/migrations/'], convention: 'golang-migrate' },
        }),
        IDS,
      );
      assert.deepEqual(r.problems, []);
      assert.equal(r.broken, false);
      assert.deepEqual(r.config, {
        rules: { 'ban-drop-table': 'error', 'missing-down-migration': 'off' },
        postgresVersion: 16,
        migrations: { directories: ['db/migrations', 'services/*/migrations'], convention: 'golang-migrate' },
      });
    });

    it('accepts an empty object, a byte order mark and CRLF line breaks', () => {
      assert.deepEqual(parseConfigText('{}', IDS), { config: { rules: {}, migrations: {} }, problems: [], broken: false });
      assert.deepEqual(parseConfigText('\ufeff{\r\n  "postgresVersion": 10\r\n}\r\n', IDS).config, { rules: {}, postgresVersion: 10, migrations: {} });
    });

    it('invalid JSON: the position of the error, and nothing of the file applies', () => {
      const text = '{\n  "rules": {\n    "ban-drop-table": "error",\n  }\n}';
      const r = parseConfigText(text, IDS);
      assert.equal(r.broken, true);
      assert.deepEqual(r.config, { rules: {}, migrations: {} });
      assert.deepEqual(r.problems.map(show), ['error 2:29-2:30 Invalid JSON: Trailing comma: JSON does not allow a comma before "}".']);
    });

    it('invalid JSON: each kind of syntax error at its exact place', () => {
      assert.deepEqual(problems(''), ['error 0:0-0:0 Invalid JSON: The file is empty: expected a JSON object such as { "rules": {} }.']);
      assert.deepEqual(problems("{ 'rules': {} }"), ['error 0:2-0:3 Invalid JSON: Expected a property name in double quotes, found "\'".']);
      assert.deepEqual(problems('{ "rules": {} } x'), ['error 0:16-0:17 Invalid JSON: Unexpected "x" after the end of the JSON value.']);
      assert.deepEqual(problems('// note\n{}'), ['error 0:0-0:2 Invalid JSON: Comments are not allowed in JSON.']);
      assert.deepEqual(problems('{ "rules": { "a": "off" '), ['error 0:24-0:24 Invalid JSON: Expected "," or "}" after a property value, found the end of the file.']);
      assert.deepEqual(problems('{"a": "x\ny"}'), ['error 0:6-0:8 Invalid JSON: Unterminated string: a closing " is missing.']);
      assert.deepEqual(problems('{"a": tru}'), ['error 0:6-0:9 Invalid JSON: Unexpected "tru": strings must be in double quotes.']);
      assert.deepEqual(problems('{"a" 1}'), ['error 0:5-0:6 Invalid JSON: Expected ":" after the property name, found "1".']);
      assert.deepEqual(problems('{"a": [1, 2,]}'), ['error 0:11-0:12 Invalid JSON: Trailing comma: JSON does not allow a comma before "]".']);
      assert.deepEqual(problems('{"a": "\\x"}'), ['error 0:7-0:9 Invalid JSON: Invalid escape sequence in a string: \\x']);
      // UTF-16 columns after non-ASCII text.
      assert.deepEqual(problems('{ "$schema": "é🚀", }'), ['error 0:18-0:19 Invalid JSON: Trailing comma: JSON does not allow a comma before "}".']);
    });

    it('parses what JSON.parse parses, with spans', () => {
      const text = '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": {}}';
      const v = parseJson(text);
      assert.equal(v.kind, 'object');
      if (v.kind !== 'object') return;
      const toPlain = (j: ReturnType<typeof parseJson>): unknown =>
        j.kind === 'object' ? Object.fromEntries(j.properties.map((p) => [p.key, toPlain(p.value)])) : j.kind === 'array' ? j.items.map(toPlain) : j.kind === 'null' ? null : j.value;
      assert.deepEqual(toPlain(v), JSON.parse(text));
      assert.deepEqual(v.properties[0]!.keySpan, { start: 1, end: 4 });
      assert.deepEqual(v.properties[0]!.value.span, { start: 6, end: 48 });
    });

    it('the root must be an object', () => {
      assert.deepEqual(problems('[]'), ['error 0:0-0:2 The configuration must be a JSON object, not an array.']);
      assert.deepEqual(problems('  "rules"'), ['error 0:2-0:9 The configuration must be a JSON object, not a string.']);
    });

    it('unknown settings are warnings on the key, with a suggestion; the rest applies', () => {
      const r = parseConfigText('{\n  "rule": {},\n  "postgresVersion": 15,\n  "migrations": { "directory": ["db"] }\n}', IDS);
      assert.equal(r.broken, false);
      assert.deepEqual(r.config, { rules: {}, postgresVersion: 15, migrations: {} });
      assert.deepEqual(r.problems.map(show), [
        'warning 1:2-1:8 Unknown setting "rule"; it is ignored. Known: "$schema", "rules", "postgresVersion", "baseline", "migrations" or "verify". Did you mean "rules"?',
        'warning 3:18-3:29 Unknown setting "migrations.directory"; it is ignored. Known: "directories" or "convention". Did you mean "directories"?',
      ]);
    });

    it('unknown rule ids are warnings on the id, with "did you mean"; known ones still apply', () => {
      const r = parseConfigText('{ "rules": { "ban-drop-tabel": "off", "ban-truncate": "off", "squawk-thing": "off" } }', IDS);
      assert.equal(r.broken, false);
      assert.deepEqual(r.config.rules, { 'ban-truncate': 'off' });
      assert.deepEqual(r.problems.map(show), [
        'warning 0:13-0:29 Unknown rule "ban-drop-tabel"; it is ignored. Did you mean "ban-drop-table"?',
        'warning 0:61-0:75 Unknown rule "squawk-thing"; it is ignored.',
      ]);
    });

    it('bad severities are errors on the value, with a suggestion', () => {
      assert.deepEqual(problems('{\n  "rules": { "ban-drop-table": "eror" }\n}'), [
        'error 1:31-1:37 Invalid setting "eror" for rule "ban-drop-table": expected "off", "error", "warning", "info" or "hint". Did you mean "error"?',
      ]);
      assert.deepEqual(problems('{ "rules": { "ban-truncate": false } }'), [
        'error 0:29-0:34 Invalid setting a boolean for rule "ban-truncate": expected "off", "error", "warning", "info" or "hint".',
      ]);
      assert.deepEqual(problems('{ "rules": ["ban-truncate"] }'), [
        'error 0:11-0:27 "rules" must be an object mapping rule ids to "off", "error", "warning", "info" or "hint", not an array.',
      ]);
    });

    it('postgresVersion must be an integer from 10 to 18', () => {
      assert.deepEqual(problems('{ "postgresVersion": 9 }'), ['error 0:21-0:22 "postgresVersion" must be a PostgreSQL major version, an integer from 10 to 18, not 9.']);
      assert.deepEqual(problems('{ "postgresVersion": 19 }'), ['error 0:21-0:23 "postgresVersion" must be a PostgreSQL major version, an integer from 10 to 18, not 19.']);
      assert.deepEqual(problems('{ "postgresVersion": 14.5 }'), ['error 0:21-0:25 "postgresVersion" must be a PostgreSQL major version, an integer from 10 to 18, not 14.5.']);
      assert.deepEqual(problems('{ "postgresVersion": "16" }'), ['error 0:21-0:25 "postgresVersion" must be a PostgreSQL major version, an integer from 10 to 18, not "16".']);
      for (const v of [10, 18]) assert.deepEqual(problems(`{ "postgresVersion": ${v} }`), []);
    });

    it('verify.fixtures: a path or an array of paths relative to the file; resolved against its directory', () => {
      assert.deepEqual(parseConfigText('{ "verify": { "fixtures": "db/fixtures/" } }', IDS).config.verify, { fixtures: ['db/fixtures'] });
      assert.deepEqual(parseConfigText('{ "verify": { "fixtures": ["./a.sql", "b\\\\c.sql"] } }', IDS).config.verify, { fixtures: ['a.sql', 'b/c.sql'] });
      assert.deepEqual(problems('{ "verify": { "fixtures": 3 } }'), [
        'error 0:26-0:27 "verify.fixtures" must be a path or an array of paths (SQL files or folders relative to this file), not a number.',
      ]);
      assert.deepEqual(problems('{ "verify": { "fixtures": ["", 1, "/abs.sql"] } }'), [
        'error 0:27-0:29 Each of "verify.fixtures" must be a non-empty path, not an empty string.',
        'error 0:31-0:32 Each of "verify.fixtures" must be a non-empty path, not a number.',
        'error 0:34-0:44 "/abs.sql" is an absolute path: "verify.fixtures" are relative to the directory of .migration-guard.json.',
      ]);
      assert.deepEqual(problems('{ "verify": { "fixture": "a.sql" } }'), [
        'warning 0:14-0:23 Unknown setting "verify.fixture"; it is ignored. Known: "databaseUrl" or "fixtures". Did you mean "fixtures"?',
      ]);
      const root = path.resolve('/virtual/project');
      const host = new MemoryFileHost({ [path.join(root, '.migration-guard.json')]: '{ "verify": { "fixtures": ["db/fixtures", "seed.sql"] } }' });
      const loaded = new ConfigResolver(host, IDS).forFile(path.join(root, 'db', 'migrations', '000001_a.up.sql'));
      assert.deepEqual(fixturePaths(loaded), [path.join(root, 'db', 'fixtures'), path.join(root, 'seed.sql')]);
      assert.deepEqual(fixturePaths(undefined), []);
    });

    it('conventions: unknown ones are errors on the value, with a suggestion', () => {
      assert.deepEqual(problems('{ "migrations": { "convention": "goos" } }'), [
        'error 0:32-0:38 Unknown convention "goos": expected "golang-migrate", "goose", "dbmate", "sql-migrate", "flyway", "folder-per-migration", "pop" or "popx". Did you mean "goose"?',
      ]);
      assert.deepEqual(problems('{ "migrations": { "convention": 1 } }'), [
        'error 0:32-0:33 Unknown convention a number: expected "golang-migrate", "goose", "dbmate", "sql-migrate", "flyway", "folder-per-migration", "pop" or "popx".',
      ]);
    });

    it('migrations.directories: relative, non-empty glob strings', () => {
      assert.deepEqual(problems('{"migrations": {"directories": ["/abs", "", 3, "db/migrations/"]}}'), [
        'error 0:32-0:38 "/abs" is an absolute path: "migrations.directories" are relative to the directory of .migration-guard.json.',
        'error 0:40-0:42 Each of "migrations.directories" must be a non-empty glob string, not an empty string.',
        'error 0:44-0:45 Each of "migrations.directories" must be a non-empty glob string, not a number.',
      ]);
      assert.deepEqual(problems('{"migrations": "db"}'), ['error 0:15-0:19 "migrations" must be an object with "directories" and/or "convention", not a string.']);
    });

    it('a key given twice is a warning on the first; the last one wins', () => {
      const r = parseConfigText('{"rules": {"ban-truncate": "off", "ban-truncate": "error"}}', IDS);
      assert.deepEqual(r.problems.map(show), ['warning 0:11-0:25 "ban-truncate" is given twice; the last one wins.']);
      assert.deepEqual(r.config.rules, { 'ban-truncate': 'error' });
    });

    it('formats a problem as path:line:col with 1-based numbers', () => {
      const [p] = parseConfigText('{\n  "postgresVersion": 9\n}', IDS).problems;
      assert.equal(formatConfigProblem('db/.migration-guard.json', p!), 'db/.migration-guard.json:2:22: error "postgresVersion" must be a PostgreSQL major version, an integer from 10 to 18, not 9.');
    });

    it('suggestions: typos and unique prefixes only', () => {
      assert.equal(closest('ban-drop-tabel', IDS), 'ban-drop-table');
      assert.equal(closest('warn', ['off', 'error', 'warning', 'info', 'hint']), 'warning');
      assert.equal(closest('ban-trunc', IDS), 'ban-truncate');
      assert.equal(closest('ban', IDS), undefined);
      assert.equal(closest('something-else', IDS), undefined);
      // Far longer than any candidate: no candidate can be within the limit (and none is compared).
      assert.equal(closest(`ban-drop-table${'x'.repeat(1_000_000)}`, IDS), undefined);
      assert.equal(closest('ban-drop-tablexxxx', IDS), 'ban-drop-table');
    });
  });

  describe('engine options', () => {
    it('a valid config gives its rules, version and convention; a broken one nothing', () => {
      const host = new MemoryFileHost({
        '/p/.migration-guard.json': '{ "rules": { "ban-truncate": "off" }, "postgresVersion": 12, "migrations": { "convention": "golang-migrate" } }',
        '/q/.migration-guard.json': '{ "rules": { "ban-truncate": "of" } }',
      });
      const resolver = new ConfigResolver(host, IDS);
      assert.deepEqual(configOptions(resolver.forFile('/p/m/1_a.up.sql')), { rules: { 'ban-truncate': 'off' }, postgresVersion: 12, convention: golangMigrate });
      const broken = resolver.forFile('/q/1_a.up.sql');
      assert.equal(broken?.broken, true);
      assert.deepEqual(configOptions(broken), {});
      assert.deepEqual(configOptions(undefined), {});
    });

    it('every convention id names the engine\'s convention; none named means the engine detects it', () => {
      for (const id of CONVENTION_IDS) {
        const resolver = new ConfigResolver(new MemoryFileHost({ '/c/.migration-guard.json': JSON.stringify({ migrations: { convention: id } }) }), IDS);
        const loaded = resolver.forFile('/c/m/x.sql');
        assert.deepEqual(loaded?.problems, []);
        assert.equal(configOptions(loaded).convention, conventionById(id));
        assert.equal(configOptions(loaded).convention?.id, id);
      }
      const none = new ConfigResolver(new MemoryFileHost({ '/c/.migration-guard.json': '{}' }), IDS).forFile('/c/m/x.sql');
      assert.deepEqual(configOptions(none), { rules: {} });
    });

    it('the real registry knows every rule id a config may name', () => {
      const ids = RULES.map((r) => r.meta.id);
      const text = JSON.stringify({ rules: Object.fromEntries(ids.map((id) => [id, 'info'])) });
      assert.deepEqual(parseConfigText(text, ids).problems, []);
    });
  });

  describe('nearest-ancestor lookup', () => {
    /** A host that counts `exists` calls, to see the cache at work. */
    class CountingHost extends MemoryFileHost {
      existsCalls = 0;
      override exists(p: string): boolean {
        this.existsCalls++;
        return super.exists(p);
      }
    }
    const R = path.resolve('/repo');
    const files = {
      [path.join(R, '.migration-guard.json')]: '{ "postgresVersion": 13 }',
      [path.join(R, 'services/billing/.migration-guard.json')]: '{ "postgresVersion": 16 }',
      [path.join(R, 'services/billing/migrations/000001_a.up.sql')]: '',
      [path.join(R, 'db/migrations/000001_a.up.sql')]: '',
    };

    it('takes the nearest file in the directory or an ancestor', () => {
      const resolver = new ConfigResolver(new MemoryFileHost(files), IDS);
      assert.equal(resolver.forFile(path.join(R, 'db/migrations/000001_a.up.sql'))?.path, path.join(R, '.migration-guard.json'));
      assert.equal(resolver.forFile(path.join(R, 'db/migrations/000001_a.up.sql'))?.config.postgresVersion, 13);
      assert.equal(resolver.forFile(path.join(R, 'services/billing/migrations/000001_a.up.sql'))?.path, path.join(R, 'services/billing/.migration-guard.json'));
      assert.equal(resolver.forFile(path.join(R, 'services/billing/migrations/000001_a.up.sql'))?.config.postgresVersion, 16);
      assert.equal(resolver.forFile(path.join(R, 'services/billing/.migration-guard.json'))?.dir, path.join(R, 'services/billing'));
      assert.equal(resolver.forFile(path.resolve('/elsewhere/m/1_a.up.sql')), undefined);
    });

    it('caches lookups per directory and parsed files until invalidated', () => {
      const host = new CountingHost(files);
      const resolver = new ConfigResolver(host, IDS);
      const file = path.join(R, 'db/migrations/000001_a.up.sql');
      const first = resolver.forFile(file);
      const calls = host.existsCalls;
      assert.equal(calls, 3, 'db/migrations, db, repo');
      assert.equal(resolver.forFile(file), first, 'the same parsed object');
      resolver.configPathForDir(path.join(R, 'db'));
      assert.equal(host.existsCalls, calls, 'no file system access once cached');

      host.write(path.join(R, 'db/.migration-guard.json'), '{ "postgresVersion": 11 }');
      assert.equal(resolver.forFile(file)?.config.postgresVersion, 13, 'still cached');
      resolver.invalidate();
      assert.equal(resolver.forFile(file)?.config.postgresVersion, 11);
      host.write(path.join(R, 'db/.migration-guard.json'), '{ "postgresVersion": 12 }');
      resolver.invalidate();
      assert.equal(resolver.forFile(file)?.config.postgresVersion, 12, 'a changed file is parsed again');
    });

    it('a config file that cannot be read is broken, not skipped', () => {
      const host: FileHost = { readDir: () => [], readFile: () => undefined, exists: (p) => p === path.join(R, '.migration-guard.json') };
      const loaded = new ConfigResolver(host, IDS).forFile(path.join(R, 'm/1_a.up.sql'));
      assert.equal(loaded?.broken, true);
      assert.deepEqual(loaded?.problems.map(show), ['error 0:0-0:0 Cannot read .migration-guard.json.']);
    });
  });
});
