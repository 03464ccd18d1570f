/**
 * Rules that reason over the file's flow (rules/flow.ts): a table created, emptied (TRUNCATE,
 * DELETE without WHERE) or about to be dropped in the same transaction is no lock or data risk;
 * temporary tables are no schema objects; rename-and-recreate and copy-and-swap idioms.
 */
import { addingFieldWithDefault } from '../../../server/src/engine/rules/all/adding-field-with-default';
import { addingRequiredField } from '../../../server/src/engine/rules/all/adding-required-field';
import { addingSerialPrimaryKeyField } from '../../../server/src/engine/rules/all/adding-serial-primary-key-field';
import { banDeleteWithoutWhere } from '../../../server/src/engine/rules/all/ban-delete-without-where';
import { banDropTable } from '../../../server/src/engine/rules/all/ban-drop-table';
import { banTruncate } from '../../../server/src/engine/rules/all/ban-truncate';
import { banUpdateWithoutWhere } from '../../../server/src/engine/rules/all/ban-update-without-where';
import { changingColumnType } from '../../../server/src/engine/rules/all/changing-column-type';
import { constraintMissingNotValid } from '../../../server/src/engine/rules/all/constraint-missing-not-valid';
import { downDropsForeignObject } from '../../../server/src/engine/rules/all/down-drops-foreign-object';
import { renamingTable } from '../../../server/src/engine/rules/all/renaming-table';
import { requireConcurrentIndexCreation } from '../../../server/src/engine/rules/all/require-concurrent-index-creation';
import { requireConcurrentIndexDeletion } from '../../../server/src/engine/rules/all/require-concurrent-index-deletion';
import { ruleTester } from './tester';

const UP = '000002_change.up.sql';
const DOWN = '000002_change.down.sql';
const HISTORY = { '000001_init.up.sql': 'CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);', '000001_init.down.sql': 'DROP TABLE t;' };

ruleTester(requireConcurrentIndexDeletion, {
  valid: [
    {
      name: 'a down drops an index, then its table (the index known from the up)',
      fileName: DOWN,
      files: { ...HISTORY, [UP]: 'CREATE TABLE u (id int, b int);\nCREATE INDEX u_b_idx ON u (b);' },
      code: 'DROP INDEX u_b_idx;\nDROP TABLE u;',
    },
    { name: 'the index of a table dropped later (known from the history)', fileName: UP, files: HISTORY, code: 'DROP INDEX t_a_idx;\nDROP TABLE t;' },
    { name: 'the index of a table emptied before, in the transaction', fileName: UP, files: HISTORY, code: 'TRUNCATE t;\nDROP INDEX t_a_idx;' },
  ],
  invalid: [
    {
      name: 'the table is only renamed later: it lives on',
      fileName: UP,
      files: HISTORY,
      code: 'DROP INDEX t_a_idx;\nALTER TABLE t RENAME TO t_old;',
      errors: [{ messageId: 'dropIndex', range: '0:0-0:18' }],
    },
    {
      name: 'emptied, but a COMMIT ended that transaction',
      fileName: UP,
      files: HISTORY,
      code: 'TRUNCATE t;\nCOMMIT;\nDROP INDEX t_a_idx;',
      errors: [{ messageId: 'dropIndex', range: '2:0-2:18' }],
    },
    { name: 'an index the model does not know: its table is not known', fileName: UP, files: HISTORY, code: 'DROP INDEX other_idx;\nDROP TABLE t;', errors: [{ messageId: 'dropIndex', range: '0:0-0:20' }] },
  ],
});

ruleTester(requireConcurrentIndexCreation, {
  valid: [
    { name: 'after TRUNCATE of the table', code: 'TRUNCATE events;\nCREATE INDEX events_at_idx ON events (at);' },
    { name: 'after DELETE without WHERE', code: 'DELETE FROM events;\nCREATE INDEX events_at_idx ON events (at);' },
    { name: 'a temporary table', code: 'CREATE TEMP TABLE ids AS SELECT id FROM users;\nCREATE INDEX ON ids (id);' },
    { name: 'a table dropped later in the file', code: 'CREATE INDEX old_idx ON old_events (at);\nDROP TABLE old_events;' },
  ],
  invalid: [
    { name: 'DELETE with a WHERE leaves rows', code: "DELETE FROM events WHERE at < now() - interval '1 year';\nCREATE INDEX events_at_idx ON events (at);", errors: [{ messageId: 'createIndex', range: '1:0-1:41' }] },
    { name: 'another table was emptied', code: 'TRUNCATE logs;\nCREATE INDEX events_at_idx ON events (at);', errors: [{ messageId: 'createIndex', range: '1:0-1:41' }] },
    {
      name: 'a goose NO TRANSACTION section: each statement commits, others can insert in between',
      fileName: '00002_x.sql',
      code: '-- +goose NO TRANSACTION\n-- +goose Up\nTRUNCATE events;\nCREATE INDEX events_at_idx ON events (at);\n',
      errors: [{ messageId: 'createIndex', range: '3:0-3:41' }],
    },
  ],
});

