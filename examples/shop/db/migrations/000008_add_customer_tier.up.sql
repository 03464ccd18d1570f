ALTER TABLE customers
    ADD COLUMN tier text NOT NULL DEFAULT 'standard'
    CHECK (tier IN ('standard', 'gold', 'platinum');

CREATE INDEX customers_tier_idx ON customers (tier);
