SELECT count(*) FROM ops.schema_migrations
