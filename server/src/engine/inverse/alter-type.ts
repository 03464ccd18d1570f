/** ALTER TYPE ... ADD VALUE / RENAME VALUE (enums) and ALTER DOMAIN. */
import type { AlterDomainStmt, AlterEnumStmt } from '@pgsql/types';
import { quoteIdent, stringList } from '../parsing/ast';
import { coveredNote, dotted, keys, type InverseContext, type Inversion } from './types';

/** A string literal: 'it''s'. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function invertAlterEnum(stmt: AlterEnumStmt, ctx: InverseContext): Inversion {
  const names = stringList(stmt.typeName);
  const type = dotted(names);
  if (stmt.oldVal !== undefined) {
    return { step: { sql: [`ALTER TYPE ${type} RENAME VALUE ${literal(stmt.newVal ?? '')} TO ${literal(stmt.oldVal)};`] } };
  }
  if (ctx.isCreated(keys.type(names))) return { step: coveredNote(`ALTER TYPE ${type} ADD VALUE`, type) };
  return {
    step: {
      irreversible: `ALTER TYPE ${type} ADD VALUE ${literal(stmt.newVal ?? '')}: PostgreSQL cannot remove a value from an enum; recreate the type without it (and convert the columns that use it) by hand`,
    },
  };
}

export function invertAlterDomain(stmt: AlterDomainStmt, ctx: InverseContext): Inversion {
  const names = stringList(stmt.typeName);
  const domain = dotted(names);
  const prefix = `ALTER DOMAIN ${domain}`;
  const lost = (label: string, reason: string): Inversion =>
    ctx.isCreated(keys.type(names))
      ? { step: coveredNote(`${prefix} ${label}`, domain) }
      : { step: { irreversible: `${prefix} ${label}: ${reason}` } };
  switch (stmt.subtype) {
    case 'O': // SET NOT NULL
      return { step: { sql: [`${prefix} DROP NOT NULL;`] } };
    case 'N': // DROP NOT NULL
      return { step: { sql: [`${prefix} SET NOT NULL;`] } };
    case 'C': {
      const c = stmt.def && 'Constraint' in stmt.def ? stmt.def.Constraint : undefined;
      if (c?.conname) return { step: { sql: [`${prefix} DROP CONSTRAINT ${quoteIdent(c.conname)};`] } };
      return lost('ADD CHECK', 'the constraint has no name, so PostgreSQL chose it; name it with ADD CONSTRAINT name in the up migration');
    }
    case 'X':
      return lost(`DROP CONSTRAINT ${quoteIdent(stmt.name ?? '')}`, 'its definition is unknown here; add it back as the migration that created it did');
    case 'V':
      return { step: { note: `${prefix} VALIDATE CONSTRAINT ${quoteIdent(stmt.name ?? '')} only checks existing values` } };
    case 'T':
      return lost(stmt.def ? 'SET DEFAULT' : 'DROP DEFAULT', 'the earlier default is unknown here; restore it by hand');
    default:
      return lost('change', 'the earlier definition is unknown here; restore it by hand');
  }
}
