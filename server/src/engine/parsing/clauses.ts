/**
 * Finds clauses inside a statement whose AST nodes carry no location (an ALTER TABLE subcommand,
 * a WHERE clause), from the statement's tokens. Each function returns undefined when the tokens do
 * not match the AST the way it expects, so that callers fall back to the statement span.
 */
import type { AlterTableStmt, DeleteStmt, Node, UpdateStmt, WithClause } from '@pgsql/types';
import type { Span } from '../text';
import { tokenize, tokensOf, type Token } from './lexer';
import type { Statement } from './parser';

const OPEN = new Set(['(', '[']);
const CLOSE = new Set([')', ']']);

/** Splits tokens at commas outside parentheses and brackets. */
function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && OPEN.has(t.value)) depth++;
    else if (t.kind === 'punct' && CLOSE.has(t.value)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && t.kind === 'punct' && t.value === ',') {
      parts.push([]);
      continue;
    }
    parts[parts.length - 1]!.push(t);
  }
  return parts;
}

const isName = (t: Token | undefined): boolean => t !== undefined && (t.kind === 'word' || t.kind === 'quoted-ident');

/**
 * The span of each subcommand of an ALTER TABLE statement, in the order of `cmds`:
 * `ALTER TABLE t DROP COLUMN a, ALTER COLUMN b TYPE text` gives the spans of `DROP COLUMN a`
 * and `ALTER COLUMN b TYPE text`.
 */
const commandSpans = new WeakMap<Statement, Span[] | null>();

export function alterTableCommandSpans(stmt: Statement, ast: AlterTableStmt): Span[] | undefined {
  // Several rules ask for the same statement's clauses: found once per statement.
  let spans = commandSpans.get(stmt);
  if (spans === undefined) {
    spans = findCommandSpans(stmt, ast) ?? null;
    commandSpans.set(stmt, spans);
  }
  return spans ?? undefined;
}

/** The span of subcommand `i` of an ALTER TABLE (see alterTableCommandSpans), found when first asked. */
export function commandSpan(stmt: Statement, ast: AlterTableStmt, i: number): Span | undefined {
  return alterTableCommandSpans(stmt, ast)?.[i];
}

function findCommandSpans(stmt: Statement, ast: AlterTableStmt): Span[] | undefined {
  const location = ast.relation?.location;
  const cmds = ast.cmds ?? [];
  if (location === undefined || location < 0 || cmds.length === 0) return undefined;
  const nameStart = stmt.offsetOf(location);
  const tokens = tokensOf(stmt.text).map((t) => ({
    ...t,
    start: t.start + stmt.span.start,
    end: t.end + stmt.span.start,
  }));
  let i = tokens.findIndex((t) => t.start === nameStart);
  if (i < 0 || !isName(tokens[i])) return undefined;
  // schema.table, catalog.schema.table, then an optional `*` (descendant tables).
  i++;
  while (tokens[i]?.value === '.' && isName(tokens[i + 1])) i += 2;
  if (tokens[i]?.kind === 'punct' && tokens[i]!.value === '*') i++;
  const parts = splitTopLevel(tokens.slice(i));
  if (parts.length !== cmds.length || parts.some((p) => p.length === 0)) return undefined;
  return parts.map((p) => ({ start: p[0]!.start, end: p[p.length - 1]!.end }));
}

/**
 * The span of the top-level `WHERE ...` clause of a DELETE or UPDATE statement, up to a top-level
 * RETURNING or the end of the statement.
 */
export function whereClauseSpan(stmt: Statement): Span | undefined {
  const tokens = tokensOf(stmt.text);
  let depth = 0;
  let start = -1;
  let end = -1;
  for (const t of tokens) {
    if (t.kind === 'punct' && OPEN.has(t.value)) depth++;
    else if (t.kind === 'punct' && CLOSE.has(t.value)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && t.kind === 'word') {
      if (start < 0 && t.value === 'WHERE') start = t.start;
      else if (start >= 0 && t.value === 'RETURNING') break;
    }
    if (start >= 0) end = t.end;
  }
  if (start < 0) return undefined;
  return { start: stmt.span.start + start, end: stmt.span.start + end };
}

/**
 * The span of a common table expression `name [(cols)] AS [NOT] [MATERIALIZED] ( ... )`, from its
 * name (the node's `location`) to its closing parenthesis.
 */
export function cteSpan(stmt: Statement, location: number | undefined): Span | undefined {
  if (location === undefined || location < 0) return undefined;
  const start = stmt.offsetOf(location) - stmt.span.start;
  if (start < 0 || start >= stmt.text.length) return undefined;
  const tokens = tokenize(stmt.text, start, stmt.text.length);
  const as = tokens.findIndex((t) => t.kind === 'word' && t.value === 'AS');
  if (as < 0) return undefined;
  const open = tokens.findIndex((t, i) => i > as && t.kind === 'punct' && t.value === '(');
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && OPEN.has(t.value)) depth++;
    else if (t.kind === 'punct' && CLOSE.has(t.value) && --depth === 0) {
      return { start: stmt.span.start + start, end: stmt.span.start + t.end };
    }
  }
  return undefined;
}

/** A DELETE or UPDATE that a statement runs: the statement itself, one in a WITH clause, or under EXPLAIN ANALYZE. */
export interface DataModification {
  kind: 'DeleteStmt' | 'UpdateStmt';
  node: DeleteStmt | UpdateStmt;
  /** True for the statement itself; false for one nested in a WITH query or EXPLAIN ANALYZE. */
  topLevel: boolean;
  /** For one in a WITH clause: the location of the CTE's name. */
  cteLocation?: number;
}

