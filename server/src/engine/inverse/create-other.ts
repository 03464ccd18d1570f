/** Smaller CREATE forms with a plain DROP: POLICY, RULE, ROLE. */
import type { CreatePolicyStmt, CreateRoleStmt, RuleStmt } from '@pgsql/types';
import { quoteIdent, relationName } from '../parsing/ast';
import { keys, type Inversion } from './types';

export function invertCreatePolicy(stmt: CreatePolicyStmt): Inversion {
  const relKey = keys.relation(stmt.table);
  return {
    step: { sql: [`DROP POLICY ${quoteIdent(stmt.policy_name ?? '')} ON ${relationName(stmt.table)};`] },
    effects: { creates: [keys.member(relKey, 'policy', stmt.policy_name ?? '')], touches: [relKey] },
  };
}

export function invertCreateRule(stmt: RuleStmt): Inversion {
  const name = quoteIdent(stmt.rulename ?? '');
  const table = relationName(stmt.relation);
  const relKey = keys.relation(stmt.relation);
  if (stmt.replace) {
    return {
      step: {
        irreversible: `CREATE OR REPLACE RULE ${name} ON ${table} may replace an earlier rule, which is unknown here; if the rule is new, write DROP RULE ${name} ON ${table}`,
      },
      effects: { touches: [relKey] },
    };
  }
  return { step: { sql: [`DROP RULE ${name} ON ${table};`] }, effects: { creates: [keys.member(relKey, 'rule', stmt.rulename ?? '')], touches: [relKey] } };
}

export function invertCreateRole(stmt: CreateRoleStmt): Inversion {
  return { step: { sql: [`DROP ROLE ${quoteIdent(stmt.role ?? '')};`] } };
}
