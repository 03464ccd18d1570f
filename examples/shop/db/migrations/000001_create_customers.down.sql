DROP TABLE legacy_carts;
DROP TABLE customers;
