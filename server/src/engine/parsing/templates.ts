/**
 * SQL files that are templates (pop and popx render every `.sql` migration with Go's text/template
 * before it runs): `CREATE TABLE {{ index .Options "Namespace" }}.users (...)`. Before parsing, each
 * action is masked so that every offset stays where it is:
 * - a value (`{{ .Table }}`, `{{ index .Options "x" }}`) in SQL code becomes a quoted identifier of
 *   the same length (`"{ .Table }"`, with any `"` inside turned into `'`), taking the identifier
 *   characters glued to it along (`{{.Prefix}}_users` is one name);
 * - control (`{{ if }}`, `{{ else }}`, `{{ end }}`, `{{ range }}`...), comments and includes become
 *   spaces; a condition the tools set for PostgreSQL (`.IsPostgreSQL`, `.IsMySQL`, `eq .Dialect
 *   "postgres"`...) is evaluated, and the branch that does not run on PostgreSQL becomes spaces too;
 * - actions inside SQL strings, quoted identifiers, dollar-quoted bodies and comments are text there
 *   and stay as they are (control actions excepted).
 * A statement holding an action that still does not parse is "templated, not checked": never a
 * syntax error.
 */
import type { Span } from '../text';

export type TemplateActionKind = 'value' | 'control' | 'comment' | 'include';

export interface TemplateAction {
  span: Span;
  kind: TemplateActionKind;
  /** The action as written, `{{ ... }}` included. */
  text: string;
}

export interface Templated {
  /** The text to parse: the same length and line breaks as the template. */
  masked: string;
  actions: TemplateAction[];
  /** Each quoted name that stands for values in SQL code, with the template text it stands for. */
  names: { standIn: string; original: string }[];
}

const isIdentChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_$]/u.test(c);

/** The end of the action starting at `start` (`{{`), past its `}}`, or -1 when it never closes. */
function actionEnd(text: string, start: number): number {
  let i = start + 2;
  // A comment action runs to its `*/}}`.
  const inner = text.slice(i).replace(/^-?\s*/, '');
  if (inner.startsWith('/*')) {
    const close = text.indexOf('*/', i + (text.length - i - inner.length) + 2);
    if (close < 0) return -1;
    const end = text.indexOf('}}', close + 2);
    return end < 0 ? -1 : end + 2;
  }
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) return -1;
      i = close + 1;
    } else if (c === '}' && text[i + 1] === '}') return i + 2;
    else i++;
  }
  return -1;
}

interface Parsed {
  kind: TemplateActionKind;
  keyword?: 'if' | 'else' | 'elseif' | 'end' | 'block';
  condition?: string;
}

function classify(action: string): Parsed {
  const inner = action.slice(2, -2).replace(/^-\s/, '').replace(/\s-$/, '').trim();
  if (inner.startsWith('/*')) return { kind: 'comment' };
  const word = /^([a-z]+)\b\s*(.*)$/s.exec(inner);
  switch (word?.[1]) {
    case 'if':
      return { kind: 'control', keyword: 'if', condition: word[2]!.trim() };
    case 'else': {
      const rest = word[2]!.trim();
      if (rest.startsWith('if ')) return { kind: 'control', keyword: 'elseif', condition: rest.slice(3).trim() };
      return { kind: 'control', keyword: rest === '' ? 'else' : 'block' };
    }
    case 'end':
      return { kind: 'control', keyword: 'end' };
    case 'range':
    case 'with':
    case 'define':
    case 'block':
      return { kind: 'control', keyword: 'block' };
    case 'break':
    case 'continue':
      return { kind: 'control' };
    case 'template':
      return { kind: 'include' };
    default:
      return { kind: 'value' };
  }
}

/** The dialects pop names, as its template fields see PostgreSQL. */
const FLAGS: Record<string, boolean> = { IsPostgreSQL: true, IsPostgres: true, IsCockroach: false, IsCockroachDB: false, IsMySQL: false, IsMariaDB: false, IsSQLite: false, IsSQLite3: false };

/** A condition's value when rendered for PostgreSQL, or undefined when it depends on anything else. */
export function evaluateCondition(condition: string): boolean | undefined {
  const c = condition.trim().replace(/^\((.*)\)$/s, '$1').trim();
  const flag = /^\.(\w+)$/.exec(c);
  if (flag) return FLAGS[flag[1]!];
  const not = /^not\s+(.+)$/s.exec(c);
  if (not) {
    const v = evaluateCondition(not[1]!);
    return v === undefined ? undefined : !v;
  }
  const cmp = /^(eq|ne)\s+\.(?:Dialect|DialectName|Details\.Dialect)\s+"([^"]*)"$/.exec(c);
  if (cmp) {
    const isPg = ['postgres', 'postgresql', 'pg', 'pgx'].includes(cmp[2]!.toLowerCase());
    return cmp[1] === 'eq' ? isPg : !isPg;
  }
  const andOr = /^(and|or)\s+(\S+)\s+(\S+)$/.exec(c);
  if (andOr) {
    const a = evaluateCondition(andOr[2]!);
    const b = evaluateCondition(andOr[3]!);
    if (a === undefined || b === undefined) return undefined;
    return andOr[1] === 'and' ? a && b : a || b;
  }
  return undefined;
}

type SqlState = 'code' | 'string' | 'ident' | 'dollar' | 'line' | 'block';

