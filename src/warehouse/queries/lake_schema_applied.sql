-- The migrations the lake's tables were published from: version and checksum, in order.
SELECT version, checksum FROM lake.ops.schema_migrations ORDER BY version
