/**
 * What a definition text names, read from its tokens (no parse): the sequence a column default
 * takes its values from, the functions an expression may call. Cheap enough to run on every column,
 * constraint and view a replay writes (the schema's reverse lookups, refs.ts, are built from them).
 */
import { tokensOf } from '../parsing/lexer';

/** The sequence a default names (`nextval('s'::regclass)`), as a qualified key. */
export function defaultSequence(defaultText: string | undefined): string | undefined {
  if (!defaultText) return undefined;
  const m = /nextval\s*\(\s*'((?:[^']|'')+)'/i.exec(defaultText);
  if (!m) return undefined;
  const parts = m[1]!.replace(/''/g, "'").split('.').map((p) => (p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase()));
  // A qualified key as model.ts makes them (`schema.name`; unqualified: public).
  return parts.length > 1 ? `${parts[parts.length - 2]!}.${parts[parts.length - 1]!}` : `public.${parts[0]!}`;
}

/**
 * Functions PostgreSQL's grammar calls for SQL syntax that does not read as a call (`x AT TIME ZONE
 * 'utc'` calls `timezone`), by a word of that syntax.
 */
const SYNTAX_CALLS: Readonly<Record<string, readonly string[]>> = {
  ZONE: ['timezone'],
  LOCAL: ['timezone'],
  NORMALIZED: ['is_normalized'],
  SIMILAR: ['similar_to_escape'],
  OVERLAPS: ['overlaps'],
  TRIM: ['btrim', 'ltrim', 'rtrim'],
  COLLATION: ['pg_collation_for'],
};

/** An unquoted name as PostgreSQL stores it: ASCII letters down-cased, any other character kept. */
function fold(word: string): string {
  return word.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** A name (unquoted, or quoted) followed by `(`. */
const CALL = /([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)\s*\(|"((?:[^"]|"")*)"\s*\(/g;
/** The words of SYNTAX_CALLS, alone. */
const SYNTAX_WORD = /(?<![A-Za-z0-9_$\u0080-\uffff])(?:zone|local|normalized|similar|overlaps|trim|collation)(?![A-Za-z0-9_$\u0080-\uffff])/gi;

/** Reserved words that come before `(` in SQL and never name a function unquoted. */
const RESERVED = new Set(['CHECK', 'IN', 'OR', 'AND', 'NOT', 'FROM', 'AS', 'SELECT', 'WHERE', 'ARRAY', 'ANY', 'ALL', 'SOME', 'CASE', 'WHEN', 'THEN', 'ELSE', 'ON', 'USING', 'VALUES', 'WITH', 'DEFAULT', 'UNIQUE', 'PRIMARY', 'REFERENCES', 'CONSTRAINT', 'FOREIGN', 'UNION']);

/**
 * The names (last part) of the functions an expression or query may call: every word or quoted name
 * followed by `(` (but reserved words), and the functions SQL syntax stands for. A superset of the
 * calls its parse tree holds (`readsOf` in dependencies.ts): a view's column list counts too.
 */
export function callNames(text: string): Set<string> {
  const out = new Set<string>();
  // Without comments, a call is a name, maybe blanks, then `(` in the raw text (a string's content
  // can only add names): no need to tokenize.
  if (!text.includes('--') && !text.includes('/*')) {
    for (const m of text.matchAll(CALL)) {
      if (m[1] !== undefined) {
        const word = m[1].toUpperCase();
        if (!RESERVED.has(word)) out.add(fold(m[1]));
      } else out.add(m[2]!.replace(/""/g, '"'));
    }
    for (const m of text.matchAll(SYNTAX_WORD)) for (const f of SYNTAX_CALLS[m[0].toUpperCase()] ?? []) out.add(f);
    return out;
  }
  const tokens = tokensOf(text);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word') {
      if (tokens[i + 1]?.value === '(' && !RESERVED.has(t.value)) out.add(fold(text.slice(t.start, t.end)));
      const syntax = SYNTAX_CALLS[t.value];
      if (syntax) for (const f of syntax) out.add(f);
    } else if (t.kind === 'quoted-ident' && tokens[i + 1]?.value === '(') out.add(t.value);
  }
  return out;
}

/**
 * Built-in types a column names unqualified (`text`, `uuid`): PostgreSQL looks in pg_catalog before
 * any schema of the search path, so a user type of such a name is only reached qualified. Most
 * columns have one: the lookups do not index them (refs.ts), and a question about `public.text`
 * scans instead.
 */
const BUILTIN_TYPES = new Set(['text', 'uuid', 'bytea', 'json', 'jsonb', 'date', 'time', 'timetz', 'timestamp', 'timestamptz', 'interval', 'inet', 'cidr', 'macaddr', 'macaddr8', 'money', 'xml', 'tsvector', 'tsquery', 'bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'varchar', 'bpchar', 'char', 'bit', 'varbit', 'oid', 'name', 'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange', 'point', 'regclass']);

/** The type a column names, as a qualified key (unqualified: `public`, as the schema model compares them), or undefined for a pg_catalog type. */
export function columnTypeKey(names: readonly string[]): string | undefined {
  if (names.length === 0 || names[0] === 'pg_catalog') return undefined;
  return names.length > 1 ? `${names[names.length - 2]!}.${names[names.length - 1]!}` : `public.${names[0]!}`;
}

/** Whether the lookups index the columns of this type (see BUILTIN_TYPES): when not, callers scan. */
export function typeIndexed(typeKey: string): boolean {
  return !(typeKey.startsWith('public.') && BUILTIN_TYPES.has(typeKey.slice('public.'.length)));
}

/** The type a column names, as `columnTypeKey` gives it, when the lookups index it: not a built-in one named unqualified. */
export function indexedColumnType(names: readonly string[]): string | undefined {
  const key = columnTypeKey(names);
  return key !== undefined && (names.length > 1 || typeIndexed(key)) ? key : undefined;
}

/**
 * Built-in functions most defaults and CHECK constraints call (`now()`, `length(x)`): the lookups do
 * not index their callers, and a question about a function of such a name scans instead.
 */
const BUILTIN_FUNCTIONS = new Set(['nextval', 'now', 'length', 'char_length', 'btrim', 'ltrim', 'rtrim', 'trim', 'lower', 'upper', 'extract', 'timezone', 'gen_random_uuid', 'tstzrange', 'current_setting', 'to_char', 'coalesce', 'array_length', 'jsonb_typeof', 'json_typeof', 'left', 'right', 'position', 'substring', 'replace', 'regexp_replace', 'octet_length', 'cardinality', 'date_trunc', 'clock_timestamp', 'statement_timestamp', 'transaction_timestamp', 'random', 'md5', 'concat']);

/** Whether the lookups index the callers of functions of this name (see BUILTIN_FUNCTIONS): when not, callers scan. */
export function callIndexed(name: string): boolean {
  return !BUILTIN_FUNCTIONS.has(name);
}
