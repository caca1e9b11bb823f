-- The writer's bookkeeping that moves without a data refresh (run records, trained models, the
-- schema it migrated to), copied into the attached lake in the publishing transaction.
CREATE SCHEMA IF NOT EXISTS lake.ml;
CREATE SCHEMA IF NOT EXISTS lake.ops;
CREATE OR REPLACE TABLE lake.ops.schema_migrations AS FROM ops.schema_migrations;
CREATE OR REPLACE TABLE lake.ops.ingest_runs AS FROM ops.ingest_runs;
CREATE OR REPLACE TABLE lake.ml.models AS FROM ml.models;
