-- The last schema migration applied: its version and name.
SELECT version, name FROM ops.schema_migrations ORDER BY version DESC LIMIT 1
