//! Scheduled refreshes. Each source with a cron expression (`NA_SCHEDULE_TOP10`, `_CATALOG`,
//! `_YOUTUBE`, read in `NA_SCHEDULE_TIMEZONE`) is triggered at its times through the same path as
//! HTTP triggers: same locks, same run records. A time that finds its source already running is
//! skipped. A time missed while the service was down runs once at start-up.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;

use super::{Pipeline, RunOptions};
use crate::config::ScheduleConfig;
use crate::domain::{SourceId, Trigger};
use crate::error::{Error, Result};
use crate::warehouse::runs;

#[derive(Debug, Clone)]
pub struct Schedule {
    pub source: SourceId,
    pub cron: Cron,
    pub timezone: Tz,
}

impl Schedule {
    pub fn from_config(config: &ScheduleConfig) -> Vec<Schedule> {
        [(SourceId::Top10, &config.top10), (SourceId::Catalog, &config.catalog), (SourceId::Youtube, &config.youtube)]
            .into_iter()
            .filter_map(|(source, cron)| cron.clone().map(|cron| Schedule { source, cron, timezone: config.timezone }))
            .collect()
    }

    /// The last scheduled time at or before `now`.
    pub fn previous(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&self.timezone);
        self.cron.find_previous_occurrence(&local, true).ok().map(|t| t.with_timezone(&Utc))
    }

    /// The next scheduled time after `now`.
    pub fn next(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&self.timezone);
        self.cron.find_next_occurrence(&local, false).ok().map(|t| t.with_timezone(&Utc))
    }
}

impl Pipeline {
    /// Runs what was missed while the service was down, then keeps to the schedules until shutdown.
    pub async fn start_schedules(&self, schedules: Vec<Schedule>) -> Result<()> {
        for schedule in &schedules {
            let source = schedule.source;
            let latest = self.warehouse().with_connection(move |conn| runs::latest_request(conn, source)).await?;
            if let Some(missed) = schedule.previous(Utc::now()).filter(|time| latest.is_none_or(|l| l < *time)) {
                tracing::info!(source = %source, missed = %missed, "catching up a scheduled run missed while the service was down");
                self.scheduled_trigger(source).await;
            }
        }
        for schedule in schedules {
            let pipeline = self.clone();
            let stop = self.inner.scheduling.clone();
            tokio::spawn(async move {
                while let Some(next) = schedule.next(Utc::now()) {
                    tracing::info!(source = %schedule.source, next = %next, "next scheduled run");
                    let wait = (next - Utc::now()).to_std().unwrap_or_default();
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stop.cancelled() => return,
                    }
                    pipeline.scheduled_trigger(schedule.source).await;
                }
            });
        }
        Ok(())
    }

    async fn scheduled_trigger(&self, source: SourceId) {
        match self.trigger(source, Trigger::Schedule, RunOptions::default()).await {
            Ok((run, _)) => tracing::info!(source = %source, run_id = %run.id, "scheduled run started"),
            Err(Error::IngestRunning { run_id, .. }) => {
                tracing::info!(source = %source, running = %run_id, "scheduled run skipped: a run is under way")
            }
            Err(Error::ShuttingDown) => {}
            Err(err) => tracing::error!(source = %source, error = %err, "scheduled run could not start"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(pattern: &str, zone: &str) -> Schedule {
        Schedule { source: SourceId::Top10, cron: pattern.parse().unwrap(), timezone: zone.parse().unwrap() }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn times_are_read_in_the_configured_zone() {
        // Tuesdays 18:00 in Los Angeles are 01:00 UTC on Wednesdays while daylight saving lasts.
        let weekly = schedule("0 18 * * TUE", "America/Los_Angeles");
        assert_eq!(weekly.next(at("2026-07-20T12:00:00Z")), Some(at("2026-07-22T01:00:00Z")));
        assert_eq!(weekly.previous(at("2026-07-20T12:00:00Z")), Some(at("2026-07-15T01:00:00Z")));
        // ... and 02:00 UTC once it has ended.
        assert_eq!(weekly.next(at("2026-11-24T12:00:00Z")), Some(at("2026-11-25T02:00:00Z")));
    }

    #[test]
    fn daily_schedules_come_round_every_day() {
        let daily = schedule("30 3 * * *", "UTC");
        assert_eq!(daily.next(at("2026-11-24T03:30:00Z")), Some(at("2026-11-25T03:30:00Z")));
        assert_eq!(daily.previous(at("2026-11-24T03:29:00Z")), Some(at("2026-11-23T03:30:00Z")));
    }
}
