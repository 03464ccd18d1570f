/** CREATE VIEW → DROP VIEW; CREATE OR REPLACE VIEW is irreversible unless this migration created the view. */
import type { ViewStmt } from '@pgsql/types';
import { relationName } from '../parsing/ast';
import { coveredNote, keys, type InverseContext, type Inversion } from './types';

export function invertCreateView(stmt: ViewStmt, ctx: InverseContext): Inversion {
  const name = relationName(stmt.view);
  const key = keys.relation(stmt.view);
  if (stmt.replace) {
    if (ctx.isCreated(key)) return { step: coveredNote(`CREATE OR REPLACE VIEW ${name}`, name), effects: { touches: [key] } };
    return {
      step: {
        irreversible: `CREATE OR REPLACE VIEW ${name} may replace an earlier definition, which is unknown here; if the view is new, write DROP VIEW ${name}; otherwise restore the earlier definition from the migration that created it`,
      },
      effects: { touches: [key] },
    };
  }
  return { step: { sql: [`DROP VIEW ${name};`] }, effects: { creates: [key] } };
}
