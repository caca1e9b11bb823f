-- The mart tables a published copy holds: what the endpoints read.
SELECT table_name FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'mart' AND NOT temporary
ORDER BY 1
