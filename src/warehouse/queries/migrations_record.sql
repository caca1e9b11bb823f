-- Params: version, name, checksum, applied_at.
INSERT INTO ops.schema_migrations (version, name, checksum, applied_at)
VALUES ($version, $name, $checksum, $applied_at)
