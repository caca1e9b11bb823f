//! DuckLake: one warehouse shared by a writer and stateless readers on other machines. The catalog
//! lives in PostgreSQL, the data as Parquet files in object storage (or a folder), and every commit
//! is a snapshot that readers see whole or not at all.
//!
//! The writer keeps working in its own DuckDB file, where the migrations' keys, sequences and
//! checks hold (DuckLake tables have none of them), and publishes every committed refresh into the
//! lake as one snapshot. A reader has no file: an in-memory database whose tables are views over
//! the lake, so the same named queries answer from the lake, and a read transaction pins one snapshot.

use std::path::PathBuf;

use duckdb::Connection;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{migrate, queries};
use crate::error::{Error, Result};

/// The DuckDB release whose extensions are loaded; the bundled engine is this version.
const DUCKDB_VERSION: &str = "v1.5.5";
/// The name the lake is attached under; the named lake queries refer to it.
const CATALOG: &str = "lake";
const NOTHING_PUBLISHED: &str = "no writer has published to this lake yet: start the writer (NA_ROLE=writer) first";

/// Where the lake is and how to reach it; from `NA_WAREHOUSE=ducklake:postgres:…` and `NA_LAKE_*`,
/// `NA_S3_*`, `NA_DUCKDB_EXTENSION_DIR`.
#[derive(Clone)]
pub struct LakeSettings {
    /// The libpq connection string of the PostgreSQL catalog (it may carry a password).
    pub catalog: SecretString,
    /// `s3://bucket/prefix/` or a folder; where a new lake puts its Parquet files.
    pub data_path: String,
    pub s3: S3Settings,
    /// A folder in DuckDB's extension layout to load `ducklake`, `postgres` and `httpfs` from;
    /// without it they are installed from DuckDB's extension repository.
    pub extension_dir: Option<PathBuf>,
}

#[derive(Clone)]
pub struct S3Settings {
    /// `None` means AWS itself.
    pub endpoint: Option<Url>,
    pub region: String,
    pub access_key_id: Option<SecretString>,
    pub secret_access_key: Option<SecretString>,
    pub url_style: UrlStyle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlStyle {
    Path,
    Vhost,
}

impl std::fmt::Debug for LakeSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LakeSettings")
            .field("catalog", &"[redacted]")
            .field("data_path", &self.data_path)
            .field("s3_endpoint", &self.s3.endpoint.as_ref().map(Url::as_str))
            .field("s3_region", &self.s3.region)
            .field("s3_url_style", &self.s3.url_style)
            .field("extension_dir", &self.extension_dir)
            .finish()
    }
}

/// What a process does with the lake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Migrates its own file and publishes it to the lake.
    Writer,
    /// Reads the lake only; never writes to it.
    Reader,
}

impl LakeSettings {
    /// Database options for every connection that attaches the lake: extensions come from the
    /// configured folder and nothing is fetched from the network behind the operator's back.
    pub fn duckdb_config(&self) -> Result<duckdb::Config> {
        let config = duckdb::Config::default();
        Ok(match &self.extension_dir {
            Some(dir) => config
                .with("extension_directory", dir.to_string_lossy())?
                .with("autoinstall_known_extensions", "false")?
                .with("autoload_known_extensions", "false")?,
            None => config,
        })
    }

