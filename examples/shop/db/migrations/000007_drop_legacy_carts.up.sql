-- migration-guard-ignore ban-drop-table -- carts moved to the cart service in 2025; nothing has written here since
DROP TABLE legacy_carts;
