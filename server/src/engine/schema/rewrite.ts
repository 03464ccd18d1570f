/**
 * Renames carried into the query of a view, read on its AST: PostgreSQL stores a view by the oids
 * of what it reads, so renaming a table or a column it reads changes what `pg_get_viewdef` prints,
 * not what the view does. The model keeps a view as text; this rewrites that text the same way
 * (only the names that resolve to the renamed object, at their exact positions), so that the view
 * recreated from it is the view PostgreSQL has, and a rename and its rename back leave the text as
 * it was. A column selected by its bare name keeps its output name (`full_name AS name`, as
 * PostgreSQL prints it), and loses that alias again when renamed back.
 *
 * When a name cannot be resolved with certainty (a `USING` or `NATURAL` join on the column, a
 * reference that a subquery, a function or a CTE in scope could provide, an alias spelled like the
 * table), the rewrite is refused (`undefined`): the caller marks the text stale instead of guessing.
 */
import type { Node } from '@pgsql/types';
import { quoteIdent } from '../parsing/ast';
import { tokenize, type Token } from '../parsing/lexer';
import { parseSql } from '../parsing/parser';
import type { Span } from '../text';
import { isName, splice } from './text';

/** How the rewrite resolves a relation named in the query: its qualified key, or undefined (not a known relation). */
export type ResolveRelation = (schema: string | undefined, name: string) => string | undefined;

interface Entry {
  /** The name column references qualify with: the alias, else the relation's name. */
  refname: string;
  /** The relation's key (a table or view of the model), or undefined: a subquery, function, CTE or unknown relation. */
  key?: string;
  aliased: boolean;
  /** A join's own alias (`(a JOIN b USING (x)) AS j`): its columns are its relations'. */
  join?: boolean;
}

interface Join {
  using: string[];
  natural: boolean;
  entries: Entry[];
}

type Edit = { span: Span; newText: string };

class Refused extends Error {}

/** The statement's query (a view's SELECT, a materialized view's AS query), with its offsets in `text`. */
function queryOf(text: string): { query: Node; offsetOf: (loc: number | undefined) => number } | undefined {
  const parsed = parseSql(text);
  const st = parsed.statements[0];
  if (parsed.errors.length > 0 || parsed.statements.length !== 1 || !st?.ast) return undefined;
  const ast = st.ast;
  const query = 'ViewStmt' in ast ? ast.ViewStmt.query : 'CreateTableAsStmt' in ast ? ast.CreateTableAsStmt.query : undefined;
  return query ? { query, offsetOf: (loc) => st.offsetOf(loc) } : undefined;
}

/** The name tokens of a dotted name starting at `start` (`a`, `a.b`, `"A".b.c`; a `*` ends it). */
function nameTokens(text: string, start: number): Token[] {
  const tokens = tokenize(text, start, Math.min(text.length, start + 512));
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!isName(t)) break;
    out.push(t);
    if (tokens[i + 1]?.value !== '.') break;
    i++;
  }
  return out;
}

function fieldsOf(node: { fields?: Node[] }): (string | '*')[] {
  return (node.fields ?? []).map((f) => ('String' in f ? f.String.sval ?? '' : '*'));
}

/**
 * Walks a query with its scopes (one per SELECT: the relations of its FROM), calling `onColumn`
 * for every column reference and `onRelation` for every relation it reads.
 */
