import { typePreferenceRule } from '../column-types';

/** Opt-in: `varchar(n)` columns (prefer `text` with a CHECK on the length). The range is the type. */
export const preferTextField = typePreferenceRule(
  {
    id: 'prefer-text-field',
    description: 'Opt-in: a varchar(n) column; text with a CHECK on its length can change its limit without a lock that blocks the table.',
    messages: {
      varchar:
        '{{table}}.{{column}} is {{type}}: changing the limit later takes an ACCESS EXCLUSIVE lock (and shrinking it rewrites the table). Prefer text with a CHECK (length({{column}}) <= n) constraint, which can be replaced NOT VALID.',
    },
    help: [
      '**Why:** in PostgreSQL `varchar(n)` stores the same as `text`; only the limit differs. Raising it is quick, but lowering it',
      'rewrites the table under an `ACCESS EXCLUSIVE` lock, and either change takes that lock.',
      '',
      '**Instead:** `text` with `CHECK (length(c) <= n)`: a new limit is a new constraint added `NOT VALID` and validated later.',
    ].join('\n'),
  },
  (u) => u.base === 'varchar' && (u.typeName.typmods ?? []).length > 0,
);
