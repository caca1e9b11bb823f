-- Whether the lake holds a published warehouse yet: its migrations ledger exists.
SELECT count(*) FROM duckdb_tables() WHERE database_name = 'lake' AND schema_name = 'ops' AND table_name = 'schema_migrations'
