ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;
