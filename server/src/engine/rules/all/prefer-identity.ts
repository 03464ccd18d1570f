import { typePreferenceRule } from '../column-types';

const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** Opt-in: `serial` columns; prefer identity columns. The range is the type. */
export const preferIdentity = typePreferenceRule(
  {
    id: 'prefer-identity',
    description: 'Opt-in: a serial column; an identity column (GENERATED ... AS IDENTITY) is the standard form and owns its sequence cleanly.',
    messages: {
      serial:
        '{{table}}.{{column}} is {{type}}: a default over a separate sequence, whose permissions and ownership need care. Prefer {{column}} bigint GENERATED ALWAYS AS IDENTITY (or BY DEFAULT).',
    },
    help: [
      '**Why:** `serial` is a shorthand for an integer column, a sequence and a `nextval` default: the sequence needs its own',
      'grants, a copy of the table (`CREATE TABLE ... (LIKE ...)`) shares it, and explicit values can collide with it later.',
      '',
      '**Instead:** `GENERATED ALWAYS AS IDENTITY` (or `BY DEFAULT` to allow explicit values), SQL standard since PostgreSQL 10.',
    ].join('\n'),
  },
  (u) => SERIAL.has(u.base),
);
