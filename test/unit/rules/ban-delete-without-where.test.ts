import { banDeleteWithoutWhere } from '../../../server/src/engine/rules/all/ban-delete-without-where';
import { ruleTester } from './tester';

ruleTester(banDeleteWithoutWhere, {
  valid: [
    'DELETE FROM sessions WHERE expires_at < now();',
    'DELETE FROM t WHERE 1 = 0;',
    'DELETE FROM t WHERE false OR id = 3;',
    'DELETE FROM t WHERE true AND id = 3;',
    "DELETE FROM t WHERE 'a' < 'b';",
    'DELETE FROM t WHERE CURRENT OF c;',
    'EXPLAIN DELETE FROM t;',
    'CREATE FUNCTION purge() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM t; END;',
    'CREATE RULE r AS ON INSERT TO a DO ALSO DELETE FROM b;',
    'UPDATE t SET a = 1;',
    {
      name: 'a suppression comment covers the WHERE clause of the next statement',
      code: '-- migration-guard-ignore ban-delete-without-where -- lookup table\nDELETE FROM countries\nWHERE true;',
    },
    '',
  ],
  invalid: [
    {
      code: 'DELETE FROM users;',
      errors: [{ messageId: 'noWhere', range: '0:0-0:17', message: 'DELETE FROM users has no WHERE clause: it deletes every row of the table.' }],
    },
    {
      name: 'WHERE 1 = 1: the range is the WHERE clause, without RETURNING',
      code: 'DELETE FROM app.users u USING orgs o WHERE 1 = 1 RETURNING u.id;',
      errors: [
        { messageId: 'alwaysTrue', range: '0:37-0:48', message: 'The WHERE clause of DELETE FROM app.users is always true: it deletes every row of the table.' },
      ],
    },
    {
      name: 'other always-true literals',
      code: "DELETE FROM t WHERE true;\nDELETE FROM t WHERE (1 = 1) OR id = 2;\nDELETE FROM t WHERE NOT false;\nDELETE FROM t WHERE 'yes'::boolean;\nDELETE FROM t WHERE 2 > 1 AND 'a' = 'a'",
      errors: [
        { messageId: 'alwaysTrue', range: '0:14-0:24' },
        { messageId: 'alwaysTrue', range: '1:14-1:37' },
        { messageId: 'alwaysTrue', range: '2:14-2:29' },
        { messageId: 'alwaysTrue', range: '3:14-3:34' },
        { messageId: 'alwaysTrue', range: '4:14-4:39' },
      ],
    },
    {
      name: 'in a WITH query: the range is the WITH query; subquery WHERE clauses do not count',
      code: 'WITH gone AS (DELETE FROM t RETURNING *)\nINSERT INTO archive SELECT * FROM gone WHERE id > 0;',
      errors: [{ messageId: 'noWhere', range: '0:5-0:40' }],
    },
    {
      name: 'a WHERE only inside a subquery does not count',
      code: 'DELETE FROM t USING (SELECT id FROM u WHERE u.flag) s;',
      errors: [{ messageId: 'noWhere', range: '0:0-0:53' }],
    },
    {
      name: 'under EXPLAIN ANALYZE, which runs it',
      code: 'EXPLAIN ANALYZE DELETE FROM t;',
      errors: [{ messageId: 'noWhere', range: '0:0-0:29' }],
    },
    {
      name: 'non-ASCII text before the statement',
      code: '-- supprimé 🚀\nDELETE FROM "Kündigungen" WHERE true;',
      errors: [
        { messageId: 'alwaysTrue', range: '1:26-1:36', message: 'The WHERE clause of DELETE FROM "Kündigungen" is always true: it deletes every row of the table.' },
      ],
    },
    {
      name: 'after a syntax error earlier in the file',
      code: 'DELETE users;\nDELETE FROM users',
      errors: [{ messageId: 'noWhere', range: '1:0-1:17' }],
    },
  ],
});