function walkQuery(
  query: Node,
  resolve: ResolveRelation,
  onRelation: (rv: { schemaname?: string; relname?: string; alias?: { aliasname?: string }; location?: number }, key: string | undefined) => void,
  onColumn: (ref: { fields?: Node[]; location?: number }, scopes: Entry[][], clause: string, select: Record<string, unknown> | undefined) => void,
): Join[] {
  const ctes = new Set<string>();
  const joins: Join[] = [];
  const visit = (node: unknown, scopes: Entry[][], clause: string, select: Record<string, unknown> | undefined): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, scopes, clause, select);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.SelectStmt) return visitSelect(n.SelectStmt as Record<string, unknown>, scopes);
    if (n.ColumnRef) return onColumn(n.ColumnRef as { fields?: Node[]; location?: number }, scopes, clause, select);
    if (n.RangeVar) {
      const rv = n.RangeVar as { schemaname?: string; relname?: string };
      onRelation(rv, rv.relname && !(!rv.schemaname && ctes.has(rv.relname)) ? resolve(rv.schemaname, rv.relname) : undefined);
      return;
    }
    for (const [k, v] of Object.entries(n)) if (v && typeof v === 'object') visit(v, scopes, k === 'sortClause' || k === 'groupClause' ? k : clause, select);
  };
  const fromEntries = (items: unknown[], scopes: Entry[][], out: Entry[]): void => {
    for (const item of items) {
      const it = item as Record<string, unknown>;
      if (it.RangeVar) {
        const rv = it.RangeVar as { schemaname?: string; relname?: string; alias?: { aliasname?: string } };
        const cte = !rv.schemaname && rv.relname !== undefined && ctes.has(rv.relname);
        const key = rv.relname && !cte ? resolve(rv.schemaname, rv.relname) : undefined;
        onRelation(rv, key);
        out.push({ refname: rv.alias?.aliasname ?? rv.relname ?? '', ...(key ? { key } : {}), aliased: rv.alias?.aliasname !== undefined });
      } else if (it.JoinExpr) {
        const j = it.JoinExpr as Record<string, unknown>;
        fromEntries([j.larg, j.rarg], scopes, out);
        const joined: Entry[][] = [out, ...scopes];
        visit(j.quals, joined, 'join', undefined);
        if (j.usingClause || j.isNatural) joins.push({ using: ((j.usingClause as Node[] | undefined) ?? []).map((u) => ('String' in u ? u.String.sval ?? '' : '')), natural: j.isNatural === true, entries: out });
        const alias = (j.alias as { aliasname?: string } | undefined)?.aliasname;
        if (alias) out.push({ refname: alias, aliased: true, join: true });
      } else if (it.RangeSubselect) {
        const r = it.RangeSubselect as { subquery?: Node; alias?: { aliasname?: string }; lateral?: boolean };
        visit(r.subquery, r.lateral ? [out, ...scopes] : scopes, 'from', undefined);
        out.push({ refname: r.alias?.aliasname ?? '', aliased: true });
      } else {
        // Functions, table samples, XML tables...: their columns are not known here.
        visit(item, scopes, 'from', undefined);
        out.push({ refname: '', aliased: true });
      }
    }
  };
  const visitSelect = (s: Record<string, unknown>, scopes: Entry[][]): void => {
    const w = s.withClause as { ctes?: { CommonTableExpr?: { ctename?: string; ctequery?: Node } }[] } | undefined;
    for (const c of w?.ctes ?? []) if (c.CommonTableExpr?.ctename) ctes.add(c.CommonTableExpr.ctename);
    for (const c of w?.ctes ?? []) visit(c.CommonTableExpr?.ctequery, scopes, 'cte', undefined);
    if (s.larg || s.rarg) {
      // UNION / INTERSECT / EXCEPT: each side a SELECT of its own (not wrapped in a node).
      if (s.larg) visitSelect(s.larg as Record<string, unknown>, scopes);
      if (s.rarg) visitSelect(s.rarg as Record<string, unknown>, scopes);
      visit(s.sortClause, scopes, 'sortClause', undefined);
      return;
    }
    const entries: Entry[] = [];
    fromEntries((s.fromClause as unknown[] | undefined) ?? [], scopes, entries);
    const inner = [entries, ...scopes];
    for (const [k, v] of Object.entries(s)) {
      if (k === 'fromClause' || k === 'withClause' || !v || typeof v !== 'object') continue;
      visit(v, inner, k === 'targetList' ? 'target' : k, s);
    }
  };
  visit(query, [], 'select', undefined);
  return joins;
}

/**
 * The view's text with a relation renamed or moved (`from` → `to`), or the text itself when the
 * query does not read it; undefined when it cannot be done with certainty.
 */
export function renameRelationInView(text: string, resolve: ResolveRelation, key: string, to: { schema: string; name: string; qualify: boolean }, from: { schema: string; name: string }): string | undefined {
  const q = queryOf(text);
  if (!q) return undefined;
  const edits: Edit[] = [];
  const label = (qualified: boolean): string => (qualified || to.qualify ? `${quoteIdent(to.schema)}.${quoteIdent(to.name)}` : quoteIdent(to.name));
  try {
    walkQuery(
      q.query,
      resolve,
      (rv, k) => {
        if (k !== key || rv.location === undefined) return;
        const toks = nameTokens(text, q.offsetOf(rv.location));
        if (toks.length === 0) throw new Refused();
        edits.push({ span: { start: toks[0]!.start, end: toks[toks.length - 1]!.end }, newText: label(rv.schemaname !== undefined) });
      },
      (ref, scopes) => {
        const fields = fieldsOf(ref);
        if (fields.length < 2 || ref.location === undefined) return;
        const qualifier = fields.length >= 3 ? fields.slice(-3, -1) : fields.slice(0, 1);
        const tableName = qualifier[qualifier.length - 1];
        if (tableName !== from.name || (qualifier.length === 2 && qualifier[0] !== from.schema)) return;
        // The qualifier names the renamed relation only when it is its FROM entry's name (no alias).
        const entry = scopes.flat().find((e) => e.refname === from.name);
        if (!entry || entry.key !== key || entry.aliased) return;
        // `users.id` still finds `app.users` after SET SCHEMA: only a new name is written.
        if (qualifier.length === 1 && from.name === to.name) return;
        const toks = nameTokens(text, q.offsetOf(ref.location));
        const skip = fields.length - 1 - qualifier.length;
        const first = toks[skip];
        const last = toks[skip + qualifier.length - 1];
        if (!first || !last) throw new Refused();
        edits.push({ span: { start: first.start, end: last.end }, newText: qualifier.length === 2 ? `${quoteIdent(to.schema)}.${quoteIdent(to.name)}` : quoteIdent(to.name) });
      },
    );
  } catch (e) {
    if (e instanceof Refused) return undefined;
    throw e;
  }
  return edits.length > 0 ? splice(text, dedupe(edits)) : text;
}

