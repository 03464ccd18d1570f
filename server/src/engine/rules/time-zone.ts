/**
 * The session time zone a statement runs in, as far as the file says: what timestamp ↔ timestamptz
 * conversions depend on. A zone without daylight saving time (a fixed offset) maps every instant to
 * its own local time, so converting loses nothing; in a zone of offset zero PostgreSQL (12 and
 * later) does not even rewrite the table (measured on PostgreSQL 18: only the indexes on the column
 * are rebuilt). The server's default zone is unknown here.
 */
import type { Node } from '@pgsql/types';
import { stringList } from '../parsing/ast';
import type { Statement } from '../parsing/parser';
import type { RuleContext } from './types';

/** `utc`: offset zero; `fixed`: another offset without daylight saving time. */
export type FixedZone = 'utc' | 'fixed';

/** Zone names of offset zero as PostgreSQL's time zone database spells them (lowercased, with or without `Etc/`). */
const UTC_NAMES = new Set(['utc', 'uct', 'gmt', 'gmt0', 'gmt+0', 'gmt-0', 'greenwich', 'universal', 'zulu', 'z']);

function zoneNamed(name: string): FixedZone | undefined {
  const n = name.trim().toLowerCase();
  if (UTC_NAMES.has(n) || UTC_NAMES.has(n.replace(/^etc\//, ''))) return 'utc';
  const m = /^etc\/gmt([+-])(\d{1,2})$/.exec(n);
  if (m) return Number(m[2]) === 0 ? 'utc' : 'fixed';
  return undefined;
}

/** A zone given as a value: a name in a string, or hours as a number, or an interval (a fixed offset). */
export function zoneOf(node: Node | undefined): FixedZone | undefined {
  if (!node) return undefined;
  if ('A_Const' in node) {
    const c = node.A_Const;
    if (c.sval !== undefined) return zoneNamed(c.sval.sval ?? '');
    if (c.ival !== undefined) return (c.ival.ival ?? 0) === 0 ? 'utc' : 'fixed';
    if (c.fval !== undefined) return Number(c.fval.fval ?? '0') === 0 ? 'utc' : 'fixed';
    return undefined;
  }
  if ('TypeCast' in node) {
    const type = stringList(node.TypeCast.typeName?.names ?? []).pop();
    if (type !== 'interval') return zoneOf(node.TypeCast.arg);
    const arg = node.TypeCast.arg;
    const text = arg && 'A_Const' in arg ? (arg.A_Const.sval?.sval ?? '') : '';
    return /^[+-]?0+(:0+)?$/.test(text.trim()) ? 'utc' : 'fixed';
  }
  return undefined;
}

/**
 * The fixed zone the session is in when `stmt` runs: the last `SET [LOCAL] timezone` / `SET TIME
 * ZONE` before it in the same file (and section of a single-file migration), unless reset since.
 */
export function sessionZone(ctx: RuleContext, stmt: Statement): FixedZone | undefined {
  const direction = ctx.directionAt(stmt.span.start);
  let zone: FixedZone | undefined;
  for (const s of ctx.parsed.statements) {
    if (s.index >= stmt.index) break;
    const ast = s.ast;
    if (!ast || !('VariableSetStmt' in ast) || ctx.directionAt(s.span.start) !== direction) continue;
    const v = ast.VariableSetStmt;
    if (v.kind === 'VAR_RESET_ALL') zone = undefined;
    else if (v.name?.toLowerCase() === 'timezone') zone = v.kind === 'VAR_SET_VALUE' ? zoneOf(v.args?.[0]) : undefined;
  }
  return zone;
}
