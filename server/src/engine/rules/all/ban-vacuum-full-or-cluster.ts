import { relationName } from '../../parsing/ast';
import { isQuietTable, vacuumIsFull } from '../locking';
import type { Rule } from '../types';

/** Reports `VACUUM FULL` and `CLUSTER`, except on tables created earlier in the same file. */
export const banVacuumFullOrCluster: Rule = {
  meta: {
    id: 'ban-vacuum-full-or-cluster',
    category: 'locking',
    description: 'VACUUM FULL and CLUSTER rewrite the whole table under an ACCESS EXCLUSIVE lock.',
    defaultSeverity: 'warning',
    messages: {
      vacuumFull:
        'VACUUM FULL rewrites {{tables}} and all indexes under an ACCESS EXCLUSIVE lock: no reads or writes until it ends, and it needs disk space for a full copy.',
      cluster:
        'CLUSTER rewrites {{tables}} in index order under an ACCESS EXCLUSIVE lock: no reads or writes until it ends, and it needs disk space for a full copy.',
    },
    help: [
      '**Lock:** `ACCESS EXCLUSIVE` on each table processed.',
      '',
      '**Blocks:** every read and write of the table for the whole run.',
      '',
      '**Rewrite:** yes: the table and every index are copied into new files (temporarily twice the disk space).',
      '',
      '**Safe alternative:** plain `VACUUM` (no exclusive lock) is usually enough; to reclaim space or reorder rows',
      'online, use the `pg_repack` or `pg_squeeze` extension outside the migration.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      const ast = stmt.ast;
      if (!ast) continue;
      if ('VacuumStmt' in ast && ast.VacuumStmt.is_vacuumcmd && vacuumIsFull(ast.VacuumStmt.options)) {
        const rels = (ast.VacuumStmt.rels ?? []).flatMap((n) => ('VacuumRelation' in n && n.VacuumRelation.relation ? [n.VacuumRelation.relation] : []));
        const old = rels.filter((r) => !isQuietTable(ctx, stmt, r));
        if (rels.length > 0 && old.length === 0) continue;
        const tables = rels.length === 0 ? 'every table of the database' : old.map(relationName).join(', ');
        ctx.report({ messageId: 'vacuumFull', data: { tables }, span: stmt.span, statement: stmt });
      } else if ('ClusterStmt' in ast) {
        const rel = ast.ClusterStmt.relation;
        if (rel && isQuietTable(ctx, stmt, rel)) continue;
        const tables = rel ? relationName(rel) : 'every previously clustered table';
        ctx.report({ messageId: 'cluster', data: { tables }, span: stmt.span, statement: stmt });
      }
    }
  },
};
