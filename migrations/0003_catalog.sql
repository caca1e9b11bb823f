-- The Netflix catalog from the Streaming Availability API.

-- raw: each search's pages as received in its latest run. `request` names the search without its
-- cursor, so a newer crawl of the same search replaces the older pages.
CREATE TABLE raw.catalog_pages (
    run_id      BIGINT NOT NULL,
    fetched_at  TIMESTAMP NOT NULL,
    request     VARCHAR NOT NULL,
    page_no     INTEGER NOT NULL,
    body        VARCHAR NOT NULL
);

-- stage: one row per show, upserted by the API's show id. Shows a later crawl no longer returns are
-- kept; last_seen_at says when the catalog last listed them.
CREATE TABLE stage.catalog_shows (
    show_id         VARCHAR NOT NULL,
    show_type       VARCHAR NOT NULL CHECK (show_type IN ('movie', 'series')),
    imdb_id         VARCHAR,
    tmdb_id         VARCHAR,
    title           VARCHAR NOT NULL,
    original_title  VARCHAR,
    overview        VARCHAR,
    release_year    INTEGER,
    first_air_year  INTEGER,
    last_air_year   INTEGER,
    rating          INTEGER,
    runtime         INTEGER,
    season_count    INTEGER,
    episode_count   INTEGER,
    country         VARCHAR NOT NULL,
    -- A digest of the fields above and the show's genres and people: equal digests, nothing changed.
    content_hash    VARCHAR NOT NULL,
    first_seen_at   TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    run_id          BIGINT NOT NULL
);

CREATE TABLE stage.catalog_show_genres (
    show_id     VARCHAR NOT NULL,
    genre_id    VARCHAR NOT NULL,
    genre_name  VARCHAR NOT NULL
);

-- Directors, creators and cast, in the API's order.
CREATE TABLE stage.catalog_show_people (
    show_id  VARCHAR NOT NULL,
    role     VARCHAR NOT NULL CHECK (role IN ('director', 'creator', 'cast')),
    ordinal  INTEGER NOT NULL,
    name     VARCHAR NOT NULL
);

CREATE TABLE load.catalog_shows AS SELECT * FROM stage.catalog_shows LIMIT 0;
CREATE TABLE load.catalog_show_genres AS SELECT * FROM stage.catalog_show_genres LIMIT 0;
CREATE TABLE load.catalog_show_people AS SELECT * FROM stage.catalog_show_people LIMIT 0;
