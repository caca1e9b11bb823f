//! Writing refreshes: one revision of a Top 10 file goes to raw as received and, for its accepted
//! rows, to a temporary table that is compared with stage and merged list by list. Everything here
//! runs inside the caller's transaction; nothing commits.

use chrono::{DateTime, Utc};
use duckdb::types::ToSql;
use duckdb::{Appender, Connection, OptionalExt, named_params, params};

use super::queries;
use crate::domain::RunId;
use crate::error::Result;
use crate::sources::top10::{RawLine, Top10File, Top10Row};

/// Where a revision came from; stored with every raw line.
pub struct Lineage<'a> {
    pub run_id: RunId,
    pub source_url: &'a str,
    pub fetched_at: DateTime<Utc>,
}

/// How a revision's accepted rows compare with what stage held before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub inserted: u64,
    pub updated: u64,
}

impl Changes {
    pub fn any(self) -> bool {
        self.inserted + self.updated > 0
    }
}

struct Statements {
    begin: &'static str,
    changes: &'static str,
    merge: &'static str,
    /// The same name in `raw` (lines as received) and `load` (accepted rows awaiting the merge).
    table: &'static str,
}

fn statements(file: Top10File) -> Statements {
    match file {
        Top10File::Global => Statements {
            begin: queries::TOP10_GLOBAL_BEGIN,
            changes: queries::TOP10_GLOBAL_CHANGES,
            merge: queries::TOP10_GLOBAL_MERGE,
            table: "top10_global",
        },
        Top10File::Countries => Statements {
            begin: queries::TOP10_COUNTRIES_BEGIN,
            changes: queries::TOP10_COUNTRIES_CHANGES,
            merge: queries::TOP10_COUNTRIES_MERGE,
            table: "top10_countries",
        },
        Top10File::MostPopular => Statements {
            begin: queries::TOP10_MOST_POPULAR_BEGIN,
            changes: queries::TOP10_MOST_POPULAR_CHANGES,
            merge: queries::TOP10_MOST_POPULAR_MERGE,
            table: "top10_most_popular",
        },
    }
}

/// One file's load in progress: appenders on the raw table and on the incoming rows.
pub struct Top10Load<'conn> {
    conn: &'conn Connection,
    statements: Statements,
    raw: Appender<'conn>,
    incoming: Appender<'conn>,
    run_id: i64,
    source_url: String,
    fetched_at: chrono::NaiveDateTime,
}

impl<'conn> Top10Load<'conn> {
    pub fn begin(conn: &'conn Connection, file: Top10File, lineage: &Lineage<'_>) -> Result<Top10Load<'conn>> {
        let statements = statements(file);
        conn.execute_batch(statements.begin)?;
        let raw = conn.appender_to_db(statements.table, "raw")?;
        let incoming = conn.appender_to_db(statements.table, "load")?;
        Ok(Top10Load {
            conn,
            statements,
            raw,
            incoming,
            run_id: lineage.run_id.0,
            source_url: lineage.source_url.to_owned(),
            fetched_at: lineage.fetched_at.naive_utc(),
        })
    }

    pub fn append(&mut self, line: RawLine<'_>, row: Option<Top10Row>) -> Result<()> {
        let line_no = line.line_no as i64;
        let mut raw: Vec<&dyn ToSql> = vec![&self.run_id, &self.source_url, &self.fetched_at, &line_no];
        raw.extend(line.values.iter().map(|v| v as &dyn ToSql));
        self.raw.append_row(raw.as_slice())?;
        let Some(row) = row else { return Ok(()) };
        let run_id = self.run_id;
        match row {
            Top10Row::Global(r) => self.incoming.append_row(params![
                r.week.date(),
                r.category.as_str(),
                i32::from(r.weekly_rank),
                r.show_title,
                r.season_title,
                r.weekly_hours_viewed,
                r.runtime,
                r.weekly_views,
                r.cumulative_weeks_in_top_10,
                r.is_staggered_launch,
                r.episode_launch_details,
                r.runtime_override_flag,
                run_id,
            ])?,
            Top10Row::Country(r) => self.incoming.append_row(params![
                r.country_iso2.as_str(),
                r.country_name,
                r.week.date(),
                r.category.as_str(),
                i32::from(r.weekly_rank),
                r.show_title,
                r.season_title,
                r.cumulative_weeks_in_top_10,
                run_id,
            ])?,
            Top10Row::MostPopular(r) => self.incoming.append_row(params![
                r.category.as_str(),
                i32::from(r.rank),
                r.show_title,
                r.season_title,
                r.hours_viewed_first_91_days,
                r.runtime,
                r.views_first_91_days,
                r.hours_viewed_first_28_days,
                run_id,
            ])?,
        }
        Ok(())
    }

    /// Compares the revision with stage, then replaces the lists that changed.
    pub fn finish(mut self) -> Result<Changes> {
        self.raw.flush()?;
        self.incoming.flush()?;
        let Top10Load { conn, statements, raw, incoming, .. } = self;
        drop((raw, incoming));
        let (inserted, updated): (i64, i64) =
            conn.query_row(statements.changes, [], |row| Ok((row.get(0)?, row.get(1)?)))?;
        conn.execute_batch(statements.merge)?;
        Ok(Changes { inserted: inserted as u64, updated: updated as u64 })
    }
}

pub fn rebuild_top10_marts(conn: &Connection) -> Result<()> {
    Ok(conn.execute_batch(queries::TOP10_MARTS_REBUILD)?)
}

/// The analytics facts join stage to the title identity; rebuild them after the identity.
pub fn rebuild_analytics_marts(conn: &Connection) -> Result<()> {
    Ok(conn.execute_batch(queries::ANALYTICS_MARTS_REBUILD)?)
}

pub fn data_version(conn: &Connection) -> Result<u64> {
    let version: i64 = conn.query_row(queries::DATA_VERSION, [], |row| row.get(0))?;
    Ok(version as u64)
}

pub fn bump_data_version(conn: &Connection, run_id: RunId, at: DateTime<Utc>) -> Result<u64> {
    let version: i64 = conn.query_row(
        queries::DATA_VERSION_BUMP,
        named_params! { "changed_at": at.naive_utc(), "run_id": run_id.0 },
        |row| row.get(0),
    )?;
    Ok(version as u64)
}

/// The SHA-256 of the revision of `file` loaded last, if any.
pub fn last_checksum(conn: &Connection, source: &str, file: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(queries::SOURCE_FILE_CHECKSUM, named_params! { "source": source, "file": file }, |row| row.get(0))
        .optional()?)
}

pub struct LoadedFile<'a> {
    pub source: &'a str,
    pub file: &'a str,
    pub sha256: &'a str,
    pub bytes: u64,
    pub url: &'a str,
    pub run_id: RunId,
    pub loaded_at: DateTime<Utc>,
}

pub fn record_loaded_file(conn: &Connection, loaded: &LoadedFile<'_>) -> Result<()> {
    conn.execute(
        queries::SOURCE_FILE_RECORD,
        named_params! {
            "source": loaded.source,
            "file": loaded.file,
            "sha256": loaded.sha256,
            "bytes": loaded.bytes as i64,
            "url": loaded.url,
            "run_id": loaded.run_id.0,
            "loaded_at": loaded.loaded_at.naive_utc(),
        },
    )?;
    Ok(())
}
