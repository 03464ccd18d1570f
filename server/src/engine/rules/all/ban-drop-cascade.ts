import type { DropStmt, Node, RangeVar } from '@pgsql/types';
import { opaqueUnknown } from '../../inverse/lookup';
import { quoteIdent, relationName, stringList } from '../../parsing/ast';
import { commandSpan } from '../../parsing/clauses';
import { tokenize } from '../../parsing/lexer';
import type { Statement } from '../../parsing/parser';
import type { Span } from '../../text';
import { qualifiedKey } from '../../schema/model';
import { columnDependents, constraintDependents, describeDependents, functionDependents, indexDependents, sequenceDependents, tableDependents, viewDependents, type Dependent } from '../../schema/dependencies';
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

/**
 * What CASCADE takes along, from the schema before the statement (see schema/dependencies.ts):
 * `none` when the objects cannot have dependents at all (a foreign key, CHECK or NOT NULL
 * constraint, a trigger, a policy, a rule, a non-unique index), a list when the model knows the
 * objects, undefined when it does not.
 */
function dependentsOf(ctx: RuleContext, stmt: Statement, drop: DropStmt): string | 'none' | undefined {
  const type = drop.removeType ?? '';
  if (type === 'OBJECT_TRIGGER' || type === 'OBJECT_POLICY' || type === 'OBJECT_RULE') return 'none';
  const schema = ctx.facts.schemaAt(stmt.index);
  if (!schema || opaqueUnknown(schema)) return undefined;
  const found: Dependent[] = [];
  for (const o of drop.objects ?? []) {
    const names = 'List' in o ? stringList(o.List.items) : 'String' in o ? [o.String.sval ?? ''] : 'ObjectWithArgs' in o ? stringList(o.ObjectWithArgs.objname) : 'TypeName' in o ? stringList(o.TypeName.names) : [];
    const ref = names.length >= 2 ? { schema: names[names.length - 2]!, name: names[names.length - 1]! } : { name: names[names.length - 1] ?? '' };
    const key = qualifiedKey(ref.schema ?? 'public', ref.name);
    if (type === 'OBJECT_TABLE' || type === 'OBJECT_FOREIGN_TABLE') {
      if (!schema.table(ref)) return undefined;
      found.push(...tableDependents(schema, key));
    } else if (type === 'OBJECT_VIEW' || type === 'OBJECT_MATVIEW') {
      if (!schema.view(ref)) return undefined;
      found.push(...viewDependents(schema, key));
    } else if (type === 'OBJECT_SEQUENCE') {
      if (!schema.sequence(ref)) return undefined;
      found.push(...sequenceDependents(schema, key));
    } else if (type === 'OBJECT_INDEX') {
      const index = schema.index(ref);
      const table = index ? schema.table({ schema: index.schema, name: index.table }) : undefined;
      if (!index || !table) return undefined;
      found.push(...indexDependents(schema, table, index.name));
    } else if (type === 'OBJECT_FUNCTION' || type === 'OBJECT_PROCEDURE' || type === 'OBJECT_ROUTINE') {
      const fns = schema.functionsNamed(ref);
      if (fns.length === 0) return undefined;
      found.push(...functionDependents(schema, new Set([key]), ref.name));
    } else return undefined;
  }
  return found.length === 0 ? undefined : describeDependents(found);
}

/** The same for `ALTER TABLE ... DROP COLUMN / DROP CONSTRAINT ... CASCADE`. */
function subcommandDependents(ctx: RuleContext, stmt: Statement, rel: RangeVar | undefined, kind: 'COLUMN' | 'CONSTRAINT', name: string): string | 'none' | undefined {
  const schema = ctx.facts.schemaAt(stmt.index);
  const table = schema?.table(rel ?? '');
  if (!schema || !table) return undefined;
  const key = qualifiedKey(table.schema, table.name);
  if (kind === 'CONSTRAINT') {
    const k = table.constraints.get(name);
    if (!k) return undefined;
    // Nothing in PostgreSQL can depend on a foreign key, CHECK or NOT NULL constraint.
    if (k.kind !== 'primary key' && k.kind !== 'unique' && k.kind !== 'exclusion') return 'none';
    const found = constraintDependents(schema, key, name);
    return found.length > 0 ? describeDependents(found) : opaqueUnknown(schema) ? undefined : 'none';
  }
  if (!table.columns.has(name) || opaqueUnknown(schema)) return undefined;
  const found = columnDependents(schema, key, name);
  return found.length > 0 ? describeDependents(found) : undefined;
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
    description: 'DROP ... CASCADE also drops every object that depends on the dropped one (views, foreign keys, defaults, triggers ...), without naming them.',
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
        const dependents = dependentsOf(ctx, stmt, drop);
        if (dependents === 'none') continue;
        report(ctx, stmt, stmt.span, dependents ? 'cascadeKnown' : 'cascade', { what, ...(dependents ? { dependents } : {}) });
      } else if ('DropOwnedStmt' in ast && ast.DropOwnedStmt.behavior === 'DROP_CASCADE') {
        report(ctx, stmt, stmt.span, 'cascade', { what: 'DROP OWNED' });
      } else if ('AlterTableStmt' in ast) {
        const alter = ast.AlterTableStmt;
        (alter.cmds ?? []).forEach((c, i) => {
          if (!('AlterTableCmd' in c) || c.AlterTableCmd.behavior !== 'DROP_CASCADE') return;
          const cmd = c.AlterTableCmd;
          const kind = cmd.subtype === 'AT_DropColumn' ? 'COLUMN' : cmd.subtype === 'AT_DropConstraint' ? 'CONSTRAINT' : undefined;
          if (!kind) return;
          const what = `ALTER TABLE ${relationName(alter.relation)} DROP ${kind} ${quoteIdent(cmd.name ?? '')}`;
          const dependents = subcommandDependents(ctx, stmt, alter.relation, kind, cmd.name ?? '');
          if (dependents === 'none') return;
          report(ctx, stmt, commandSpan(stmt, alter, i) ?? stmt.span, dependents ? 'cascadeKnown' : 'cascade', { what, ...(dependents ? { dependents } : {}) });
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
