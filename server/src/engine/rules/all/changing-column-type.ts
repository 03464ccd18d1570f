import type { Node, RangeVar, TypeName } from '@pgsql/types';
import { quoteIdent, relationName, renderTypeName, stringList } from '../../parsing/ast';
import { commandSpan } from '../../parsing/clauses';
import type { SchemaModel } from '../../schema';
import { baseTypeName, isQuietTable, relKey, schemaFor } from '../locking';
import { sessionZone } from '../time-zone';
import type { Rule } from '../types';
import { changeLoss } from './narrowing-column-type';

interface SimpleType {
  base: string;
  /** Integer type modifiers (`varchar(20)` → [20]), undefined when none were written. */
  mods: number[] | undefined;
  array: boolean;
}

const BASE_ALIASES: Record<string, string> = { 'character varying': 'varchar', decimal: 'numeric' };

function simpleType(t: TypeName | undefined): SimpleType | undefined {
  if (!t || t.setof || t.pct_type) return undefined;
  const base = baseTypeName(t);
  const mods: number[] = [];
  for (const m of t.typmods ?? []) {
    const v = 'A_Const' in m ? m.A_Const.ival : undefined;
    if (!v) return undefined;
    mods.push(v.ival ?? 0);
  }
  return { base: BASE_ALIASES[base] ?? base, mods: mods.length > 0 ? mods : undefined, array: (t.arrayBounds ?? []).length > 0 };
}

/**
 * Whether changing a column from `from` to `to` keeps every stored value as it is (binary-coercible,
 * no length or precision to check), so that PostgreSQL neither rewrites the table nor scans it.
 * Measured on PostgreSQL 18 by comparing the table's relfilenode before and after.
 */
export function isBinaryCoercible(from: TypeName | undefined, to: TypeName | undefined): boolean {
  const a = simpleType(from);
  const b = simpleType(to);
  if (!a || !b || a.array || b.array) return false;
  if (a.base === b.base && JSON.stringify(a.mods) === JSON.stringify(b.mods)) return true;
  if (a.base === 'varchar' && b.base === 'varchar') return b.mods === undefined || (a.mods !== undefined && b.mods[0]! >= a.mods[0]!);
  if ((a.base === 'varchar' || a.base === 'text') && b.base === 'text') return true;
  if (a.base === 'text' && b.base === 'varchar') return b.mods === undefined;
  if (a.base === 'numeric' && b.base === 'numeric') {
    if (b.mods === undefined) return true;
    if (a.mods === undefined) return false;
    const [p1, s1 = 0] = a.mods;
    const [p2, s2 = 0] = b.mods;
    return s1 === s2 && p2! >= p1!;
  }
  return a.base === 'cidr' && b.base === 'inet';
}

/** timestamp to timestamptz or back (arrays excepted). */
function isTimestampPair(from: TypeName | undefined, to: TypeName | undefined): boolean {
  const a = simpleType(from);
  const b = simpleType(to);
  const kinds = new Set([a?.base, b?.base]);
  return !!a && !!b && !a.array && !b.array && a.base !== b.base && kinds.has('timestamp') && kinds.has('timestamptz');
}

/** A USING clause that changes no value: the column itself, or the column cast to the new type. */
function isTrivialUsing(using: Node | undefined, column: string, to: TypeName | undefined): boolean {
  if (!using) return true;
  const isColumn = (n: Node | undefined): boolean => {
    const fields = n && 'ColumnRef' in n ? stringList(n.ColumnRef.fields) : [];
    return fields.length === 1 && fields[0] === column;
  };
  if (isColumn(using)) return true;
  return 'TypeCast' in using && isColumn(using.TypeCast.arg) && renderTypeName(using.TypeCast.typeName) === renderTypeName(to);
}

/**
 * Reports each `ALTER COLUMN ... [SET DATA] TYPE` of an `ALTER TABLE` on a table that existed before
 * the file. When the column's current type is known (from CREATE TABLE, ADD COLUMN or an earlier type
 * change in the same file, or from the directory's earlier migrations through the schema model), a
 * binary-coercible change without COLLATE, and without USING (or with a USING that is the column,
 * or the column cast to the new type), is not reported: `varchar(n)` to `varchar(m ≥ n)`,
 * `varchar` or `text`; `text` to `varchar`; `numeric(p,s)` to `numeric(q ≥ p,s)` or `numeric`;
 * `cidr` to `inet`. The range is the subcommand itself; the whole statement when it cannot be located.
 */
