/**
 * What a statement costs beyond its lock: whether it rewrites or scans the table (the lock rules'
 * findings on the statement say so, so the knowledge stays in one place), and what data it can lose
 * (destructive statements, read from the AST; objects created earlier in the same file hold no data
 * yet).
 */
import type { Node } from '@pgsql/types';
import { qualifiedName, quoteIdent, relationName } from '../parsing/ast';
import type { ParsedFile, Statement } from '../parsing/parser';
import { isNewTable, nameListKey, fileObjects } from '../rules/locking';
import type { Finding } from '../rules/types';

/** Rule findings that mean the statement rewrites or scans the table, by `ruleId/messageId` (or `ruleId` for all its messages). */
const TABLE_WORK: Record<string, string> = {
  'changing-column-type/changeTypeFrom': 'rewrites the table and its indexes',
  'changing-column-type/changeType': 'rewrites the table and its indexes, unless the types are binary-compatible (the old type is not known)',
  'narrowing-column-type': 'rewrites the table and its indexes',
  'adding-field-with-default/volatileDefault': 'rewrites the table (volatile default)',
  'adding-field-with-default/defaultBefore11': 'rewrites the table (default before PostgreSQL 11)',
  'adding-field-with-default/storedGenerated': 'rewrites the table (stored generated column)',
  'adding-field-with-default/possiblyVolatileDefault': 'rewrites the table if the default is volatile',
  'adding-serial-primary-key-field/serialColumn': 'rewrites the table and its indexes',
  'adding-serial-primary-key-field/serialPrimaryKey': 'rewrites the table and builds the primary key index',
  'adding-serial-primary-key-field/primaryKeyColumn': 'builds the primary key index',
  'adding-serial-primary-key-field/addPrimaryKey': 'builds the primary key index, scanning every row',
  'ban-vacuum-full-or-cluster': 'rewrites the table and its indexes',
  'adding-not-nullable-field': 'scans every row',
  'constraint-missing-not-valid': 'scans every row to validate',
  'require-concurrent-index-creation': 'reads the whole table to build the index',
  'disallowed-unique-constraint': 'reads the whole table to build the unique index',
};

export function tableWork(stmt: Statement, findings: readonly Finding[], parsed: ParsedFile): string | undefined {
  const out: string[] = [];
  for (const f of findings) {
    const what = TABLE_WORK[`${f.ruleId}/${f.messageId}`] ?? TABLE_WORK[f.ruleId];
    if (what && !out.includes(what)) out.push(what);
  }
  const ast = stmt.ast;
  if (ast && 'AlterTableStmt' in ast && !isNewTable(parsed, stmt, ast.AlterTableStmt.relation)) {
    for (const c of ast.AlterTableStmt.cmds ?? []) {
      const sub = 'AlterTableCmd' in c ? c.AlterTableCmd.subtype : undefined;
      const copy = sub === 'AT_SetLogged' || sub === 'AT_SetUnLogged' || sub === 'AT_SetTableSpace' || sub === 'AT_SetAccessMethod';
      if (copy && !out.includes('copies the table')) out.push('copies the table');
    }
  }
  return out.length > 0 ? out.join('; ') : undefined;
}

function names(objects: Node[] | undefined): string[][] {
  return (objects ?? []).map((o) => ('List' in o ? (o.List.items ?? []).flatMap((i) => ('String' in i ? [i.String.sval ?? ''] : [])) : 'String' in o ? [o.String.sval ?? ''] : []));
}

const shown = (n: string[]): string => n.map(quoteIdent).join('.');

/** What running the statement can lose, as phrases (`every row of orders`); empty when nothing. */
export function dataLoss(parsed: ParsedFile, stmt: Statement, findings: readonly Finding[]): string[] {
  const ast = stmt.ast;
  if (!ast) return [];
  const out: string[] = [];
  const createdHere = (n: string[]): boolean => {
    const at = fileObjects(parsed).tables.get(nameListKey(n));
    return at !== undefined && at < stmt.index;
  };
  if ('DropStmt' in ast) {
    const d = ast.DropStmt;
    const cascade = d.behavior === 'DROP_CASCADE';
    for (const n of names(d.objects)) {
      if (d.removeType === 'OBJECT_TABLE' && !createdHere(n)) out.push(`every row of ${shown(n)}${cascade ? ', and the objects that depend on it (CASCADE)' : ''}`);
      else if (d.removeType === 'OBJECT_SCHEMA' && cascade) out.push(`everything in schema ${shown(n)} (CASCADE)`);
      else if (d.removeType === 'OBJECT_SEQUENCE') out.push(`the current value of sequence ${shown(n)}`);
      else if (d.removeType === 'OBJECT_DATABASE') out.push(`the whole database ${shown(n)}`);
      else if (cascade && (d.removeType === 'OBJECT_TYPE' || d.removeType === 'OBJECT_DOMAIN')) out.push(`the columns of type ${shown(n)} (CASCADE drops them)`);
    }
    if (d.removeType === 'OBJECT_TYPE' && cascade && out.length === 0) {
      for (const o of d.objects ?? []) if ('TypeName' in o) out.push(`the columns of type ${qualifiedName(o.TypeName.names)} (CASCADE drops them)`);
    }
  } else if ('AlterTableStmt' in ast) {
    const a = ast.AlterTableStmt;
    if (!isNewTable(parsed, stmt, a.relation)) {
      for (const c of a.cmds ?? []) {
        if (!('AlterTableCmd' in c)) continue;
        const cmd = c.AlterTableCmd;
        if (cmd.subtype === 'AT_DropColumn') out.push(`every value of ${relationName(a.relation)}.${quoteIdent(cmd.name ?? '')}`);
      }
    }
    if (findings.some((f) => f.ruleId === 'narrowing-column-type')) out.push('values that do not fit the new type (see narrowing-column-type)');
  } else if ('TruncateStmt' in ast) {
    for (const n of ast.TruncateStmt.relations ?? []) {
      if ('RangeVar' in n && !isNewTable(parsed, stmt, n.RangeVar)) out.push(`every row of ${relationName(n.RangeVar)}`);
    }
    if (ast.TruncateStmt.behavior === 'DROP_CASCADE' && out.length > 0) out.push('every row of the tables that reference them (CASCADE)');
  } else if ('DeleteStmt' in ast) {
    const d = ast.DeleteStmt;
    if (!isNewTable(parsed, stmt, d.relation)) out.push(d.whereClause ? `the rows of ${relationName(d.relation)} that its WHERE matches` : `every row of ${relationName(d.relation)}`);
  } else if ('UpdateStmt' in ast) {
    const u = ast.UpdateStmt;
    if (!isNewTable(parsed, stmt, u.relation)) {
      const cols = [...new Set((u.targetList ?? []).flatMap((t) => ('ResTarget' in t && t.ResTarget.name ? [quoteIdent(t.ResTarget.name)] : [])))];
      out.push(`the previous values of ${cols.join(', ')} in ${u.whereClause ? 'the rows its WHERE matches' : 'every row'} of ${relationName(u.relation)}`);
    }
  }
  return out;
}
