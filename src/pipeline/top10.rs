//! A Top 10 refresh. Fetching downloads the three files and validates every row and list of each
//! file that changed since the last load, writing nothing: a failing URL (say, an HTTP 500 on the
//! third file) or a broken file fails the run before the warehouse is touched. Loading then writes
//! the accepted rows inside the caller's transaction.

use chrono::Utc;
use duckdb::Connection;
use tokio_util::sync::CancellationToken;

use super::{Changed, RunContext, Settings};
use crate::domain::{FileReport, FileStatus, RunId, SourceId};
use crate::error::{Error, Result};
use crate::sources::http::{Download, Fetcher, redact};
use crate::sources::top10::{Top10File, Top10Tsv, Validation};
use crate::warehouse::load::{self, Changes, Lineage, LoadedFile, Top10Load};

/// The three files, downloaded and checked; in `Top10File::ALL` order, like the run's file reports.
pub struct Fetched {
    files: Vec<FetchedFile>,
}

struct FetchedFile {
    file: Top10File,
    download: Download,
    /// `None` when the file is byte-identical to the revision loaded last.
    parsed: Option<(Top10Tsv, Validation)>,
}

pub async fn fetch(
    context: &RunContext,
    fetcher: &Fetcher,
    settings: &Settings,
    files: &mut Vec<FileReport>,
) -> Result<Fetched> {
    let mut downloads = Vec::new();
    for file in Top10File::ALL {
        let url = settings
            .top10_base_url
            .join(file.file_name())
            .map_err(|e| Error::Internal(format!("joining {} to the base URL: {e}", file.file_name())))?;
        files.push(FileReport { file: file.file_name().to_owned(), url: redact(&url), ..FileReport::default() });
        let report = files.last_mut().expect("just pushed");
        context.progress.request();
        let download = fetcher.download(&url, &context.cancel, &context.progress).await.map_err(|e| report.fail(e))?;
        context.progress.page();
        report.bytes = download.bytes;
        report.sha256 = Some(download.sha256.clone());
        downloads.push((file, download));
    }

    let mut fetched = Vec::new();
    for ((file, download), report) in downloads.into_iter().zip(files.iter_mut()) {
        let last = context
            .warehouse
            .with_connection(move |conn| load::last_checksum(conn, SourceId::Top10.as_str(), file.file_name()))
            .await?;
        if last.as_deref() == Some(download.sha256.as_str()) {
            report.status = Some(FileStatus::Unchanged);
            fetched.push(FetchedFile { file, download, parsed: None });
            continue;
        }
        let path = download.path.to_path_buf();
        let parsed = tokio::task::spawn_blocking(move || {
            let tsv = Top10Tsv::open(&path, file)?;
            let validation = tsv.validate()?;
            Ok::<_, Error>((tsv, validation))
        })
        .await?;
        let (tsv, validation) = parsed.map_err(|e| report.fail(e))?;
        report.extra_columns = tsv.extra_columns().to_vec();
        report.rows_read = validation.rows_read;
        report.rows_rejected = validation.rows_rejected;
        report.rejected_sample = validation.rejected_sample.clone();
        context.progress.rows(validation.rows_read);
        validation.ensure_usable(settings.max_reject_ratio).map_err(|e| report.fail(e))?;
        fetched.push(FetchedFile { file, download, parsed: Some((tsv, validation)) });
    }
    Ok(Fetched { files: fetched })
}

/// Writes the changed files inside the caller's transaction. Nothing else loads Top 10 files while
/// the run holds the source's lock, so the checksums compared while fetching still hold.
pub fn load(
    conn: &Connection,
    fetched: &Fetched,
    run_id: RunId,
    files: &mut [FileReport],
    cancel: &CancellationToken,
) -> Result<Changed> {
    let mut changed = false;
    for (fetched, report) in fetched.files.iter().zip(files.iter_mut()) {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let Some((tsv, validation)) = &fetched.parsed else { continue };
        let changes = load_file(conn, fetched, tsv, validation, run_id, report).map_err(|e| report.fail(e))?;
        changed |= changes.any();
        report.status = Some(FileStatus::Loaded);
        load::record_loaded_file(
            conn,
            &LoadedFile {
                source: SourceId::Top10.as_str(),
                file: fetched.file.file_name(),
                sha256: &fetched.download.sha256,
                bytes: fetched.download.bytes,
                url: &fetched.download.url,
                run_id,
                loaded_at: Utc::now(),
            },
        )?;
    }
    // New Top 10 rows can bring new titles, so the identity is rebuilt with the marts.
    Ok(Changed { top10: changed, titles: changed, facts: false })
}

fn load_file(
    conn: &Connection,
    fetched: &FetchedFile,
    tsv: &Top10Tsv,
    validation: &Validation,
    run_id: RunId,
    report: &mut FileReport,
) -> Result<Changes> {
    let download = &fetched.download;
    let lineage = Lineage { run_id, source_url: &download.url, fetched_at: download.fetched_at };
    let mut loader = Top10Load::begin(conn, fetched.file, &lineage)?;
    tsv.load(validation, |line, row| loader.append(line, row))?;
    let changes = loader.finish()?;
    report.rows_inserted = changes.inserted;
    report.rows_updated = changes.updated;
    report.rows_unchanged = validation.rows_accepted() - changes.inserted - changes.updated;
    tracing::info!(
        file = fetched.file.file_name(),
        rows_read = report.rows_read,
        rows_inserted = changes.inserted,
        rows_updated = changes.updated,
        rows_rejected = report.rows_rejected,
        "loaded"
    );
    Ok(changes)
}
