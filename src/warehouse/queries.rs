//! Every SQL statement the service runs, one file per query in `queries/`, named like its constant.
//! Values are always bound as `$name` parameters, never formatted into the text. Each file opens with
//! a comment saying what it answers and which parameters it takes.

pub const ANALYTICS_CATEGORY_VIEWERSHIP: &str = include_str!("queries/analytics_category_viewership.sql");
pub const ANALYTICS_CATEGORY_VIEWERSHIP_WEEKLY: &str = include_str!("queries/analytics_category_viewership_weekly.sql");
pub const ANALYTICS_ENGAGEMENT_VS_RANK: &str = include_str!("queries/analytics_engagement_vs_rank.sql");
pub const ANALYTICS_GENRE_COVERAGE: &str = include_str!("queries/analytics_genre_coverage.sql");
pub const ANALYTICS_GENRE_PERFORMANCE_COUNTRY: &str = include_str!("queries/analytics_genre_performance_country.sql");
pub const ANALYTICS_GENRE_PERFORMANCE_GLOBAL: &str = include_str!("queries/analytics_genre_performance_global.sql");
pub const ANALYTICS_MARTS_REBUILD: &str = include_str!("queries/analytics_marts_rebuild.sql");
pub const ANALYTICS_REGIONAL_PREFERENCES: &str = include_str!("queries/analytics_regional_preferences.sql");
pub const ANALYTICS_REGIONAL_SIMILARITY: &str = include_str!("queries/analytics_regional_similarity.sql");
pub const ANALYTICS_TITLES_BY_NAME: &str = include_str!("queries/analytics_titles_by_name.sql");
pub const ANALYTICS_TOP_TITLES_BY_HOURS: &str = include_str!("queries/analytics_top_titles_by_hours.sql");
pub const ANALYTICS_TOP_TITLES_COUNTRY: &str = include_str!("queries/analytics_top_titles_country.sql");
pub const ANALYTICS_TOP_TITLES_GLOBAL: &str = include_str!("queries/analytics_top_titles_global.sql");
pub const ANALYTICS_TRAJECTORY_COUNTRY: &str = include_str!("queries/analytics_trajectory_country.sql");
pub const ANALYTICS_TRAJECTORY_GLOBAL: &str = include_str!("queries/analytics_trajectory_global.sql");
pub const ANALYTICS_WEEK_RANGE: &str = include_str!("queries/analytics_week_range.sql");
pub const ANALYTICS_WEEKLY_HOURS: &str = include_str!("queries/analytics_weekly_hours.sql");
pub const ANALYTICS_YOUTUBE_DATE_RANGE: &str = include_str!("queries/analytics_youtube_date_range.sql");
pub const ANALYTICS_YOUTUBE_DURATIONS: &str = include_str!("queries/analytics_youtube_durations.sql");
pub const ANALYTICS_YOUTUBE_TOP_ENGAGEMENT: &str = include_str!("queries/analytics_youtube_top_engagement.sql");
pub const BACKUP_EXPORT: &str = include_str!("queries/backup_export.sql");
pub const BACKUP_IMPORT: &str = include_str!("queries/backup_import.sql");
pub const BACKUP_SCHEMA_VERSION: &str = include_str!("queries/backup_schema_version.sql");
pub const BACKUP_TABLE_ROWS: &str = include_str!("queries/backup_table_rows.sql");
pub const BACKUP_TABLES: &str = include_str!("queries/backup_tables.sql");
pub const CATALOG_BEGIN: &str = include_str!("queries/catalog_begin.sql");
pub const CATALOG_CHANGES: &str = include_str!("queries/catalog_changes.sql");
pub const CATALOG_IS_EMPTY: &str = include_str!("queries/catalog_is_empty.sql");
pub const CATALOG_MERGE: &str = include_str!("queries/catalog_merge.sql");
pub const CATALOG_RAW_REPLACE: &str = include_str!("queries/catalog_raw_replace.sql");
pub const CHECKPOINT: &str = include_str!("queries/checkpoint.sql");
pub const COUNTRIES: &str = include_str!("queries/countries.sql");
pub const DATA_VERSION: &str = include_str!("queries/data_version.sql");
pub const DATA_VERSION_BUMP: &str = include_str!("queries/data_version_bump.sql");
pub const IDENTITY_CATALOG_ENTRIES: &str = include_str!("queries/identity_catalog_entries.sql");
pub const IDENTITY_CLEAR: &str = include_str!("queries/identity_clear.sql");
pub const IDENTITY_REGISTRY: &str = include_str!("queries/identity_registry.sql");
pub const IDENTITY_TITLE_STATS: &str = include_str!("queries/identity_title_stats.sql");
pub const IDENTITY_TOP10_ENTITIES: &str = include_str!("queries/identity_top10_entities.sql");
pub const IDENTITY_YOUTUBE_VIDEOS: &str = include_str!("queries/identity_youtube_videos.sql");
pub const LAKE_DATA_VERSION: &str = include_str!("queries/lake_data_version.sql");
pub const LAKE_EXPIRE: &str = include_str!("queries/lake_expire.sql");
pub const LAKE_FOLLOW: &str = include_str!("queries/lake_follow.sql");
pub const LAKE_PUBLISH_DATA: &str = include_str!("queries/lake_publish_data.sql");
pub const LAKE_PUBLISH_OPS: &str = include_str!("queries/lake_publish_ops.sql");
pub const LAKE_SCHEMA_APPLIED: &str = include_str!("queries/lake_schema_applied.sql");
pub const LAKE_TABLES: &str = include_str!("queries/lake_tables.sql");
pub const LLM_CALL_INSERT: &str = include_str!("queries/llm_call_insert.sql");
pub const LLM_CALLS_LIST: &str = include_str!("queries/llm_calls_list.sql");
pub const MIGRATIONS_APPLIED: &str = include_str!("queries/migrations_applied.sql");
pub const MIGRATIONS_COUNT: &str = include_str!("queries/migrations_count.sql");
pub const MIGRATIONS_LEDGER: &str = include_str!("queries/migrations_ledger.sql");
pub const MIGRATIONS_RECORD: &str = include_str!("queries/migrations_record.sql");
pub const ML_HISTORY: &str = include_str!("queries/ml_history.sql");
pub const ML_MODEL_GET: &str = include_str!("queries/ml_model_get.sql");
pub const ML_MODEL_INSERT: &str = include_str!("queries/ml_model_insert.sql");
pub const ML_MODEL_LATEST_ARTIFACT: &str = include_str!("queries/ml_model_latest_artifact.sql");
pub const ML_MODELS_LIST: &str = include_str!("queries/ml_models_list.sql");
pub const ML_MODELS_PAGE: &str = include_str!("queries/ml_models_page.sql");
pub const ML_SIMILAR_ABOUT: &str = include_str!("queries/ml_similar_about.sql");
pub const ML_SIMILAR_AUDIENCE: &str = include_str!("queries/ml_similar_audience.sql");
pub const ML_SIMILAR_CONTENT: &str = include_str!("queries/ml_similar_content.sql");
pub const ML_SIMILAR_TITLES: &str = include_str!("queries/ml_similar_titles.sql");
pub const PUBLISHED_COPY: &str = include_str!("queries/published_copy.sql");
pub const PUBLISHED_TABLES: &str = include_str!("queries/published_tables.sql");
pub const RUN_FINISH: &str = include_str!("queries/run_finish.sql");
pub const RUN_GET: &str = include_str!("queries/run_get.sql");
pub const RUN_INSERT: &str = include_str!("queries/run_insert.sql");
pub const RUN_START: &str = include_str!("queries/run_start.sql");
pub const RUNS_COUNT: &str = include_str!("queries/runs_count.sql");
pub const RUNS_INTERRUPT: &str = include_str!("queries/runs_interrupt.sql");
pub const RUNS_LATEST_REQUEST: &str = include_str!("queries/runs_latest_request.sql");
pub const RUNS_LIST: &str = include_str!("queries/runs_list.sql");
pub const RUNS_TOTALS: &str = include_str!("queries/runs_totals.sql");
pub const SOURCE_FILE_CHECKSUM: &str = include_str!("queries/source_file_checksum.sql");
pub const SOURCE_FILE_RECORD: &str = include_str!("queries/source_file_record.sql");
pub const TITLE_CATALOG_GENRES: &str = include_str!("queries/title_catalog_genres.sql");
pub const TITLE_CATALOG_PEOPLE: &str = include_str!("queries/title_catalog_people.sql");
pub const TITLE_CATALOG_SHOW: &str = include_str!("queries/title_catalog_show.sql");
pub const TITLE_CURRENT_ID: &str = include_str!("queries/title_current_id.sql");
pub const TITLE_GET: &str = include_str!("queries/title_get.sql");
pub const TITLE_MATCHES: &str = include_str!("queries/title_matches.sql");
pub const TITLE_TOP10_LISTS: &str = include_str!("queries/title_top10_lists.sql");
pub const TITLE_VIDEOS: &str = include_str!("queries/title_videos.sql");
pub const TITLES_SEARCH: &str = include_str!("queries/titles_search.sql");
pub const TITLES_SEARCH_COUNT: &str = include_str!("queries/titles_search_count.sql");
pub const TOP10_COUNTRIES_BEGIN: &str = include_str!("queries/top10_countries_begin.sql");
pub const TOP10_COUNTRIES_CHANGES: &str = include_str!("queries/top10_countries_changes.sql");
pub const TOP10_COUNTRIES_MERGE: &str = include_str!("queries/top10_countries_merge.sql");
pub const TOP10_COUNTRY_WEEK: &str = include_str!("queries/top10_country_week.sql");
pub const TOP10_COUNTRY_WEEKS_SUMMARY: &str = include_str!("queries/top10_country_weeks_summary.sql");
pub const TOP10_GLOBAL_BEGIN: &str = include_str!("queries/top10_global_begin.sql");
pub const TOP10_GLOBAL_CHANGES: &str = include_str!("queries/top10_global_changes.sql");
pub const TOP10_GLOBAL_MERGE: &str = include_str!("queries/top10_global_merge.sql");
pub const TOP10_GLOBAL_WEEK: &str = include_str!("queries/top10_global_week.sql");
pub const TOP10_GLOBAL_WEEKS: &str = include_str!("queries/top10_global_weeks.sql");
pub const TOP10_MARTS_REBUILD: &str = include_str!("queries/top10_marts_rebuild.sql");
pub const TOP10_MOST_POPULAR: &str = include_str!("queries/top10_most_popular.sql");
pub const TOP10_MOST_POPULAR_BEGIN: &str = include_str!("queries/top10_most_popular_begin.sql");
pub const TOP10_MOST_POPULAR_CHANGES: &str = include_str!("queries/top10_most_popular_changes.sql");
pub const TOP10_MOST_POPULAR_MERGE: &str = include_str!("queries/top10_most_popular_merge.sql");
pub const UNMATCHED_COUNT: &str = include_str!("queries/unmatched_count.sql");
pub const UNMATCHED_LIST: &str = include_str!("queries/unmatched_list.sql");
pub const WEEKS: &str = include_str!("queries/weeks.sql");
pub const YOUTUBE_BEGIN: &str = include_str!("queries/youtube_begin.sql");
pub const YOUTUBE_CATEGORY_CLEAR: &str = include_str!("queries/youtube_category_clear.sql");
pub const YOUTUBE_CATEGORY_INSERT: &str = include_str!("queries/youtube_category_insert.sql");
pub const YOUTUBE_CHANGES: &str = include_str!("queries/youtube_changes.sql");
pub const YOUTUBE_CHANNEL_SNAPSHOT: &str = include_str!("queries/youtube_channel_snapshot.sql");
pub const YOUTUBE_CHANNEL_SNAPSHOT_CLEAR: &str = include_str!("queries/youtube_channel_snapshot_clear.sql");
pub const YOUTUBE_MERGE: &str = include_str!("queries/youtube_merge.sql");
pub const YOUTUBE_QUOTA_SPENT_SINCE: &str = include_str!("queries/youtube_quota_spent_since.sql");