/**
 * The view's text with a column of the relation `key` renamed (`oldName` → `newName`), or the text
 * itself when the query does not read it; undefined when it cannot be done with certainty.
 * `columnsOf` gives the columns of another relation the query reads (undefined: not known).
 */
export function renameColumnInView(text: string, resolve: ResolveRelation, key: string, oldName: string, newName: string, columnsOf: (key: string) => ReadonlySet<string> | undefined): string | undefined {
  const q = queryOf(text);
  if (!q) return undefined;
  const edits: Edit[] = [];
  const has = (e: Entry, name: string): boolean | undefined => (e.key === key ? name === oldName || undefined : e.join ? false : e.key ? columnsOf(e.key)?.has(name) : undefined);
  try {
    const joins = walkQuery(
      q.query,
      resolve,
      () => undefined,
      (ref, scopes, clause, select) => {
        const fields = fieldsOf(ref);
        const name = fields[fields.length - 1];
        if (name !== oldName || ref.location === undefined) return;
        let target: Entry | undefined;
        if (fields.length === 1) {
          // Unqualified: the innermost scope with a relation that has the column; any doubt refuses.
          for (const scope of scopes) {
            const answers = scope.map((e) => has(e, name));
            if (answers.some((a) => a === undefined)) throw new Refused();
            const holders = scope.filter((_, i) => answers[i]);
            if (holders.length > 1) throw new Refused();
            if (holders.length === 1) {
              target = holders[0];
              break;
            }
          }
          // ORDER BY / GROUP BY name an output column first.
          if (target && (clause === 'sortClause' || clause === 'groupClause') && select && outputNames(select).includes(oldName)) return;
        } else {
          const refname = fields[fields.length - 2];
          target = scopes.flat().find((e) => e.refname === refname);
          if (!target) return;
          // A join's alias: the column may be the renamed one's, under the join.
          if (target.join) throw new Refused();
        }
        if (!target || target.key !== key) return;
        const toks = nameTokens(text, q.offsetOf(ref.location));
        const tok = toks[fields.length - 1];
        if (!tok) throw new Refused();
        let span: Span = { start: tok.start, end: tok.end };
        let newText = quoteIdent(newName);
        if (clause === 'target' && fields.length >= 1 && select) {
          // A bare column keeps its output name: `full_name AS name`; `x AS x` loses the alias.
          const rt = ((select.targetList as { ResTarget?: { name?: string; val?: { ColumnRef?: unknown } } }[] | undefined) ?? []).find((t) => t.ResTarget?.val?.ColumnRef === ref);
          if (rt?.ResTarget) {
            const alias = rt.ResTarget.name;
            if (alias === undefined) newText = `${quoteIdent(newName)} AS ${quoteIdent(oldName)}`;
            else if (alias === newName) {
              const after = tokenize(text, tok.end, Math.min(text.length, tok.end + 256));
              const nameTok = after[0]?.kind === 'word' && after[0].value === 'AS' ? after[1] : after[0];
              if (!nameTok || !isName(nameTok)) throw new Refused();
              span = { start: tok.start, end: nameTok.end };
            }
          }
        }
        edits.push({ span, newText });
      },
    );
    if (joins.some((j) => (j.natural || j.using.includes(oldName)) && j.entries.some((e) => e.key === key))) throw new Refused();
  } catch (e) {
    if (e instanceof Refused) return undefined;
    throw e;
  }
  return edits.length > 0 ? splice(text, dedupe(edits)) : text;
}

function outputNames(select: Record<string, unknown>): string[] {
  return ((select.targetList as { ResTarget?: { name?: string; val?: { ColumnRef?: { fields?: Node[] } } } }[] | undefined) ?? []).flatMap((t) => {
    if (t.ResTarget?.name) return [t.ResTarget.name];
    const f = t.ResTarget?.val?.ColumnRef ? fieldsOf(t.ResTarget.val.ColumnRef) : [];
    const last = f[f.length - 1];
    return last && last !== '*' ? [last] : [];
  });
}

function dedupe(edits: Edit[]): Edit[] {
  const seen = new Set<number>();
  return edits.filter((e) => (seen.has(e.span.start) ? false : (seen.add(e.span.start), true)));
}
