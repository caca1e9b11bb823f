SELECT version, name, checksum FROM ops.schema_migrations ORDER BY version