/// Single statements; a test prepares each one against a freshly migrated warehouse.
pub const STATEMENTS: &[(&str, &str)] = &[
    ("analytics_category_viewership", ANALYTICS_CATEGORY_VIEWERSHIP),
    ("analytics_category_viewership_weekly", ANALYTICS_CATEGORY_VIEWERSHIP_WEEKLY),
    ("analytics_engagement_vs_rank", ANALYTICS_ENGAGEMENT_VS_RANK),
    ("analytics_genre_coverage", ANALYTICS_GENRE_COVERAGE),
    ("analytics_genre_performance_country", ANALYTICS_GENRE_PERFORMANCE_COUNTRY),
    ("analytics_genre_performance_global", ANALYTICS_GENRE_PERFORMANCE_GLOBAL),
    ("analytics_regional_preferences", ANALYTICS_REGIONAL_PREFERENCES),
    ("analytics_regional_similarity", ANALYTICS_REGIONAL_SIMILARITY),
    ("analytics_titles_by_name", ANALYTICS_TITLES_BY_NAME),
    ("analytics_top_titles_by_hours", ANALYTICS_TOP_TITLES_BY_HOURS),
    ("analytics_top_titles_country", ANALYTICS_TOP_TITLES_COUNTRY),
    ("analytics_top_titles_global", ANALYTICS_TOP_TITLES_GLOBAL),
    ("analytics_trajectory_country", ANALYTICS_TRAJECTORY_COUNTRY),
    ("analytics_trajectory_global", ANALYTICS_TRAJECTORY_GLOBAL),
    ("analytics_week_range", ANALYTICS_WEEK_RANGE),
    ("analytics_weekly_hours", ANALYTICS_WEEKLY_HOURS),
    ("analytics_youtube_date_range", ANALYTICS_YOUTUBE_DATE_RANGE),
    ("analytics_youtube_durations", ANALYTICS_YOUTUBE_DURATIONS),
    ("analytics_youtube_top_engagement", ANALYTICS_YOUTUBE_TOP_ENGAGEMENT),
    ("backup_schema_version", BACKUP_SCHEMA_VERSION),
    ("backup_table_rows", BACKUP_TABLE_ROWS),
    ("backup_tables", BACKUP_TABLES),
    ("catalog_changes", CATALOG_CHANGES),
    ("catalog_is_empty", CATALOG_IS_EMPTY),
    ("catalog_raw_replace", CATALOG_RAW_REPLACE),
    ("countries", COUNTRIES),
    ("data_version", DATA_VERSION),
    ("data_version_bump", DATA_VERSION_BUMP),
    ("identity_catalog_entries", IDENTITY_CATALOG_ENTRIES),
    ("identity_registry", IDENTITY_REGISTRY),
    ("identity_top10_entities", IDENTITY_TOP10_ENTITIES),
    ("identity_youtube_videos", IDENTITY_YOUTUBE_VIDEOS),
    ("llm_call_insert", LLM_CALL_INSERT),
    ("llm_calls_list", LLM_CALLS_LIST),
    ("migrations_applied", MIGRATIONS_APPLIED),
    ("migrations_count", MIGRATIONS_COUNT),
    ("migrations_record", MIGRATIONS_RECORD),
    ("ml_history", ML_HISTORY),
    ("ml_model_get", ML_MODEL_GET),
    ("ml_model_insert", ML_MODEL_INSERT),
    ("ml_model_latest_artifact", ML_MODEL_LATEST_ARTIFACT),
    ("ml_models_list", ML_MODELS_LIST),
    ("ml_models_page", ML_MODELS_PAGE),
    ("ml_similar_about", ML_SIMILAR_ABOUT),
    ("ml_similar_audience", ML_SIMILAR_AUDIENCE),
    ("ml_similar_content", ML_SIMILAR_CONTENT),
    ("ml_similar_titles", ML_SIMILAR_TITLES),
    ("published_tables", PUBLISHED_TABLES),
    ("run_finish", RUN_FINISH),
    ("run_get", RUN_GET),
    ("run_insert", RUN_INSERT),
    ("run_start", RUN_START),
    ("runs_count", RUNS_COUNT),
    ("runs_interrupt", RUNS_INTERRUPT),
    ("runs_latest_request", RUNS_LATEST_REQUEST),
    ("runs_list", RUNS_LIST),
    ("runs_totals", RUNS_TOTALS),
    ("source_file_checksum", SOURCE_FILE_CHECKSUM),
    ("source_file_record", SOURCE_FILE_RECORD),
    ("title_catalog_genres", TITLE_CATALOG_GENRES),
    ("title_catalog_people", TITLE_CATALOG_PEOPLE),
    ("title_catalog_show", TITLE_CATALOG_SHOW),
    ("title_current_id", TITLE_CURRENT_ID),
    ("title_get", TITLE_GET),
    ("title_matches", TITLE_MATCHES),
    ("title_top10_lists", TITLE_TOP10_LISTS),
    ("title_videos", TITLE_VIDEOS),
    ("titles_search", TITLES_SEARCH),
    ("titles_search_count", TITLES_SEARCH_COUNT),
    ("top10_countries_changes", TOP10_COUNTRIES_CHANGES),
    ("top10_country_week", TOP10_COUNTRY_WEEK),
    ("top10_country_weeks_summary", TOP10_COUNTRY_WEEKS_SUMMARY),
    ("top10_global_changes", TOP10_GLOBAL_CHANGES),
    ("top10_global_week", TOP10_GLOBAL_WEEK),
    ("top10_global_weeks", TOP10_GLOBAL_WEEKS),
    ("top10_most_popular", TOP10_MOST_POPULAR),
    ("top10_most_popular_changes", TOP10_MOST_POPULAR_CHANGES),
    ("unmatched_count", UNMATCHED_COUNT),
    ("unmatched_list", UNMATCHED_LIST),
    ("weeks", WEEKS),
    ("youtube_category_clear", YOUTUBE_CATEGORY_CLEAR),
    ("youtube_category_insert", YOUTUBE_CATEGORY_INSERT),
    ("youtube_changes", YOUTUBE_CHANGES),
    ("youtube_channel_snapshot", YOUTUBE_CHANNEL_SNAPSHOT),
    ("youtube_channel_snapshot_clear", YOUTUBE_CHANNEL_SNAPSHOT_CLEAR),
    ("youtube_quota_spent_since", YOUTUBE_QUOTA_SPENT_SINCE),
];