    /// Loads the extensions, gives DuckDB the object store's credentials and attaches the lake as
    /// `lake`. Errors never carry the connection string or the keys.
    pub fn attach(&self, conn: &Connection, access: Access) -> Result<()> {
        let fail =
            |step: &str, err: duckdb::Error| self.open_error(format!("{step}: {}", self.redact(&err.to_string())));
        let load = if self.extension_dir.is_some() {
            "LOAD ducklake; LOAD postgres; LOAD httpfs;"
        } else {
            "INSTALL ducklake; INSTALL postgres; INSTALL httpfs; LOAD ducklake; LOAD postgres; LOAD httpfs;"
        };
        conn.execute_batch(load).map_err(|e| {
            let hint = match &self.extension_dir {
                Some(dir) => format!(
                    "loading the ducklake, postgres and httpfs extensions for DuckDB {DUCKDB_VERSION} from {} \
                     (NA_DUCKDB_EXTENSION_DIR; scripts/lake-setup.sh fills it)",
                    dir.display()
                ),
                None => "installing the ducklake, postgres and httpfs extensions from DuckDB's repository \
                         (set NA_DUCKDB_EXTENSION_DIR on a machine without internet)"
                    .to_owned(),
            };
            fail(&hint, e)
        })?;
        if self.data_path.starts_with("s3://") {
            conn.execute_batch(&self.s3_secret()).map_err(|e| fail("configuring the object store", e))?;
        }
        conn.execute_batch(&self.attach_statement(access)).map_err(|e| {
            // A read-only attach cannot create the lake; DuckLake says so in these words.
            if access == Access::Reader && e.to_string().contains("creating a new DuckLake is explicitly disabled") {
                Error::LakeSchema { reason: NOTHING_PUBLISHED.to_owned() }
            } else {
                fail("attaching the lake", e)
            }
        })?;
        Ok(())
    }

    /// DDL takes no parameters, so the values are written as SQL string literals. They come from the
    /// operator's configuration, never from a request.
    fn s3_secret(&self) -> String {
        let s3 = &self.s3;
        let mut options = vec![
            "TYPE s3".to_owned(),
            format!("REGION {}", literal(&s3.region)),
            format!("URL_STYLE {}", literal(if s3.url_style == UrlStyle::Path { "path" } else { "vhost" })),
        ];
        if let (Some(key), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
            options.push(format!("KEY_ID {}", literal(key.expose_secret())));
            options.push(format!("SECRET {}", literal(secret.expose_secret())));
        }
        if let Some(endpoint) = &s3.endpoint {
            let host = endpoint.host_str().unwrap_or_default();
            let authority = match endpoint.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            };
            options.push(format!("ENDPOINT {}", literal(&authority)));
            options.push(format!("USE_SSL {}", endpoint.scheme() == "https"));
        }
        format!("CREATE OR REPLACE SECRET lake_store ({});", options.join(", "))
    }

    fn attach_statement(&self, access: Access) -> String {
        let target = literal(&format!("ducklake:postgres:{}", self.catalog.expose_secret()));
        let options = match access {
            Access::Writer => format!("DATA_PATH {}", literal(&self.data_path)),
            Access::Reader => "READ_ONLY".to_owned(),
        };
        format!("ATTACH IF NOT EXISTS {target} AS {CATALOG} ({options});")
    }

    fn redact(&self, message: &str) -> String {
        let mut message = message.replace(self.catalog.expose_secret(), "[catalog]");
        for secret in [&self.s3.access_key_id, &self.s3.secret_access_key].into_iter().flatten() {
            if !secret.expose_secret().is_empty() {
                message = message.replace(secret.expose_secret(), "[redacted]");
            }
        }
        message
    }

    fn open_error(&self, reason: String) -> Error {
        Error::WarehouseOpen { path: format!("the DuckLake catalog (data in {})", self.data_path), reason }
    }
}

fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The writer: the lake must not have been migrated by a newer build. Publishing (which creates
/// the lake's tables the first time) is the caller's next step, `Warehouse::publish`.
pub fn open_writer(conn: &Connection) -> Result<()> {
    if published(conn)? {
        let lake = lake_migrations(conn)?;
        if let Some((version, _)) = lake.iter().find(|(v, _)| !migrate::MIGRATIONS.iter().any(|m| m.version == *v)) {
            return Err(Error::LakeSchema {
                reason: format!(
                    "the lake holds migration {version}, which this build does not know; it was published by a newer \
                     netflix-analytics: run that version as the writer"
                ),
            });
        }
    }
    Ok(())
}

/// A reader: the lake's tables must come from exactly this build's migrations; then every
/// published table becomes a view over the lake.
pub fn open_reader(conn: &Connection) -> Result<()> {
    check_reader_schema(conn)?;
    conn.execute_batch(queries::LAKE_FOLLOW)?;
    Ok(())
}

/// Whether the lake's schema is the one this reader's queries were written for.
pub fn check_reader_schema(conn: &Connection) -> Result<()> {
    if !published(conn)? {
        return Err(Error::LakeSchema { reason: NOTHING_PUBLISHED.to_owned() });
    }
    let lake = lake_migrations(conn)?;
    let own = migrate::MIGRATIONS;
    let same = lake.len() == own.len()
        && lake.iter().zip(own).all(|((version, checksum), m)| {
            *version == m.version && (*checksum == migrate::checksum(m.sql) || m.earlier.contains(&checksum.as_str()))
        });
    if !same {
        return Err(Error::LakeSchema {
            reason: format!(
                "the lake is at migration {} and this reader at {}; run readers of the writer's version",
                lake.last().map_or(0, |(v, _)| *v),
                own.last().map_or(0, |m| m.version)
            ),
        });
    }
    Ok(())
}

fn published(conn: &Connection) -> Result<bool> {
    let tables: i64 = conn.query_row(queries::LAKE_TABLES, [], |row| row.get(0))?;
    Ok(tables > 0)
}

fn lake_migrations(conn: &Connection) -> Result<Vec<(i64, String)>> {
    Ok(conn
        .prepare(queries::LAKE_SCHEMA_APPLIED)?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

/// Copies the writer's committed state into the lake in one transaction, so readers move from one
/// whole refresh to the next. The data is copied only when its version moved; bookkeeping (runs,
/// models, migrations) every time, which is small. A process killed here leaves the lake on its
/// previous snapshot, and the next start publishes again.
pub fn publish(conn: &mut Connection) -> Result<()> {
    let local = super::load::data_version(conn)?;
    let tx = conn.transaction()?;
    let lake: Option<i64> =
        if published(&tx)? { tx.query_row(queries::LAKE_DATA_VERSION, [], |row| row.get(0))? } else { None };
    if lake != Some(local as i64) {
        tx.execute_batch(queries::LAKE_PUBLISH_DATA)?;
    }
    tx.execute_batch(queries::LAKE_PUBLISH_OPS)?;
    tx.commit()?;
    // Old snapshots' files go once no reader can still be on them; a failure here costs storage only.
    if let Err(err) = conn.execute_batch(queries::LAKE_EXPIRE) {
        tracing::warn!(error = %err, "expiring old lake snapshots failed; the store keeps their files until next time");
    }
    Ok(())
}

/// The data version of the lake's latest snapshot, as a reader polls it.
pub fn data_version(conn: &Connection) -> Result<u64> {
    let version: Option<i64> = conn.query_row(queries::LAKE_DATA_VERSION, [], |row| row.get(0))?;
    Ok(version.unwrap_or(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> LakeSettings {
        LakeSettings {
            catalog: SecretString::from("dbname=lake host=db password=hunter2"),
            data_path: "s3://bucket/warehouse/".to_owned(),
            s3: S3Settings {
                endpoint: Some("http://127.0.0.1:9000".parse().unwrap()),
                region: "eu-west-1".to_owned(),
                access_key_id: Some(SecretString::from("AKIAEXAMPLE")),
                secret_access_key: Some(SecretString::from("s3cr'et")),
                url_style: UrlStyle::Path,
            },
            extension_dir: None,
        }
    }

    #[test]
    fn the_secret_names_the_endpoint_without_its_scheme_and_quotes_every_value() {
        let sql = settings().s3_secret();
        assert!(sql.contains("ENDPOINT '127.0.0.1:9000'"), "{sql}");
        assert!(sql.contains("USE_SSL false"), "{sql}");
        assert!(sql.contains("SECRET 's3cr''et'"), "{sql}");
        assert!(sql.contains("URL_STYLE 'path'"), "{sql}");
    }

    #[test]
    fn errors_and_debug_output_never_carry_the_catalog_string_or_the_keys() {
        let settings = settings();
        let message =
            settings.redact("could not connect: dbname=lake host=db password=hunter2, key AKIAEXAMPLE s3cr'et");
        assert!(
            !message.contains("hunter2") && !message.contains("AKIAEXAMPLE") && !message.contains("s3cr'et"),
            "{message}"
        );
        let debug = format!("{settings:?}");
        assert!(!debug.contains("hunter2") && !debug.contains("AKIAEXAMPLE"), "{debug}");
    }

    /// A table a migration adds is either published (and followed by readers) or deliberately local.
    #[test]
    fn every_table_of_the_warehouse_is_published_or_known_to_stay_local() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate::apply(&mut conn).unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let published = format!("{}{}", queries::LAKE_PUBLISH_DATA, queries::LAKE_PUBLISH_OPS);
        for table in tables {
            let local = table.starts_with("load.") || table == "ops.llm_calls";
            let copied = published.contains(&format!("lake.{table} AS FROM {table};"));
            let followed = queries::LAKE_FOLLOW.contains(&format!("CREATE VIEW {table} AS FROM lake.{table};"));
            assert!(local || copied, "{table} is neither published nor known to stay local");
            assert!(
                local || followed || table == "ops.schema_migrations",
                "{table} is published but readers do not follow it"
            );
        }
    }

    /// A plain DuckDB database attached as `lake` stands in for the catalog: the checks and the
    /// copy are the same SQL; what only DuckLake does (snapshots, Parquet on S3) is tested against
    /// the real parts in tests/api/lake.rs.
    fn writer_with_lake() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate::apply(&mut conn).unwrap();
        conn.execute_batch("ATTACH ':memory:' AS lake").unwrap();
        conn
    }

    #[test]
    fn a_reader_refuses_a_lake_nobody_published_to_or_published_from_other_migrations() {
        let mut conn = writer_with_lake();
        let err = check_reader_schema(&conn).unwrap_err();
        assert!(err.to_string().contains("NA_ROLE=writer"), "{err}");
        publish(&mut conn).unwrap();
        check_reader_schema(&conn).unwrap();
        let last = migrate::MIGRATIONS.last().unwrap().version;
        conn.execute("DELETE FROM lake.ops.schema_migrations WHERE version = ?", [last]).unwrap();
        let err = check_reader_schema(&conn).unwrap_err();
        assert_eq!(err.code(), "lake_schema");
        assert!(err.to_string().contains(&format!("at migration {} and this reader at {last}", last - 1)), "{err}");
    }

    #[test]
    fn a_writer_refuses_a_lake_a_newer_build_migrated() {
        let mut conn = writer_with_lake();
        publish(&mut conn).unwrap();
        conn.execute_batch("INSERT INTO lake.ops.schema_migrations VALUES (999, '0999_future', 'x', now())").unwrap();
        let err = open_writer(&conn).unwrap_err();
        assert!(err.to_string().contains("migration 999"), "{err}");
    }

    /// The data is copied when its version moved; the bookkeeping every time.
    #[test]
    fn a_publish_copies_the_data_only_when_its_version_moved() {
        let mut conn = writer_with_lake();
        publish(&mut conn).unwrap();
        assert_eq!(data_version(&conn).unwrap(), 0);
        conn.execute_batch("INSERT INTO mart.weeks VALUES (DATE '2026-07-05', 4, 40, 1)").unwrap();
        publish(&mut conn).unwrap();
        let weeks = |conn: &Connection| {
            conn.query_row("SELECT count(*) FROM lake.mart.weeks", [], |r| r.get::<_, i64>(0)).unwrap()
        };
        assert_eq!(weeks(&conn), 0, "the data version did not move, so the data was not copied");
        let tx = conn.transaction().unwrap();
        super::super::load::bump_data_version(&tx, crate::domain::RunId(1), chrono::Utc::now()).unwrap();
        tx.commit().unwrap();
        publish(&mut conn).unwrap();
        assert_eq!(weeks(&conn), 1);
        assert_eq!(data_version(&conn).unwrap(), 1);
    }
}
