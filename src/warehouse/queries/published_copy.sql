-- One mart table into a Parquet file of the read-only published copy (NA_PUBLISH_DIR). DuckDB binds
-- no parameter here: published.rs fills {table} with a name read from the catalog (never input) and
-- {file} with the configured folder's path as a quoted string literal.
COPY mart.{table} TO {file} (FORMAT parquet)
