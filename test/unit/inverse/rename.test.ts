import { golden } from './golden';

describe('inverse: RENAME', () => {
  golden([
    { name: 'RENAME TABLE → rename back', up: 'ALTER TABLE users RENAME TO accounts;', down: ['ALTER TABLE accounts RENAME TO users;'] },
    {
      name: 'RENAME TABLE in a schema: the renamed table stays in that schema',
      up: 'ALTER TABLE IF EXISTS app."Order" RENAME TO "order";',
      down: ['ALTER TABLE IF EXISTS app."order" RENAME TO "Order";'],
    },
    { name: 'RENAME COLUMN → rename back', up: 'ALTER TABLE app.users RENAME COLUMN "user" TO user_name;', down: ['ALTER TABLE app.users RENAME COLUMN user_name TO "user";'] },
    { name: 'RENAME COLUMN with non-ASCII names', up: 'ALTER TABLE t RENAME nom TO prénom;', down: ['ALTER TABLE t RENAME COLUMN "prénom" TO nom;'] },
    { name: 'RENAME CONSTRAINT', up: 'ALTER TABLE t RENAME CONSTRAINT a_key TO "B_key";', down: ['ALTER TABLE t RENAME CONSTRAINT "B_key" TO a_key;'] },
    { name: 'ALTER INDEX RENAME', up: 'ALTER INDEX app.i1 RENAME TO i2;', down: ['ALTER INDEX app.i2 RENAME TO i1;'] },
    { name: 'ALTER VIEW RENAME', up: 'ALTER VIEW v1 RENAME TO v2;', down: ['ALTER VIEW v2 RENAME TO v1;'] },
    { name: 'ALTER VIEW RENAME COLUMN', up: 'ALTER VIEW v RENAME COLUMN a TO b;', down: ['ALTER VIEW v RENAME COLUMN b TO a;'] },
    { name: 'ALTER MATERIALIZED VIEW RENAME', up: 'ALTER MATERIALIZED VIEW IF EXISTS m1 RENAME TO m2;', down: ['ALTER MATERIALIZED VIEW IF EXISTS m2 RENAME TO m1;'] },
    { name: 'ALTER SEQUENCE RENAME', up: 'ALTER SEQUENCE s1 RENAME TO s2;', down: ['ALTER SEQUENCE s2 RENAME TO s1;'] },
    { name: 'ALTER TYPE RENAME', up: 'ALTER TYPE app.mood RENAME TO feeling;', down: ['ALTER TYPE app.feeling RENAME TO mood;'] },
    { name: 'ALTER TYPE RENAME ATTRIBUTE', up: 'ALTER TYPE pair RENAME ATTRIBUTE a TO x;', down: ['ALTER TYPE pair RENAME ATTRIBUTE x TO a;'] },
    { name: 'ALTER DOMAIN RENAME', up: 'ALTER DOMAIN email RENAME TO email_address;', down: ['ALTER DOMAIN email_address RENAME TO email;'] },
    { name: 'ALTER DOMAIN RENAME CONSTRAINT', up: 'ALTER DOMAIN email RENAME CONSTRAINT c1 TO c2;', down: ['ALTER DOMAIN email RENAME CONSTRAINT c2 TO c1;'] },
    { name: 'ALTER FUNCTION RENAME keeps the argument types', up: 'ALTER FUNCTION app.f(int, text) RENAME TO g;', down: ['ALTER FUNCTION app.g(integer, text) RENAME TO f;'] },
    { name: 'ALTER PROCEDURE RENAME', up: 'ALTER PROCEDURE p() RENAME TO q;', down: ['ALTER PROCEDURE q() RENAME TO p;'] },
    { name: 'ALTER TRIGGER RENAME', up: 'ALTER TRIGGER a ON app.t RENAME TO b;', down: ['ALTER TRIGGER b ON app.t RENAME TO a;'] },
    { name: 'ALTER POLICY RENAME', up: 'ALTER POLICY p1 ON t RENAME TO p2;', down: ['ALTER POLICY p2 ON t RENAME TO p1;'] },
    { name: 'ALTER SCHEMA RENAME', up: 'ALTER SCHEMA old RENAME TO "New";', down: ['ALTER SCHEMA "New" RENAME TO old;'] },
    { name: 'ALTER ROLE RENAME', up: 'ALTER ROLE a RENAME TO b;', down: ['ALTER ROLE b RENAME TO a;'] },
  ]);
});
