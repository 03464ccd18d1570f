/**
 * What the fuzzer types: SQL statements that draw findings (and their fixes), fragments that break
 * the lexer (unterminated quotes, dollar quotes and comments), hostile characters (NUL, lone
 * surrogates, BOM, line and paragraph separators), deep nesting and large insertions.
 */
import type { Rng } from './rng';

export const STATEMENTS: readonly string[] = [
  'DROP TABLE customers;',
  'DROP TABLE IF EXISTS orders CASCADE;',
  'ALTER TABLE customers DROP COLUMN email;',
  'ALTER TABLE orders DROP COLUMN status, DROP COLUMN total_cents;',
  'CREATE INDEX orders_customer_idx ON orders (customer_id);',
  'CREATE INDEX CONCURRENTLY orders_status2_idx ON orders (status);',
  'CREATE UNIQUE INDEX customers_email_idx ON customers (email);',
  'DROP INDEX orders_status_idx;',
  'ALTER TABLE customers ADD COLUMN nickname text NOT NULL;',
  "ALTER TABLE customers ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();",
  'ALTER TABLE customers ALTER COLUMN full_name TYPE varchar(20);',
  'ALTER TABLE orders ALTER COLUMN total_cents TYPE integer;',
  'ALTER TABLE customers RENAME COLUMN full_name TO name;',
  'ALTER TABLE customers RENAME TO clients;',
  'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;',
  'ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;',
  'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
  'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total_cents >= 0);',
  'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);',
  'ALTER TABLE customers ADD PRIMARY KEY (id);',
  "UPDATE orders SET status = 'placed';",
  "UPDATE orders SET status = 'placed' WHERE status IS NULL;",
  'DELETE FROM customers;',
  'TRUNCATE orders;',
  "SET lock_timeout = '2s';",
  "SET statement_timeout = '5min';",
  'BEGIN;',
  'COMMIT;',
  'VACUUM FULL orders;',
  'CLUSTER orders USING orders_status_idx;',
  'REFRESH MATERIALIZED VIEW order_totals;',
  'CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz NOT NULL, payload jsonb);',
  'CREATE TABLE t (a int, b text);',
  "CREATE TYPE mood AS ENUM ('sad', 'ok');",
  "ALTER TYPE mood ADD VALUE 'happy';",
  'CREATE VIEW v AS SELECT id, email FROM customers;',
  'DROP VIEW v;',
  'CREATE SCHEMA billing;',
  'DROP SCHEMA billing CASCADE;',
  'CREATE EXTENSION IF NOT EXISTS pgcrypto;',
  'CREATE SEQUENCE s;',
  'ALTER TABLE orders ENABLE ROW LEVEL SECURITY;',
  'GRANT SELECT ON customers TO reporting;',
  'COMMENT ON TABLE customers IS \'people\';',
  'DO $$ BEGIN PERFORM pg_sleep(0); END $$;',
  'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN NEW.at = now(); RETURN NEW; END $fn$;',
  'CREATE TRIGGER audit_touch BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION touch();',
  'CREATE FUNCTION one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;',
  'SELECT 1;',
  'INSERT INTO customers (email, full_name) VALUES (\'a@b\', \'A\');',
  'ALTER TABLE orders ALTER COLUMN status SET DEFAULT \'placed\';',
  'ALTER TABLE orders ADD CONSTRAINT c CHECK (status IS NOT NULL) NOT VALID;',
  'ALTER TABLE orders VALIDATE CONSTRAINT c;',
];

export const COMMENTS: readonly string[] = [
  '-- migration-guard-ignore ban-drop-table',
  '-- migration-guard-ignore ban-drop-column require-lock-timeout',
  '-- migration-guard-ignore',
  '-- migration-guard-ignore ban-drop-tabel',
  '-- migration-guard-ignore-file require-lock-timeout',
  '-- migration-guard-ignore-file',
  '-- +goose Up',
  '-- +goose Down',
  '-- +goose NO TRANSACTION',
  '-- +goose StatementBegin',
  '-- +goose StatementEnd',
  '-- migrate:up',
  '-- migrate:down transaction:false',
  '-- +migrate Up notransaction',
  '/* block */',
  '/* nested /* comment */ still */',
  '-- plain comment',
];

/** Fragments that leave the lexer inside something. */
export const BREAKERS: readonly string[] = [
  "'",
  '"',
  '$$',
  '$tag$',
  '$1',
  '/*',
  '*/',
  '--',
  ';',
  '(',
  ')',
  '[',
  ',',
  "E'\\",
  "U&'\\",
  'BEGIN ATOMIC',
  'END',
  '::',
  '\\',
  "'unterminated string",
  '$$ unterminated dollar quote',
  '$q$ unterminated tagged $q',
  '/* unterminated comment',
  '"unterminated identifier',
];

