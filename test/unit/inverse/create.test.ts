import { golden } from './golden';

describe('inverse: CREATE forms', () => {
  golden([
    { name: 'CREATE TABLE → DROP TABLE', up: 'CREATE TABLE users (id bigint PRIMARY KEY);', down: ['DROP TABLE users;'] },
    {
      name: 'CREATE TABLE IF NOT EXISTS, schema-qualified, reserved word → DROP TABLE IF EXISTS, quoted',
      up: 'CREATE TABLE IF NOT EXISTS app."user" (id int);',
      down: ['DROP TABLE IF EXISTS app."user";'],
    },
    { name: 'mixed-case table name stays quoted', up: 'CREATE TABLE "OrderItems" (id int);', down: ['DROP TABLE "OrderItems";'] },
    { name: 'non-ASCII table name is quoted', up: 'CREATE TABLE café (id int);', down: ['DROP TABLE "café";'] },
    { name: 'CREATE UNLOGGED TABLE', up: 'CREATE UNLOGGED TABLE cache (k text);', down: ['DROP TABLE cache;'] },
    { name: 'CREATE TABLE AS', up: 'CREATE TABLE snapshot AS SELECT 1 AS one;', down: ['DROP TABLE snapshot;'] },
    { name: 'CREATE FOREIGN TABLE', up: 'CREATE FOREIGN TABLE remote_users (id int) SERVER remote;', down: ['DROP FOREIGN TABLE remote_users;'] },
    {
      name: 'CREATE MATERIALIZED VIEW IF NOT EXISTS',
      up: 'CREATE MATERIALIZED VIEW IF NOT EXISTS reporting.daily AS SELECT 1 AS one;',
      down: ['DROP MATERIALIZED VIEW IF EXISTS reporting.daily;'],
    },
    { name: 'CREATE INDEX → DROP INDEX', up: 'CREATE INDEX users_email_idx ON users (email);', down: ['DROP INDEX users_email_idx;'] },
    {
      name: 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS on a schema-qualified table',
      up: 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Order_ref_key" ON shop."order" (ref);',
      down: ['DROP INDEX CONCURRENTLY IF EXISTS shop."Order_ref_key";'],
    },
    {
      name: 'unnamed index → irreversible, PostgreSQL chose the name',
      up: 'CREATE INDEX ON users (last_name, first_name);',
      down: [
        '-- TODO irreversible: CREATE INDEX on users has no name, so PostgreSQL chose it (by default users_last_name_first_name_idx); name the index in the up migration, or drop it here by its actual name',
      ],
    },
    {
      name: 'unnamed expression index → irreversible without a guessed name',
      up: 'CREATE INDEX ON app.users (lower(email));',
      down: [
        '-- TODO irreversible: CREATE INDEX on app.users has no name, so PostgreSQL chose it; name the index in the up migration, or drop it here by its actual name',
      ],
    },
    { name: 'CREATE TYPE AS ENUM → DROP TYPE', up: "CREATE TYPE app.mood AS ENUM ('sad', 'ok');", down: ['DROP TYPE app.mood;'] },
    { name: 'CREATE TYPE composite', up: 'CREATE TYPE pair AS (a int, b int);', down: ['DROP TYPE pair;'] },
    { name: 'CREATE TYPE range', up: 'CREATE TYPE floatrange AS RANGE (subtype = float8);', down: ['DROP TYPE floatrange;'] },
    { name: 'CREATE DOMAIN', up: 'CREATE DOMAIN "Email" AS text CHECK (VALUE LIKE \'%@%\');', down: ['DROP DOMAIN "Email";'] },
    { name: 'CREATE COLLATION IF NOT EXISTS', up: "CREATE COLLATION IF NOT EXISTS german (locale = 'de_DE');", down: ['DROP COLLATION IF EXISTS german;'] },
    { name: 'CREATE AGGREGATE', up: 'CREATE AGGREGATE my_sum(int4) (sfunc = int4pl, stype = int4);', down: ['DROP AGGREGATE my_sum(int4);'] },
    { name: 'CREATE EXTENSION', up: 'CREATE EXTENSION pgcrypto;', down: ['DROP EXTENSION pgcrypto;'] },
    {
      name: 'CREATE EXTENSION IF NOT EXISTS with a name that needs quoting',
      up: 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;',
      down: ['DROP EXTENSION IF EXISTS "uuid-ossp";'],
    },
    { name: 'CREATE SEQUENCE', up: 'CREATE SEQUENCE app.invoice_no START 1000;', down: ['DROP SEQUENCE app.invoice_no;'] },
    { name: 'CREATE SEQUENCE IF NOT EXISTS', up: 'CREATE SEQUENCE IF NOT EXISTS "Seq";', down: ['DROP SEQUENCE IF EXISTS "Seq";'] },
    { name: 'CREATE VIEW → DROP VIEW', up: 'CREATE VIEW app.active_users AS SELECT 1 AS one;', down: ['DROP VIEW app.active_users;'] },
    {
      name: 'CREATE OR REPLACE VIEW → irreversible: the earlier definition is unknown',
      up: 'CREATE OR REPLACE VIEW "order" AS SELECT 1 AS one;',
      down: [
        '-- TODO irreversible: CREATE OR REPLACE VIEW "order" may replace an earlier definition, which is unknown here; if the view is new, write DROP VIEW "order"; otherwise restore the earlier definition from the migration that created it',
      ],
    },
    {
      name: 'CREATE FUNCTION → DROP FUNCTION with IN, INOUT and VARIADIC argument types only',
      up: "CREATE FUNCTION app.f(a int, OUT b text, INOUT c numeric(10,2), VARIADIC d text[]) RETURNS record LANGUAGE sql AS 'select 1';",
      down: ['DROP FUNCTION app.f(integer, numeric(10,2), text[]);'],
    },
    {
      name: 'CREATE FUNCTION RETURNS TABLE leaves the table columns out; types are written back',
      up: "CREATE FUNCTION \"Lookup\"(IN k character varying(20), t timestamp with time zone, z double precision, tz timestamptz) RETURNS TABLE (v int) LANGUAGE sql AS 'select 1';",
      down: ['DROP FUNCTION "Lookup"(character varying(20), timestamp with time zone, double precision, timestamptz);'],
    },
    {
      name: 'CREATE FUNCTION without arguments, with a dollar-quoted body',
      up: 'CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$;',
      down: ['DROP FUNCTION touch_updated_at();'],
    },
    { name: 'CREATE PROCEDURE → DROP PROCEDURE', up: "CREATE PROCEDURE app.cleanup(days int) LANGUAGE sql AS 'select 1';", down: ['DROP PROCEDURE app.cleanup(integer);'] },
    {
      name: 'CREATE OR REPLACE FUNCTION → irreversible with the DROP to use when it is new',
      up: "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'select 1';",
      down: [
        '-- TODO irreversible: CREATE OR REPLACE FUNCTION f(integer) may replace an earlier definition, which is unknown here; if the function is new, write DROP FUNCTION f(integer); otherwise restore the earlier definition from the migration that created it',
      ],
    },
    { name: 'CREATE SCHEMA', up: 'CREATE SCHEMA billing;', down: ['DROP SCHEMA billing;'] },
    { name: 'CREATE SCHEMA IF NOT EXISTS, mixed case', up: 'CREATE SCHEMA IF NOT EXISTS "Billing";', down: ['DROP SCHEMA IF EXISTS "Billing";'] },
    { name: 'CREATE SCHEMA AUTHORIZATION names the schema after the role', up: 'CREATE SCHEMA AUTHORIZATION joe;', down: ['DROP SCHEMA joe;'] },
    { name: 'CREATE SCHEMA with elements drops them with it', up: 'CREATE SCHEMA k CREATE TABLE a (id int);', down: ['DROP SCHEMA k CASCADE;'] },
    {
      name: 'CREATE TRIGGER → DROP TRIGGER name ON table',
      up: 'CREATE TRIGGER set_updated_at BEFORE UPDATE ON app."user" FOR EACH ROW EXECUTE FUNCTION touch_updated_at();',
      down: ['DROP TRIGGER set_updated_at ON app."user";'],
    },
    {
      name: 'CREATE CONSTRAINT TRIGGER',
      up: 'CREATE CONSTRAINT TRIGGER "Check" AFTER INSERT ON t DEFERRABLE FOR EACH ROW EXECUTE FUNCTION f();',
      down: ['DROP TRIGGER "Check" ON t;'],
    },
    {
      name: 'CREATE OR REPLACE TRIGGER → irreversible',
      up: 'CREATE OR REPLACE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();',
      down: [
        '-- TODO irreversible: CREATE OR REPLACE TRIGGER tr ON t may replace an earlier trigger, which is unknown here; if the trigger is new, write DROP TRIGGER tr ON t; otherwise restore the earlier definition from the migration that created it',
      ],
    },
    { name: 'CREATE EVENT TRIGGER', up: 'CREATE EVENT TRIGGER audit_ddl ON ddl_command_start EXECUTE FUNCTION f();', down: ['DROP EVENT TRIGGER audit_ddl;'] },
    { name: 'CREATE POLICY', up: 'CREATE POLICY "own rows" ON app.docs USING (owner = current_user);', down: ['DROP POLICY "own rows" ON app.docs;'] },
    { name: 'CREATE RULE', up: 'CREATE RULE no_delete AS ON DELETE TO logs DO INSTEAD NOTHING;', down: ['DROP RULE no_delete ON logs;'] },
    { name: 'CREATE ROLE', up: 'CREATE ROLE readonly;', down: ['DROP ROLE readonly;'] },
  ]);
});
