-- Layers of the warehouse:
--   raw   rows exactly as received, with lineage (run, source URL, fetch time, line)
--   stage typed, validated, one row per natural key; the history every mart is built from
--   mart  what the HTTP endpoints read; rebuilt from stage inside each refresh's transaction
--   ops   run records and warehouse bookkeeping
-- ops itself is created by the migration runner, which keeps its ledger there.
CREATE SCHEMA raw;
CREATE SCHEMA stage;
CREATE SCHEMA mart;

CREATE SEQUENCE ops.ingest_run_id START 1;

-- One row per ingestion run. Written outside the data transaction, so a failed run is still recorded.
-- Times are UTC.
CREATE TABLE ops.ingest_runs (
    id            BIGINT PRIMARY KEY DEFAULT nextval('ops.ingest_run_id'),
    source        VARCHAR NOT NULL,
    trigger       VARCHAR NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    requested_at  TIMESTAMP NOT NULL,
    started_at    TIMESTAMP,
    finished_at   TIMESTAMP,
    error_code    VARCHAR,
    error_message VARCHAR,
    data_version  BIGINT,
    -- JSON array of per-file reports (rows read/inserted/updated/rejected, samples, errors).
    files         VARCHAR NOT NULL DEFAULT '[]',
    -- YouTube runs: quota units spent. Runs of one Pacific-time day share NA_YOUTUBE_DAILY_QUOTA.
    quota_units   BIGINT,
    -- Runs of `all`: JSON array of the source runs it made, in order.
    steps         VARCHAR NOT NULL DEFAULT '[]'
);

-- The data version moves by one with every committed refresh that changed data; caches and ETags key on it.
CREATE TABLE ops.warehouse_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    data_version    BIGINT NOT NULL,
    changed_at      TIMESTAMP,
    changed_by_run  BIGINT
);
INSERT INTO ops.warehouse_state VALUES (1, 0, NULL, NULL);

-- The last file loaded per source and name: a byte-identical download is skipped, which keeps
-- re-ingestion idempotent down to the raw layer's lineage columns.
CREATE TABLE ops.source_files (
    source     VARCHAR NOT NULL,
    file       VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    bytes      BIGINT NOT NULL,
    url        VARCHAR NOT NULL,
    run_id     BIGINT NOT NULL,
    loaded_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (source, file)
);