const HOSTILE: readonly string[] = [
  '\u0000',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\u000b',
  '\u000c',
  '\u0085',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ud83d',
  '\ude00',
  '\ud83d\ude00',
  'é',
  'e\u0301',
  '\u202e',
  '日本語',
  '\uffff',
  '\ufffd',
  '𝔘',
];

/** A random UTF-16 code unit, lone surrogates and controls included. */
export function randomUnit(rng: Rng): string {
  const kind = rng.int(5);
  if (kind === 0) return String.fromCharCode(rng.int(0x20));
  if (kind === 1) return String.fromCharCode(0x20 + rng.int(0x5f));
  if (kind === 2) return String.fromCharCode(0xd800 + rng.int(0x800));
  if (kind === 3) return String.fromCharCode(0x80 + rng.int(0x780));
  return String.fromCharCode(rng.int(0x10000));
}

export function randomUnits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += randomUnit(rng);
  return s;
}

/** A random code point as a (well-formed) string. */
export function randomCodePoint(rng: Rng): string {
  for (;;) {
    const cp = rng.chance(0.2) ? 0x10000 + rng.int(0x100000) : rng.int(0x10000);
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    return String.fromCodePoint(cp);
  }
}

const EOLS = ['\n', '\n', '\n', '\r\n', '\r'];

/** Several statements, one per line (sometimes several on a line). */
export function statements(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.pick(STATEMENTS) + (rng.chance(0.15) ? ' ' : rng.pick(EOLS));
  return s;
}

/** Deeply nested input: parentheses, array brackets, comments, CASE expressions. */
export function deepNesting(rng: Rng): string {
  const depth = rng.pick([50, 200, 1000, 5000, 20000]);
  switch (rng.int(5)) {
    case 0:
      return `SELECT ${'('.repeat(depth)}1${')'.repeat(depth)};`;
    case 1:
      return `SELECT ${'('.repeat(depth)}1;`;
    case 2:
      return `SELECT ${'ARRAY['.repeat(depth)}1${']'.repeat(depth)};`;
    case 3:
      return `${'/*'.repeat(depth)} x ${'*/'.repeat(rng.int(depth + 1))}`;
    default:
      return `SELECT ${'CASE WHEN true THEN '.repeat(Math.min(depth, 2000))}1${' END'.repeat(Math.min(depth, 2000))};`;
  }
}

/** About 200 kB (the largest file the timing target covers): one long line, many lines, or noise. */
export function bigText(rng: Rng, budget: number): string {
  const size = Math.max(0, Math.min(budget, 200 * 1024));
  switch (rng.int(4)) {
    case 0: {
      // Whole statements on at most ~1,900 lines.
      let s = '';
      const lineWidth = Math.max(1, Math.ceil(size / 1900));
      let line = '';
      while (s.length + line.length < size) {
        line += `${rng.pick(STATEMENTS)} `;
        if (line.length >= lineWidth) {
          s += `${line}\n`;
          line = '';
        }
      }
      return (s + line).slice(0, size);
    }
    case 1:
      return `-- migration-guard-ignore ${'x'.repeat(Math.max(0, size - 30))}`;
    case 2:
      return `SELECT '${'a'.repeat(Math.max(0, size - 10))}`;
    default:
      return randomUnits(rng, Math.min(size, 20000)).replace(/[\n\r]/g, ' ');
  }
}

/** Something to type: mostly SQL, sometimes garbage. */
export function snippet(rng: Rng): string {
  switch (rng.weighted({ statement: 30, statements: 8, comment: 6, breaker: 12, hostile: 8, units: 6, codepoints: 4, eol: 10, word: 10, deep: 1 })) {
    case 'statement':
      return rng.pick(STATEMENTS) + (rng.chance(0.5) ? rng.pick(EOLS) : '');
    case 'statements':
      return statements(rng, rng.between(2, 12));
    case 'comment':
      return rng.pick(COMMENTS) + rng.pick(EOLS);
    case 'breaker':
      return rng.pick(BREAKERS);
    case 'hostile':
      return rng.pick(HOSTILE);
    case 'units':
      return randomUnits(rng, rng.between(1, 40));
    case 'codepoints': {
      let s = '';
      for (let i = rng.between(1, 10); i > 0; i--) s += randomCodePoint(rng);
      return s;
    }
    case 'eol':
      return rng.pick(EOLS);
    case 'word':
      return rng.pick(['a', 'x', 'id', ' ', 'TABLE', 'DROP', 'COLUMN', 'ALTER', 'INDEX', 'CONCURRENTLY', 'NOT NULL', 'customers', 'orders', 'NULL', '1']);
    default:
      return deepNesting(rng);
  }
}
