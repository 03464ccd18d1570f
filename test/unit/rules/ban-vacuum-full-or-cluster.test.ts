import { banVacuumFullOrCluster } from '../../../server/src/engine/rules/all/ban-vacuum-full-or-cluster';
import { ruleTester } from './tester';

ruleTester(banVacuumFullOrCluster, {
  valid: [
    'VACUUM users;',
    'VACUUM (ANALYZE) users;',
    'VACUUM (FULL false) users;',
    'ANALYZE users;',
    'CREATE TABLE t (a int);\nVACUUM FULL t;\nCLUSTER t USING t_a;',
    'ALTER TABLE users CLUSTER ON users_pkey;',
    '-- migration-guard-ignore ban-vacuum-full-or-cluster -- maintenance window\nVACUUM FULL users;',
  ],
  invalid: [
    {
      code: 'VACUUM FULL users;',
      errors: [
        {
          messageId: 'vacuumFull',
          range: '0:0-0:17',
          message:
            'VACUUM FULL rewrites users and all indexes under an ACCESS EXCLUSIVE lock: no reads or writes until it ends, and it needs disk space for a full copy.',
        },
      ],
    },
    {
      name: 'option list, several tables, the whole database',
      code: 'VACUUM (FULL, ANALYZE) app.users, orders;\nVACUUM FULL;',
      errors: [
        { messageId: 'vacuumFull', range: '0:0-0:40', message: 'VACUUM FULL rewrites app.users, orders and all indexes under an ACCESS EXCLUSIVE lock: no reads or writes until it ends, and it needs disk space for a full copy.' },
        { messageId: 'vacuumFull', range: '1:0-1:11', message: 'VACUUM FULL rewrites every table of the database and all indexes under an ACCESS EXCLUSIVE lock: no reads or writes until it ends, and it needs disk space for a full copy.' },
      ],
    },
    {
      name: 'CLUSTER with and without a table',
      code: 'CLUSTER users USING users_pkey;\nCLUSTER;',
      errors: [
        {
          messageId: 'cluster',
          range: '0:0-0:30',
          message:
            'CLUSTER rewrites users in index order under an ACCESS EXCLUSIVE lock: no reads or writes until it ends, and it needs disk space for a full copy.',
        },
        { messageId: 'cluster', range: '1:0-1:7' },
      ],
    },
  ],
});
