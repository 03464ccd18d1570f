-- golang-migrate ignores this file: its name lacks the ".down" before ".sql".
DROP INDEX orders_status_idx;
