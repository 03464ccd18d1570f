DROP INDEX customers_tier_idx;
ALTER TABLE customers DROP COLUMN tier;
