import { addingForeignKeyConstraint as rule } from '../../../server/src/engine/rules/all/adding-foreign-key-constraint';
import { ruleTester } from './tester';

ruleTester(rule, {
  valid: [
    { name: 'NOT VALID: no scan, brief locks', code: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;' },
    { name: 'a table created in the file', code: 'CREATE TABLE orders (id int, user_id int);\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);' },
    { name: 'CREATE TABLE with REFERENCES', code: 'CREATE TABLE orders (id int, user_id int REFERENCES users (id));' },
    'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;',
  ],
  invalid: [
    {
      name: 'ADD CONSTRAINT FOREIGN KEY and ADD COLUMN REFERENCES: both tables locked; the range is the subcommand',
      code: 'ALTER TABLE orders\n  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES app.users (id),\n  ADD COLUMN shop_id int REFERENCES shops;',
      errors: [
        {
          messageId: 'foreignKey',
          range: '1:2-1:79',
          message:
            'Adding foreign key orders_user_fk takes a SHARE ROW EXCLUSIVE lock on orders and on app.users while it checks every row: inserts, updates and deletes on both wait until the migration commits, and so does every query queued behind the lock.',
        },
        {
          messageId: 'foreignKeyColumn',
          range: '2:2-2:41',
          message:
            'Adding column shop_id with a foreign key to shops also takes a SHARE ROW EXCLUSIVE lock on shops: inserts, updates and deletes on it wait until the migration commits, as on orders, and so does every query queued behind the lock.',
        },
      ],
    },
  ],
});
