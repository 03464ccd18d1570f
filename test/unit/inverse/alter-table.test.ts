import { golden } from './golden';

describe('inverse: ALTER TABLE', () => {
  golden([
    { name: 'ADD COLUMN → DROP COLUMN', up: 'ALTER TABLE users ADD COLUMN email text;', down: ['ALTER TABLE users DROP COLUMN email;'] },
    {
      name: 'ADD COLUMN IF NOT EXISTS on a schema-qualified reserved word → DROP COLUMN IF EXISTS',
      up: 'ALTER TABLE app."order" ADD COLUMN IF NOT EXISTS "Total" numeric(10,2) NOT NULL DEFAULT 0;',
      down: ['ALTER TABLE app."order" DROP COLUMN IF EXISTS "Total";'],
    },
    {
      name: 'IF EXISTS and ONLY are kept',
      up: 'ALTER TABLE IF EXISTS ONLY measurements ADD CONSTRAINT measurements_positive CHECK (v > 0);',
      down: ['ALTER TABLE IF EXISTS ONLY measurements DROP CONSTRAINT measurements_positive;'],
    },
    {
      name: 'ADD CONSTRAINT name → DROP CONSTRAINT name',
      up: 'ALTER TABLE orders ADD CONSTRAINT "orders_User_fk" FOREIGN KEY (user_id) REFERENCES "user" (id) NOT VALID;',
      down: ['ALTER TABLE orders DROP CONSTRAINT "orders_User_fk";'],
    },
    {
      name: 'unnamed PRIMARY KEY → irreversible, with the default name',
      up: 'ALTER TABLE users ADD PRIMARY KEY (id);',
      down: [
        '-- TODO irreversible: ADD PRIMARY KEY on users has no constraint name, so PostgreSQL chose it (by default users_pkey); name it with ADD CONSTRAINT name in the up migration, or drop it here by its actual name',
      ],
    },
    {
      name: 'unnamed UNIQUE and FOREIGN KEY → irreversible, with their default names',
      up: 'ALTER TABLE users ADD UNIQUE (email, tenant_id), ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id);',
      down: [
        '-- TODO irreversible: ADD FOREIGN KEY on users has no constraint name, so PostgreSQL chose it (by default users_tenant_id_fkey); name it with ADD CONSTRAINT name in the up migration, or drop it here by its actual name',
        '-- TODO irreversible: ADD UNIQUE on users has no constraint name, so PostgreSQL chose it (by default users_email_tenant_id_key); name it with ADD CONSTRAINT name in the up migration, or drop it here by its actual name',
      ],
    },
    {
      name: 'unnamed CHECK → irreversible without a guessed name',
      up: 'ALTER TABLE users ADD CHECK (age > 0);',
      down: [
        '-- TODO irreversible: ADD CHECK on users has no constraint name, so PostgreSQL chose it; name it with ADD CONSTRAINT name in the up migration, or drop it here by its actual name',
      ],
    },
    {
      name: 'ADD CONSTRAINT USING INDEX of an index that existed before → irreversible',
      up: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;',
      down: [
        '-- TODO irreversible: ADD CONSTRAINT users_email_key USING INDEX users_email_idx on users: dropping the constraint also drops the index, which existed before this migration; drop the constraint and recreate index users_email_idx by hand',
      ],
    },
    { name: 'SET NOT NULL → DROP NOT NULL', up: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', down: ['ALTER TABLE users ALTER COLUMN email DROP NOT NULL;'] },
    { name: 'DROP NOT NULL → SET NOT NULL', up: 'ALTER TABLE users ALTER "Email" DROP NOT NULL;', down: ['ALTER TABLE users ALTER COLUMN "Email" SET NOT NULL;'] },
    {
      name: 'several subcommands → one ALTER with their inverses in reverse order',
      up: 'ALTER TABLE app.users ADD COLUMN a int, ADD COLUMN "B" text, ADD CONSTRAINT users_a_check CHECK (a > 0), ALTER COLUMN c SET NOT NULL;',
      down: ['ALTER TABLE app.users ALTER COLUMN c DROP NOT NULL, DROP CONSTRAINT users_a_check, DROP COLUMN "B", DROP COLUMN a;'],
    },
    {
      name: 'reversible and irreversible subcommands mixed → SQL for what can be undone, TODO lines in order',
      up: 'ALTER TABLE users ADD COLUMN a int, ALTER COLUMN name TYPE varchar(100), ADD COLUMN b int, DROP COLUMN legacy;',
      down: [
        '-- TODO irreversible: DROP COLUMN users.legacy deletes the column and its data; restore them from a backup',
        'ALTER TABLE users DROP COLUMN b;',
        '-- TODO irreversible: ALTER COLUMN name TYPE on users: the earlier type is unknown here, and converting back may lose data; write the reverse conversion by hand',
        'ALTER TABLE users DROP COLUMN a;',
      ],
    },
    {
      name: 'SET DEFAULT on an existing column → irreversible',
      up: 'ALTER TABLE users ALTER COLUMN active SET DEFAULT true;',
      down: [
        '-- TODO irreversible: SET DEFAULT on users.active: the earlier default is unknown here; restore it with ALTER COLUMN ... SET DEFAULT (or DROP DEFAULT if there was none)',
      ],
    },
    {
      name: 'SET DEFAULT on a column added by the same statement needs no undo',
      up: 'ALTER TABLE users ADD COLUMN active boolean, ALTER COLUMN active SET DEFAULT true;',
      down: ['-- Nothing to undo: ALTER COLUMN active SET DEFAULT only changes users.active, which this migration creates', 'ALTER TABLE users DROP COLUMN active;'],
    },
    {
      name: 'DROP DEFAULT → irreversible',
      up: 'ALTER TABLE users ALTER COLUMN active DROP DEFAULT;',
      down: ['-- TODO irreversible: DROP DEFAULT on users.active: the dropped default is unknown here; restore it with ALTER COLUMN ... SET DEFAULT'],
    },
    {
      name: 'DROP CONSTRAINT → irreversible',
      up: 'ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_key;',
      down: ['-- TODO irreversible: DROP CONSTRAINT users_email_key on users: its definition is unknown here; add it back as the migration that created it did'],
    },
    {
      name: 'VALIDATE CONSTRAINT → nothing to undo',
      up: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
      down: ['-- Nothing to undo: VALIDATE CONSTRAINT orders_user_fk on orders only checks existing rows'],
    },
    {
      name: 'row level security, logged, triggers and inheritance flip back',
      up: 'ALTER TABLE docs ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY, SET UNLOGGED, DISABLE TRIGGER audit, INHERIT base;',
      down: ['ALTER TABLE docs NO INHERIT base, ENABLE TRIGGER audit, SET LOGGED, NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY;'],
    },
    { name: 'ADD GENERATED AS IDENTITY → DROP IDENTITY', up: 'ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;', down: ['ALTER TABLE t ALTER COLUMN id DROP IDENTITY;'] },
    {
      name: 'ATTACH PARTITION → DETACH PARTITION',
      up: "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      down: ['ALTER TABLE events DETACH PARTITION events_2024;'],
    },
    {
      name: 'DETACH PARTITION → irreversible',
      up: 'ALTER TABLE events DETACH PARTITION events_2023;',
      down: ['-- TODO irreversible: DETACH PARTITION events_2023 from events: its partition bounds are unknown here; ATTACH it back with FOR VALUES ... by hand'],
    },
    {
      name: 'other settings → irreversible, naming the subcommand',
      up: 'ALTER TABLE users OWNER TO app, SET (fillfactor = 70);',
      down: [
        '-- TODO irreversible: SET (storage parameters) on users: the earlier setting is unknown here; restore it by hand',
        '-- TODO irreversible: OWNER TO on users: the earlier setting is unknown here; restore it by hand',
      ],
    },
    { name: 'ALTER TYPE ADD ATTRIBUTE → DROP ATTRIBUTE', up: 'ALTER TYPE pair ADD ATTRIBUTE c text;', down: ['ALTER TYPE pair DROP ATTRIBUTE c;'] },
    { name: 'ALTER FOREIGN TABLE ADD COLUMN', up: 'ALTER FOREIGN TABLE remote ADD COLUMN x int;', down: ['ALTER FOREIGN TABLE remote DROP COLUMN x;'] },
    { name: 'non-ASCII column name', up: 'ALTER TABLE clients ADD COLUMN prénom text;', down: ['ALTER TABLE clients DROP COLUMN "prénom";'] },
  ]);
});

describe('inverse: ALTER TYPE / ALTER DOMAIN', () => {
  golden([
    {
      name: 'ALTER TYPE RENAME VALUE → rename it back',
      up: "ALTER TYPE mood RENAME VALUE 'meh' TO 'it''s ok';",
      down: ["ALTER TYPE mood RENAME VALUE 'it''s ok' TO 'meh';"],
    },
    {
      name: 'ALTER TYPE ADD VALUE → irreversible: enums cannot lose a value',
      up: "ALTER TYPE app.mood ADD VALUE IF NOT EXISTS 'happy' AFTER 'ok';",
      down: [
        "-- TODO irreversible: ALTER TYPE app.mood ADD VALUE 'happy': PostgreSQL cannot remove a value from an enum; recreate the type without it (and convert the columns that use it) by hand",
      ],
    },
    {
      name: 'ALTER TYPE ADD VALUE on an enum this migration creates needs no undo',
      up: "CREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'happy';",
      down: ['-- Nothing to undo: ALTER TYPE mood ADD VALUE only changes mood, which this migration creates', '', 'DROP TYPE mood;'],
    },
    { name: 'ALTER DOMAIN ADD CONSTRAINT → DROP CONSTRAINT', up: 'ALTER DOMAIN "Email" ADD CONSTRAINT email_at CHECK (VALUE LIKE \'%@%\');', down: ['ALTER DOMAIN "Email" DROP CONSTRAINT email_at;'] },
    { name: 'ALTER DOMAIN SET NOT NULL → DROP NOT NULL', up: 'ALTER DOMAIN app.email SET NOT NULL;', down: ['ALTER DOMAIN app.email DROP NOT NULL;'] },
    {
      name: 'ALTER DOMAIN DROP CONSTRAINT → irreversible',
      up: 'ALTER DOMAIN email DROP CONSTRAINT email_at;',
      down: ['-- TODO irreversible: ALTER DOMAIN email DROP CONSTRAINT email_at: its definition is unknown here; add it back as the migration that created it did'],
    },
  ]);
});
