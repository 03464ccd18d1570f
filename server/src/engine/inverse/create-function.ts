/**
 * CREATE FUNCTION / PROCEDURE → DROP FUNCTION / PROCEDURE name(argument types). Only IN, INOUT and
 * VARIADIC arguments identify a function; OUT and TABLE columns are left out.
 */
import type { CreateFunctionStmt, FunctionParameter } from '@pgsql/types';
import { renderTypeName, stringList } from '../parsing/ast';
import { coveredNote, dotted, keys, type InverseContext, type Inversion } from './types';

const IDENTIFYING = new Set(['FUNC_PARAM_IN', 'FUNC_PARAM_INOUT', 'FUNC_PARAM_VARIADIC', 'FUNC_PARAM_DEFAULT']);

export function invertCreateFunction(stmt: CreateFunctionStmt, ctx: InverseContext): Inversion {
  const names = stringList(stmt.funcname);
  const params: FunctionParameter[] = [];
  for (const p of stmt.parameters ?? []) if ('FunctionParameter' in p) params.push(p.FunctionParameter);
  const args = params.filter((p) => IDENTIFYING.has(p.mode ?? 'FUNC_PARAM_DEFAULT')).map((p) => renderTypeName(p.argType));
  const keyword = stmt.is_procedure ? 'PROCEDURE' : 'FUNCTION';
  const signature = `${dotted(names)}(${args.join(', ')})`;
  const key = keys.func(names);
  if (stmt.replace) {
    const label = `CREATE OR REPLACE ${keyword} ${signature}`;
    if (ctx.isCreated(key)) return { step: coveredNote(label, signature), effects: { touches: [key] } };
    return {
      step: {
        irreversible: `${label} may replace an earlier definition, which is unknown here; if the ${keyword.toLowerCase()} is new, write DROP ${keyword} ${signature}; otherwise restore the earlier definition from the migration that created it`,
      },
      effects: { touches: [key] },
    };
  }
  return { step: { sql: [`DROP ${keyword} ${signature};`] }, effects: { creates: [key] } };
}
