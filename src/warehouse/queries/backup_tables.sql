-- Every table of the warehouse as `schema.table`, for a backup's row counts.
SELECT schema_name || '.' || table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND NOT temporary AND NOT internal
ORDER BY 1
