//! Writing a YouTube crawl: answers to raw, videos upserted by id, a statistics snapshot per video
//! for the day, the channel's counts, categories and comments. Runs inside the caller's transaction.

use chrono::{DateTime, Utc};
use duckdb::{Appender, Connection, named_params, params};

use super::load::Changes;
use super::queries;
use crate::domain::RunId;
use crate::error::{Error, Result};
use crate::sources::youtube::{ChannelStats, Comment, Response, Video, VideoCategory};

pub struct YouTubeLoad<'conn> {
    conn: &'conn Connection,
    videos: Appender<'conn>,
    stats: Appender<'conn>,
    comments: Appender<'conn>,
    run_id: i64,
    now: DateTime<Utc>,
}

impl<'conn> YouTubeLoad<'conn> {
    pub fn begin(conn: &'conn Connection, run_id: RunId, now: DateTime<Utc>) -> Result<YouTubeLoad<'conn>> {
        conn.execute_batch(queries::YOUTUBE_BEGIN)?;
        Ok(YouTubeLoad {
            conn,
            videos: conn.appender_to_db("youtube_videos", "load")?,
            stats: conn.appender_to_db("youtube_video_stats", "load")?,
            comments: conn.appender_to_db("youtube_comments", "load")?,
            run_id: run_id.0,
            now,
        })
    }

    pub fn raw(&self, responses: &[Response]) -> Result<()> {
        let mut raw = self.conn.appender_to_db("youtube_responses", "raw")?;
        for r in responses {
            raw.append_row(params![self.run_id, self.now.naive_utc(), r.call, r.request, r.page_no, r.body])?;
        }
        Ok(raw.flush()?)
    }

    /// `comments_disabled`: `None` when comments were not asked for.
    pub fn append_video(&mut self, video: &Video, comments_disabled: Option<bool>, content_hash: &str) -> Result<()> {
        let tags = serde_json::to_string(&video.tags).map_err(|e| Error::Internal(format!("video tags: {e}")))?;
        let now = self.now.naive_utc();
        self.videos.append_row(params![
            video.video_id,
            video.channel_id,
            video.published_at.naive_utc(),
            video.title,
            video.description,
            tags,
            video.category_id,
            video.default_audio_language,
            video.live_broadcast_content,
            video.duration_iso,
            video.duration_seconds,
            video.definition,
            video.caption,
            video.licensed_content,
            comments_disabled,
            content_hash,
            now,
            now,
            self.run_id,
        ])?;
        self.stats.append_row(params![
            video.video_id,
            self.now.date_naive(),
            now,
            video.view_count,
            video.like_count,
            video.comment_count,
            self.run_id,
        ])?;
        Ok(())
    }

    pub fn append_comment(&mut self, comment: &Comment) -> Result<()> {
        self.comments.append_row(params![
            comment.comment_id,
            comment.video_id,
            comment.author,
            comment.text,
            comment.like_count,
            comment.reply_count,
            comment.published_at.naive_utc(),
            comment.updated_at.map(|t| t.naive_utc()),
            self.run_id,
        ])?;
        Ok(())
    }

    pub fn channel(&self, channel: &ChannelStats) -> Result<()> {
        let day = self.now.date_naive();
        self.conn.execute(
            queries::YOUTUBE_CHANNEL_SNAPSHOT_CLEAR,
            named_params! { "channel_id": channel.channel_id, "captured_on": day },
        )?;
        self.conn.execute(
            queries::YOUTUBE_CHANNEL_SNAPSHOT,
            named_params! {
                "channel_id": channel.channel_id,
                "captured_on": day,
                "captured_at": self.now.naive_utc(),
                "title": channel.title,
                "view_count": channel.view_count,
                "subscriber_count": channel.subscriber_count,
                "video_count": channel.video_count,
                "run_id": self.run_id,
            },
        )?;
        Ok(())
    }

    pub fn categories(&self, categories: &[VideoCategory]) -> Result<()> {
        for category in categories {
            self.conn.execute(queries::YOUTUBE_CATEGORY_CLEAR, named_params! { "category_id": category.id })?;
            self.conn.execute(
                queries::YOUTUBE_CATEGORY_INSERT,
                named_params! { "category_id": category.id, "title": category.title },
            )?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<Changes> {
        self.videos.flush()?;
        self.stats.flush()?;
        self.comments.flush()?;
        let YouTubeLoad { conn, videos, stats, comments, .. } = self;
        drop((videos, stats, comments));
        let (inserted, updated): (i64, i64) =
            conn.query_row(queries::YOUTUBE_CHANGES, [], |row| Ok((row.get(0)?, row.get(1)?)))?;
        conn.execute_batch(queries::YOUTUBE_MERGE)?;
        Ok(Changes { inserted: inserted as u64, updated: updated as u64 })
    }
}

/// Units spent by YouTube runs since `since`.
pub fn quota_spent_since(conn: &Connection, since: DateTime<Utc>) -> Result<u64> {
    let spent: i64 =
        conn.query_row(queries::YOUTUBE_QUOTA_SPENT_SINCE, named_params! { "since": since.naive_utc() }, |row| {
            row.get(0)
        })?;
    Ok(spent as u64)
}
