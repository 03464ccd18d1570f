import { typePreferenceRule } from '../column-types';

/** Opt-in: `char(n)` / `character(n)` columns; prefer `text` or `varchar`. The range is the type. */
export const banCharField = typePreferenceRule(
  {
    id: 'ban-char-field',
    description: 'Opt-in: a char(n) column, which pads every value with spaces and is no faster than text.',
    messages: {
      char: '{{table}}.{{column}} is {{type}}: values are padded with spaces to the full length, and trailing spaces are ignored in comparisons. Prefer text (with a CHECK on the length if it matters).',
    },
    help: [
      '**Why:** `char(n)` pads with spaces, strips them again on reads in some contexts but not others, and compares ignoring',
      'them: surprising results, and no storage or speed advantage over `text` in PostgreSQL.',
      '',
      '**Instead:** `text`, with `CHECK (length(c) = n)` when a fixed length is the point.',
    ].join('\n'),
  },
  (u) => u.base === 'bpchar',
);
