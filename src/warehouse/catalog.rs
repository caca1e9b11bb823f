//! Writing a catalog crawl: pages to raw, shows with their genres and people to the load tables,
//! then an upsert into stage by show id. Runs inside the caller's transaction.

use chrono::{DateTime, Utc};
use duckdb::{Appender, Connection, named_params, params};

use super::load::Changes;
use super::queries;
use crate::domain::RunId;
use crate::error::Result;
use crate::sources::catalog::{CatalogPage, Show};

pub struct CatalogLoad<'conn> {
    conn: &'conn Connection,
    shows: Appender<'conn>,
    genres: Appender<'conn>,
    people: Appender<'conn>,
    run_id: i64,
    now: chrono::NaiveDateTime,
    country: String,
}

impl<'conn> CatalogLoad<'conn> {
    pub fn begin(
        conn: &'conn Connection,
        run_id: RunId,
        now: DateTime<Utc>,
        country: &str,
    ) -> Result<CatalogLoad<'conn>> {
        conn.execute_batch(queries::CATALOG_BEGIN)?;
        Ok(CatalogLoad {
            conn,
            shows: conn.appender_to_db("catalog_shows", "load")?,
            genres: conn.appender_to_db("catalog_show_genres", "load")?,
            people: conn.appender_to_db("catalog_show_people", "load")?,
            run_id: run_id.0,
            now: now.naive_utc(),
            country: country.to_owned(),
        })
    }

    /// The pages of `requests` replace the raw pages of the same searches. They are streamed, so
    /// a long crawl never sits in memory whole.
    pub fn raw_pages(
        &self,
        requests: &[String],
        pages: impl Iterator<Item = Result<CatalogPage>>,
        fetched_at: DateTime<Utc>,
    ) -> Result<()> {
        for request in requests {
            self.conn.execute(queries::CATALOG_RAW_REPLACE, named_params! { "request": request })?;
        }
        let mut raw = self.conn.appender_to_db("catalog_pages", "raw")?;
        for page in pages {
            let page = page?;
            raw.append_row(params![self.run_id, fetched_at.naive_utc(), page.request, page.page_no, page.body])?;
        }
        Ok(raw.flush()?)
    }

    pub fn append(&mut self, show: &Show, content_hash: &str) -> Result<()> {
        self.shows.append_row(params![
            show.id,
            show.show_type,
            show.imdb_id,
            show.tmdb_id,
            show.title,
            show.original_title,
            show.overview,
            show.release_year,
            show.first_air_year,
            show.last_air_year,
            show.rating,
            show.runtime,
            show.season_count,
            show.episode_count,
            self.country,
            content_hash,
            self.now,
            self.now,
            self.run_id,
        ])?;
        for genre in &show.genres {
            self.genres.append_row(params![show.id, genre.id, genre.name])?;
        }
        for (role, names) in [("director", &show.directors), ("creator", &show.creators), ("cast", &show.cast)] {
            for (ordinal, name) in names.iter().enumerate() {
                self.people.append_row(params![show.id, role, ordinal as i32 + 1, name])?;
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<Changes> {
        self.shows.flush()?;
        self.genres.flush()?;
        self.people.flush()?;
        let CatalogLoad { conn, shows, genres, people, .. } = self;
        drop((shows, genres, people));
        let (inserted, updated): (i64, i64) =
            conn.query_row(queries::CATALOG_CHANGES, [], |row| Ok((row.get(0)?, row.get(1)?)))?;
        conn.execute_batch(queries::CATALOG_MERGE)?;
        Ok(Changes { inserted: inserted as u64, updated: updated as u64 })
    }
}

pub fn is_empty(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(queries::CATALOG_IS_EMPTY, [], |row| row.get(0))?)
}
