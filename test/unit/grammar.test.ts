/**
 * The injection grammar for suppression comments, tokenized for real with vscode-textmate and the
 * Oniguruma WASM VS Code uses. The base grammar is a stand-in for VS Code's built-in SQL grammar
 * with the same shape of line-comment rule (`--` begins `comment.line.double-dash.sql`, `\n` ends it).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const ROOT = join(__dirname, '..', '..', '..');

interface GrammarContribution {
  scopeName: string;
  path: string;
  injectTo?: string[];
  language?: string;
}

const BASE_SQL_GRAMMAR = {
  scopeName: 'source.sql',
  patterns: [
    { include: '#comments' },
    { match: '(?i)\\b(drop|table|create|alter|select)\\b', name: 'keyword.other.sql' },
    { match: "'[^']*'", name: 'string.quoted.single.sql' },
  ],
  repository: {
    comments: {
      patterns: [
        {
          begin: '(^[ \\t]+)?(?=--)',
          beginCaptures: { '1': { name: 'punctuation.whitespace.comment.leading.sql' } },
          end: '(?!\\G)',
          patterns: [
            {
              begin: '--',
              beginCaptures: { '0': { name: 'punctuation.definition.comment.sql' } },
              end: '\\n',
              name: 'comment.line.double-dash.sql',
            },
          ],
        },
        { begin: '/\\*', end: '\\*/', name: 'comment.block.sql' },
      ],
    },
  },
};

const DIRECTIVE = 'keyword.control.directive.suppression.migration-guard';
const RULE_ID = 'variable.other.constant.rule-id.migration-guard';
const COMMA = 'punctuation.separator.comma.migration-guard';
const REASON_DASHES = 'punctuation.definition.comment.reason.migration-guard';
const REASON = 'comment.line.reason.migration-guard';
const META = 'meta.directive.suppression.migration-guard';
const COMMENT = 'comment.line.double-dash.sql';

interface Token {
  text: string;
  scopes: string[];
}

let grammar: vsctm.IGrammar;

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes?: { grammars?: GrammarContribution[] };
  };
  const contributions = pkg.contributes?.grammars ?? [];
  const injection = contributions.find((g) => g.injectTo?.includes('source.sql'));
  assert.ok(injection, 'package.json contributes a grammar injected into source.sql');
  const injectionText = readFileSync(join(ROOT, injection.path), 'utf8');

  const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName === 'source.sql') return vsctm.parseRawGrammar(JSON.stringify(BASE_SQL_GRAMMAR), 'sql.json');
      if (scopeName === injection.scopeName) return vsctm.parseRawGrammar(injectionText, injection.path);
      return null;
    },
    // What VS Code does with `injectTo`.
    getInjections: (scopeName: string) =>
      contributions.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName),
  });
  const loaded = await registry.loadGrammar('source.sql');
  assert.ok(loaded);
  return loaded;
}

function tokenize(text: string): Token[][] {
  let state = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The innermost scope of each non-blank token: `[text, scope]`. */
function innermost(line: Token[]): [string, string][] {
  return line.filter((t) => t.text.trim() !== '').map((t) => [t.text, t.scopes[t.scopes.length - 1]!]);
}

describe('suppression comment grammar', () => {
  before(async () => {
    grammar = await loadGrammar();
  });

  it('declares an injection into SQL line comments', () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'migration-guard-suppression.tmLanguage.json'), 'utf8')) as {
      scopeName: string;
      injectionSelector: string;
    };
    assert.equal(raw.scopeName, 'migration-guard.suppression.injection');
    assert.equal(raw.injectionSelector, 'L:comment.line.double-dash.sql');
  });

  it('scopes the directive, each rule id and the reason', () => {
    const [line] = tokenize('-- migration-guard-ignore ban-drop-table, ban-truncate -- the table was emptied in 000041');
    assert.deepEqual(innermost(line!), [
      ['--', 'punctuation.definition.comment.sql'],
      ['migration-guard-ignore', DIRECTIVE],
      ['ban-drop-table', RULE_ID],
      [',', COMMA],
      ['ban-truncate', RULE_ID],
      ['--', REASON_DASHES],
      ['the table was emptied in 000041', REASON],
    ]);
    const id = line!.find((t) => t.text === 'ban-truncate')!;
    assert.deepEqual(id.scopes, ['source.sql', COMMENT, META, RULE_ID]);
    const reason = line!.find((t) => t.text.startsWith('the table'))!;
    assert.deepEqual(reason.scopes, ['source.sql', COMMENT, META, REASON]);
  });

  it('scopes the file-wide directive, space-separated ids and no reason', () => {
    const [line] = tokenize('  --migration-guard-ignore-file ban-drop-column require-concurrent-index');
    assert.deepEqual(innermost(line!), [
      ['--', 'punctuation.definition.comment.sql'],
      ['migration-guard-ignore-file', DIRECTIVE],
      ['ban-drop-column', RULE_ID],
      ['require-concurrent-index', RULE_ID],
    ]);
  });

  it('keeps the reason whole when it contains another " -- "', () => {
    const [line] = tokenize('-- migration-guard-ignore ban-drop-table -- emptied -- see 000041');
    assert.deepEqual(innermost(line!).slice(-2), [
      ['--', REASON_DASHES],
      ['emptied -- see 000041', REASON],
    ]);
  });

  it('leaves other comments, look-alike words and SQL alone', () => {
    const lines = tokenize(
      [
        '-- drop the old table; see migration-guard-ignore in the README',
        '-- migration-guard-ignored ban-drop-table',
        "DROP TABLE users; -- migration-guard-ignore ban-drop-table -- trailing comments count too",
        "SELECT 'migration-guard-ignore ban-drop-table';",
      ].join('\n'),
    );
    assert.deepEqual(innermost(lines[0]!), [
      ['--', 'punctuation.definition.comment.sql'],
      [' drop the old table; see migration-guard-ignore in the README', COMMENT],
    ]);
    assert.deepEqual(innermost(lines[1]!), [
      ['--', 'punctuation.definition.comment.sql'],
      [' migration-guard-ignored ban-drop-table', COMMENT],
    ]);
    assert.deepEqual(innermost(lines[2]!).slice(-4), [
      ['migration-guard-ignore', DIRECTIVE],
      ['ban-drop-table', RULE_ID],
      ['--', REASON_DASHES],
      ['trailing comments count too', REASON],
    ]);
    assert.deepEqual(innermost(lines[3]!), [
      ['SELECT', 'keyword.other.sql'],
      ["'migration-guard-ignore ban-drop-table'", 'string.quoted.single.sql'],
      [';', 'source.sql'],
    ]);
  });

  it('ends the directive with its line', () => {
    const lines = tokenize('-- migration-guard-ignore ban-drop-table\nDROP TABLE users;');
    assert.deepEqual(innermost(lines[1]!), [
      ['DROP', 'keyword.other.sql'],
      ['TABLE', 'keyword.other.sql'],
      [' users;', 'source.sql'],
    ]);
  });
});
