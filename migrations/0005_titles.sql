-- One title identity across the Top 10, the catalog and YouTube.

-- Every source entity ever seen gets an id here once (the next after the largest, assigned by the
-- single writer), and keeps it: a catalog show
-- (`catalog:<show id>`) or a Top 10 title (`top10:<film|series>:<normalised name>`). A title's id is
-- the smallest id among its members, so it only changes if an older entity joins it.
CREATE TABLE stage.title_registry (
    key            VARCHAR NOT NULL,
    title_id       BIGINT NOT NULL,
    first_seen_at  TIMESTAMP NOT NULL
);

-- Rebuilt with every refresh that changes data.
CREATE TABLE mart.titles (
    title_id            BIGINT NOT NULL,
    name                VARCHAR NOT NULL,
    original_name       VARCHAR,
    kind                VARCHAR NOT NULL CHECK (kind IN ('film', 'series')),
    year                INTEGER,
    normalized_name     VARCHAR NOT NULL,
    catalog_show_id     VARCHAR,
    top10_first_week    DATE,
    top10_last_week     DATE,
    -- Weeks on the global lists (any category, any season).
    top10_global_weeks  INTEGER NOT NULL,
    youtube_videos      INTEGER NOT NULL
);

-- Each spelling of a Top 10 show_title, per kind, and its title: how analytics join the lists to
-- titles, genres and videos.
CREATE TABLE mart.top10_title_map (
    show_title  VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    title_id    BIGINT NOT NULL
);

-- How each source entity was linked: method exact | alias | fuzzy, with a score (1 for exact).
CREATE TABLE mart.title_matches (
    title_id      BIGINT NOT NULL,
    source        VARCHAR NOT NULL CHECK (source IN ('top10', 'catalog', 'youtube')),
    source_key    VARCHAR NOT NULL,
    source_label  VARCHAR NOT NULL,
    method        VARCHAR NOT NULL,
    score         DOUBLE NOT NULL,
    matched_on    VARCHAR NOT NULL
);

-- What did not match, for data stewards: reason no_candidate | below_threshold | ambiguous, and the
-- closest candidate when there was one.
CREATE TABLE mart.unmatched (
    source                VARCHAR NOT NULL,
    source_key            VARCHAR NOT NULL,
    source_label          VARCHAR NOT NULL,
    normalized            VARCHAR NOT NULL,
    reason                VARCHAR NOT NULL,
    candidate_title_id    BIGINT,
    candidate_name        VARCHAR,
    candidate_score       DOUBLE
);
