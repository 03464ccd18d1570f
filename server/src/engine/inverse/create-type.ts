/** CREATE TYPE (enum, composite, range, base), CREATE DOMAIN, and DefineStmt objects → DROP. */
import type { CompositeTypeStmt, CreateDomainStmt, CreateEnumStmt, CreateRangeStmt, DefineStmt } from '@pgsql/types';
import { renderTypeName, stringList } from '../parsing/ast';
import { dotted, excerpt, irreversible, keys, objectKeyword, type Inversion } from './types';

function dropType(keyword: 'TYPE' | 'DOMAIN', names: string[]): Inversion {
  return { step: { sql: [`DROP ${keyword} ${dotted(names)};`] }, effects: { creates: [keys.type(names)] } };
}

export function invertCreateEnum(stmt: CreateEnumStmt): Inversion {
  return dropType('TYPE', stringList(stmt.typeName));
}

export function invertCreateRange(stmt: CreateRangeStmt): Inversion {
  return dropType('TYPE', stringList(stmt.typeName));
}

export function invertCreateDomain(stmt: CreateDomainStmt): Inversion {
  return dropType('DOMAIN', stringList(stmt.domainname));
}

export function invertCompositeType(stmt: CompositeTypeStmt): Inversion {
  const rel = stmt.typevar;
  const names = [rel?.catalogname, rel?.schemaname, rel?.relname].filter((n): n is string => !!n);
  const inv = dropType('TYPE', names);
  inv.effects!.creates!.push(keys.relation(rel));
  return inv;
}

const DEFINED = new Set(['OBJECT_TYPE', 'OBJECT_COLLATION', 'OBJECT_TSDICTIONARY', 'OBJECT_TSCONFIGURATION', 'OBJECT_TSPARSER', 'OBJECT_TSTEMPLATE']);

export function invertDefine(stmt: DefineStmt, text: string): Inversion {
  const names = stringList(stmt.defnames);
  const kind = stmt.kind ?? '';
  const ifExists = stmt.if_not_exists ? 'IF EXISTS ' : '';
  if (DEFINED.has(kind)) {
    return {
      step: { sql: [`DROP ${objectKeyword(kind)} ${ifExists}${dotted(names)};`] },
      effects: kind === 'OBJECT_TYPE' ? { creates: [keys.type(names)] } : undefined,
    };
  }
  if (kind === 'OBJECT_AGGREGATE' && !stmt.oldstyle) {
    // args = [List of FunctionParameter, Integer]: the Integer is -1 unless the aggregate is ordered-set.
    const [list, order] = stmt.args ?? [];
    const plain = order && 'Integer' in order && (order.Integer.ival ?? 0) === -1;
    const params = list && 'List' in list ? list.List.items ?? [] : [];
    if (plain) {
      const args = params.map((p) => ('FunctionParameter' in p ? renderTypeName(p.FunctionParameter.argType) : '*'));
      return {
        step: { sql: [`DROP AGGREGATE ${ifExists}${dotted(names)}(${args.length > 0 ? args.join(', ') : '*'});`] },
        effects: { creates: [keys.func(names)] },
      };
    }
  }
  return irreversible(`no inverse is generated for ${excerpt(text)}; write the DROP ${objectKeyword(kind)} by hand`);
}
