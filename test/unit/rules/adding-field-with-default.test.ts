import { addingFieldWithDefault } from '../../../server/src/engine/rules/all/adding-field-with-default';
import { ruleTester } from './tester';

ruleTester(addingFieldWithDefault, {
  valid: [
    "ALTER TABLE users ADD COLUMN n int DEFAULT 0, ADD COLUMN s text NOT NULL DEFAULT 'x'::text;",
    { name: 'now() is stable: PostgreSQL 11+ stores it once', code: 'ALTER TABLE users ADD COLUMN at timestamptz DEFAULT now();' },
    'ALTER TABLE users ADD COLUMN at timestamptz DEFAULT CURRENT_TIMESTAMP, ADD COLUMN d date DEFAULT current_date;',
    "ALTER TABLE users ADD COLUMN tags jsonb DEFAULT '{}'::jsonb, ADD COLUMN l text DEFAULT lower('X');",
    { name: 'DEFAULT NULL before 11', code: 'ALTER TABLE users ADD COLUMN n int DEFAULT NULL;', postgresVersion: 10 },
    'ALTER TABLE users ADD COLUMN n int;',
    'ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();',
    'CREATE TABLE users (id int);\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
    'CREATE TABLE users (token uuid DEFAULT gen_random_uuid());',
    { name: 'a virtual generated column (PostgreSQL 18) computes on read', code: 'ALTER TABLE users ADD COLUMN g int GENERATED ALWAYS AS (a + 1) VIRTUAL;', postgresVersion: 18 },
    { name: 'serial is adding-serial-primary-key-field\'s', code: 'ALTER TABLE users ADD COLUMN s serial;' },
    '-- migration-guard-ignore adding-field-with-default -- 100 rows\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
  ],
  invalid: [
    {
      code: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      errors: [
        {
          messageId: 'volatileDefault',
          range: '0:18-0:65',
          message:
            'Adding column token to users with a DEFAULT that calls gen_random_uuid() (volatile) rewrites every row under an ACCESS EXCLUSIVE lock: reads and writes wait until the rewrite ends.',
        },
      ],
    },
    {
      name: 'before PostgreSQL 11 every non-NULL default rewrites',
      code: 'ALTER TABLE users ADD COLUMN n int DEFAULT 0, ADD COLUMN at timestamptz DEFAULT now();',
      postgresVersion: 10,
      errors: [
        {
          messageId: 'defaultBefore11',
          range: '0:18-0:44',
          message: 'Adding column n to users with a DEFAULT rewrites every row under an ACCESS EXCLUSIVE lock on PostgreSQL 10 (from 11 on, only volatile defaults do).',
        },
        { messageId: 'defaultBefore11', range: '0:46-0:85' },
      ],
    },
    {
      name: 'a volatile call inside an expression; a function of unknown volatility',
      code: 'ALTER TABLE users ADD COLUMN r float8 NOT NULL DEFAULT (random() * 10)::int, ADD COLUMN s int DEFAULT app.next_score();',
      errors: [
        { messageId: 'volatileDefault', range: '0:18-0:75' },
        {
          messageId: 'possiblyVolatileDefault',
          range: '0:77-0:118',
          message:
            'Adding column s to users with a DEFAULT that calls app.next_score rewrites every row under an ACCESS EXCLUSIVE lock if app.next_score is volatile (functions are, unless declared STABLE or IMMUTABLE).',
        },
      ],
    },
    {
      name: 'nextval and clock_timestamp',
      code: "ALTER TABLE t ADD COLUMN n bigint DEFAULT nextval('t_seq'), ADD COLUMN at timestamptz DEFAULT clock_timestamp();",
      errors: [{ messageId: 'volatileDefault', range: '0:14-0:58' }, { messageId: 'volatileDefault', range: '0:60-0:111' }],
    },
    {
      name: 'a stored generated column',
      code: "ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first || ' ' || last) STORED;",
      errors: [
        {
          messageId: 'storedGenerated',
          range: '0:18-0:93',
          message:
            'Adding stored generated column full_name to users computes and writes it for every row under an ACCESS EXCLUSIVE lock: reads and writes wait until the rewrite ends.',
        },
      ],
    },
  ],
});

const FUNCTIONS = {
  '000001_fns.up.sql': [
    'CREATE TABLE users (id int);',
    "CREATE FUNCTION to_sentinel(s text) RETURNS text AS $$ SELECT concat('x', s) $$ LANGUAGE sql IMMUTABLE;",
    "CREATE FUNCTION app_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT now() $$;",
    "CREATE FUNCTION make_code() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;",
  ].join('\n'),
};

ruleTester(addingFieldWithDefault, {
  valid: [
    {
      name: 'a function the earlier migrations declare IMMUTABLE or STABLE is evaluated once (PostgreSQL 11+)',
      fileName: '000002_x.up.sql',
      files: FUNCTIONS,
      code: "ALTER TABLE users ADD COLUMN s text DEFAULT to_sentinel('none'), ADD COLUMN at timestamptz DEFAULT app_now();",
    },
  ],
  invalid: [
    {
      name: 'a function the earlier migrations define without IMMUTABLE or STABLE is volatile',
      fileName: '000002_x.up.sql',
      files: FUNCTIONS,
      code: 'ALTER TABLE users ADD COLUMN code text DEFAULT make_code();',
      errors: [
        {
          messageId: 'volatileDefault',
          range: '0:18-0:58',
          message: 'Adding column code to users with a DEFAULT that calls make_code() (volatile) rewrites every row under an ACCESS EXCLUSIVE lock: reads and writes wait until the rewrite ends.',
        },
      ],
    },
  ],
});
