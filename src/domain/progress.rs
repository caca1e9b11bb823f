//! How far a run under way has got. Connectors report what they do through a `Progress` handle as
//! they go; whoever shows progress (the run record, the CLI's progress bar) watches the latest
//! `RunProgress`. Nothing here is stored: a finished run's record has its final counts instead.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::watch;

/// What a run has done so far. Counts cover the whole run; for `all`, every feed's together.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RunProgress {
    /// What the run is doing now: `queued`, `fetching`, `loading`, or for `all` which feed it is
    /// fetching (`fetching catalog`).
    #[schema(example = "fetching catalog")]
    pub step: String,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Answers received in full: API pages, Top 10 files.
    pub pages: u64,
    /// Rows parsed: Top 10 lines, catalog shows, YouTube videos.
    pub rows: u64,
    /// Bytes downloaded.
    pub bytes: u64,
    /// How much of the current download or crawl is done, where the source says how much there is:
    /// Top 10 files against their Content-Length, YouTube against the channel's video count. The
    /// catalog API does not say, so a catalog crawl has none.
    pub estimate: Option<Estimate>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Estimate {
    pub done: u64,
    pub total: u64,
    /// `bytes` or `videos`.
    #[schema(example = "bytes")]
    pub unit: &'static str,
    /// `done / total`, at most 100.
    #[schema(example = 42.5)]
    pub percent: f64,
}

impl RunProgress {
    fn new(step: &str) -> RunProgress {
        RunProgress {
            step: step.to_owned(),
            requests: 0,
            pages: 0,
            rows: 0,
            bytes: 0,
            estimate: None,
            updated_at: Utc::now(),
        }
    }
}

impl Estimate {
    fn new(done: u64, total: u64, unit: &'static str) -> Estimate {
        let percent = if total == 0 { 100.0 } else { (done as f64 * 100.0 / total as f64).min(100.0) };
        Estimate { done, total, unit, percent }
    }
}

/// Where a run reports progress; cheap to clone and to call from any thread. The default handle
/// reports nowhere, for callers that do not track progress.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    shared: Option<Arc<Shared>>,
}

#[derive(Debug)]
struct Shared {
    latest: watch::Sender<RunProgress>,
    /// The run of `all` this feed's run belongs to: it counts everything its feeds do.
    parent: Option<Progress>,
}

impl Progress {
    pub fn new(step: &str) -> Progress {
        Progress::with_parent(step, None)
    }

    /// A handle for one feed of `all`: what it reports also counts for `self`.
    pub fn child(&self, step: &str) -> Progress {
        Progress::with_parent(step, Some(self.clone()))
    }

    fn with_parent(step: &str, parent: Option<Progress>) -> Progress {
        let (latest, _) = watch::channel(RunProgress::new(step));
        Progress { shared: Some(Arc::new(Shared { latest, parent })) }
    }

    pub fn latest(&self) -> Option<RunProgress> {
        self.shared.as_ref().map(|s| s.latest.borrow().clone())
    }

    pub fn subscribe(&self) -> Option<watch::Receiver<RunProgress>> {
        self.shared.as_ref().map(|s| s.latest.subscribe())
    }

    /// Starts a step of this run; its estimate, if any, ends with the previous step.
    pub fn step(&self, step: &str) {
        if let Some(shared) = &self.shared {
            shared.latest.send_modify(|p| {
                step.clone_into(&mut p.step);
                p.estimate = None;
                p.updated_at = Utc::now();
            });
        }
    }

    pub fn request(&self) {
        self.update(&|p| p.requests += 1);
    }

    pub fn page(&self) {
        self.update(&|p| p.pages += 1);
    }

    pub fn rows(&self, rows: u64) {
        self.update(&|p| p.rows += rows);
    }

    pub fn bytes(&self, bytes: u64) {
        self.update(&|p| p.bytes += bytes);
    }

    /// The source said how much there is to do: `total` `unit`s, none done yet.
    pub fn expect(&self, total: u64, unit: &'static str) {
        self.update(&|p| p.estimate = Some(Estimate::new(0, total, unit)));
    }

    /// `done` more of what `expect` announced.
    pub fn advance(&self, done: u64) {
        self.update(&|p| {
            if let Some(e) = &p.estimate {
                p.estimate = Some(Estimate::new(e.done + done, e.total, e.unit));
            }
        });
    }

    fn update(&self, change: &dyn Fn(&mut RunProgress)) {
        let Some(shared) = &self.shared else { return };
        shared.latest.send_modify(|p| {
            change(p);
            p.updated_at = Utc::now();
        });
        if let Some(parent) = &shared.parent {
            parent.update(change);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_counts_for_its_all_run_and_estimates_follow_the_current_step() {
        let all = Progress::new("fetching top10");
        let feed = all.child("fetching");
        feed.request();
        feed.expect(200, "bytes");
        feed.bytes(50);
        feed.advance(50);
        let (parent, child) = (all.latest().unwrap(), feed.latest().unwrap());
        assert_eq!((parent.requests, parent.bytes, child.requests, child.bytes), (1, 50, 1, 50));
        assert_eq!(child.estimate, Some(Estimate { done: 50, total: 200, unit: "bytes", percent: 25.0 }));
        assert_eq!(parent.estimate, child.estimate);

        all.step("fetching catalog");
        let parent = all.latest().unwrap();
        assert_eq!((parent.step.as_str(), parent.estimate, parent.requests), ("fetching catalog", None, 1));
        assert_eq!(feed.latest().unwrap().step, "fetching", "a step is the handle's own");
    }

    #[test]
    fn the_default_handle_reports_nowhere_and_estimates_stay_within_100_percent() {
        let nowhere = Progress::default();
        nowhere.request();
        assert_eq!(nowhere.latest(), None);
        assert_eq!(Estimate::new(7, 5, "videos").percent, 100.0);
    }
}
