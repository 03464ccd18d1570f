import * as assert from 'node:assert/strict';
import { addingNotNullableField } from '../../../server/src/engine/rules/all/adding-not-nullable-field';
import { runRule, ruleTester, type InvalidCase } from './tester';
import { fixResolves } from './fix-resolves';

const rule = addingNotNullableField;

const invalid: InvalidCase[] = [
  {
    code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    errors: [
      {
        messageId: 'setNotNull',
        range: '0:18-0:49',
        message:
          'Setting users.email NOT NULL scans every row under an ACCESS EXCLUSIVE lock: reads and writes wait. Add CHECK (email IS NOT NULL) NOT VALID and validate it in a later migration; with that check validated, SET NOT NULL skips the scan (PostgreSQL 12+).',
      },
    ],
    output: [
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null_check CHECK (email IS NOT NULL) NOT VALID;',
      '-- In a later migration: VALIDATE scans without blocking writes, then SET NOT NULL skips its scan (PostgreSQL 12+).',
      '-- ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null_check;',
      '-- ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      '-- ALTER TABLE users DROP CONSTRAINT users_email_not_null_check;',
    ].join('\n'),
  },
  {
    name: 'before PostgreSQL 12: keep the check instead',
    code: 'ALTER TABLE app."Users" ALTER "E-mail" SET NOT NULL, ALTER COLUMN name SET DEFAULT \'\'',
    postgresVersion: 11,
    errors: [
      {
        messageId: 'setNotNullBefore12',
        range: '0:24-0:51',
        message:
          'Setting app."Users"."E-mail" NOT NULL scans every row under an ACCESS EXCLUSIVE lock: reads and writes wait. Before PostgreSQL 12 it scans even when a check proves the column has no NULL: enforce it with CHECK ("E-mail" IS NOT NULL) NOT VALID, validated in a later migration, instead.',
      },
    ],
    output: [
      'ALTER TABLE app."Users" ADD CONSTRAINT "Users_E-mail_not_null_check" CHECK ("E-mail" IS NOT NULL) NOT VALID, ALTER COLUMN name SET DEFAULT \'\';',
      '-- In a later migration: VALIDATE scans without blocking writes; keep the check (before PostgreSQL 12 SET NOT NULL scans again).',
      '-- ALTER TABLE app."Users" VALIDATE CONSTRAINT "Users_E-mail_not_null_check";',
    ].join('\n'),
  },
  {
    name: 'a check validated in the file does not help before PostgreSQL 12',
    code: 'ALTER TABLE t VALIDATE CONSTRAINT t_a_nn;\nALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;',
    postgresVersion: 11,
    errors: [{ messageId: 'setNotNullBefore12', range: '2:14-2:41' }],
  },
  {
    name: 'PostgreSQL 18: ADD CONSTRAINT x NOT NULL c is SET NOT NULL under a name',
    code: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email;',
    errors: [{ messageId: 'setNotNull', range: '0:18-0:62' }],
    output: [
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null_check CHECK (email IS NOT NULL) NOT VALID;',
      '-- In a later migration: VALIDATE scans without blocking writes, then SET NOT NULL skips its scan (PostgreSQL 12+).',
      '-- ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null_check;',
      '-- ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      '-- ALTER TABLE users DROP CONSTRAINT users_email_not_null_check;',
    ].join('\n'),
  },
  {
    name: 'a check on another column, or not yet validated, does not help',
    code: 'ALTER TABLE t ADD CONSTRAINT nn CHECK (b IS NOT NULL), ADD CONSTRAINT nn_a CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;',
    errors: [{ messageId: 'setNotNull', range: '1:14-1:41' }],
  },
];

ruleTester(rule, {
  valid: [
    'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
    'CREATE TABLE users (email text);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    'ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT \'\';',
    {
      name: 'PostgreSQL 12+: a check validated earlier in the file lets SET NOT NULL skip its scan',
      code: 'ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    {
      name: 'PostgreSQL 12+: a valid check added earlier in the file',
      code: 'ALTER TABLE users ADD CHECK (email IS NOT NULL), ALTER COLUMN email SET NOT NULL;',
    },
    { name: 'PostgreSQL 18: NOT NULL ... NOT VALID does not scan', code: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;' },
    { name: 'PostgreSQL 18: a named NOT NULL on a table of this file', code: 'CREATE TABLE users (email text);\nALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email;' },
    '-- migration-guard-ignore adding-not-nullable-field -- 200 rows\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
  ],
  invalid,
});

fixResolves(rule, invalid);

describe('adding-not-nullable-field: fix', () => {
  it('is titled with the check it adds', () => {
    assert.equal(
      runRule(rule, { code: 'ALTER TABLE t ALTER COLUMN a SET NOT NULL;' })[0]?.fix?.title,
      'Add CHECK (a IS NOT NULL) NOT VALID instead, and validate it in a later migration',
    );
  });
});

const INIT = {
  '000001_init.up.sql': [
    'CREATE TABLE users (email text NOT NULL, name text, nick text);',
    'ALTER TABLE users ADD CONSTRAINT name_nn CHECK (name IS NOT NULL);',
    'ALTER TABLE users ADD CONSTRAINT nick_nn CHECK (nick IS NOT NULL) NOT VALID;',
  ].join('\n'),
};

ruleTester(rule, {
  valid: [
    {
      name: 'earlier migrations: a NOT NULL column, a validated CHECK (c IS NOT NULL)',
      fileName: '000002_not_null.up.sql',
      files: INIT,
      code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN name SET NOT NULL;',
    },
    {
      name: 'a NOT VALID check of an earlier migration validated in this file',
      fileName: '000002_not_null.up.sql',
      files: INIT,
      code: 'ALTER TABLE users VALIDATE CONSTRAINT nick_nn;\nALTER TABLE users ALTER COLUMN nick SET NOT NULL;',
    },
  ],
  invalid: [
    {
      name: 'before PostgreSQL 12 a validated check does not spare the scan; an already NOT NULL column is no scan',
      fileName: '000002_not_null.up.sql',
      files: INIT,
      postgresVersion: 11,
      code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN name SET NOT NULL;',
      errors: [{ messageId: 'setNotNullBefore12', range: '0:51-0:81' }],
    },
    {
      name: 'a check still NOT VALID, a dropped check, a NOT NULL dropped in this file',
      fileName: '000002_not_null.up.sql',
      files: INIT,
      code: [
        'ALTER TABLE users ALTER COLUMN nick SET NOT NULL;',
        'ALTER TABLE users DROP CONSTRAINT name_nn;',
        'ALTER TABLE users ALTER COLUMN name SET NOT NULL;',
        'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
        'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      ].join('\n'),
      errors: [
        { messageId: 'setNotNull', range: '0:18-0:48' },
        { messageId: 'setNotNull', range: '2:18-2:48' },
        { messageId: 'setNotNull', range: '4:18-4:49' },
      ],
    },
  ],
});
