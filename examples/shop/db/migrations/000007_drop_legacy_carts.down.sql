CREATE TABLE legacy_carts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    payload jsonb NOT NULL
);