/** Every DELETE and UPDATE a statement executes (not those in function or rule bodies, which only define them). */
export function dataModifications(ast: Node | undefined): DataModification[] {
  const out: DataModification[] = [];
  const visit = (node: Node | undefined, topLevel: boolean, cteLocation: number | undefined): void => {
    if (!node) return;
    let withClause: WithClause | undefined;
    if ('DeleteStmt' in node) {
      out.push({ kind: 'DeleteStmt', node: node.DeleteStmt, topLevel, ...(cteLocation !== undefined ? { cteLocation } : {}) });
      withClause = node.DeleteStmt.withClause;
    } else if ('UpdateStmt' in node) {
      out.push({ kind: 'UpdateStmt', node: node.UpdateStmt, topLevel, ...(cteLocation !== undefined ? { cteLocation } : {}) });
      withClause = node.UpdateStmt.withClause;
    } else if ('SelectStmt' in node) withClause = node.SelectStmt.withClause;
    else if ('InsertStmt' in node) withClause = node.InsertStmt.withClause;
    else if ('MergeStmt' in node) withClause = node.MergeStmt.withClause;
    else if ('ExplainStmt' in node) {
      const analyze = (node.ExplainStmt.options ?? []).some(
        (o) => 'DefElem' in o && o.DefElem.defname === 'analyze' && !isFalseOption(o.DefElem.arg),
      );
      if (analyze) visit(node.ExplainStmt.query, false, cteLocation);
      return;
    }
    for (const cte of withClause?.ctes ?? []) {
      if ('CommonTableExpr' in cte) visit(cte.CommonTableExpr.ctequery, false, cteLocation ?? cte.CommonTableExpr.location);
    }
  };
  visit(ast, true, undefined);
  return out;
}

function isFalseOption(arg: Node | undefined): boolean {
  if (!arg) return false;
  const v = constValue(arg);
  return v === false || (typeof v === 'string' && FALSY.has(v.toLowerCase())) || v === 0;
}

const TRUTHY = new Set(['t', 'true', 'y', 'yes', 'on', '1']);
const FALSY = new Set(['f', 'false', 'n', 'no', 'off', '0']);

type ConstValue = number | string | boolean | null;

function constValue(node: Node): ConstValue | undefined {
  if ('A_Const' in node) {
    const c = node.A_Const;
    if (c.isnull) return null;
    if (c.boolval) return c.boolval.boolval === true;
    if (c.ival) return c.ival.ival ?? 0;
    if (c.fval) return Number(c.fval.fval ?? 'NaN');
    if (c.sval) return c.sval.sval ?? '';
    return undefined;
  }
  if ('String' in node) return node.String.sval ?? '';
  if ('Integer' in node) return node.Integer.ival ?? 0;
  if ('Boolean' in node) return node.Boolean.boolval === true;
  return undefined;
}

/** Evaluates a condition made of literals only: true, false, or undefined when it depends on anything else. */
export function constantCondition(node: Node | undefined): boolean | undefined {
  if (!node) return undefined;
  if ('A_Const' in node) {
    const v = constValue(node);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && TRUTHY.has(v.trim().toLowerCase())) return true;
    if (typeof v === 'string' && FALSY.has(v.trim().toLowerCase())) return false;
    return undefined;
  }
  if ('TypeCast' in node) {
    const names = (node.TypeCast.typeName?.names ?? []).map((n) => ('String' in n ? n.String.sval : ''));
    const last = names[names.length - 1];
    return last === 'bool' || last === 'boolean' ? constantCondition(node.TypeCast.arg) : undefined;
  }
  if ('BoolExpr' in node) {
    const args = (node.BoolExpr.args ?? []).map(constantCondition);
    switch (node.BoolExpr.boolop) {
      case 'AND_EXPR':
        return args.every((a) => a === true) ? true : args.some((a) => a === false) ? false : undefined;
      case 'OR_EXPR':
        return args.some((a) => a === true) ? true : args.every((a) => a === false) ? false : undefined;
      case 'NOT_EXPR':
        return args.length === 1 && args[0] !== undefined ? !args[0] : undefined;
      default:
        return undefined;
    }
  }
  if ('NullTest' in node) {
    const arg = node.NullTest.arg;
    if (!arg || !('A_Const' in arg) || !arg.A_Const.isnull) return undefined;
    return node.NullTest.nulltesttype === 'IS_NULL';
  }
  if ('A_Expr' in node && node.A_Expr.kind === 'AEXPR_OP') {
    const e = node.A_Expr;
    const op = (e.name ?? []).map((n) => ('String' in n ? n.String.sval : '')).join('.');
    if (!e.lexpr || !e.rexpr || !('A_Const' in e.lexpr) || !('A_Const' in e.rexpr)) return undefined;
    const l = constValue(e.lexpr);
    const r = constValue(e.rexpr);
    if (l === undefined || r === undefined || l === null || r === null || typeof l !== typeof r) return undefined;
    // Strings compare by collation: only equality is certain.
    if (typeof l !== 'number' && op !== '=' && op !== '<>' && op !== '!=') return undefined;
    switch (op) {
      case '=':
        return l === r;
      case '<>':
      case '!=':
        return l !== r;
      case '<':
        return l < r;
      case '>':
        return l > r;
      case '<=':
        return l <= r;
      case '>=':
        return l >= r;
      default:
        return undefined;
    }
  }
  return undefined;
}
