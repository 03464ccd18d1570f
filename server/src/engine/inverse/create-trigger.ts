/** CREATE TRIGGER → DROP TRIGGER name ON table; CREATE EVENT TRIGGER → DROP EVENT TRIGGER. */
import type { CreateEventTrigStmt, CreateTrigStmt } from '@pgsql/types';
import { quoteIdent, relationName } from '../parsing/ast';
import { coveredNote, keys, type InverseContext, type Inversion } from './types';

export function invertCreateTrigger(stmt: CreateTrigStmt, ctx: InverseContext): Inversion {
  const name = quoteIdent(stmt.trigname ?? '');
  const table = relationName(stmt.relation);
  const relKey = keys.relation(stmt.relation);
  const key = keys.member(relKey, 'trigger', stmt.trigname ?? '');
  if (stmt.replace) {
    const label = `CREATE OR REPLACE TRIGGER ${name} ON ${table}`;
    if (ctx.isCreated(key)) return { step: coveredNote(label, `trigger ${name}`), effects: { touches: [relKey] } };
    return {
      step: {
        irreversible: `${label} may replace an earlier trigger, which is unknown here; if the trigger is new, write DROP TRIGGER ${name} ON ${table}; otherwise restore the earlier definition from the migration that created it`,
      },
      effects: { touches: [relKey] },
    };
  }
  return { step: { sql: [`DROP TRIGGER ${name} ON ${table};`] }, effects: { creates: [key], touches: [relKey] } };
}

export function invertCreateEventTrigger(stmt: CreateEventTrigStmt): Inversion {
  return { step: { sql: [`DROP EVENT TRIGGER ${quoteIdent(stmt.trigname ?? '')};`] } };
}
