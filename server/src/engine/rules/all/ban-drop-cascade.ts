import type { DropStmt, Node } from '@pgsql/types';
import { quoteIdent, relationName, stringList } from '../../parsing/ast';
import { alterTableCommandSpans } from '../../parsing/clauses';
import { tokenize } from '../../parsing/lexer';
import type { Statement } from '../../parsing/parser';
import type { Span } from '../../text';
import { schemaFor } from '../schema-lookup';
import type { Rule, RuleContext } from '../types';

const OBJECT_WORDS: Partial<Record<DropStmt['removeType'] & string, string>> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_VIEW: 'VIEW',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_INDEX: 'INDEX',
  OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_SCHEMA: 'SCHEMA',
  OBJECT_TYPE: 'TYPE',
  OBJECT_DOMAIN: 'DOMAIN',
  OBJECT_FUNCTION: 'FUNCTION',
  OBJECT_PROCEDURE: 'PROCEDURE',
  OBJECT_EXTENSION: 'EXTENSION',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
  OBJECT_TRIGGER: 'TRIGGER',
  OBJECT_POLICY: 'POLICY',
  OBJECT_RULE: 'RULE',
};

/** The `CASCADE` keyword inside a span of a statement, with the blanks before it, to delete. */
function cascadeSpan(stmt: Statement, within: Span): Span | undefined {
  const tokens = tokenize(stmt.text, within.start - stmt.span.start, within.end - stmt.span.start);
  const last = tokens[tokens.length - 1];
  if (!last || last.kind !== 'word' || last.value !== 'CASCADE') return undefined;
  const floor = tokens[tokens.length - 2]?.end ?? 0;
  let start = last.start;
  while (start > floor && /\s/.test(stmt.text[start - 1]!)) start--;
  return { start: stmt.span.start + start, end: stmt.span.start + last.end };
}

/** Names the views and foreign keys that CASCADE takes with a dropped table, when the schema model knows the table. */
function dependentsOf(ctx: RuleContext, drop: DropStmt): string | undefined {
  if (drop.removeType !== 'OBJECT_TABLE') return undefined;
  const schema = schemaFor(ctx);
  if (!schema) return undefined;
  const parts: string[] = [];
  let known = false;
  for (const o of drop.objects ?? []) {
    const names = 'List' in o ? stringList(o.List.items) : [];
    const ref = names.length === 2 ? { schema: names[0]!, name: names[1]! } : { name: names[names.length - 1] ?? '' };
    if (!schema.table(ref)) continue;
    known = true;
    const d = schema.dependents(ref);
    for (const v of d.views) parts.push(`view ${displayKey(v)}`);
    for (const fk of d.foreignKeys) parts.push(`foreign key ${quoteIdent(fk.constraint)} of ${displayKey(fk.table)}`);
  }
  if (!known || parts.length === 0) return undefined;
  return [...new Set(parts)].join(', ');
}

/** `public.users` → `users`; `app.users` stays qualified; each part quoted when needed. */
function displayKey(key: string): string {
  const dot = key.indexOf('.');
  const schema = key.slice(0, dot);
  const name = key.slice(dot + 1);
  return schema === 'public' ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * Reports any `DROP ... CASCADE` (DROP TABLE/VIEW/TYPE/SCHEMA/..., ALTER TABLE DROP COLUMN or
 * DROP CONSTRAINT, DROP OWNED). TRUNCATE ... CASCADE is `ban-truncate`'s. The range is the statement,
 * or the ALTER TABLE subcommand. The fix removes `CASCADE`, so that the drop fails if anything
 * depends on the object instead of dropping it silently.
 */
export const banDropCascade: Rule = {
  meta: {
    id: 'ban-drop-cascade',
    category: 'destructive',
    description: 'DROP ... CASCADE also drops every object that depends on the dropped one (views, foreign keys, ...), without naming them.',
    defaultSeverity: 'warning',
    messages: {
      cascade: '{{what}} CASCADE also drops every object that depends on it (views, foreign keys, defaults ...), without naming them.',
      cascadeKnown: '{{what}} CASCADE also drops {{dependents}}.',
    },
    help: [
      '**Impact:** `CASCADE` drops whatever depends on the object: views (and views over those views), foreign keys of other',
      'tables, column defaults using a dropped function or type, and more. Nothing in the migration names them, reviewers do not',
      'see them, and the down migration does not bring them back.',
      '',
      '**Lock:** `ACCESS EXCLUSIVE` on the object and on every dependent object it drops.',
      '',
      '**Safe alternative:** drop the dependents explicitly, each by name, before the object; then drop it without `CASCADE`',
      '(the default `RESTRICT` makes the drop fail if something still depends on it). The quick fix removes `CASCADE`.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast: Node | undefined = stmt.ast;
      if (!ast) continue;
      if ('DropStmt' in ast && ast.DropStmt.behavior === 'DROP_CASCADE') {
        const drop = ast.DropStmt;
        const word = OBJECT_WORDS[drop.removeType ?? 'OBJECT_TABLE'];
        const what = word ? `DROP ${word} ${(drop.objects ?? []).map((o) => objectName(o)).join(', ')}` : 'DROP';
        const dependents = dependentsOf(ctx, drop);
        report(ctx, stmt, stmt.span, dependents ? 'cascadeKnown' : 'cascade', { what, ...(dependents ? { dependents } : {}) });
      } else if ('DropOwnedStmt' in ast && ast.DropOwnedStmt.behavior === 'DROP_CASCADE') {
        report(ctx, stmt, stmt.span, 'cascade', { what: 'DROP OWNED' });
      } else if ('AlterTableStmt' in ast) {
        const alter = ast.AlterTableStmt;
        const spans = alterTableCommandSpans(stmt, alter);
        (alter.cmds ?? []).forEach((c, i) => {
          if (!('AlterTableCmd' in c) || c.AlterTableCmd.behavior !== 'DROP_CASCADE') return;
          const cmd = c.AlterTableCmd;
          const kind = cmd.subtype === 'AT_DropColumn' ? 'COLUMN' : cmd.subtype === 'AT_DropConstraint' ? 'CONSTRAINT' : undefined;
          if (!kind) return;
          const what = `ALTER TABLE ${relationName(alter.relation)} DROP ${kind} ${quoteIdent(cmd.name ?? '')}`;
          report(ctx, stmt, spans?.[i] ?? stmt.span, 'cascade', { what });
        });
      }
    }
  },
};

function objectName(o: Node): string {
  if ('List' in o) return stringList(o.List.items).map(quoteIdent).join('.');
  if ('String' in o) return quoteIdent(o.String.sval ?? '');
  if ('ObjectWithArgs' in o) return stringList(o.ObjectWithArgs.objname).map(quoteIdent).join('.');
  if ('TypeName' in o) return stringList(o.TypeName.names).map(quoteIdent).join('.');
  return '';
}

function report(ctx: RuleContext, stmt: Statement, span: Span, messageId: string, data: Record<string, string>): void {
  const cascade = cascadeSpan(stmt, span);
  ctx.report({
    messageId,
    data,
    span,
    statement: stmt,
    ...(cascade ? { fix: { title: 'Remove CASCADE (the drop then fails if anything still depends on it)', edits: [{ span: cascade, newText: '' }] } } : {}),
  });
}
