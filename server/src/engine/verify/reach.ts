/**
 * Which tables a migration can reach: the only ones whose synthetic rows can show anything. Rows
 * of a table that no statement of the up or the down can read or write are the same before and
 * after every leg, so seeding them costs time and shows nothing; seeding only the reachable tables
 * gives the same findings (a test compares both on real migrations).
 *
 * Reachable, from the words (identifiers, quoted or not, in code, strings and comments alike) of
 * the migration's up and down:
 *   - a table, view or function the text names, then what the definitions of those name in turn
 *     (a view's query, a function's body, a column's default or generated expression, a constraint,
 *     a trigger and so its function), to a fixed point;
 *   - the triggers of every reachable table or view (they fire when the migration writes it);
 *   - the tables with a column of a type or domain the text names (renaming an enum value, a
 *     domain's new constraint, `DROP TYPE ... CASCADE` change or check their rows);
 *   - every table of a schema the text names when it says SCHEMA;
 *   - the tables a reachable table references (its foreign keys: checked on every write, and its
 *     rows are planned from theirs), and a partitioned or inherited table's parents and children;
 *   - when the text (or a reachable function) deletes, updates, truncates or merges: the tables
 *     referencing a reachable one (ON DELETE CASCADE / SET NULL, RESTRICT errors).
 * Everything is reachable (`undefined`) when SQL is built at run time (`EXECUTE` in the text or a
 * reachable function) or when the database has rules or event triggers (the schema snapshot does
 * not show them; the caller asks).
 */
import type { TrackedObject } from './snapshot';
import type { SchemaState } from './tracker';

