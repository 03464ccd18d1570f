import type { Node } from '@pgsql/types';
import { stringList } from '../../parsing/ast';
import type { Statement } from '../../parsing/parser';
import { accessExclusiveLock, insertBefore, type ExclusiveLock } from '../locking';
import type { Rule, RuleContext } from '../types';
import { objectsCreatedByUp, tableKey } from '../up-objects';

/** A lock_timeout value that disables the timeout: 0, '0', '0s', '0ms'... */
function isZero(arg: Node | undefined): boolean {
  if (!arg || !('A_Const' in arg)) return false;
  const c = arg.A_Const;
  if (c.ival) return (c.ival.ival ?? 0) === 0;
  if (c.fval) return Number(c.fval.fval) === 0;
  if (c.sval) return /^\s*0+(?:\.0*)?\s*(?:us|ms|s|min|h|d)?\s*$/i.test(c.sval.sval ?? '');
  return false;
}

/** What a statement does to lock_timeout: turns it on, off, or nothing. */
function lockTimeoutEffect(ast: Node | undefined): 'on' | 'off' | undefined {
  if (!ast) return undefined;
  if ('VariableSetStmt' in ast) {
    const v = ast.VariableSetStmt;
    if (v.kind === 'VAR_RESET_ALL') return 'off';
    if (v.name !== 'lock_timeout') return undefined;
    if (v.kind === 'VAR_SET_VALUE') return isZero(v.args?.[0]) ? 'off' : 'on';
    if (v.kind === 'VAR_SET_DEFAULT' || v.kind === 'VAR_RESET') return 'off';
    return undefined;
  }
  if ('SelectStmt' in ast) {
    // SELECT set_config('lock_timeout', '5s', false)
    for (const t of ast.SelectStmt.targetList ?? []) {
      const val = 'ResTarget' in t ? t.ResTarget.val : undefined;
      if (!val || !('FuncCall' in val)) continue;
      const name = stringList(val.FuncCall.funcname).pop();
      const [setting, value] = val.FuncCall.args ?? [];
      const sval = setting && 'A_Const' in setting ? setting.A_Const.sval?.sval : undefined;
      if (name === 'set_config' && sval?.toLowerCase() === 'lock_timeout') return isZero(value) ? 'off' : 'on';
    }
  }
  return undefined;
}

/**
 * Reports the first statement that takes an ACCESS EXCLUSIVE lock on a relation that existed before
 * the file while no `lock_timeout` is set (by `SET [LOCAL] lock_timeout` or `set_config`) earlier in
 * the file; the finding counts the unprotected statements after it. After a `RESET` or a zero
 * timeout, the next such statement is reported again. The fix inserts `SET lock_timeout = '5s';`
 * before it (above its comments).
 */
export const requireLockTimeout: Rule = {
  meta: {
    id: 'require-lock-timeout',
    category: 'locking',
    description:
      'A statement that takes an ACCESS EXCLUSIVE lock on an existing table needs a lock_timeout set earlier in the file, or it queues every query behind it.',
    defaultSeverity: 'info',
    messages: {
      noLockTimeout:
        '{{what}} takes an ACCESS EXCLUSIVE lock on {{relation}} with no lock_timeout set earlier in the file: while it waits for a running transaction, every new query on {{relation}} waits behind it.',
      noLockTimeoutMore:
        '{{what}} takes an ACCESS EXCLUSIVE lock on {{relation}} with no lock_timeout set earlier in the file (and so do {{others}} after it): while it waits for a running transaction, every new query on {{relation}} waits behind it.',
    },
    help: [
      '**Lock:** the statement needs an `ACCESS EXCLUSIVE` lock, which conflicts with every other lock, reads included.',
      '',
      '**Blocks:** while it waits for a long-running query or transaction to finish, every query that arrives after it',
      'queues behind it: a quick `ALTER TABLE` can stall the whole application for as long as the slowest transaction.',
      '',
      "**Safe alternative:** `SET lock_timeout = '5s';` at the top of the migration: the statement gives up instead of",
      'queueing everything, and the migration can be retried. (`SET LOCAL` works too: golang-migrate runs the file in one',
      'transaction.)',
    ].join('\n'),
  },
  check(ctx) {
    let timeoutSet = false;
    let first: { stmt: Statement; lock: ExclusiveLock } | undefined;
    let more = 0;
    const flush = (): void => {
      if (!first) return;
      const { stmt, lock } = first;
      ctx.report({
        messageId: more > 0 ? 'noLockTimeoutMore' : 'noLockTimeout',
        data: { what: lock.what, relation: lock.relation, others: more === 1 ? '1 more statement' : `${more} more statements` },
        span: stmt.span,
        statement: stmt,
        fix: { title: "Set lock_timeout = '5s' before this statement", edits: [insertBefore(ctx.parsed, stmt, ["SET lock_timeout = '5s';"])] },
      });
      first = undefined;
      more = 0;
    };
    for (const stmt of ctx.parsed.statements) {
      const effect = lockTimeoutEffect(stmt.ast);
      if (effect === 'on') {
        flush();
        timeoutSet = true;
        continue;
      }
      if (effect === 'off') {
        timeoutSet = false;
        continue;
      }
      if (timeoutSet) continue;
      if (onlyUpCreatedTables(ctx, stmt)) continue;
      const lock = accessExclusiveLock(ctx.parsed, stmt, ctx.postgresVersion);
      if (!lock) continue;
      if (first) more++;
      else first = { stmt, lock };
    }
    flush();
  },
};

/**
 * In a down (file or section), a statement that only touches tables its own up created: undoing
 * the up, on tables the application did not have before it. Not reported, like the ban-drop-* rules.
 */
function onlyUpCreatedTables(ctx: RuleContext, stmt: Statement): boolean {
  const owned = objectsCreatedByUp(ctx, stmt);
  if (!owned || !stmt.ast) return false;
  const ast = stmt.ast;
  let tables: string[] = [];
  if ('DropStmt' in ast && ast.DropStmt.removeType === 'OBJECT_TABLE') {
    tables = (ast.DropStmt.objects ?? []).map((o) => {
      const parts = 'List' in o ? stringList(o.List.items) : [];
      return parts[parts.length - 1] ?? '';
    });
  } else if ('AlterTableStmt' in ast && ast.AlterTableStmt.objtype === 'OBJECT_TABLE') {
    tables = [tableKey(ast.AlterTableStmt.relation)];
  } else if ('TruncateStmt' in ast) {
    tables = (ast.TruncateStmt.relations ?? []).map((r) => ('RangeVar' in r ? tableKey(r.RangeVar) : ''));
  }
  return tables.length > 0 && tables.every((t) => t !== '' && owned.tables.has(t));
}
