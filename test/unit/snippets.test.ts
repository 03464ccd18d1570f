/**
 * The bundled SQL snippets: every snippet is contributed, documented, and expands (with its default
 * placeholder values) to SQL that PostgreSQL's parser accepts.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidPlpgsql, isValidSql, parseSql } from '../../server/src/engine/parsing/parser';

const ROOT = join(__dirname, '..', '..', '..');

interface SnippetDef {
  prefix: string | string[];
  body: string | string[];
  description?: string;
  scope?: string;
}

/** Values for the snippet variables a body may use (what VS Code would insert for a new migration). */
const VARIABLES: Record<string, string> = {
  TM_FILENAME: '000001_create_users.up.sql',
  TM_FILENAME_BASE: '000001_create_users.up',
  TM_DIRECTORY: '/workspace/db/migrations',
  TM_FILEPATH: '/workspace/db/migrations/000001_create_users.up.sql',
  CURRENT_YEAR: '2026',
  CURRENT_MONTH: '01',
  CURRENT_DATE: '15',
  UUID: '00000000-0000-4000-8000-000000000000',
  LINE_COMMENT: '--',
  BLOCK_COMMENT_START: '/*',
  BLOCK_COMMENT_END: '*/',
};

type Part =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number; children: Part[] | undefined; choices: string[] | undefined }
  | { kind: 'variable'; name: string; children: Part[] | undefined };

/**
 * A parser for VS Code's snippet syntax (tabstops, placeholders, choices, variables, `\` escapes).
 * It throws on what VS Code would not expand the way the author meant (an unknown variable, a
 * transform, an unclosed `${`), so that such a snippet fails the test.
 */
function parseSnippet(src: string): Part[] {
  let i = 0;
  const parseParts = (inPlaceholder: boolean): Part[] => {
    const parts: Part[] = [];
    let text = '';
    const flush = (): void => {
      if (text) parts.push({ kind: 'text', value: text });
      text = '';
    };
    while (i < src.length) {
      const c = src[i]!;
      if (c === '\\' && i + 1 < src.length && '$}\\'.includes(src[i + 1]!)) {
        text += src[i + 1];
        i += 2;
      } else if (c === '}' && inPlaceholder) {
        flush();
        return parts;
      } else if (c === '$') {
        const simple = /^\$(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i));
        if (simple) {
          flush();
          parts.push(element(simple[1]!, undefined, undefined));
          i += simple[0].length;
        } else if (src[i + 1] === '{') {
          flush();
          const head = /^\$\{(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i));
          if (!head) throw new Error(`bad \${ at ${i}: ${src.slice(i, i + 20)}`);
          i += head[0].length;
          const name = head[1]!;
          if (src[i] === '}') {
            i += 1;
            parts.push(element(name, undefined, undefined));
          } else if (src[i] === ':') {
            i += 1;
            const children = parseParts(true);
            if (src[i] !== '}') throw new Error(`unclosed placeholder \${${name}:`);
            i += 1;
            parts.push(element(name, children, undefined));
          } else if (src[i] === '|') {
            const end = src.indexOf('|}', i + 1);
            if (end < 0) throw new Error(`unclosed choice \${${name}|`);
            const choices = src
              .slice(i + 1, end)
              .split(/(?<!\\),/)
              .map((s) => s.replace(/\\([,|\\])/g, '$1'));
            i = end + 2;
            parts.push(element(name, undefined, choices));
          } else {
            throw new Error(`unsupported snippet syntax (a transform?) at \${${name}${src.slice(i, i + 10)}`);
          }
        } else {
          text += c;
          i += 1;
        }
      } else {
        text += c;
        i += 1;
      }
    }
    if (inPlaceholder) throw new Error('unclosed placeholder at the end of the body');
    flush();
    return parts;
  };
  return parseParts(false);
}

function element(name: string, children: Part[] | undefined, choices: string[] | undefined): Part {
  if (/^\d+$/.test(name)) return { kind: 'tabstop', index: Number(name), children, choices };
  if (choices) throw new Error(`a variable cannot have choices: ${name}`);
  return { kind: 'variable', name, children };
}

/** The text VS Code inserts when the user accepts every default (tabs through without typing). */
export function expandSnippet(body: string): string {
  const parts = parseSnippet(body);
  // A tabstop's value is its first placeholder text or choice; bare `$n` mirrors it, else is empty.
  const defaults = new Map<number, Part[] | string>();
  const collect = (ps: Part[]): void => {
    for (const p of ps) {
      if (p.kind === 'tabstop' && !defaults.has(p.index)) {
        if (p.children) defaults.set(p.index, p.children);
        else if (p.choices) defaults.set(p.index, p.choices[0] ?? '');
      }
      if (p.kind !== 'text' && p.children) collect(p.children);
    }
  };
  collect(parts);
  const render = (ps: Part[], depth: number): string =>
    ps
      .map((p) => {
        if (depth > 20) throw new Error('placeholders nested too deep (a placeholder containing itself?)');
        if (p.kind === 'text') return p.value;
        if (p.kind === 'variable') {
          const value = VARIABLES[p.name];
          if (value !== undefined) return value;
          if (p.children) return render(p.children, depth + 1);
          throw new Error(`unknown snippet variable $${p.name}`);
        }
        const d = defaults.get(p.index);
        if (d === undefined) return '';
        return typeof d === 'string' ? d : render(d, depth + 1);
      })
      .join('');
  return render(parts, 0);
}

function loadSnippets(): Record<string, SnippetDef> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes?: { snippets?: { language: string; path: string }[] };
  };
  const contributed = pkg.contributes?.snippets ?? [];
  assert.equal(contributed.length, 1, 'package.json contributes one snippets file');
  assert.equal(contributed[0]!.language, 'sql');
  return JSON.parse(readFileSync(join(ROOT, contributed[0]!.path), 'utf8')) as Record<string, SnippetDef>;
}

