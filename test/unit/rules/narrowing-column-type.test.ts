import * as assert from 'node:assert/strict';
import { narrowingColumnType as rule, narrowingLoss } from '../../../server/src/engine/rules/all/narrowing-column-type';
import { parseSql } from '../../../server/src/engine/parsing/parser';
import { ruleTester } from './tester';

const HISTORY = {
  '000001_init.up.sql': [
    'CREATE TABLE users (',
    '  id bigserial PRIMARY KEY,',
    '  name text,',
    '  email varchar(255),',
    '  code char(8),',
    '  visits bigint,',
    '  score integer,',
    '  price numeric(10,2),',
    '  ratio double precision,',
    '  seen_at timestamptz,',
    '  born_at timestamp,',
    '  active boolean,',
    '  tags text[],',
    '  mood mood_t',
    ');',
  ].join('\n'),
  '000001_init.down.sql': 'DROP TABLE users;',
  '000002_app.up.sql': 'CREATE SCHEMA app;\nCREATE TABLE app.items (qty int);\nALTER TABLE users ADD COLUMN nick varchar(40);',
};
const FILE = '000003_change.up.sql';
const c = (code: string) => ({ code, fileName: FILE, files: HISTORY });

ruleTester(rule, {
  valid: [
    { name: 'widening changes', ...c('ALTER TABLE users ALTER email TYPE varchar(300), ALTER email TYPE text, ALTER score TYPE bigint, ALTER price TYPE numeric(12,2), ALTER code TYPE varchar(8);') },
    { name: 'same type', ...c('ALTER TABLE users ALTER COLUMN name TYPE text;') },
    { name: 'timestamp to timestamptz, date from timestamp is other way', ...c('ALTER TABLE users ALTER born_at TYPE timestamptz;') },
    { name: 'a type this rule does not judge', ...c('ALTER TABLE users ALTER mood TYPE text, ALTER name TYPE mood_t USING name::mood_t;') },
    { name: 'array to element type is not judged', ...c('ALTER TABLE users ALTER tags TYPE varchar(10) USING tags[1];') },
    { name: 'an unknown table or column: nothing known, nothing reported', ...c('ALTER TABLE orders ALTER total TYPE integer;\nALTER TABLE users ALTER nope TYPE int;') },
    { name: 'a table created earlier in the same file', ...c('CREATE TABLE t (a text);\nALTER TABLE t ALTER a TYPE varchar(10);') },
    { name: 'a column added earlier in the same file', ...c('ALTER TABLE users ADD COLUMN x bigint;\nALTER TABLE users ALTER x TYPE int;') },
    { name: 'no history at all', code: 'ALTER TABLE users ALTER name TYPE varchar(10);' },
    // A zone without daylight saving time maps every instant to its own local time: nothing is lost.
    { name: 'timestamptz to timestamp after SET timezone TO utc (as lemmy\'s fix-timezones down does)', ...c('SET timezone TO utc;\nALTER TABLE users ALTER COLUMN seen_at TYPE timestamp USING seen_at;') },
    { name: "timestamptz to timestamp after SET TIME ZONE 'Etc/GMT+3', SET LOCAL TIME ZONE 0 or an interval", ...c("SET TIME ZONE 'Etc/GMT+3';\nALTER TABLE users ALTER seen_at TYPE timestamp;\nSET LOCAL TIME ZONE 0;\nALTER TABLE users ALTER seen_at TYPE timestamp;\nSET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE;\nALTER TABLE users ALTER seen_at TYPE timestamp;") },
    { name: "timestamptz to timestamp USING seen_at AT TIME ZONE 'UTC'", ...c("ALTER TABLE users ALTER seen_at TYPE timestamp USING seen_at AT TIME ZONE 'UTC';") },
    { name: 'a later migration is not history', code: 'ALTER TABLE users ALTER name TYPE varchar(10);', fileName: '000000_first.up.sql', files: HISTORY },
    '',
  ],
  invalid: [
    ...[
      ["SET timezone = 'Europe/Berlin';", 'a zone with daylight saving time'],
      ["SET timezone = 'UTC';\nRESET timezone;", 'the zone reset'],
      ["SET TIME ZONE 'UTC';\nSET TIME ZONE LOCAL;", 'SET TIME ZONE LOCAL'],
      ['', 'the server default zone (unknown)'],
    ].map(([before, name]) => ({
      name: `timestamptz to timestamp: ${name}`,
      ...c(`${before}${before ? '\n' : ''}ALTER TABLE users ALTER seen_at TYPE timestamp;\nSET TIME ZONE 'UTC';`),
      errors: [{ messageId: 'narrowing', range: `${before ? before.split('\n').length : 0}:18-${before ? before.split('\n').length : 0}:46` }],
    })),
    {
      name: "timestamptz to timestamp USING ... AT TIME ZONE a zone with daylight saving time",
      ...c("SET TIME ZONE 'UTC';\nALTER TABLE users ALTER seen_at TYPE timestamp USING seen_at AT TIME ZONE 'America/New_York';"),
      errors: [{ messageId: 'narrowing', range: '1:18-1:92' }],
    },
    {
      name: 'text to varchar(n): the range is the subcommand',
      ...c('ALTER TABLE users ALTER COLUMN name TYPE varchar(50);'),
      errors: [
        {
          messageId: 'narrowing',
          range: '0:18-0:52',
          message:
            'Changing users.name from text to character varying(50) can lose data: values longer than 50 characters make the change fail, or are cut short by an explicit cast in USING.',
        },
      ],
    },
    {
      name: 'every narrowing kind, one ALTER TABLE',
      ...c(
        [
          'ALTER TABLE users',
          '  ALTER email TYPE varchar(100),',
          '  ALTER code TYPE char(4),',
          '  ALTER visits TYPE int,',
          '  ALTER score TYPE smallint,',
          '  ALTER price TYPE numeric(10,1),',
          '  ALTER ratio TYPE real,',
          '  ALTER seen_at TYPE timestamp,',
          '  ALTER born_at TYPE date,',
          '  ALTER active TYPE boolean,',
          '  ALTER id TYPE integer;',
        ].join('\n'),
      ),
      errors: [
        { messageId: 'narrowing', range: '1:2-1:31', message: 'Changing users.email from character varying(255) to character varying(100) can lose data: values longer than 100 characters make the change fail, or are cut short by an explicit cast in USING.' },
        { messageId: 'narrowing', range: '2:2-2:25', message: 'Changing users.code from character(8) to character(4) can lose data: values longer than 4 characters make the change fail, or are cut short by an explicit cast in USING.' },
        { messageId: 'narrowing', range: '3:2-3:23', message: 'Changing users.visits from bigint to integer can lose data: values outside the range of integer make the change fail.' },
        { messageId: 'narrowing', range: '4:2-4:27', message: 'Changing users.score from integer to smallint can lose data: values outside the range of smallint make the change fail.' },
        { messageId: 'narrowing', range: '5:2-5:32', message: 'Changing users.price from numeric(10,2) to numeric(10,1) can lose data: values are rounded to 1 decimal places silently.' },
        { messageId: 'narrowing', range: '6:2-6:23', message: 'Changing users.ratio from double precision to real can lose data: values keep only about 6 significant digits (real), rounded silently.' },
        { messageId: 'narrowing', range: '7:2-7:30', message: "Changing users.seen_at from timestamp with time zone to timestamp can lose data: values become local times of the session's time zone: unless that zone is a fixed offset (SET TIME ZONE 'UTC' first), the instants of each repeated daylight-saving hour collapse into the same values." },
        { messageId: 'narrowing', range: '8:2-8:25', message: 'Changing users.born_at from timestamp to date can lose data: the time of day is dropped.' },
        { messageId: 'narrowing', range: '10:2-10:23', message: 'Changing users.id from bigint to integer can lose data: values outside the range of integer make the change fail.' },
      ],
    },
    {
      name: 'any to boolean, timestamptz to date; a column added by a later migration of the history; schema-qualified',
      ...c('ALTER TABLE users ALTER score TYPE boolean USING score > 0, ALTER seen_at SET DATA TYPE date;\nALTER TABLE users ALTER nick TYPE varchar(20);\nALTER TABLE app.items ALTER qty TYPE smallint;'),
      errors: [
        { messageId: 'narrowing', range: '0:18-0:58', message: 'Changing users.score from integer to boolean can lose data: every value becomes true or false (or the change fails), the original values are gone.' },
        { messageId: 'narrowing', range: '0:60-0:92', message: 'Changing users.seen_at from timestamp with time zone to date can lose data: the time of day is dropped.' },
        { messageId: 'narrowing', range: '1:18-1:45' },
        { messageId: 'narrowing', range: '2:22-2:45', message: 'Changing app.items.qty from integer to smallint can lose data: values outside the range of smallint make the change fail.' },
      ],
    },
    {
      name: 'an earlier statement of the same file changed the type first',
      ...c('ALTER TABLE users ALTER name TYPE varchar(100);\n-- später 🚀\nALTER TABLE users ALTER name TYPE varchar(30);'),
      errors: [
        { messageId: 'narrowing', range: '0:18-0:46' },
        { messageId: 'narrowing', range: '2:18-2:45', message: 'Changing users.name from character varying(100) to character varying(30) can lose data: values longer than 30 characters make the change fail, or are cut short by an explicit cast in USING.' },
      ],
    },
    {
      name: 'a down file: the schema after its up',
      code: 'ALTER TABLE users ALTER nick TYPE varchar(10);',
      fileName: '000002_app.down.sql',
      files: HISTORY,
      errors: [{ messageId: 'narrowing', range: '0:18-0:45' }],
    },
  ],
});

