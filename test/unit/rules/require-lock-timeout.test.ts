import * as assert from 'node:assert/strict';
import { requireLockTimeout } from '../../../server/src/engine/rules/all/require-lock-timeout';
import { runRule, ruleTester, type InvalidCase } from './tester';
import { fixResolves } from './fix-resolves';

const rule = requireLockTimeout;
const SET = "SET lock_timeout = '5s';";

const invalid: InvalidCase[] = [
  {
    code: 'ALTER TABLE users ADD COLUMN a int;',
    errors: [
      {
        messageId: 'noLockTimeout',
        range: '0:0-0:34',
        message:
          'ALTER TABLE takes an ACCESS EXCLUSIVE lock on users with no lock_timeout set earlier in the file: while it waits for a running transaction, every new query on users waits behind it.',
      },
    ],
    output: `${SET}\nALTER TABLE users ADD COLUMN a int;`,
  },
  {
    name: 'the first one is reported with a count of the others; SET goes above its comments',
    code: 'CREATE INDEX i ON t (a);\n\n-- drop the column\n-- migration-guard-ignore ban-drop-column -- unused\nALTER TABLE users DROP COLUMN a;\nTRUNCATE sessions;\nLOCK TABLE t;\nLOCK TABLE t IN SHARE MODE;',
    errors: [
      {
        messageId: 'noLockTimeoutMore',
        range: '4:0-4:31',
        message:
          'ALTER TABLE takes an ACCESS EXCLUSIVE lock on users with no lock_timeout set earlier in the file (and so do 2 more statements after it): while it waits for a running transaction, every new query on users waits behind it.',
      },
    ],
    output: `CREATE INDEX i ON t (a);\n\n${SET}\n-- drop the column\n-- migration-guard-ignore ban-drop-column -- unused\nALTER TABLE users DROP COLUMN a;\nTRUNCATE sessions;\nLOCK TABLE t;\nLOCK TABLE t IN SHARE MODE;`,
  },
  {
    name: 'a zero timeout is no timeout; RENAME',
    code: 'SET lock_timeout = 0;\nALTER TABLE a RENAME TO b;',
    errors: [
      {
        messageId: 'noLockTimeout',
        range: '1:0-1:25',
        message:
          'ALTER TABLE ... RENAME takes an ACCESS EXCLUSIVE lock on a with no lock_timeout set earlier in the file: while it waits for a running transaction, every new query on a waits behind it.',
      },
    ],
    output: `SET lock_timeout = 0;\n${SET}\nALTER TABLE a RENAME TO b;`,
  },
  {
    name: 'RENAME CONSTRAINT (the parser leaves its relationType unset; corpus: boundary 69/01)',
    code: 'ALTER TABLE auth_conf RENAME CONSTRAINT auth_conf_key TO auth_conf_uq;',
    errors: [
      {
        messageId: 'noLockTimeout',
        range: '0:0-0:69',
        message:
          'ALTER TABLE ... RENAME takes an ACCESS EXCLUSIVE lock on auth_conf with no lock_timeout set earlier in the file: while it waits for a running transaction, every new query on auth_conf waits behind it.',
      },
    ],
    output: `${SET}\nALTER TABLE auth_conf RENAME CONSTRAINT auth_conf_key TO auth_conf_uq;`,
  },
  {
    name: 'after RESET the next statement is reported again',
    code: "SET lock_timeout = '2s';\nALTER TABLE a ADD COLUMN x int;\nRESET lock_timeout;\nDROP TRIGGER tr ON app.a;",
    errors: [{ messageId: 'noLockTimeout', range: '3:0-3:24', message: 'DROP TRIGGER takes an ACCESS EXCLUSIVE lock on app.a with no lock_timeout set earlier in the file: while it waits for a running transaction, every new query on app.a waits behind it.' }],
    output: `SET lock_timeout = '2s';\nALTER TABLE a ADD COLUMN x int;\nRESET lock_timeout;\n${SET}\nDROP TRIGGER tr ON app.a;`,
  },
  {
    name: 'a statement sharing its line, CRLF and indentation',
    code: '  SELECT 1; DROP INDEX i;\r\n  -- note\r\n  VACUUM FULL t;',
    errors: [
      {
        messageId: 'noLockTimeoutMore',
        range: '0:12-0:24',
        message:
          'DROP INDEX takes an ACCESS EXCLUSIVE lock on the table of i with no lock_timeout set earlier in the file (and so do 1 more statement after it): while it waits for a running transaction, every new query on the table of i waits behind it.',
      },
    ],
    output: `  SELECT 1; ${SET} DROP INDEX i;\r\n  -- note\r\n  VACUUM FULL t;`,
  },
  {
    name: 'indented, with CRLF',
    code: '  -- note\r\n  REFRESH MATERIALIZED VIEW stats;',
    errors: [{ messageId: 'noLockTimeout', range: '1:2-1:33' }],
    output: `  ${SET}\r\n  -- note\r\n  REFRESH MATERIALIZED VIEW stats;`,
  },
  {
    name: 'ATTACH PARTITION locks the partition (PostgreSQL 12+); REINDEX',
    code: 'ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (0) TO (10);\nREINDEX TABLE events;',
    errors: [
      {
        messageId: 'noLockTimeoutMore',
        range: '0:0-0:75',
        message:
          'ATTACH PARTITION takes an ACCESS EXCLUSIVE lock on events_2024 with no lock_timeout set earlier in the file (and so do 1 more statement after it): while it waits for a running transaction, every new query on events_2024 waits behind it.',
      },
    ],
    output: `${SET}\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (0) TO (10);\nREINDEX TABLE events;`,
  },
  {
    name: 'ATTACH PARTITION locks the parent before PostgreSQL 12',
    code: 'CREATE TABLE events_2024 (id int);\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (0) TO (10);',
    postgresVersion: 11,
    errors: [{ messageId: 'noLockTimeout', range: '1:0-1:75' }],
    output: `CREATE TABLE events_2024 (id int);\n${SET}\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (0) TO (10);`,
  },
];

