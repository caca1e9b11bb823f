-- The Netflix YouTube channel.

-- raw: the latest crawl's answers as received (the API key is never part of `request`).
CREATE TABLE raw.youtube_responses (
    run_id      BIGINT NOT NULL,
    fetched_at  TIMESTAMP NOT NULL,
    call        VARCHAR NOT NULL,
    request     VARCHAR NOT NULL,
    page_no     INTEGER NOT NULL,
    body        VARCHAR NOT NULL
);

-- The video dimension: what a video is. How it performs is in youtube_video_stats.
CREATE TABLE stage.youtube_videos (
    video_id                VARCHAR NOT NULL,
    channel_id              VARCHAR NOT NULL,
    published_at            TIMESTAMP NOT NULL,
    title                   VARCHAR NOT NULL,
    description             VARCHAR NOT NULL,
    -- JSON array of strings.
    tags                    VARCHAR NOT NULL,
    category_id             VARCHAR,
    default_audio_language  VARCHAR,
    live_broadcast_content  VARCHAR,
    duration_iso            VARCHAR NOT NULL,
    -- NULL for P0D (upcoming or live).
    duration_seconds        BIGINT,
    definition              VARCHAR,
    caption                 BOOLEAN,
    licensed_content        BOOLEAN,
    comments_disabled       BOOLEAN,
    content_hash            VARCHAR NOT NULL,
    first_seen_at           TIMESTAMP NOT NULL,
    last_seen_at            TIMESTAMP NOT NULL,
    run_id                  BIGINT NOT NULL
);

-- Statistics are snapshots: one row per video per capture day (UTC), so growth can be queried.
-- NULL where the owner hides the count; that is not zero.
CREATE TABLE stage.youtube_video_stats (
    video_id       VARCHAR NOT NULL,
    captured_on    DATE NOT NULL,
    captured_at    TIMESTAMP NOT NULL,
    view_count     BIGINT,
    like_count     BIGINT,
    comment_count  BIGINT,
    run_id         BIGINT NOT NULL
);

CREATE TABLE stage.youtube_channel_stats (
    channel_id        VARCHAR NOT NULL,
    captured_on       DATE NOT NULL,
    captured_at       TIMESTAMP NOT NULL,
    title             VARCHAR NOT NULL,
    view_count        BIGINT,
    subscriber_count  BIGINT,
    video_count       BIGINT,
    run_id            BIGINT NOT NULL
);

CREATE TABLE stage.youtube_categories (
    category_id  VARCHAR NOT NULL,
    title        VARCHAR NOT NULL
);

-- Top comments, when NA_YOUTUBE_COMMENTS is on; a video's comments are replaced by its latest crawl.
CREATE TABLE stage.youtube_comments (
    comment_id    VARCHAR NOT NULL,
    video_id      VARCHAR NOT NULL,
    author        VARCHAR NOT NULL,
    text          VARCHAR NOT NULL,
    like_count    BIGINT NOT NULL,
    reply_count   BIGINT NOT NULL,
    published_at  TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP,
    run_id        BIGINT NOT NULL
);

CREATE TABLE load.youtube_videos AS SELECT * FROM stage.youtube_videos LIMIT 0;
CREATE TABLE load.youtube_video_stats AS SELECT * FROM stage.youtube_video_stats LIMIT 0;
CREATE TABLE load.youtube_comments AS SELECT * FROM stage.youtube_comments LIMIT 0;