const WORD = /"((?:[^"]|"")+)"|[\p{L}_][\p{L}\p{N}_$]*/gu;
/** `EXECUTE` that runs SQL built at run time (not `EXECUTE FUNCTION` of a trigger, not `GRANT EXECUTE ON`). */
const DYNAMIC = /\bEXECUTE\b(?!\s+(?:FUNCTION|PROCEDURE|ON)\b)/i;
const IDENT = String.raw`(?:"(?:[^"]|"")*"|[\p{L}_][\p{L}\p{N}_$]*)`;
const NAME = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`;
/** The tables rows are deleted from or whose keys may change: DELETE FROM, UPDATE, TRUNCATE, MERGE INTO. */
const WRITE_TARGETS = new RegExp(String.raw`\b(?:DELETE\s+FROM|UPDATE|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?(${NAME}(?:\s*,\s*(?:ONLY\s+)?${NAME})*)`, 'giu');

function writeTargets(text: string, into: Set<string>): void {
  for (const m of text.matchAll(WRITE_TARGETS)) {
    for (const n of m[1]!.split(/\s*,\s*/)) {
      // As the schema state writes names: unquoted parts fold to lower case.
      const parts = n.replace(/^ONLY\s+/i, '').match(new RegExp(IDENT, 'gu')) ?? [];
      into.add(parts.map((p) => (p.startsWith('"') ? p : p.toLowerCase())).join('.'));
    }
  }
}

function wordsOf(text: string, into: Set<string>): void {
  for (const m of text.matchAll(WORD)) {
    if (m[1] !== undefined) into.add(m[1].replace(/""/g, '"'));
    else into.add(m[0].toLowerCase());
  }
}

/** `public.f(integer)` → `f`; `"Odd".x` → `x`; `a on public.t` → `a`. */
function bareName(name: string): string {
  const first = name.split(' on ')[0]!.replace(/\(.*$/, '');
  const parts = first.match(/"(?:[^"]|"")*"|[^.]+/g) ?? [first];
  const last = parts[parts.length - 1]!;
  return last.startsWith('"') ? last.slice(1, -1).replace(/""/g, '"') : last;
}

function schemaOf(name: string): string {
  const m = /^("(?:[^"]|"")*"|[^.]+)\./.exec(name);
  if (!m) return '';
  return m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!;
}

/** The part of a table's `column ...` line after its name and type: defaults, generated expressions. */
function expressionPart(line: string): string {
  const i = line.search(/ (?:default|generated always as) /);
  return i < 0 ? '' : line.slice(i);
}

/**
 * The tables (as the schema state names them) whose rows the migration's SQL (`texts`: its up and
 * down) can read or change in the schema `state`; undefined when that cannot be told (every table).
 */
export function reachableTables(state: SchemaState, texts: readonly string[]): Set<string> | undefined {
  const text = texts.join('\n');
  if (DYNAMIC.test(text)) return undefined;
  const objects = [...state.objects.values()];
  const byBare = new Map<string, TrackedObject[]>();
  const tables = new Map<string, TrackedObject>();
  const onTable = new Map<string, TrackedObject[]>();
  for (const o of objects) {
    if (o.kind === 'table') tables.set(o.name, o);
    if (o.table !== undefined) {
      const list = onTable.get(o.table);
      if (list) list.push(o);
      else onTable.set(o.table, [o]);
    }
    if (o.kind === 'constraint' || o.kind === 'index' || o.kind === 'trigger') continue;
    const bare = bareName(o.name);
    const list = byBare.get(bare);
    if (list) list.push(o);
    else byBare.set(bare, [o]);
  }
  const resolveTable = (name: string): string | undefined => {
    if (tables.has(name)) return name;
    if (tables.has(`public.${name}`)) return `public.${name}`;
    const bare = bareName(name);
    return [...tables.keys()].find((t) => bareName(t) === bare);
  };

  const words = new Set<string>();
  wordsOf(text, words);
  // Where rows are deleted or keys changed: the tables referencing those see it (cascades, RESTRICT).
  const targets = new Set<string>();
  writeTargets(text, targets);

  // Tables with a column of a type the text names.
  const typeNames = new Set<string>();
  for (const w of words) for (const o of byBare.get(w) ?? []) if (o.kind === 'enum' || o.kind === 'domain' || o.kind === 'type') typeNames.add(o.name);
  const reached = new Set<string>();
  if (typeNames.size > 0) {
    const plain = new Set([...typeNames].flatMap((n) => [n, n.replace(/^public\./, '')]));
    for (const t of tables.values()) {
      if (t.lines.some((l) => {
        const m = /^column (?:"(?:[^"]|"")*"|\S+) ((?:"(?:[^"]|"")*"|[^\s(\[])+)/.exec(l);
        return m !== null && plain.has(m[1]!);
      })) reached.add(t.name);
    }
  }
  // Tables of a schema the text names, when it speaks of schemas.
  if (/\bSCHEMA\b/i.test(text)) for (const t of tables.keys()) if (words.has(schemaOf(t))) reached.add(t);

  // Names to follow, to a fixed point.
  const seen = new Set<TrackedObject>();
  const pending: string[] = [...words];
  const follow = (o: TrackedObject): boolean => {
    if (seen.has(o)) return true;
    seen.add(o);
    const more = new Set<string>();
    if (o.kind === 'function' || o.kind === 'procedure') {
      const body = o.lines.join('\n');
      if (DYNAMIC.test(body)) return false;
      writeTargets(body, targets);
      wordsOf(body, more);
    } else if (o.kind === 'view' || o.kind === 'materialized view') wordsOf(o.lines.join('\n'), more);
    else if (o.kind === 'table') {
      reached.add(o.name);
      for (const l of o.lines) wordsOf(l.startsWith('column ') ? expressionPart(l) : l, more);
    } else return true;
    // What belongs to a table or view: constraints (checks, foreign keys), triggers.
    for (const dep of onTable.get(o.name) ?? []) if (dep.kind !== 'index') for (const l of dep.lines) wordsOf(l.replace(/\bEXECUTE (?:FUNCTION|PROCEDURE)\b/gi, ''), more);
    for (const w of more) if (!words.has(w)) {
      words.add(w);
      pending.push(w);
    }
    return true;
  };
  // Foreign keys, partitions and inheritance.
  const parents = new Map<string, Set<string>>();
  const children = new Map<string, Set<string>>();
  const link = (child: string, parent: string | undefined): void => {
    if (parent === undefined || parent === child) return;
    (parents.get(child) ?? parents.set(child, new Set()).get(child)!).add(parent);
    (children.get(parent) ?? children.set(parent, new Set()).get(parent)!).add(child);
  };
  const inherit = new Map<string, Set<string>>();
  const both = (a: string, b: string | undefined): void => {
    if (b === undefined || a === b) return;
    (inherit.get(a) ?? inherit.set(a, new Set()).get(a)!).add(b);
    (inherit.get(b) ?? inherit.set(b, new Set()).get(b)!).add(a);
  };
  for (const o of objects) {
    if (o.kind === 'constraint' && o.table) {
      for (const m of (o.lines[0] ?? '').matchAll(/REFERENCES ((?:"(?:[^"]|"")*"|[^\s(])+)\(/g)) link(o.table, resolveTable(m[1]!));
    } else if (o.kind === 'table') {
      for (const l of o.lines) {
        const m = /^(?:partition of|inherits) (.*)$/.exec(l);
        if (!m) continue;
        for (const p of m[1]!.split(/, | FOR VALUES| DEFAULT/)) both(o.name, resolveTable(p.trim()));
      }
    }
  }
  // To a fixed point: names lead to tables, tables to their parents (and, for tables rows are
  // deleted from, their children), whose triggers name more.
  const linked = new Set<string>();
  const deleting = new Set<string>();
  for (;;) {
    while (pending.length > 0) {
      const w = pending.pop()!;
      for (const o of byBare.get(w) ?? []) if (!follow(o)) return undefined;
    }
    for (const t of targets) {
      // Every table of that name (the search path is not known here).
      const bare = bareName(t);
      for (const name of [...tables.keys()].filter((n) => n === t || bareName(n) === bare)) {
        if (deleting.has(name)) continue;
        deleting.add(name);
        linked.delete(name);
        if (!follow(tables.get(name)!)) return undefined;
      }
    }
    const queue = [...reached].filter((t) => !linked.has(t));
    if (queue.length === 0) break;
    const add = (t: string): void => {
      if (reached.has(t)) return;
      reached.add(t);
      queue.push(t);
      const o = tables.get(t);
      if (o && !follow(o)) throw new Dynamic();
    };
    try {
      while (queue.length > 0) {
        const t = queue.pop()!;
        linked.add(t);
        for (const p of parents.get(t) ?? []) add(p);
        for (const p of inherit.get(t) ?? []) add(p);
        if (deleting.has(t)) {
          for (const c of children.get(t) ?? []) {
            // A cascade deletes (or sets NULL in) the child's rows in turn.
            const fresh = !deleting.has(c);
            if (fresh) deleting.add(c);
            if (!reached.has(c)) add(c);
            else if (fresh) queue.push(c);
          }
        }
      }
    } catch (e) {
      if (e instanceof Dynamic) return undefined;
      throw e;
    }
    if (pending.length === 0 && [...reached].every((t) => linked.has(t))) break;
  }
  return reached;
}

class Dynamic extends Error {}
