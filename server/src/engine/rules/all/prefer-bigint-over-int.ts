import { typePreferenceRule } from '../column-types';

const INT = new Set(['int4', 'int', 'integer', 'serial', 'serial4']);

/** Opt-in: 32-bit integer columns (`integer`, `serial`); prefer `bigint`. The range is the type. */
export const preferBigintOverInt = typePreferenceRule(
  {
    id: 'prefer-bigint-over-int',
    description: 'Opt-in: an integer (32-bit) column, which runs out at 2,147,483,647; bigint costs 4 more bytes and does not.',
    messages: {
      int: '{{table}}.{{column}} is {{type}} (32-bit): it runs out at 2,147,483,647, and changing it to bigint later rewrites the table under an ACCESS EXCLUSIVE lock. Prefer bigint.',
    },
    help: [
      '**Why:** ids and counters outgrow `integer` (a sequence, a busy table, a join table of two large ones); the change to',
      '`bigint` then rewrites the table and every index on the column under an `ACCESS EXCLUSIVE` lock.',
      '',
      '**Instead:** `bigint` (`bigserial`, or `bigint GENERATED ... AS IDENTITY`) from the start.',
    ].join('\n'),
  },
  (u) => INT.has(u.base),
);
