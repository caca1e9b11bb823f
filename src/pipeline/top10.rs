//! A Top 10 refresh: download the three files, then load them in one transaction. Downloading
//! everything first means a failing URL (say, an HTTP 500 on the third file) fails the run before the
//! warehouse is touched, and keeps the write transaction short.

use chrono::Utc;
use duckdb::Connection;
use tokio_util::sync::CancellationToken;

use super::{Refreshed, RunContext, Settings, identity};
use crate::domain::{FileReport, FileStatus, RunId, SourceId};
use crate::error::{Error, Result};
use crate::sources::http::{Download, Fetcher, redact};
use crate::sources::top10::{Top10File, Top10Tsv};
use crate::warehouse::load::{self, Changes, Lineage, LoadedFile, Top10Load};

pub async fn refresh(
    context: &RunContext,
    fetcher: &Fetcher,
    settings: &Settings,
    files: &mut Vec<FileReport>,
) -> Result<Refreshed> {
    let mut downloads = Vec::new();
    for file in Top10File::ALL {
        let url = settings
            .top10_base_url
            .join(file.file_name())
            .map_err(|e| Error::Internal(format!("joining {} to the base URL: {e}", file.file_name())))?;
        files.push(FileReport { file: file.file_name().to_owned(), url: redact(&url), ..FileReport::default() });
        let report = files.last_mut().expect("just pushed");
        match fetcher.download(&url, &context.cancel).await {
            Ok(download) => {
                report.bytes = download.bytes;
                report.sha256 = Some(download.sha256.clone());
                downloads.push((file, download));
            }
            Err(err) => return Err(report.fail(err)),
        }
    }

    let job = LoadJob {
        run_id: context.run_id,
        rebuild_identity: context.rebuild_identity,
        max_reject_ratio: settings.max_reject_ratio,
        cancel: context.cancel.clone(),
        downloads,
        files: std::mem::take(files),
    };
    let (reports, outcome) = context.warehouse.with_writer(move |conn| Ok(job.run(conn))).await?;
    *files = reports;
    outcome
}

struct LoadJob {
    run_id: RunId,
    rebuild_identity: bool,
    max_reject_ratio: f64,
    cancel: CancellationToken,
    downloads: Vec<(Top10File, Download)>,
    files: Vec<FileReport>,
}

impl LoadJob {
    /// The reports come back whether or not the transaction committed.
    fn run(mut self, conn: &mut Connection) -> (Vec<FileReport>, Result<Refreshed>) {
        let outcome = self.load_all(conn);
        (self.files, outcome)
    }

    fn load_all(&mut self, conn: &mut Connection) -> Result<Refreshed> {
        let tx = conn.transaction()?;
        let mut changed = false;
        for (index, (file, download)) in self.downloads.iter().enumerate() {
            if self.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let report = &mut self.files[index];
            let last = load::last_checksum(&tx, SourceId::Top10.as_str(), file.file_name())?;
            if last.as_deref() == Some(download.sha256.as_str()) {
                report.status = Some(FileStatus::Unchanged);
                continue;
            }
            match load_file(&tx, *file, download, self.run_id, self.max_reject_ratio, report) {
                Ok(changes) => {
                    changed |= changes.any();
                    report.status = Some(FileStatus::Loaded);
                }
                Err(err) => return Err(report.fail(err)),
            }
            load::record_loaded_file(
                &tx,
                &LoadedFile {
                    source: SourceId::Top10.as_str(),
                    file: file.file_name(),
                    sha256: &download.sha256,
                    bytes: download.bytes,
                    url: &download.url,
                    run_id: self.run_id,
                    loaded_at: Utc::now(),
                },
            )?;
        }
        if self.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let data_version = if changed {
            load::rebuild_top10_marts(&tx)?;
            if self.rebuild_identity {
                identity::rebuild(&tx, Utc::now())?;
            }
            load::bump_data_version(&tx, self.run_id, Utc::now())?
        } else {
            load::data_version(&tx)?
        };
        tx.commit()?;
        Ok(Refreshed { data_version, changed })
    }
}

fn load_file(
    conn: &Connection,
    file: Top10File,
    download: &Download,
    run_id: RunId,
    max_reject_ratio: f64,
    report: &mut FileReport,
) -> Result<Changes> {
    let tsv = Top10Tsv::open(&download.path, file)?;
    report.extra_columns = tsv.extra_columns().to_vec();
    let validation = tsv.validate()?;
    report.rows_read = validation.rows_read;
    report.rows_rejected = validation.rows_rejected;
    report.rejected_sample = validation.rejected_sample.clone();
    validation.ensure_usable(max_reject_ratio)?;

    let lineage = Lineage { run_id, source_url: &download.url, fetched_at: download.fetched_at };
    let mut loader = Top10Load::begin(conn, file, &lineage)?;
    tsv.load(&validation, |line, row| loader.append(line, row))?;
    let changes = loader.finish()?;
    report.rows_inserted = changes.inserted;
    report.rows_updated = changes.updated;
    report.rows_unchanged = validation.rows_accepted() - changes.inserted - changes.updated;
    tracing::info!(
        file = file.file_name(),
        rows_read = report.rows_read,
        rows_inserted = changes.inserted,
        rows_updated = changes.updated,
        rows_rejected = report.rows_rejected,
        "loaded"
    );
    Ok(changes)
}