const bodyText = (s: SnippetDef): string => (Array.isArray(s.body) ? s.body.join('\n') : s.body);
const prefixes = (s: SnippetDef): string[] => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]);

describe('snippets', () => {
  describe('the expander used by these tests', () => {
    it('inserts placeholder defaults, mirrors, first choices, variables and escapes', () => {
      assert.equal(expandSnippet('${1:users} $1 ${1} ${2} $0'), 'users users users  ');
      assert.equal(expandSnippet('$1 mirrors a later ${1:orders}'), 'orders mirrors a later orders');
      assert.equal(expandSnippet('${3|a,b\\,c|} ${2:outer ${4:inner}} $4'), 'a outer inner inner');
      assert.equal(expandSnippet('DO \\$tag\\$ \\} \\\\ $ ${TM_FILENAME} ${NOPE:fallback}'), 'DO $tag$ } \\ $ 000001_create_users.up.sql fallback');
    });

    it('rejects what VS Code would not expand as written', () => {
      assert.throws(() => expandSnippet('${1:users'), /unclosed placeholder/);
      assert.throws(() => expandSnippet('$TYPO_VARIABLE'), /unknown snippet variable/);
      assert.throws(() => expandSnippet('${1/(.*)/$1/}'), /unsupported snippet syntax/);
    });
  });

  const snippets = loadSnippets();
  const entries = Object.entries(snippets);

  it('contributes the migration snippets, each with an mg- prefix and a description', () => {
    assert.deepEqual(entries.map(([, s]) => s.prefix).sort(), [
      'mg-backfill-batched',
      'mg-foreign-key-not-valid',
      'mg-index-concurrently',
      'mg-lock-timeout',
      'mg-not-null-check',
      'mg-rename-soft',
    ]);
    for (const [name, s] of entries) {
      for (const p of prefixes(s)) assert.match(p, /^mg-[a-z0-9-]+$/, `${name}: prefix ${p}`);
      assert.ok(typeof s.description === 'string' && s.description.length >= 80, `${name}: a description that says why it is safe`);
      assert.ok(s.description!.startsWith('Migration Guard: '), `${name}: description names the extension`);
      assert.ok(Array.isArray(s.body) && s.body.length > 0, `${name}: body is a non-empty array of lines`);
      assert.ok(bodyText(s).includes('$0'), `${name}: ends with the final cursor $0`);
    }
  });

  for (const [name, s] of entries) {
    it(`${prefixes(s)[0]} expands to valid SQL`, () => {
      const sql = expandSnippet(bodyText(s));
      assert.ok(!sql.includes('${'), `${name}: nothing left unexpanded`);
      assert.equal(isValidSql(sql), true, `${name} does not parse:\n${sql}`);
      assert.equal(isValidPlpgsql(sql), true, `${name}: a PL/pgSQL body does not parse:\n${sql}`);
      const parsed = parseSql(sql);
      assert.deepEqual(parsed.errors, []);
      assert.ok(parsed.statements.length > 0);
    });
  }

  it('the statements that must stand alone in their migration are alone', () => {
    for (const prefix of ['mg-index-concurrently', 'mg-backfill-batched']) {
      const s = entries.find(([, def]) => prefixes(def).includes(prefix))![1];
      const statements = parseSql(expandSnippet(bodyText(s))).statements;
      assert.equal(statements.length, 1, prefix);
    }
  });

  it('expands the concurrent index snippet to the exact statement', () => {
    const s = entries.find(([, def]) => prefixes(def).includes('mg-index-concurrently'))![1];
    const statements = parseSql(expandSnippet(bodyText(s))).statements;
    assert.equal(statements[0]!.text, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)');
  });

  it('expands the NOT NULL snippet to add, validate, set not null, drop, in that order, each migration with a lock_timeout', () => {
    const s = entries.find(([, def]) => prefixes(def).includes('mg-not-null-check'))![1];
    const statements = parseSql(expandSnippet(bodyText(s))).statements.map((st) => st.text.replace(/\s+/g, ' '));
    assert.deepEqual(statements, [
      "SET lock_timeout = '5s'",
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID',
      "SET lock_timeout = '5s'",
      'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null',
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
      'ALTER TABLE users DROP CONSTRAINT users_email_not_null',
    ]);
  });

  it('fails a snippet whose expansion is not valid SQL', () => {
    // The same check as above, on a broken copy of a real snippet: the test can fail.
    const s = entries.find(([, def]) => prefixes(def).includes('mg-foreign-key-not-valid'))![1];
    const broken = bodyText(s).replace('REFERENCES ${3:users} (${4:id})', 'REFERENCES ${3:users} (${4:id}');
    assert.notEqual(broken, bodyText(s));
    assert.equal(isValidSql(expandSnippet(broken)), false);
  });

  it('fails a snippet whose PL/pgSQL body is broken, even when the SQL around it parses', () => {
    const s = entries.find(([, def]) => prefixes(def).includes('mg-backfill-batched'))![1];
    const broken = bodyText(s).replace('WHILE last_id < max_id LOOP', 'WHILE last_id < max_id');
    assert.notEqual(broken, bodyText(s));
    assert.equal(isValidSql(expandSnippet(broken)), true);
    assert.equal(isValidPlpgsql(expandSnippet(broken)), false);
    const rename = entries.find(([, def]) => prefixes(def).includes('mg-rename-soft'))![1];
    const badTrigger = bodyText(rename).replace('  END IF;', '');
    assert.equal(isValidPlpgsql(expandSnippet(badTrigger)), false);
  });
});
