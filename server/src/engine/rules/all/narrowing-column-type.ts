import type { Node, TypeName } from '@pgsql/types';
import { quoteIdent, relationName, renderTypeName, stringList } from '../../parsing/ast';
import { commandSpan } from '../../parsing/clauses';
import { objectsBefore } from '../file-objects';
import { schemaAt, schemaFor } from '../schema-lookup';
import { sessionZone, zoneOf, type FixedZone } from '../time-zone';
import type { Rule } from '../types';
import { tableKey } from '../up-objects';

/**
 * What an `ALTER COLUMN ... TYPE` from `from` to `to` (with `using`, in the session zone `session`
 * gives) can lose, or undefined: `narrowingLoss`, except that timestamptz → timestamp converted in a
 * zone without daylight saving time maps each instant to its own local time and loses nothing (the
 * values then read as that zone's clock, which the up can convert back).
 */
export function changeLoss(from: TypeName | undefined, to: TypeName | undefined, using: Node | undefined, session: () => FixedZone | undefined): string | undefined {
  const loss = narrowingLoss(from, to);
  return loss === TIMESTAMPTZ_LOSS && lossless(using, session) ? undefined : loss;
}

/**
 * Whether timestamptz → timestamp keeps every value: `USING c AT TIME ZONE z` converts in `z`; the
 * column itself (no USING, `USING c`, `USING c::timestamp`) converts in the session's zone; any
 * other expression is not judged lossless.
 */
function lossless(using: Node | undefined, session: () => FixedZone | undefined): boolean {
  const plain = (n: Node | undefined): boolean => n === undefined || 'ColumnRef' in n || ('TypeCast' in n && plain(n.TypeCast.arg));
  if (plain(using)) return session() !== undefined;
  if (using && 'FuncCall' in using && stringList(using.FuncCall.funcname ?? []).pop() === 'timezone' && using.FuncCall.args?.length === 2) return zoneOf(using.FuncCall.args[0]) !== undefined;
  return false;
}

type Kind = 'string' | 'int' | 'numeric' | 'float' | 'timestamptz' | 'timestamp' | 'date' | 'time' | 'bool' | 'other';

interface TypeInfo {
  kind: Kind;
  /** string: max length (undefined: unbounded); int: bytes; float: bytes. */
  size?: number;
  /** numeric precision and scale (undefined: unconstrained). */
  precision?: number;
  scale?: number;
  array: boolean;
}

const ALIASES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  boolean: 'bool',
  decimal: 'numeric',
  real: 'float4',
  'double precision': 'float8',
  character: 'bpchar',
  char: 'bpchar',
  'character varying': 'varchar',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
};

function intMod(n: Node | undefined): number | undefined {
  if (n && 'A_Const' in n && n.A_Const.ival) return n.A_Const.ival.ival ?? 0;
  return undefined;
}

/** What the loss analysis needs of a type; `other` for anything it does not judge (domains, enums, ...). */
function typeInfo(t: TypeName | undefined): TypeInfo {
  const names = stringList(t?.names);
  const array = (t?.arrayBounds ?? []).length > 0;
  if (names.length > 2 || (names.length === 2 && names[0] !== 'pg_catalog')) return { kind: 'other', array };
  const raw = (names[names.length - 1] ?? '').toLowerCase();
  const name = ALIASES[raw] ?? raw;
  const mods = (t?.typmods ?? []).map(intMod);
  switch (name) {
    case 'text':
      return { kind: 'string', array };
    case 'varchar':
      return { kind: 'string', ...(mods[0] !== undefined ? { size: mods[0] } : {}), array };
    case 'bpchar':
      return { kind: 'string', size: mods[0] ?? 1, array };
    case 'int2':
      return { kind: 'int', size: 2, array };
    case 'int4':
      return { kind: 'int', size: 4, array };
    case 'int8':
      return { kind: 'int', size: 8, array };
    case 'numeric':
      return { kind: 'numeric', ...(mods[0] !== undefined ? { precision: mods[0], scale: mods[1] ?? 0 } : {}), array };
    case 'float4':
      return { kind: 'float', size: 4, array };
    case 'float8':
      return { kind: 'float', size: 8, array };
    case 'timestamptz':
    case 'timestamp':
    case 'date':
    case 'bool':
      return { kind: name, array };
    case 'time':
    case 'timetz':
      return { kind: 'time', array };
    default:
      return { kind: 'other', array };
  }
}

const INT_NAMES: Record<number, string> = { 2: 'smallint', 4: 'integer', 8: 'bigint' };
/** Digits of the largest value of each integer type. */
const INT_DIGITS: Record<number, number> = { 2: 5, 4: 10, 8: 19 };