/// Multi-statement scripts, run with `execute_batch`; they take no parameters (the backup export
/// and import have a `{folder}` that `warehouse::backup` fills in, as DuckDB cannot bind one there).
/// The `lake_*` ones read or write the lake attached as `lake`, which only a lake process has.
pub const BATCHES: &[(&str, &str)] = &[
    ("analytics_marts_rebuild", ANALYTICS_MARTS_REBUILD),
    ("backup_export", BACKUP_EXPORT),
    ("backup_import", BACKUP_IMPORT),
    ("catalog_begin", CATALOG_BEGIN),
    ("catalog_merge", CATALOG_MERGE),
    ("checkpoint", CHECKPOINT),
    ("identity_clear", IDENTITY_CLEAR),
    ("identity_title_stats", IDENTITY_TITLE_STATS),
    ("lake_data_version", LAKE_DATA_VERSION),
    ("lake_expire", LAKE_EXPIRE),
    ("lake_follow", LAKE_FOLLOW),
    ("lake_publish_data", LAKE_PUBLISH_DATA),
    ("lake_publish_ops", LAKE_PUBLISH_OPS),
    ("lake_schema_applied", LAKE_SCHEMA_APPLIED),
    ("lake_tables", LAKE_TABLES),
    ("migrations_ledger", MIGRATIONS_LEDGER),
    ("published_copy", PUBLISHED_COPY),
    ("top10_countries_begin", TOP10_COUNTRIES_BEGIN),
    ("top10_countries_merge", TOP10_COUNTRIES_MERGE),
    ("top10_global_begin", TOP10_GLOBAL_BEGIN),
    ("top10_global_merge", TOP10_GLOBAL_MERGE),
    ("top10_marts_rebuild", TOP10_MARTS_REBUILD),
    ("top10_most_popular_begin", TOP10_MOST_POPULAR_BEGIN),
    ("top10_most_popular_merge", TOP10_MOST_POPULAR_MERGE),
    ("youtube_begin", YOUTUBE_BEGIN),
    ("youtube_merge", YOUTUBE_MERGE),
];
