import { typePreferenceRule } from '../column-types';

/** Opt-in: `timestamp` (without time zone) columns; prefer `timestamptz`. The range is the type. */
export const preferTimestampTz = typePreferenceRule(
  {
    id: 'prefer-timestamp-tz',
    description: 'Opt-in: a timestamp without time zone column; timestamptz stores an instant that every session reads correctly.',
    messages: {
      timestamp:
        '{{table}}.{{column}} is {{type}}: it stores a wall-clock time without its zone, so sessions and servers in other zones read it differently. Prefer timestamptz.',
    },
    help: [
      '**Why:** `timestamp` keeps no time zone: what is written depends on the writer\'s `TimeZone`, and comparing it with `now()`',
      'converts it with the reader\'s. `timestamptz` stores an instant (in UTC) and shows it in the session\'s zone.',
      '',
      '**Instead:** `timestamptz` (`timestamp with time zone`); it takes the same 8 bytes.',
    ].join('\n'),
  },
  (u) => u.base === 'timestamp',
);
