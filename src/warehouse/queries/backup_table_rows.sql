-- How many rows one table holds. Params: table (`schema.table`, as backup_tables lists it).
SELECT count(*) FROM query_table($table)
