import { banExclusionConstraint } from '../../../server/src/engine/rules/all/ban-exclusion-constraint';
import { ruleTester } from './tester';

ruleTester(banExclusionConstraint, {
  valid: [
    'CREATE TABLE bookings (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));',
    'CREATE TABLE bookings (room int);\nALTER TABLE bookings ADD EXCLUDE USING gist (room WITH =);',
    'ALTER TABLE bookings ADD UNIQUE (room);',
    '-- migration-guard-ignore ban-exclusion-constraint -- 3 rows\nALTER TABLE bookings ADD EXCLUDE (room WITH =);',
  ],
  invalid: [
    {
      code: 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);',
      errors: [
        {
          messageId: 'exclusion',
          range: '0:21-0:95',
          message:
            'Adding exclusion constraint no_overlap to bookings builds its index and checks every row under an ACCESS EXCLUSIVE lock: reads and writes wait until it ends, and it cannot be built concurrently.',
        },
      ],
    },
    {
      name: 'unnamed, among other clauses',
      code: 'ALTER TABLE t ADD COLUMN a int, ADD EXCLUDE (a WITH =) WHERE (a > 0);',
      errors: [{ messageId: 'exclusion', range: '0:32-0:68', message: 'Adding exclusion constraint (unnamed) to t builds its index and checks every row under an ACCESS EXCLUSIVE lock: reads and writes wait until it ends, and it cannot be built concurrently.' }],
    },
  ],
});
