-- Every schema, sequence, table and row into a new folder: schema.sql, load.sql and a Parquet file
-- per table. Inside a transaction it exports that transaction's snapshot. DuckDB cannot bind a
-- parameter here: backup.rs puts the folder in place of {folder} as a quoted string literal.
EXPORT DATABASE {folder} (FORMAT parquet)
