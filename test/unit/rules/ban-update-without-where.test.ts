import { banUpdateWithoutWhere } from '../../../server/src/engine/rules/all/ban-update-without-where';
import { ruleTester } from './tester';

ruleTester(banUpdateWithoutWhere, {
  valid: [
    'UPDATE users SET active = false WHERE last_seen < now() - interval \'1 year\';',
    'UPDATE t SET a = 1 WHERE 1 <> 1;',
    'UPDATE t SET a = (SELECT max(b) FROM u WHERE true) WHERE id = 1;',
    'UPDATE t SET a = 1 WHERE CURRENT OF c;',
    'EXPLAIN UPDATE t SET a = 1;',
    'DELETE FROM t;',
    '',
  ],
  invalid: [
    {
      code: 'UPDATE users SET active = false;',
      errors: [{ messageId: 'noWhere', range: '0:0-0:31', message: 'UPDATE users has no WHERE clause: it overwrites every row of the table.' }],
    },
    {
      name: 'WHERE true: the range is the WHERE clause, without RETURNING',
      code: 'UPDATE ONLY app.users AS u SET a = o.x FROM orgs o WHERE TRUE RETURNING u.id;',
      errors: [{ messageId: 'alwaysTrue', range: '0:51-0:61', message: 'The WHERE clause of UPDATE app.users is always true: it overwrites every row of the table.' }],
    },
    {
      name: 'WHERE 1 = 1 across lines, subqueries in SET do not count',
      code: 'UPDATE t\nSET a = (SELECT 1 FROM u WHERE u.id = t.id)\nWHERE\n  1 = 1;',
      errors: [{ messageId: 'alwaysTrue', range: '2:0-3:7' }],
    },
    {
      name: 'a subquery WHERE is not the UPDATE\'s WHERE',
      code: 'UPDATE t SET a = (SELECT 1 FROM u WHERE u.id = t.id);',
      errors: [{ messageId: 'noWhere', range: '0:0-0:52' }],
    },
    {
      name: 'in a WITH query',
      code: 'WITH moved AS (UPDATE t SET a = 1 WHERE 1 = 1 RETURNING id) SELECT count(*) FROM moved;',
      errors: [{ messageId: 'alwaysTrue', range: '0:5-0:59' }],
    },
    {
      name: 'non-ASCII text before the statement and in the SET list',
      code: "-- mise à jour 🚀\nUPDATE produits SET libellé = 'Crème brûlée';",
      errors: [{ messageId: 'noWhere', range: '1:0-1:44', message: 'UPDATE produits has no WHERE clause: it overwrites every row of the table.' }],
    },
    {
      name: 'after a syntax error earlier in the file',
      code: 'UPDATE users active = false;\nUPDATE users SET active = false WHERE 1=1',
      errors: [{ messageId: 'alwaysTrue', range: '1:32-1:41' }],
    },
  ],
});