/**
 * The template's actions and the text to parse, or undefined when the text has no `{{` action.
 * Never throws.
 */
export function maskTemplates(text: string): Templated | undefined {
  if (!text.includes('{{')) return undefined;
  const actions: TemplateAction[] = [];
  /** Value actions in SQL code (masked as identifiers at the end). */
  const values: Span[] = [];
  const out = text.split('');
  const blankRange = (start: number, end: number): void => {
    for (let k = start; k < end; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  // Open if/range/with blocks: for an if, whether the current branch is dead, and whether any branch was taken.
  const stack: { kind: 'if' | 'block'; dead: boolean; taken: boolean | undefined; from: number }[] = [];
  const deadFrom = (): number | undefined => {
    for (const b of stack) if (b.dead) return b.from;
    return undefined;
  };

  let state: SqlState = 'code';
  let dollarTag = '';
  let blockDepth = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] === '{' && text[i + 1] === '{') {
      const end = actionEnd(text, i);
      if (end < 0) break;
      const raw = text.slice(i, end);
      const p = classify(raw);
      actions.push({ span: { start: i, end }, kind: p.kind, text: raw });
      if (p.kind === 'value') {
        if (state === 'code' && deadFrom() === undefined) values.push({ start: i, end });
      } else {
        blankRange(i, end);
        if (p.keyword === 'if') {
          const v = evaluateCondition(p.condition ?? '');
          stack.push({ kind: 'if', dead: v === false, taken: v === undefined ? undefined : v, from: end });
        } else if (p.keyword === 'elseif' || p.keyword === 'else') {
          const top = stack[stack.length - 1];
          if (top?.kind === 'if') {
            if (top.dead) blankRange(top.from, i);
            if (top.taken === undefined) top.dead = false;
            else if (top.taken) top.dead = true;
            else {
              const v = p.keyword === 'else' ? true : evaluateCondition(p.condition ?? '');
              top.dead = v === false;
              top.taken = v;
            }
            top.from = end;
          }
        } else if (p.keyword === 'block') stack.push({ kind: 'block', dead: false, taken: undefined, from: end });
        else if (p.keyword === 'end') {
          const top = stack.pop();
          if (top?.dead) blankRange(top.from, i);
        }
      }
      i = end;
      continue;
    }
    const c = text[i]!;
    const next = text[i + 1];
    switch (state) {
      case 'code':
        if (c === "'") state = 'string';
        else if (c === '"') state = 'ident';
        else if (c === '-' && next === '-') state = 'line';
        else if (c === '/' && next === '*') {
          state = 'block';
          blockDepth = 1;
          i++;
        } else if (c === '$' && !isIdentChar(text[i - 1])) {
          const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64));
          if (m) {
            state = 'dollar';
            dollarTag = m[0];
            i += m[0].length;
            continue;
          }
        }
        break;
      case 'string':
        if (c === "'") {
          if (next === "'") i++;
          else state = 'code';
        }
        break;
      case 'ident':
        if (c === '"') {
          if (next === '"') i++;
          else state = 'code';
        }
        break;
      case 'dollar':
        if (c === '$' && text.startsWith(dollarTag, i)) {
          i += dollarTag.length;
          state = 'code';
          continue;
        }
        break;
      case 'line':
        if (c === '\n' || c === '\r') state = 'code';
        break;
      case 'block':
        if (c === '/' && next === '*') {
          blockDepth++;
          i++;
        } else if (c === '*' && next === '/') {
          blockDepth--;
          i++;
          if (blockDepth === 0) state = 'code';
        }
        break;
    }
    i++;
  }
  // Unclosed blocks: their dead branch runs to the end.
  for (const b of stack) if (b.dead) blankRange(b.from, text.length);
  // Values: one quoted identifier per run of values and the identifier characters glued to them.
  const names: { standIn: string; original: string }[] = [];
  let k = 0;
  while (k < values.length) {
    let start = values[k]!.start;
    let end = values[k]!.end;
    while (isIdentChar(text[start - 1]) && out[start - 1] !== ' ') start--;
    for (;;) {
      while (end < text.length && isIdentChar(text[end])) end++;
      const v = values[k + 1];
      if (v && v.start === end) {
        end = v.end;
        k++;
        continue;
      }
      break;
    }
    k++;
    const middle = text.slice(start + 1, end - 1).replace(/"/g, "'").replace(/[\r\n]/g, ' ');
    const masked = `"${middle}"`;
    for (let j = 0; j < masked.length; j++) out[start + j] = masked[j]!;
    names.push({ standIn: masked, original: text.slice(start, end) });
  }
  return { masked: out.join(''), actions, names };
}

/**
 * SQL written from a template's parse (a generated down) with the template's own text back where
 * a masked name stands: `DROP TABLE "{ .Schema }".users` → `DROP TABLE {{ .Schema }}.users`.
 */
export function unmaskNames(sql: string, template: string): string {
  const t = maskTemplates(template);
  if (!t || t.names.length === 0) return sql;
  let out = sql;
  // Longest first: a stand-in may contain a shorter one.
  for (const n of [...t.names].sort((a, b) => b.standIn.length - a.standIn.length)) out = out.split(n.standIn).join(n.original);
  return out;
}

/** Whether a span overlaps one of the actions. */
export function overlapsAction(actions: readonly TemplateAction[], span: Span): boolean {
  return actions.some((a) => a.span.start < span.end && a.span.end > span.start);
}
