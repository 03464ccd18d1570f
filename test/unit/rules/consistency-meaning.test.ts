/**
 * Consistency by meaning: a down that restores what its up changed, written differently
 * (whitespace, comments, parentheses, casts PostgreSQL adds, keyword case, re-indented function
 * bodies), undoes it; drop-then-recreate idioms in downs are no unexpected statements.
 */
import { missingInverse } from '../../../server/src/engine/rules/all/missing-inverse';
import { unexpectedDownStatement } from '../../../server/src/engine/rules/all/unexpected-down-statement';
import { ruleTester } from './tester';

const UP = '000002_change.up.sql';
const DOWN = '000002_change.down.sql';
const FN = `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- keep updated_at current
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;`;
const INIT = {
  '000001_init.up.sql': [
    'CREATE TABLE t (id int PRIMARY KEY, a int, b boolean, updated_at timestamptz, CONSTRAINT t_a_check CHECK ((a > 0) OR b));',
    "ALTER TABLE t ALTER COLUMN a SET DEFAULT (1 + 2);",
    'CREATE INDEX t_a_idx ON t (a) WHERE (a > 10);',
    'CREATE VIEW v AS SELECT id, a FROM t WHERE b;',
    FN,
    'CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();',
  ].join('\n'),
  '000001_init.down.sql': 'DROP TABLE t CASCADE;\nDROP FUNCTION touch();',
};

const cases: { name: string; up: string; down: string }[] = [
  { name: 'a CHECK restored with other line breaks and parentheses', up: 'ALTER TABLE t DROP CONSTRAINT t_a_check;', down: 'ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (\n  (a > 0)\n  OR b\n);' },
  { name: 'a default restored without its parentheses', up: 'ALTER TABLE t ALTER COLUMN a DROP DEFAULT;', down: 'ALTER TABLE t ALTER COLUMN a SET DEFAULT 1+2;' },
  { name: 'an index restored in lower case, another layout', up: 'DROP INDEX t_a_idx;', down: 'create index t_a_idx\n  on t (a)\n  where a > 10;' },
  { name: 'an index restored with its default ordering spelled out (ASC, NULLS LAST)', up: 'DROP INDEX t_a_idx;', down: 'CREATE INDEX t_a_idx ON t (a ASC NULLS LAST) WHERE a > 10;' },
  { name: 'a view restored with another layout and a comment', up: 'DROP VIEW v;', down: 'CREATE VIEW v AS\n  -- the active rows\n  SELECT id, a\n  FROM t\n  WHERE b;' },
  {
    name: 'a function restored re-indented, without its comment',
    up: 'DROP TRIGGER t_touch ON t;\nDROP FUNCTION touch();',
    down: "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n    BEGIN\n        NEW.updated_at := now();\n        RETURN NEW;\n    END;\n$$;\nCREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();",
  },
  {
    name: 'a function body in another dollar quote',
    up: "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$;",
    down: "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$body$;",
  },
  {
    name: 'drop-then-recreate of a trigger in the down (the defensive idiom)',
    up: 'DROP TRIGGER t_touch ON t;',
    down: 'DROP TRIGGER IF EXISTS t_touch ON t;\nCREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();',
  },
  {
    name: 'drop-then-recreate of a view the up replaced',
    up: 'CREATE OR REPLACE VIEW v AS SELECT id, a FROM t;',
    down: 'DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT id, a FROM t WHERE b;',
  },
];

ruleTester(missingInverse, {
  valid: cases.map((c) => ({ name: c.name, fileName: UP, files: { ...INIT, [DOWN]: c.down }, code: c.up })),
  invalid: [
    {
      name: 'an index restored in another order (DESC) is not the same index',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'CREATE INDEX t_a_idx ON t (a DESC) WHERE a > 10;' },
      code: 'DROP INDEX t_a_idx;',
      errors: [{ messageId: 'notUndone', range: '0:0-0:18' }],
    },
    {
      name: 'a CHECK restored with another condition',
      fileName: UP,
      files: { ...INIT, [DOWN]: 'ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0 AND b);' },
      code: 'ALTER TABLE t DROP CONSTRAINT t_a_check;',
      errors: [{ messageId: 'notUndone', range: '0:0-0:39' }],
    },
    {
      name: 'a function restored with another body',
      fileName: UP,
      files: { ...INIT, [DOWN]: "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END; $$;\nCREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();" },
      code: 'DROP TRIGGER t_touch ON t;\nDROP FUNCTION touch();',
      errors: [{ messageId: 'notUndone', range: '1:0-1:21' }],
    },
  ],
});

ruleTester(unexpectedDownStatement, {
  valid: cases.map((c) => ({ name: c.name, fileName: DOWN, files: { ...INIT, [UP]: c.up }, code: c.down })),
  invalid: [
    {
      name: 'a defensive drop that nothing recreates',
      fileName: DOWN,
      files: { ...INIT, [UP]: 'DROP TRIGGER t_touch ON t;' },
      code: 'DROP TRIGGER IF EXISTS t_touch ON t;\nDROP TRIGGER IF EXISTS t_other ON t;\nCREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();',
      errors: [{ messageId: 'undoesNothing', range: '1:0-1:35', message: 'This statement undoes nothing of the up migration: t_other ON t does not exist once the up migration has run.' }],
    },
  ],
});
