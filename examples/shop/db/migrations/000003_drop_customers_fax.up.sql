-- The down migration can bring the column back, but not the fax numbers it held.
ALTER TABLE customers DROP COLUMN fax;
