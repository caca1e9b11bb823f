//! Every SQL statement the service runs, one file per query in `queries/`, named like its constant.
//! Values are always bound as `$name` parameters, never formatted into the text. Each file opens with
//! a comment saying what it answers and which parameters it takes.

pub const COUNTRIES: &str = include_str!("queries/countries.sql");
pub const DATA_VERSION: &str = include_str!("queries/data_version.sql");
pub const DATA_VERSION_BUMP: &str = include_str!("queries/data_version_bump.sql");
pub const MIGRATIONS_APPLIED: &str = include_str!("queries/migrations_applied.sql");
pub const MIGRATIONS_COUNT: &str = include_str!("queries/migrations_count.sql");
pub const MIGRATIONS_LEDGER: &str = include_str!("queries/migrations_ledger.sql");
pub const MIGRATIONS_RECORD: &str = include_str!("queries/migrations_record.sql");
pub const RUN_FINISH: &str = include_str!("queries/run_finish.sql");
pub const RUN_GET: &str = include_str!("queries/run_get.sql");
pub const RUN_INSERT: &str = include_str!("queries/run_insert.sql");
pub const RUN_START: &str = include_str!("queries/run_start.sql");
pub const RUNS_COUNT: &str = include_str!("queries/runs_count.sql");
pub const RUNS_INTERRUPT: &str = include_str!("queries/runs_interrupt.sql");
pub const RUNS_LIST: &str = include_str!("queries/runs_list.sql");
pub const SOURCE_FILE_CHECKSUM: &str = include_str!("queries/source_file_checksum.sql");
pub const SOURCE_FILE_RECORD: &str = include_str!("queries/source_file_record.sql");
pub const TOP10_COUNTRIES_BEGIN: &str = include_str!("queries/top10_countries_begin.sql");
pub const TOP10_COUNTRIES_CHANGES: &str = include_str!("queries/top10_countries_changes.sql");
pub const TOP10_COUNTRIES_MERGE: &str = include_str!("queries/top10_countries_merge.sql");
pub const TOP10_COUNTRY_WEEK: &str = include_str!("queries/top10_country_week.sql");
pub const TOP10_COUNTRY_WEEKS_SUMMARY: &str = include_str!("queries/top10_country_weeks_summary.sql");
pub const TOP10_GLOBAL_BEGIN: &str = include_str!("queries/top10_global_begin.sql");
pub const TOP10_GLOBAL_CHANGES: &str = include_str!("queries/top10_global_changes.sql");
pub const TOP10_GLOBAL_MERGE: &str = include_str!("queries/top10_global_merge.sql");
pub const TOP10_GLOBAL_WEEK: &str = include_str!("queries/top10_global_week.sql");
pub const TOP10_GLOBAL_WEEKS_SUMMARY: &str = include_str!("queries/top10_global_weeks_summary.sql");
pub const TOP10_MARTS_REBUILD: &str = include_str!("queries/top10_marts_rebuild.sql");
pub const TOP10_MOST_POPULAR: &str = include_str!("queries/top10_most_popular.sql");
pub const TOP10_MOST_POPULAR_BEGIN: &str = include_str!("queries/top10_most_popular_begin.sql");
pub const TOP10_MOST_POPULAR_CHANGES: &str = include_str!("queries/top10_most_popular_changes.sql");
pub const TOP10_MOST_POPULAR_MERGE: &str = include_str!("queries/top10_most_popular_merge.sql");
pub const WEEKS: &str = include_str!("queries/weeks.sql");

/// Single statements; a test prepares each one against a freshly migrated warehouse.
pub const STATEMENTS: &[(&str, &str)] = &[
    ("countries", COUNTRIES),
    ("data_version", DATA_VERSION),
    ("data_version_bump", DATA_VERSION_BUMP),
    ("migrations_applied", MIGRATIONS_APPLIED),
    ("migrations_count", MIGRATIONS_COUNT),
    ("migrations_record", MIGRATIONS_RECORD),
    ("run_finish", RUN_FINISH),
    ("run_get", RUN_GET),
    ("run_insert", RUN_INSERT),
    ("run_start", RUN_START),
    ("runs_count", RUNS_COUNT),
    ("runs_interrupt", RUNS_INTERRUPT),
    ("runs_list", RUNS_LIST),
    ("source_file_checksum", SOURCE_FILE_CHECKSUM),
    ("source_file_record", SOURCE_FILE_RECORD),
    ("top10_countries_changes", TOP10_COUNTRIES_CHANGES),
    ("top10_country_week", TOP10_COUNTRY_WEEK),
    ("top10_country_weeks_summary", TOP10_COUNTRY_WEEKS_SUMMARY),
    ("top10_global_changes", TOP10_GLOBAL_CHANGES),
    ("top10_global_week", TOP10_GLOBAL_WEEK),
    ("top10_global_weeks_summary", TOP10_GLOBAL_WEEKS_SUMMARY),
    ("top10_most_popular", TOP10_MOST_POPULAR),
    ("top10_most_popular_changes", TOP10_MOST_POPULAR_CHANGES),
    ("weeks", WEEKS),
];

/// Multi-statement scripts, run with `execute_batch`; they take no parameters.
pub const BATCHES: &[(&str, &str)] = &[
    ("migrations_ledger", MIGRATIONS_LEDGER),
    ("top10_countries_begin", TOP10_COUNTRIES_BEGIN),
    ("top10_countries_merge", TOP10_COUNTRIES_MERGE),
    ("top10_global_begin", TOP10_GLOBAL_BEGIN),
    ("top10_global_merge", TOP10_GLOBAL_MERGE),
    ("top10_marts_rebuild", TOP10_MARTS_REBUILD),
    ("top10_most_popular_begin", TOP10_MOST_POPULAR_BEGIN),
    ("top10_most_popular_merge", TOP10_MOST_POPULAR_MERGE),
];
