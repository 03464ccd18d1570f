/**
 * The injection grammar for the migration tools' section directives (goose, dbmate, sql-migrate),
 * tokenized for real with vscode-textmate and Oniguruma, beside the suppression grammar, on the same
 * stand-in for VS Code's SQL grammar as grammar.test.ts.
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
}

const BASE_SQL_GRAMMAR = {
  scopeName: 'source.sql',
  patterns: [
    { include: '#comments' },
    { match: '(?i)\\b(drop|table|create|alter|select|index)\\b', name: 'keyword.other.sql' },
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
      ],
    },
  },
};

const TOOL = 'keyword.control.directive.migration-tool.migration-guard';
const DIRECTION = 'entity.name.section.direction.migration-guard';
const BOUNDARY = 'keyword.other.statement-boundary.migration-guard';
const NO_TX = 'storage.modifier.transaction.migration-guard';
const META = 'meta.directive.migration-tool.migration-guard';
const COMMENT = 'comment.line.double-dash.sql';
const DASHES = 'punctuation.definition.comment.sql';

let grammar: vsctm.IGrammar;

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes?: { grammars?: GrammarContribution[] } };
  const contributions = pkg.contributes?.grammars ?? [];
  const directives = contributions.find((g) => g.scopeName === 'migration-guard.directives.injection');
  assert.ok(directives, 'package.json contributes the directives grammar');
  assert.deepEqual(directives.injectTo, ['source.sql']);
  const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).catch(() => undefined);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName === 'source.sql') return vsctm.parseRawGrammar(JSON.stringify(BASE_SQL_GRAMMAR), 'sql.json');
      const c = contributions.find((g) => g.scopeName === scopeName);
      return c ? vsctm.parseRawGrammar(readFileSync(join(ROOT, c.path), 'utf8'), c.path) : null;
    },
    getInjections: (scopeName: string) => contributions.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName),
  });
  const loaded = await registry.loadGrammar('source.sql');
  assert.ok(loaded);
  return loaded;
}

function innermost(text: string): [string, string][][] {
  let state = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens
      .map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]!] as [string, string])
      .filter(([s]) => s.trim() !== '');
  });
}

describe('migration tool directive grammar', () => {
  before(async () => {
    grammar = await loadGrammar();
  });

  it('declares an injection into SQL line comments', () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'migration-guard-directives.tmLanguage.json'), 'utf8')) as { scopeName: string; injectionSelector: string };
    assert.equal(raw.scopeName, 'migration-guard.directives.injection');
    assert.equal(raw.injectionSelector, 'L:comment.line.double-dash.sql');
  });

  it('scopes goose directives, in any case', () => {
    const lines = innermost('-- +goose Up\n-- +goose StatementBegin\n-- +goose NO TRANSACTION\n-- +goose down\n-- +goose statementend');
    assert.deepEqual(lines, [
      [['--', DASHES], ['+goose', TOOL], ['Up', DIRECTION]],
      [['--', DASHES], ['+goose', TOOL], ['StatementBegin', BOUNDARY]],
      [['--', DASHES], ['+goose', TOOL], ['NO TRANSACTION', NO_TX]],
      [['--', DASHES], ['+goose', TOOL], ['down', DIRECTION]],
      [['--', DASHES], ['+goose', TOOL], ['statementend', BOUNDARY]],
    ]);
  });

  it('scopes dbmate directives with transaction:false', () => {
    assert.deepEqual(innermost('-- migrate:up transaction:false\n-- migrate:down'), [
      [['--', DASHES], ['migrate:', TOOL], ['up', DIRECTION], ['transaction:false', NO_TX]],
      [['--', DASHES], ['migrate:', TOOL], ['down', DIRECTION]],
    ]);
  });

  it('scopes sql-migrate directives with notransaction', () => {
    const lines = innermost('-- +migrate Down notransaction\n-- +migrate StatementEnd');
    assert.deepEqual(lines, [
      [['--', DASHES], ['+migrate', TOOL], ['Down', DIRECTION], ['notransaction', NO_TX]],
      [['--', DASHES], ['+migrate', TOOL], ['StatementEnd', BOUNDARY]],
    ]);
    let state = vsctm.INITIAL;
    const r = grammar.tokenizeLine('-- +migrate Up', state);
    state = r.ruleStack;
    const up = r.tokens.find((t) => '-- +migrate Up'.slice(t.startIndex, t.endIndex) === 'Up')!;
    assert.deepEqual(up.scopes, ['source.sql', COMMENT, META, DIRECTION]);
  });

  it('leaves look-alikes, directives with extra words and SQL alone', () => {
    assert.deepEqual(innermost('-- +goose Up and more\n-- migrate:upper\n-- +migrate up\n-- see +goose Up\nCREATE INDEX i;'), [
      [['--', DASHES], [' +goose Up and more', COMMENT]],
      [['--', DASHES], [' migrate:upper', COMMENT]],
      [['--', DASHES], [' +migrate up', COMMENT]],
      [['--', DASHES], [' see +goose Up', COMMENT]],
      [['CREATE', 'keyword.other.sql'], ['INDEX', 'keyword.other.sql'], [' i;', 'source.sql']],
    ]);
  });

  it('keeps the suppression grammar working beside it', () => {
    assert.deepEqual(innermost('-- migration-guard-ignore ban-drop-table')[0]!.map(([, s]) => s), [
      DASHES,
      'keyword.control.directive.suppression.migration-guard',
      'variable.other.constant.rule-id.migration-guard',
    ]);
  });
});
