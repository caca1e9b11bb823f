-- Facts the analytics endpoints aggregate, rebuilt inside every refresh that changes data (after
-- the title identity, which they join on).

-- Row totals of a run, so /metrics can count rows loaded per source without parsing file reports.
ALTER TABLE ops.ingest_runs ADD COLUMN rows_read BIGINT;
ALTER TABLE ops.ingest_runs ADD COLUMN rows_inserted BIGINT;
ALTER TABLE ops.ingest_runs ADD COLUMN rows_updated BIGINT;
ALTER TABLE ops.ingest_runs ADD COLUMN rows_rejected BIGINT;

-- Global Top 10 rows with their title; kept in week order for range scans.
CREATE TABLE mart.global_title_weeks (
    week                        DATE NOT NULL,
    category                    VARCHAR NOT NULL,
    weekly_rank                 INTEGER NOT NULL,
    title_id                    BIGINT NOT NULL,
    show_title                  VARCHAR NOT NULL,
    season_title                VARCHAR,
    kind                        VARCHAR NOT NULL,
    weekly_hours_viewed         BIGINT,
    weekly_views                BIGINT,
    cumulative_weeks_in_top_10  INTEGER
);

-- Country Top 10 rows with their title; kept in country, week order.
CREATE TABLE mart.country_title_weeks (
    country_iso2                VARCHAR NOT NULL,
    week                        DATE NOT NULL,
    category                    VARCHAR NOT NULL,
    weekly_rank                 INTEGER NOT NULL,
    title_id                    BIGINT NOT NULL,
    show_title                  VARCHAR NOT NULL,
    season_title                VARCHAR,
    cumulative_weeks_in_top_10  INTEGER
);

-- Every video with its latest statistics snapshot and, when it matched one, its title.
CREATE TABLE mart.videos (
    video_id          VARCHAR NOT NULL,
    title_id          BIGINT,
    video_title       VARCHAR NOT NULL,
    published_at      TIMESTAMP NOT NULL,
    duration_seconds  BIGINT,
    category          VARCHAR,
    view_count        BIGINT,
    like_count        BIGINT,
    comment_count     BIGINT,
    captured_on       DATE
);

-- A title's catalog genres.
CREATE TABLE mart.title_genres (
    title_id  BIGINT NOT NULL,
    genre     VARCHAR NOT NULL
);
