import type { ColumnDef, Node } from '@pgsql/types';
import { quoteIdent, stringList } from '../../parsing/ast';
import { tokenize } from '../../parsing/lexer';
import { identValue, isName } from '../../schema/text';
import type { Rule } from '../types';

/** PostgreSQL's longest name (NAMEDATALEN - 1), in bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

/** The name as PostgreSQL keeps it: its first 63 bytes, never cutting a character. */
export function truncateIdentifier(name: string): string {
  let bytes = 0;
  let out = '';
  for (const ch of name) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > MAX_IDENTIFIER_BYTES) break;
    bytes += n;
    out += ch;
  }
  return out;
}

/** The names a statement gives to what it creates or renames. */
function definedNames(ast: Node): string[] {
  const out: string[] = [];
  const add = (n: string | undefined): void => {
    if (n) out.push(n);
  };
  const column = (c: ColumnDef): void => {
    add(c.colname);
    for (const k of c.constraints ?? []) if ('Constraint' in k) add(k.Constraint.conname);
  };
  if ('CreateStmt' in ast) {
    add(ast.CreateStmt.relation?.relname);
    for (const e of ast.CreateStmt.tableElts ?? []) {
      if ('ColumnDef' in e) column(e.ColumnDef);
      else if ('Constraint' in e) add(e.Constraint.conname);
    }
  } else if ('AlterTableStmt' in ast) {
    for (const c of ast.AlterTableStmt.cmds ?? []) {
      if (!('AlterTableCmd' in c)) continue;
      const def = c.AlterTableCmd.def;
      if (def && 'ColumnDef' in def && c.AlterTableCmd.subtype === 'AT_AddColumn') column(def.ColumnDef);
      else if (def && 'Constraint' in def) add(def.Constraint.conname);
    }
  } else if ('IndexStmt' in ast) add(ast.IndexStmt.idxname);
  else if ('ViewStmt' in ast) add(ast.ViewStmt.view?.relname);
  else if ('CreateSeqStmt' in ast) add(ast.CreateSeqStmt.sequence?.relname);
  else if ('CreateTableAsStmt' in ast) add(ast.CreateTableAsStmt.into?.rel?.relname);
  else if ('RenameStmt' in ast) add(ast.RenameStmt.newname);
  else if ('CreateTrigStmt' in ast) add(ast.CreateTrigStmt.trigname);
  else if ('CreateFunctionStmt' in ast) add(stringList(ast.CreateFunctionStmt.funcname).pop());
  else if ('CreateSchemaStmt' in ast) add(ast.CreateSchemaStmt.schemaname);
  else if ('CreateEnumStmt' in ast) add(stringList(ast.CreateEnumStmt.typeName).pop());
  else if ('CreateDomainStmt' in ast) add(stringList(ast.CreateDomainStmt.domainname).pop());
  else if ('CompositeTypeStmt' in ast) add(ast.CompositeTypeStmt.typevar?.relname);
  else if ('CreatePolicyStmt' in ast) add(ast.CreatePolicyStmt.policy_name);
  return out;
}

/**
 * Whether a statement can hold a name over 63 bytes, without tokenizing it: in ASCII text such a
 * name is 64 name characters in a row, unquoted or quoted (`""` counts as one); other text is
 * tokenized. One pass over the text.
 */
function mayNameLong(text: string): boolean {
  let run = 0;
  let quoted = -1; // characters of the quoted name being read, or -1 outside quotes
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return true;
    if (quoted >= 0) {
      if (c === 0x22) {
        if (text.charCodeAt(i + 1) === 0x22) {
          i++;
          quoted++;
        } else quoted = -1;
      } else quoted++;
      if (quoted >= 64) return true;
      continue;
    }
    if (c === 0x22) {
      quoted = 0;
      run = 0;
      continue;
    }
    const name = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24;
    run = name ? run + 1 : 0;
    if (run >= 64) return true;
  }
  return false;
}

/**
 * Reports a name longer than 63 bytes that a statement gives to a table, column, constraint, index,
 * view, sequence, trigger, function, schema, type or policy (or renames something to). PostgreSQL
 * truncates it with only a NOTICE, so two long names that start alike collide. The range is the name.
 */
export const identifierTooLong: Rule = {
  meta: {
    id: 'identifier-too-long',
    category: 'correctness',
    description: 'A name longer than 63 bytes: PostgreSQL truncates it silently, so two long names that start alike collide.',
    defaultSeverity: 'warning',
    messages: {
      tooLong:
        'The name {{name}} is {{bytes}} bytes long: PostgreSQL keeps only its first 63 bytes ({{truncated}}), so another long name that starts the same way collides with it, and code that uses the full name finds nothing by it in the catalogs.',
    },
    help: [
      '**Why:** identifiers are at most 63 bytes (`NAMEDATALEN - 1`). A longer one is cut with a NOTICE nobody reads: two',
      'constraints or indexes whose names share the first 63 bytes then collide (`already exists`), and tools that look the',
      'name up in the catalogs (`pg_indexes`, `information_schema`) with its full spelling find nothing.',
      '',
      '**Instead:** a shorter name (abbreviate the table or column parts).',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      if (!stmt.ast) continue;
      if (!mayNameLong(stmt.text)) continue;
      // The parser already keeps only 63 bytes of a name: the long spelling is in the text.
      const long = tokenize(stmt.text).filter((t) => isName(t) && Buffer.byteLength(identValue(t, stmt.text), 'utf8') > MAX_IDENTIFIER_BYTES);
      if (long.length === 0) continue;
      const defined = new Set(definedNames(stmt.ast));
      const seen = new Set<string>();
      for (const t of long) {
        const name = identValue(t, stmt.text);
        const kept = truncateIdentifier(name);
        if (!defined.has(kept) || seen.has(name)) continue;
        seen.add(name);
        ctx.report({
          messageId: 'tooLong',
          data: { name: quoteIdent(name), bytes: String(Buffer.byteLength(name, 'utf8')), truncated: quoteIdent(kept) },
          span: { start: stmt.span.start + t.start, end: stmt.span.start + t.end },
          statement: stmt,
        });
      }
    }
  },
};
