import * as assert from 'node:assert/strict';
import { disallowedUniqueConstraint } from '../../../server/src/engine/rules/all/disallowed-unique-constraint';
import { runRule, ruleTester, type InvalidCase } from './tester';
import { fixResolves } from './fix-resolves';

const rule = disallowedUniqueConstraint;

const invalid: InvalidCase[] = [
  {
    name: 'a named unique constraint',
    code: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
    errors: [
      {
        messageId: 'uniqueConstraint',
        range: '0:18-0:63',
        message:
          'Adding unique constraint users_email_key to users builds its index under an ACCESS EXCLUSIVE lock: reads and writes of users wait until the index is built.',
      },
    ],
    output:
      'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
  },
  {
    name: 'unnamed, two columns, NULLS NOT DISTINCT, after a comment that stays with its statement',
    code: 'SET lock_timeout = \'5s\';\n\n-- one account per tenant\nALTER TABLE app.accounts ADD UNIQUE NULLS NOT DISTINCT (tenant_id, "E-mail"), ADD COLUMN note text;',
    errors: [{ messageId: 'uniqueConstraint', range: '3:25-3:76' }],
    output:
      'SET lock_timeout = \'5s\';\n\nCREATE UNIQUE INDEX CONCURRENTLY "accounts_tenant_id_E-mail_key" ON app.accounts (tenant_id, "E-mail") NULLS NOT DISTINCT;\n-- one account per tenant\n' +
      'ALTER TABLE app.accounts ADD CONSTRAINT "accounts_tenant_id_E-mail_key" UNIQUE USING INDEX "accounts_tenant_id_E-mail_key", ADD COLUMN note text;',
  },
  {
    name: 'DEFERRABLE or INCLUDE: reported without a fix',
    code: 'ALTER TABLE t ADD UNIQUE (a) DEFERRABLE;\nALTER TABLE t ADD UNIQUE (b) INCLUDE (c);',
    errors: [
      { messageId: 'uniqueConstraint', range: '0:14-0:39' },
      { messageId: 'uniqueConstraint', range: '1:14-1:40' },
    ],
    output: 'ALTER TABLE t ADD UNIQUE (a) DEFERRABLE;\nALTER TABLE t ADD UNIQUE (b) INCLUDE (c);',
  },
  {
    name: 'a new column declared UNIQUE',
    code: 'ALTER TABLE users ADD COLUMN handle text UNIQUE;',
    errors: [
      {
        messageId: 'uniqueColumn',
        range: '0:18-0:47',
        message:
          'Adding column handle to users with UNIQUE builds an index under an ACCESS EXCLUSIVE lock: add the column, then a unique index CONCURRENTLY, then the constraint USING INDEX.',
      },
    ],
  },
];

ruleTester(rule, {
  valid: [
    'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;',
    'CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);',
    'CREATE TABLE users (email text);\nALTER TABLE users ADD UNIQUE (email);',
    'CREATE TABLE users (email text UNIQUE, UNIQUE (email));',
    'ALTER TABLE users ADD COLUMN handle text;',
    '-- migration-guard-ignore disallowed-unique-constraint -- 20 rows\nALTER TABLE users ADD UNIQUE (email);',
  ],
  invalid,
});

fixResolves(rule, invalid.filter((c) => c.output !== undefined && c.output !== c.code));

describe('disallowed-unique-constraint: fix', () => {
  it('is absent for DEFERRABLE, INCLUDE, WITH and USING INDEX TABLESPACE, and says where the index belongs', () => {
    for (const tail of ['DEFERRABLE', 'INCLUDE (c)', 'WITH (fillfactor = 70)', 'USING INDEX TABLESPACE fast']) {
      assert.equal(runRule(rule, { code: `ALTER TABLE t ADD UNIQUE (a) ${tail};` })[0]?.fix, undefined, tail);
    }
    assert.equal(
      runRule(rule, { code: 'ALTER TABLE t ADD UNIQUE (a);' })[0]?.fix?.title,
      'Build the unique index CONCURRENTLY, then add the constraint USING INDEX (the CREATE INDEX CONCURRENTLY belongs in a migration of its own)',
    );
  });
});