ruleTester(addingRequiredField, {
  valid: [
    { name: 'after TRUNCATE in the transaction', code: 'TRUNCATE sessions;\nALTER TABLE sessions ADD COLUMN token text NOT NULL;' },
    { name: 'after DELETE without WHERE', code: 'DELETE FROM sessions;\nALTER TABLE sessions ADD COLUMN token text NOT NULL;' },
  ],
  invalid: [
    {
      name: 'dropped later does not help: the statement fails first',
      code: 'ALTER TABLE sessions ADD COLUMN token text NOT NULL;\nDROP TABLE sessions;',
      errors: [{ messageId: 'requiredColumn', range: '0:21-0:51' }],
    },
    { name: 'emptied before a COMMIT', code: 'TRUNCATE sessions;\nCOMMIT;\nALTER TABLE sessions ADD COLUMN token text NOT NULL;', errors: [{ messageId: 'requiredColumn', range: '2:21-2:51' }] },
  ],
});

ruleTester(addingSerialPrimaryKeyField, {
  valid: [{ name: 'a serial column after TRUNCATE', code: 'TRUNCATE t;\nALTER TABLE t ADD COLUMN id bigserial;' }],
  invalid: [{ name: 'without it', code: 'ALTER TABLE t ADD COLUMN id bigserial;', errors: [{ messageId: 'serialColumn' }] }],
});

ruleTester(addingFieldWithDefault, {
  valid: [{ name: 'a volatile default on an emptied table', code: 'DELETE FROM t;\nALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();' }],
  invalid: [{ code: 'ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();', errors: [{ messageId: 'volatileDefault' }] }],
});

ruleTester(constraintMissingNotValid, {
  valid: [{ name: 'a check on an emptied table', code: 'TRUNCATE t;\nALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0);' }],
  invalid: [{ code: 'ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0);', errors: [{ messageId: 'check' }] }],
});

ruleTester(changingColumnType, {
  valid: [{ name: 'on a table emptied in the transaction', code: 'TRUNCATE t;\nALTER TABLE t ALTER COLUMN a TYPE bigint;' }],
  invalid: [{ code: 'ALTER TABLE t ALTER COLUMN a TYPE bigint;', errors: [{ messageId: 'changeType' }] }],
});

ruleTester(banUpdateWithoutWhere, {
  valid: [
    { name: 'the backfill of a column added earlier in the file', code: 'ALTER TABLE users ADD COLUMN active boolean;\nUPDATE users SET active = true;' },
    { name: 'several new columns', code: 'ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int;\nUPDATE users SET a = 1, b = 2;' },
    { name: 'a table emptied before', code: 'TRUNCATE users;\nUPDATE users SET active = true;' },
    { name: 'a temporary table', code: 'CREATE TEMP TABLE ids (id int, done bool);\nUPDATE ids SET done = true;' },
    { name: 'a table dropped later', code: 'UPDATE old_users SET active = false;\nDROP TABLE old_users;' },
  ],
  invalid: [
    {
      name: 'an existing column among the new ones',
      code: 'ALTER TABLE users ADD COLUMN a int;\nUPDATE users SET a = 1, name = lower(name);',
      errors: [{ messageId: 'noWhere', range: '1:0-1:42' }],
    },
    { name: 'the column is added after the UPDATE', code: 'UPDATE users SET a = 1;\nALTER TABLE users ADD COLUMN a int;', errors: [{ messageId: 'noWhere', range: '0:0-0:22' }] },
    { name: 'the column was added to another table', code: 'ALTER TABLE orders ADD COLUMN a int;\nUPDATE users SET a = 1;', errors: [{ messageId: 'noWhere', range: '1:0-1:22' }] },
  ],
});