/** Why changing `from` to `to` can lose data, or undefined when it cannot (or this rule does not judge it). */
export function narrowingLoss(fromType: TypeName | undefined, toType: TypeName | undefined): string | undefined {
  const from = typeInfo(fromType);
  const to = typeInfo(toType);
  if (from.kind === 'other' || to.kind === 'other' || from.array !== to.array) return undefined;
  if (to.kind === 'bool') {
    return from.kind === 'bool' ? undefined : 'every value becomes true or false (or the change fails), the original values are gone';
  }
  if (to.kind === 'string' && to.size !== undefined && from.kind === 'string' && (from.size === undefined || from.size > to.size)) {
    return `values longer than ${to.size} characters make the change fail, or are cut short by an explicit cast in USING`;
  }
  if (to.kind === 'int') {
    if (from.kind === 'int' && from.size! > to.size!) return `values outside the range of ${INT_NAMES[to.size!]} make the change fail`;
    if (from.kind === 'numeric' || from.kind === 'float') return `fractions are rounded away silently, and values outside the range of ${INT_NAMES[to.size!]} make the change fail`;
  }
  if (to.kind === 'numeric' && to.precision !== undefined) {
    if (from.kind === 'numeric') {
      if (from.precision === undefined) return `values are rounded to ${to.scale} decimal places, and values with more than ${to.precision - to.scale!} integer digits make the change fail`;
      if (to.scale! < from.scale!) return `values are rounded to ${to.scale} decimal places silently`;
      if (to.precision - to.scale! < from.precision - from.scale!) return `values with more than ${to.precision - to.scale!} integer digits make the change fail`;
    }
    if (from.kind === 'int' && to.precision - to.scale! < INT_DIGITS[from.size!]!) {
      return `values with more than ${to.precision - to.scale!} integer digits make the change fail`;
    }
    if (from.kind === 'float') return `values are rounded to ${to.scale} decimal places, and values with more than ${to.precision - to.scale!} integer digits make the change fail`;
  }
  if (to.kind === 'float' && from.kind === 'float' && from.size! > to.size!) return 'values keep only about 6 significant digits (real), rounded silently';
  if (from.kind === 'timestamptz' && to.kind === 'timestamp') return TIMESTAMPTZ_LOSS;
  if ((from.kind === 'timestamptz' || from.kind === 'timestamp') && to.kind === 'date') return 'the time of day is dropped';
  if ((from.kind === 'timestamptz' || from.kind === 'timestamp') && to.kind === 'time') return 'the date is dropped';
  return undefined;
}

const TIMESTAMPTZ_LOSS = "values become local times of the session's time zone: unless that zone is a fixed offset (SET TIME ZONE 'UTC' first), the instants of each repeated daylight-saving hour collapse into the same values";

/**
 * Reports an `ALTER COLUMN ... TYPE` that can lose data, when earlier migrations of the directory (or
 * earlier statements of the file) define the column: text → varchar(n), varchar(n) → varchar(m < n),
 * bigint → integer/smallint, numeric(p,s) → smaller, timestamptz → timestamp/date, any → boolean, ...
 * Quiet for a table or column created earlier in the same file (it holds no old data). The range is
 * the subcommand.
 */
export const narrowingColumnType: Rule = {
  meta: {
    id: 'narrowing-column-type',
    category: 'destructive',
    description: 'A column type change that can lose data (text to varchar(n), bigint to integer, timestamptz to date, ...).',
    defaultSeverity: 'error',
    messages: {
      narrowing: 'Changing {{table}}.{{column}} from {{from}} to {{to}} can lose data: {{loss}}.',
    },
    help: [
      '**Impact:** the new type cannot hold every value of the old one. Depending on the change, existing values that do not',
      'fit make the migration fail at deploy time (and golang-migrate marks the database dirty), or they are rounded, cut or',
      'converted silently, and the down migration cannot bring the original values back.',
      '',
      '**Lock:** `ACCESS EXCLUSIVE` on the table while every row is rewritten and every index rebuilt.',
      '',
      '**Safe alternative:** check the data first (`SELECT count(*) FROM t WHERE length(c) > n`), or add a new column of the',
      'new type, backfill it with an explicit, reviewed conversion, switch the code to it, and drop the old column later.',
      'For a length limit, a `CHECK (length(c) <= n) NOT VALID` constraint validated separately keeps the old type.',
    ].join('\n'),
  },
  check(ctx) {
    let base: ReturnType<typeof schemaFor> | null = null;
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast || !('AlterTableStmt' in ast) || ast.AlterTableStmt.objtype !== 'OBJECT_TABLE') continue;
      const alter = ast.AlterTableStmt;
      const cmds = alter.cmds ?? [];
      if (!cmds.some((c) => 'AlterTableCmd' in c && c.AlterTableCmd.subtype === 'AT_AlterColumnType')) continue;
      if (base === null) base = schemaFor(ctx);
      const schema = schemaAt(ctx, stmt.index, base);
      const table = schema?.table(alter.relation ?? '');
      if (!table) continue;
      const before = objectsBefore(ctx.parsed, stmt.index);
      const key = tableKey(alter.relation);
      if (before.tables.has(key)) continue;
      cmds.forEach((node, i) => {
        if (!('AlterTableCmd' in node) || node.AlterTableCmd.subtype !== 'AT_AlterColumnType') return;
        const name = node.AlterTableCmd.name ?? '';
        const column = table.columns.get(name);
        if (!column || before.columns.has(`${key}.${name}`)) return;
        const def = node.AlterTableCmd.def;
        const newType = def && 'ColumnDef' in def ? def.ColumnDef.typeName : undefined;
        const loss = changeLoss(column.typeName, newType, def && 'ColumnDef' in def ? def.ColumnDef.raw_default : undefined, () => sessionZone(ctx, stmt));
        if (!loss) return;
        ctx.report({
          messageId: 'narrowing',
          data: { table: relationName(alter.relation), column: quoteIdent(name), from: column.typeText, to: renderTypeName(newType), loss },
          span: commandSpan(stmt, alter, i) ?? stmt.span,
          statement: stmt,
        });
      });
    }
  },
};
