-- Re-creates what backup_export wrote, into an empty database. DuckDB cannot bind a parameter here:
-- backup.rs puts the folder in place of {folder} as a quoted string literal.
IMPORT DATABASE {folder}
