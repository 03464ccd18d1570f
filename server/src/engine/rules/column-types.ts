/**
 * The column types a file writes, for the type-preference rules (prefer-text-field,
 * prefer-bigint-over-int, prefer-timestamp-tz, prefer-identity, ban-char-field): every column of
 * `CREATE TABLE`, `ALTER TABLE ... ADD COLUMN` and `ALTER COLUMN ... TYPE`, in the up direction only
 * (a down puts back what was there), with the exact span of the type as written.
 */
import type { ColumnDef, TypeName } from '@pgsql/types';
import { quoteIdent, relationName } from '../parsing/ast';
import { tokenize } from '../parsing/lexer';
import type { Statement } from '../parsing/parser';
import type { Span } from '../text';
import { baseTypeName } from './locking';
import { statementSections } from './transaction-sections';
import type { Rule, RuleContext, RuleMeta } from './types';

export interface ColumnTypeUse {
  stmt: Statement;
  /** The table as written. */
  table: string;
  column: string;
  typeName: TypeName;
  /** `int4`, `varchar`, `timestamp`, `bpchar`, `serial`: pg_catalog's name, without `pg_catalog.`. */
  base: string;
  /** The type as written, e.g. `character varying(20)`, `timestamp without time zone`. */
  span: Span;
}

const MORE_WORDS = new Set(['VARYING', 'WITHOUT', 'WITH', 'TIME', 'ZONE', 'PRECISION']);

/** The span of a type name as written, from its location to its last word, `(...)` or `[]`. */
export function typeSpan(stmt: Statement, t: TypeName): Span | undefined {
  if (t.location === undefined || t.location < 0) return undefined;
  const start = stmt.offsetOf(t.location);
  const tokens = tokenize(stmt.text, start - stmt.span.start, stmt.text.length);
  if (tokens.length === 0) return undefined;
  let i = 0;
  let end = tokens[0]!.end;
  while (tokens[i + 1]?.value === '.' && tokens[i + 2]) {
    i += 2;
    end = tokens[i]!.end;
  }
  while (tokens[i + 1]?.kind === 'word' && MORE_WORDS.has(tokens[i + 1]!.value)) end = tokens[++i]!.end;
  if (tokens[i + 1]?.value === '(') {
    let depth = 0;
    for (i++; i < tokens.length; i++) {
      if (tokens[i]!.value === '(') depth++;
      else if (tokens[i]!.value === ')' && --depth === 0) break;
    }
    if (i >= tokens.length) return undefined;
    end = tokens[i]!.end;
    // `timestamp(3) without time zone`
    while (tokens[i + 1]?.kind === 'word' && MORE_WORDS.has(tokens[i + 1]!.value)) end = tokens[++i]!.end;
  }
  while (tokens[i + 1]?.value === '[') {
    const close = tokens.findIndex((tk, k) => k > i && tk.value === ']');
    if (close < 0) break;
    i = close;
    end = tokens[i]!.end;
  }
  return { start, end: stmt.span.start + end };
}

/** Every column type the up statements of the file write. */
export function columnTypeUses(ctx: RuleContext): ColumnTypeUse[] {
  const out: ColumnTypeUse[] = [];
  if (ctx.migration?.direction === 'down') return out;
  const down = new Set<number>();
  for (const s of statementSections(ctx)) if (s.direction === 'down') for (const st of s.statements) down.add(st.index);
  const push = (stmt: Statement, table: string, column: string, t: TypeName | undefined): void => {
    if (!t) return;
    const span = typeSpan(stmt, t);
    if (span) out.push({ stmt, table, column, typeName: t, base: baseTypeName(t), span });
  };
  for (const stmt of ctx.parsed.statements) {
    const ast = stmt.ast;
    if (!ast || down.has(stmt.index)) continue;
    if ('CreateStmt' in ast) {
      const table = relationName(ast.CreateStmt.relation);
      for (const e of ast.CreateStmt.tableElts ?? []) if ('ColumnDef' in e) push(stmt, table, e.ColumnDef.colname ?? '', e.ColumnDef.typeName);
    } else if ('AlterTableStmt' in ast && ast.AlterTableStmt.objtype === 'OBJECT_TABLE') {
      const table = relationName(ast.AlterTableStmt.relation);
      for (const c of ast.AlterTableStmt.cmds ?? []) {
        if (!('AlterTableCmd' in c)) continue;
        const cmd = c.AlterTableCmd;
        const def: ColumnDef | undefined = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
        if (cmd.subtype === 'AT_AddColumn') push(stmt, table, def?.colname ?? '', def?.typeName);
        else if (cmd.subtype === 'AT_AlterColumnType') push(stmt, table, cmd.name ?? '', def?.typeName);
      }
    }
  }
  return out;
}

/** A type-preference rule: opt-in, one finding per column whose type `matches`, on the type as written. */
export function typePreferenceRule(meta: Omit<RuleMeta, 'category' | 'defaultSeverity' | 'optIn'>, matches: (use: ColumnTypeUse) => boolean): Rule {
  return {
    meta: { ...meta, category: 'correctness', defaultSeverity: 'warning', optIn: true },
    check(ctx) {
      for (const use of columnTypeUses(ctx)) {
        if (!matches(use)) continue;
        ctx.report({
          messageId: Object.keys(meta.messages)[0]!,
          data: { table: use.table, column: quoteIdent(use.column), type: ctx.parsed.text.slice(use.span.start, use.span.end) },
          span: use.span,
          statement: use.stmt,
        });
      }
    },
  };
}