export const changingColumnType: Rule = {
  meta: {
    id: 'changing-column-type',
    category: 'locking',
    description:
      'ALTER COLUMN ... TYPE locks the table and, for most type changes, rewrites it and its indexes; old application code may break on the new type.',
    defaultSeverity: 'warning',
    messages: {
      changeType:
        'Changing the type of {{table}}.{{column}} to {{type}} takes an ACCESS EXCLUSIVE lock and usually rewrites the table and its indexes.',
      changeTypeFrom:
        'Changing the type of {{table}}.{{column}} from {{from}} to {{type}} takes an ACCESS EXCLUSIVE lock and rewrites the table and its indexes.',
      changeTypeIndexes:
        'Changing the type of {{table}}.{{column}} from {{from}} to {{type}} takes an ACCESS EXCLUSIVE lock and rebuilds the indexes on the column (the session time zone is UTC, so the table itself is not rewritten).',
    },
    help: [
      '**Lock:** `ALTER COLUMN ... TYPE` holds an `ACCESS EXCLUSIVE` lock (no reads, no writes) for as long as it runs.',
      '',
      '**Rewrite:** unless the new type is binary-compatible with the old one, PostgreSQL rewrites every row and rebuilds',
      'every index on the table under that lock. Application code that is running may also fail on values of the new type.',
      '',
      '**Safe alternative:** add a new column with the new type, write to both columns, backfill the new one in batches, switch',
      'reads to it, stop writing the old one, then drop it. A few changes need no rewrite and are not reported when the old',
      'type is known: `varchar(n)` to a larger `varchar(m)` or to `text`, a larger `numeric` precision at the same scale,',
      '`cidr` to `inet`.',
    ].join('\n'),
  },
  check(ctx) {
    // Column types known from this file: `schema.table.column` → type (null: unknown from here on).
    const types = new Map<string, TypeName | null>();
    // Columns added by this file (narrowing-column-type is quiet on them: no old data).
    const added = new Set<string>();
    let model: SchemaModel | null | undefined;
    const schema = (): SchemaModel | null => {
      if (model === undefined) model = schemaFor(ctx);
      return model;
    };
    const typeOf = (tableKey: string, rel: RangeVar, column: string): TypeName | undefined => {
      const known = types.get(`${tableKey}.${column}`);
      if (known !== undefined) return known ?? undefined;
      return schema()?.column(rel, column)?.typeName;
    };
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast) continue;
      if ('CreateStmt' in ast) {
        const key = relKey(ast.CreateStmt.relation);
        for (const e of ast.CreateStmt.tableElts ?? []) {
          if ('ColumnDef' in e && e.ColumnDef.colname) types.set(`${key}.${e.ColumnDef.colname}`, e.ColumnDef.typeName ?? null);
        }
        continue;
      }
      if ('RenameStmt' in ast && ast.RenameStmt.renameType === 'OBJECT_COLUMN') {
        const r = ast.RenameStmt;
        const rel = r.relation;
        if (!rel) continue;
        const key = relKey(rel);
        const from = r.subname ? typeOf(key, rel, r.subname) : undefined;
        if (r.subname) types.set(`${key}.${r.subname}`, null);
        if (r.newname) types.set(`${key}.${r.newname}`, from ?? null);
        continue;
      }
      if (!('AlterTableStmt' in ast)) continue;
      const alter = ast.AlterTableStmt;
      if (alter.objtype !== 'OBJECT_TABLE') continue;
      const key = relKey(alter.relation);
      const isNew = isQuietTable(ctx, stmt, alter.relation);
      const cmds = alter.cmds ?? [];
      const table = relationName(alter.relation);
      cmds.forEach((node, i) => {
        if (!('AlterTableCmd' in node)) return;
        const cmd = node.AlterTableCmd;
        const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
        if (cmd.subtype === 'AT_AddColumn' && def?.colname) {
          types.set(`${key}.${def.colname}`, def.typeName ?? null);
          added.add(`${key}.${def.colname}`);
          return;
        }
        if (cmd.subtype === 'AT_DropColumn' && cmd.name) {
          types.set(`${key}.${cmd.name}`, null);
          return;
        }
        if (cmd.subtype !== 'AT_AlterColumnType') return;
        const column = cmd.name ?? '';
        const to = def?.typeName;
        const from = isNew || !alter.relation ? undefined : typeOf(key, alter.relation, column);
        types.set(`${key}.${column}`, to ?? null);
        if (isNew) return;
        if (from && isTrivialUsing(def?.raw_default, column, to) && !def?.collClause && isBinaryCoercible(from, to)) return;
        // A change that can lose data is narrowing-column-type's (an error that names the lock too).
        if (from && !added.has(`${key}.${column}`) && changeLoss(from, to, def?.raw_default, () => sessionZone(ctx, stmt))) return;
        const data = { table, column: quoteIdent(column), type: renderTypeName(to) };
        // timestamp ↔ timestamptz in a session of offset zero: PostgreSQL 12+ keeps the table's
        // storage (the values are the same bytes) and rebuilds only the indexes on the column.
        const utc = from && isTrivialUsing(def?.raw_default, column, to) && !def?.collClause && ctx.postgresVersion >= 12 && isTimestampPair(from, to) && sessionZone(ctx, stmt) === 'utc';
        ctx.report({
          messageId: utc ? 'changeTypeIndexes' : from ? 'changeTypeFrom' : 'changeType',
          data: from ? { ...data, from: renderTypeName(from) } : data,
          span: commandSpan(stmt, alter, i) ?? stmt.span,
          statement: stmt,
        });
      });
    }
  },
};