ruleTester(banDeleteWithoutWhere, {
  valid: [
    { name: 'a table dropped later in the file', code: 'DELETE FROM old_users;\nDROP TABLE old_users;' },
    { name: 'a temporary table', code: 'CREATE TEMP TABLE scratch (id int);\nDELETE FROM scratch;' },
  ],
  invalid: [{ name: 'the table lives on', code: 'DELETE FROM users;\nALTER TABLE users ADD COLUMN a int;', errors: [{ messageId: 'noWhere', range: '0:0-0:17' }] }],
});

ruleTester(banTruncate, {
  valid: [
    { name: 'a temporary table', code: 'CREATE TEMP TABLE scratch (id int);\nTRUNCATE scratch;' },
    { name: 'a table dropped later: that drop is ban-drop-table\'s finding', code: 'TRUNCATE old_users;\nDROP TABLE old_users;' },
  ],
  invalid: [{ name: 'only the tables that live on are named', code: 'TRUNCATE a, b;\nDROP TABLE a;', errors: [{ messageId: 'truncate', range: '0:0-0:13', message: 'TRUNCATE b deletes every row; a down migration cannot bring them back.' }] }],
});

ruleTester(banDropTable, {
  valid: [
    { name: 'a temporary table', code: 'CREATE TEMPORARY TABLE ids (id int);\nDROP TABLE ids;' },
    { name: 'the defensive drop before a temporary table of that name (the history never had it)', fileName: UP, files: HISTORY, code: 'DROP TABLE IF EXISTS ids;\nCREATE TEMP TABLE ids AS SELECT id FROM t;\nDROP TABLE ids;' },
    {
      name: 'copy and swap',
      code: 'CREATE TABLE t_new (id bigint PRIMARY KEY, a int);\nINSERT INTO t_new (id, a) SELECT id, a FROM t;\nDROP TABLE t;\nALTER TABLE t_new RENAME TO t;',
    },
    {
      name: 'rename and recreate',
      code: 'ALTER TABLE t RENAME TO _bkp_t;\nCREATE TABLE t (id bigint PRIMARY KEY, a int);\nINSERT INTO t SELECT id, a FROM _bkp_t;\nDROP TABLE _bkp_t;',
    },
  ],
  invalid: [
    {
      name: 'IF EXISTS of a table the history has, before a temporary table of its name',
      fileName: UP,
      files: HISTORY,
      code: 'DROP TABLE IF EXISTS t;\nCREATE TEMP TABLE t AS SELECT 1 AS id;',
      errors: [{ messageId: 'dropTable', range: '0:0-0:22' }],
    },
    {
      name: 'the copy keeps only some rows',
      code: 'CREATE TABLE t_new (id bigint, a int);\nINSERT INTO t_new SELECT id, a FROM t WHERE a > 0;\nDROP TABLE t;\nALTER TABLE t_new RENAME TO t;',
      errors: [{ messageId: 'dropTable', range: '2:0-2:12' }],
    },
    {
      name: 'the copy goes to a table that does not take the name',
      code: 'CREATE TABLE archive (id bigint, a int);\nINSERT INTO archive SELECT id, a FROM t;\nDROP TABLE t;',
      errors: [{ messageId: 'dropTable', range: '2:0-2:12' }],
    },
  ],
});

ruleTester(renamingTable, {
  valid: [{ name: 'rename and recreate: the old name is a table again', code: 'ALTER TABLE t RENAME TO _bkp_t;\nCREATE TABLE t (id bigint);\nINSERT INTO t SELECT id FROM _bkp_t;' }],
  invalid: [{ name: 'a table of the old name in another schema', code: 'ALTER TABLE t RENAME TO _bkp_t;\nCREATE TABLE app.t (id bigint);', errors: [{ messageId: 'renameTable', range: '0:0-0:30' }] }],
});

ruleTester(downDropsForeignObject, {
  valid: [
    {
      name: 'the backup copy of a rename and recreate',
      fileName: DOWN,
      files: { ...HISTORY, [UP]: 'ALTER TABLE t RENAME TO _bkp_t;\nCREATE TABLE t (id bigint PRIMARY KEY, a int);\nINSERT INTO t SELECT id, a FROM _bkp_t;' },
      code: 'DROP TABLE t;\nALTER TABLE _bkp_t RENAME TO t;\nDROP TABLE IF EXISTS _bkp_t;',
    },
  ],
  invalid: [
    {
      name: 'a plain rename creates nothing: dropping the renamed table loses its rows',
      fileName: DOWN,
      files: { ...HISTORY, [UP]: 'ALTER TABLE t RENAME TO accounts;' },
      code: 'DROP TABLE accounts;',
      errors: [{ messageId: 'dropTable', range: '0:0-0:19' }],
    },
  ],
});
