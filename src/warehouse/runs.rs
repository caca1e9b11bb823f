//! Ingestion run records in `ops.ingest_runs`. They are written in autocommit, outside the refresh's
//! transaction, so a run that rolls back still leaves its record and the reason.

use chrono::{DateTime, NaiveDateTime, Utc};
use duckdb::{Connection, OptionalExt, Row, named_params};

use super::queries;
use crate::domain::{FileReport, IngestRun, RunError, RunId, RunStatus, RunStep, SourceId, Trigger};
use crate::error::{Error, Result};

pub fn insert(conn: &Connection, source: SourceId, trigger: Trigger, requested_at: DateTime<Utc>) -> Result<IngestRun> {
    let id: i64 = conn.query_row(
        queries::RUN_INSERT,
        named_params! {
            "source": source.as_str(),
            "trigger": trigger.as_str(),
            "requested_at": requested_at.naive_utc(),
        },
        |row| row.get(0),
    )?;
    Ok(IngestRun::new_queued(RunId(id), source, trigger, requested_at))
}

pub fn start(conn: &Connection, id: RunId, started_at: DateTime<Utc>) -> Result<()> {
    conn.execute(queries::RUN_START, named_params! { "id": id.0, "started_at": started_at.naive_utc() })?;
    Ok(())
}

pub fn finish(conn: &Connection, run: &IngestRun) -> Result<()> {
    let files = serde_json::to_string(&run.files).map_err(|e| Error::Internal(format!("run report: {e}")))?;
    let steps = serde_json::to_string(&run.steps).map_err(|e| Error::Internal(format!("run steps: {e}")))?;
    let total = |rows: fn(&FileReport) -> u64| run.files.iter().map(rows).sum::<u64>() as i64;
    conn.execute(
        queries::RUN_FINISH,
        named_params! {
            "id": run.id.0,
            "status": run.status.as_str(),
            "finished_at": run.finished_at.map(|t| t.naive_utc()),
            "error_code": run.error.as_ref().map(|e| e.code.as_str()),
            "error_message": run.error.as_ref().map(|e| e.message.as_str()),
            "data_version": run.data_version.map(|v| v as i64),
            "quota_units": run.quota_units.map(|v| v as i64),
            "files": files,
            "steps": steps,
            "rows_read": total(|f| f.rows_read),
            "rows_inserted": total(|f| f.rows_inserted),
            "rows_updated": total(|f| f.rows_updated),
            "rows_rejected": total(|f| f.rows_rejected),
        },
    )?;
    Ok(())
}

pub fn get(conn: &Connection, id: RunId) -> Result<Option<IngestRun>> {
    let mut statement = conn.prepare(queries::RUN_GET)?;
    let row = statement.query_row(named_params! { "id": id.0 }, from_row).optional()?;
    row.transpose()
}

pub struct RunFilter {
    pub source: Option<SourceId>,
    pub status: Option<RunStatus>,
    pub limit: u32,
    pub offset: u64,
}

/// A page of runs, newest first, and how many match the filter in all.
pub fn list(conn: &Connection, filter: &RunFilter) -> Result<(Vec<IngestRun>, u64)> {
    let source = filter.source.map(SourceId::as_str);
    let status = filter.status.map(RunStatus::as_str);
    let total: i64 = conn
        .prepare(queries::RUNS_COUNT)?
        .query_row(named_params! { "source": source, "status": status }, |row| row.get(0))?;
    let mut statement = conn.prepare(queries::RUNS_LIST)?;
    let runs = statement
        .query_map(
            named_params! {
                "source": source,
                "status": status,
                "limit": i64::from(filter.limit),
                "offset": filter.offset as i64,
            },
            from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    Ok((runs, total as u64))
}

/// Runs per source and status, and the rows they read, inserted, updated and rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTotals {
    pub source: String,
    pub status: String,
    pub runs: u64,
    pub rows_read: u64,
    pub rows_inserted: u64,
    pub rows_updated: u64,
    pub rows_rejected: u64,
}

pub fn totals(conn: &Connection) -> Result<Vec<RunTotals>> {
    let mut statement = conn.prepare(queries::RUNS_TOTALS)?;
    let rows = statement.query_map([], |row| {
        let count = |i: usize| row.get::<_, i64>(i).map(|v| v as u64);
        Ok(RunTotals {
            source: row.get(0)?,
            status: row.get(1)?,
            runs: count(2)?,
            rows_read: count(3)?,
            rows_inserted: count(4)?,
            rows_updated: count(5)?,
            rows_rejected: count(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When a run of `source` was last requested, if ever.
pub fn latest_request(conn: &Connection, source: SourceId) -> Result<Option<DateTime<Utc>>> {
    let latest: Option<NaiveDateTime> =
        conn.query_row(queries::RUNS_LATEST_REQUEST, named_params! { "source": source.as_str() }, |row| row.get(0))?;
    Ok(latest.map(|t| t.and_utc()))
}

/// Marks runs a previous process left unfinished as failed; returns how many there were.
pub fn interrupt_unfinished(conn: &Connection, at: DateTime<Utc>) -> Result<usize> {
    let reason = Error::Interrupted;
    Ok(conn.execute(
        queries::RUNS_INTERRUPT,
        named_params! {
            "finished_at": at.naive_utc(),
            "error_code": reason.code(),
            "error_message": reason.to_string(),
        },
    )?)
}

/// Reads one `ops.ingest_runs` row. Values the code wrote itself failing to parse means a corrupt
/// record, reported as an internal error rather than a panic.
fn from_row(row: &Row<'_>) -> duckdb::Result<Result<IngestRun>> {
    let id = RunId(row.get(0)?);
    let source: String = row.get(1)?;
    let trigger: String = row.get(2)?;
    let status: String = row.get(3)?;
    let requested_at: NaiveDateTime = row.get(4)?;
    let started_at: Option<NaiveDateTime> = row.get(5)?;
    let finished_at: Option<NaiveDateTime> = row.get(6)?;
    let error_code: Option<String> = row.get(7)?;
    let error_message: Option<String> = row.get(8)?;
    let data_version: Option<i64> = row.get(9)?;
    let files: String = row.get(10)?;
    let quota_units: Option<i64> = row.get(11)?;
    let steps: String = row.get(12)?;
    let corrupt = |what: &str| Error::Internal(format!("run {id} has an unreadable {what}"));
    Ok((|| {
        let started_at = started_at.map(|t| t.and_utc());
        let finished_at = finished_at.map(|t| t.and_utc());
        Ok(IngestRun {
            id,
            source: source.parse().map_err(|_| corrupt("source"))?,
            trigger: trigger.parse().map_err(|_| corrupt("trigger"))?,
            status: status.parse().map_err(|_| corrupt("status"))?,
            requested_at: requested_at.and_utc(),
            started_at,
            finished_at,
            duration_ms: started_at.zip(finished_at).map(|(s, f)| (f - s).num_milliseconds()),
            data_version: data_version.map(|v| v as u64),
            quota_units: quota_units.map(|v| v as u64),
            error: error_code.map(|code| RunError { code, message: error_message.unwrap_or_default() }),
            files: serde_json::from_str::<Vec<FileReport>>(&files).map_err(|_| corrupt("file report"))?,
            steps: serde_json::from_str::<Vec<RunStep>>(&steps).map_err(|_| corrupt("step list"))?,
            progress: None,
        })
    })())
}
