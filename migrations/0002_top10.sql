-- Netflix Top 10. Stage and mart tables carry no PRIMARY KEY: DuckDB checks index constraints eagerly
-- within a transaction, and a refresh deletes and re-inserts the same keys in one. Uniqueness of
-- (week, category, weekly_rank) and (country_iso2, week, category, weekly_rank) is enforced by the
-- loader, which only accepts complete lists with ranks 1-10 once each.

-- raw: the latest revision of each file as received, every data line including rejected ones.
-- Columns are text; a column absent from that revision's header is NULL.
CREATE TABLE raw.top10_global (
    run_id                      BIGINT NOT NULL,
    source_url                  VARCHAR NOT NULL,
    fetched_at                  TIMESTAMP NOT NULL,
    line_no                     INTEGER NOT NULL,
    week                        VARCHAR,
    category                    VARCHAR,
    weekly_rank                 VARCHAR,
    show_title                  VARCHAR,
    season_title                VARCHAR,
    weekly_hours_viewed         VARCHAR,
    runtime                     VARCHAR,
    weekly_views                VARCHAR,
    cumulative_weeks_in_top_10  VARCHAR,
    is_staggered_launch         VARCHAR,
    episode_launch_details      VARCHAR,
    runtime_override_flag       VARCHAR
);

CREATE TABLE raw.top10_countries (
    run_id                      BIGINT NOT NULL,
    source_url                  VARCHAR NOT NULL,
    fetched_at                  TIMESTAMP NOT NULL,
    line_no                     INTEGER NOT NULL,
    country_name                VARCHAR,
    country_iso2                VARCHAR,
    week                        VARCHAR,
    category                    VARCHAR,
    weekly_rank                 VARCHAR,
    show_title                  VARCHAR,
    season_title                VARCHAR,
    cumulative_weeks_in_top_10  VARCHAR
);

CREATE TABLE raw.top10_most_popular (
    run_id                      BIGINT NOT NULL,
    source_url                  VARCHAR NOT NULL,
    fetched_at                  TIMESTAMP NOT NULL,
    line_no                     INTEGER NOT NULL,
    category                    VARCHAR,
    rank                        VARCHAR,
    show_title                  VARCHAR,
    season_title                VARCHAR,
    hours_viewed_first_91_days  VARCHAR,
    runtime                     VARCHAR,
    views_first_91_days         VARCHAR,
    hours_viewed_first_28_days  VARCHAR
);

-- stage: typed history. `N/A` and empty cells are NULL. run_id is the run that last changed the row's list.
CREATE TABLE stage.top10_global (
    week                        DATE NOT NULL,
    category                    VARCHAR NOT NULL,
    weekly_rank                 INTEGER NOT NULL CHECK (weekly_rank BETWEEN 1 AND 10),
    show_title                  VARCHAR NOT NULL,
    season_title                VARCHAR,
    weekly_hours_viewed         BIGINT,
    runtime                     DOUBLE,
    weekly_views                BIGINT,
    cumulative_weeks_in_top_10  INTEGER,
    -- Only in the 2023-07 to 2025-06 revisions of the file.
    is_staggered_launch         BOOLEAN,
    episode_launch_details      VARCHAR,
    runtime_override_flag       VARCHAR,
    run_id                      BIGINT NOT NULL
);

CREATE TABLE stage.top10_countries (
    country_iso2                VARCHAR NOT NULL,
    country_name                VARCHAR NOT NULL,
    week                        DATE NOT NULL,
    category                    VARCHAR NOT NULL,
    weekly_rank                 INTEGER NOT NULL CHECK (weekly_rank BETWEEN 1 AND 10),
    show_title                  VARCHAR NOT NULL,
    season_title                VARCHAR,
    cumulative_weeks_in_top_10  INTEGER,
    run_id                      BIGINT NOT NULL
);

CREATE TABLE stage.top10_most_popular (
    category                    VARCHAR NOT NULL,
    rank                        INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 10),
    show_title                  VARCHAR NOT NULL,
    season_title                VARCHAR,
    hours_viewed_first_91_days  BIGINT,
    runtime                     DOUBLE,
    views_first_91_days         BIGINT,
    -- The list before 2023-06 ranked by hours in the first 28 days.
    hours_viewed_first_28_days  BIGINT,
    run_id                      BIGINT NOT NULL
);

-- load: a revision's accepted rows while a refresh compares them with stage; empty between refreshes.
-- These are ordinary tables, not TEMP ones: rows appended to a temporary table inside a transaction
-- went missing in DuckDB 2.0 once a load passed a few hundred thousand rows.
CREATE SCHEMA load;
CREATE TABLE load.top10_global AS SELECT * FROM stage.top10_global LIMIT 0;
CREATE TABLE load.top10_countries AS SELECT * FROM stage.top10_countries LIMIT 0;
CREATE TABLE load.top10_most_popular AS SELECT * FROM stage.top10_most_popular LIMIT 0;

-- mart: the endpoints' contract; field names are the feed's column names.
CREATE TABLE mart.top10_global (
    week                        DATE NOT NULL,
    category                    VARCHAR NOT NULL,
    weekly_rank                 INTEGER NOT NULL,
    show_title                  VARCHAR NOT NULL,
    season_title                VARCHAR,
    weekly_hours_viewed         BIGINT,
    runtime                     DOUBLE,
    weekly_views                BIGINT,
    cumulative_weeks_in_top_10  INTEGER
);

CREATE TABLE mart.top10_countries (
    country_name                VARCHAR NOT NULL,
    country_iso2                VARCHAR NOT NULL,
    week                        DATE NOT NULL,
    category                    VARCHAR NOT NULL,
    weekly_rank                 INTEGER NOT NULL,
    show_title                  VARCHAR NOT NULL,
    season_title                VARCHAR,
    cumulative_weeks_in_top_10  INTEGER
);

CREATE TABLE mart.top10_most_popular (
    category                    VARCHAR NOT NULL,
    rank                        INTEGER NOT NULL,
    show_title                  VARCHAR NOT NULL,
    season_title                VARCHAR,
    hours_viewed_first_91_days  BIGINT,
    runtime                     DOUBLE,
    views_first_91_days         BIGINT,
    hours_viewed_first_28_days  BIGINT
);

CREATE TABLE mart.weeks (
    week           DATE NOT NULL,
    global_lists   INTEGER NOT NULL,
    country_lists  INTEGER NOT NULL,
    countries      INTEGER NOT NULL
);

CREATE TABLE mart.countries (
    country_iso2  VARCHAR NOT NULL,
    country_name  VARCHAR NOT NULL,
    first_week    DATE NOT NULL,
    last_week     DATE NOT NULL,
    weeks         INTEGER NOT NULL
);