ruleTester(rule, {
  valid: [
    `${SET}\nALTER TABLE users ADD COLUMN a int;`,
    'SET LOCAL lock_timeout TO 5000;\nDROP INDEX i;',
    'SET SESSION lock_timeout = 100;\nTRUNCATE t;',
    "SELECT set_config('lock_timeout', '3s', true);\nALTER TABLE users DROP COLUMN a;",
    'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;\nDROP TABLE t;',
    'CREATE TABLE events_2024 (id int);\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (0) TO (10);',
    'CREATE INDEX i ON t (a);',
    'CREATE INDEX i ON t (a);\nDROP INDEX i;',
    'DROP INDEX CONCURRENTLY i;',
    'REINDEX TABLE CONCURRENTLY t;',
    'REFRESH MATERIALIZED VIEW CONCURRENTLY stats;',
    'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID;',
    'ALTER TABLE t VALIDATE CONSTRAINT fk, ALTER COLUMN a SET STATISTICS 100;',
    'ALTER TABLE t ENABLE TRIGGER tr, SET (fillfactor = 70);',
    'ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;',
    'LOCK TABLE t IN ROW EXCLUSIVE MODE;',
    'VACUUM t;',
    '-- migration-guard-ignore require-lock-timeout -- run by hand in a quiet hour\nALTER TABLE users ADD COLUMN a int;',
  ],
  invalid,
});

fixResolves(rule, invalid);

describe('require-lock-timeout: fix', () => {
  it('is titled after what it sets', () => {
    assert.equal(runRule(rule, { code: 'TRUNCATE t;' })[0]?.fix?.title, "Set lock_timeout = '5s' before this statement");
  });
});

describe('require-lock-timeout in down files', () => {
  const files = { '000004_carts.up.sql': 'CREATE TABLE carts (id bigint);\nALTER TABLE users ADD COLUMN cart_id bigint;' };
  it('does not report undoing what the up created', () => {
    const found = runRule(requireLockTimeout, { code: 'DROP TABLE carts;', fileName: '000004_carts.down.sql', files });
    assert.deepEqual(found.map((f) => f.ruleId), []);
  });
  it('still reports a table the up did not create', () => {
    const found = runRule(requireLockTimeout, { code: 'DROP TABLE carts;\nALTER TABLE users DROP COLUMN cart_id;', fileName: '000004_carts.down.sql', files });
    assert.deepEqual(found.map((f) => `${f.messageId} ${f.range.start.line}`), ['noLockTimeout 1']);
  });
});
