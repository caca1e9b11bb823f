-- The writer's committed data, copied into the attached lake; the caller runs it in the lake
-- transaction that becomes one snapshot, with lake_publish_ops. Every table a reader reads is here
-- or in lake_publish_ops; `load` (a refresh's scratch space) and ops.llm_calls (each process logs
-- its own model calls) are not. A test keeps this list and the migrated schema in step.
CREATE SCHEMA IF NOT EXISTS lake.mart;
CREATE SCHEMA IF NOT EXISTS lake.ops;
CREATE SCHEMA IF NOT EXISTS lake.raw;
CREATE SCHEMA IF NOT EXISTS lake.stage;
CREATE OR REPLACE TABLE lake.mart.analytics_ranges AS FROM mart.analytics_ranges;
CREATE OR REPLACE TABLE lake.mart.category_sets AS FROM mart.category_sets;
CREATE OR REPLACE TABLE lake.mart.countries AS FROM mart.countries;
CREATE OR REPLACE TABLE lake.mart.country_title_weeks AS FROM mart.country_title_weeks;
CREATE OR REPLACE TABLE lake.mart.global_title_weeks AS FROM mart.global_title_weeks;
CREATE OR REPLACE TABLE lake.mart.title_genres AS FROM mart.title_genres;
CREATE OR REPLACE TABLE lake.mart.title_matches AS FROM mart.title_matches;
CREATE OR REPLACE TABLE lake.mart.titles AS FROM mart.titles;
CREATE OR REPLACE TABLE lake.mart.top10_countries AS FROM mart.top10_countries;
CREATE OR REPLACE TABLE lake.mart.top10_global AS FROM mart.top10_global;
CREATE OR REPLACE TABLE lake.mart.top10_most_popular AS FROM mart.top10_most_popular;
CREATE OR REPLACE TABLE lake.mart.top10_title_map AS FROM mart.top10_title_map;
CREATE OR REPLACE TABLE lake.mart.unmatched AS FROM mart.unmatched;
CREATE OR REPLACE TABLE lake.mart.videos AS FROM mart.videos;
CREATE OR REPLACE TABLE lake.mart.weeks AS FROM mart.weeks;
CREATE OR REPLACE TABLE lake.ops.source_files AS FROM ops.source_files;
CREATE OR REPLACE TABLE lake.ops.warehouse_state AS FROM ops.warehouse_state;
CREATE OR REPLACE TABLE lake.raw.catalog_pages AS FROM raw.catalog_pages;
CREATE OR REPLACE TABLE lake.raw.top10_countries AS FROM raw.top10_countries;
CREATE OR REPLACE TABLE lake.raw.top10_global AS FROM raw.top10_global;
CREATE OR REPLACE TABLE lake.raw.top10_most_popular AS FROM raw.top10_most_popular;
CREATE OR REPLACE TABLE lake.raw.youtube_responses AS FROM raw.youtube_responses;
CREATE OR REPLACE TABLE lake.stage.catalog_show_genres AS FROM stage.catalog_show_genres;
CREATE OR REPLACE TABLE lake.stage.catalog_show_people AS FROM stage.catalog_show_people;
CREATE OR REPLACE TABLE lake.stage.catalog_shows AS FROM stage.catalog_shows;
CREATE OR REPLACE TABLE lake.stage.title_registry AS FROM stage.title_registry;
CREATE OR REPLACE TABLE lake.stage.top10_countries AS FROM stage.top10_countries;
CREATE OR REPLACE TABLE lake.stage.top10_global AS FROM stage.top10_global;
CREATE OR REPLACE TABLE lake.stage.top10_most_popular AS FROM stage.top10_most_popular;
CREATE OR REPLACE TABLE lake.stage.youtube_categories AS FROM stage.youtube_categories;
CREATE OR REPLACE TABLE lake.stage.youtube_channel_stats AS FROM stage.youtube_channel_stats;
CREATE OR REPLACE TABLE lake.stage.youtube_comments AS FROM stage.youtube_comments;
CREATE OR REPLACE TABLE lake.stage.youtube_video_stats AS FROM stage.youtube_video_stats;
CREATE OR REPLACE TABLE lake.stage.youtube_videos AS FROM stage.youtube_videos;