describe('narrowingLoss', () => {
  const types = (sql: string) =>
    parseSql(`ALTER TABLE t ${sql}`).statements[0]!.ast!;
  const pair = (from: string, to: string): string | undefined => {
    const ast = types(`ALTER a TYPE ${from}, ALTER b TYPE ${to}`) as { AlterTableStmt: { cmds: { AlterTableCmd: { def: { ColumnDef: { typeName: never } } } }[] } };
    const [a, b] = ast.AlterTableStmt.cmds.map((cmd) => cmd.AlterTableCmd.def.ColumnDef.typeName);
    return narrowingLoss(a, b);
  };

  it('judges numeric precision and scale, integers into numeric, floats and numerics into integers', () => {
    assert.equal(pair('numeric(10,2)', 'numeric(8,2)'), 'values with more than 6 integer digits make the change fail');
    assert.equal(pair('numeric(10,2)', 'numeric(9,1)'), 'values are rounded to 1 decimal places silently');
    assert.equal(pair('numeric(10,2)', 'numeric(12,2)'), undefined);
    assert.equal(pair('numeric', 'numeric(12,2)'), 'values are rounded to 2 decimal places, and values with more than 10 integer digits make the change fail');
    assert.equal(pair('bigint', 'numeric(10)'), 'values with more than 10 integer digits make the change fail');
    assert.equal(pair('int', 'numeric(10)'), undefined);
    assert.equal(pair('numeric(10,2)', 'bigint'), 'fractions are rounded away silently, and values outside the range of bigint make the change fail');
    assert.equal(pair('real', 'integer'), 'fractions are rounded away silently, and values outside the range of integer make the change fail');
    assert.equal(pair('timestamp(3)', 'time'), 'the date is dropped');
  });

  it('leaves what it does not know alone', () => {
    assert.equal(pair('varchar', 'varchar(10)'), 'values longer than 10 characters make the change fail, or are cut short by an explicit cast in USING');
    assert.equal(pair('int', 'text'), undefined);
    assert.equal(pair('myschema.money_t', 'int'), undefined);
    assert.equal(pair('text[]', 'varchar(3)[]'), 'values longer than 3 characters make the change fail, or are cut short by an explicit cast in USING');
    assert.equal(pair('bool', 'boolean'), undefined);
  });
});
