//! Versioned SQL migrations from `migrations/`, compiled into the binary. At start-up the pending ones
//! are applied in order inside one transaction and recorded with a SHA-256 checksum; an applied
//! migration whose file has since changed stops start-up, because the warehouse no longer matches
//! what the code expects.

use chrono::Utc;
use duckdb::{Connection, named_params};
use sha2::{Digest, Sha256};

use super::queries;
use crate::error::{Error, Result};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// Checksums of earlier texts of this migration that built the same schema. Only for a file that
    /// had to be rewritten because a DuckDB version could not run it; the reason is in the file.
    pub earlier: &'static [&'static str],
}

/// Append-only. A test checks that every file in `migrations/` is listed here, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_schemas_and_runs",
        sql: include_str!("../../migrations/0001_schemas_and_runs.sql"),
        earlier: &[],
    },
    Migration { version: 2, name: "0002_top10", sql: include_str!("../../migrations/0002_top10.sql"), earlier: &[] },
    Migration {
        version: 3,
        name: "0003_catalog",
        sql: include_str!("../../migrations/0003_catalog.sql"),
        earlier: &[],
    },
    Migration {
        version: 4,
        name: "0004_youtube",
        sql: include_str!("../../migrations/0004_youtube.sql"),
        earlier: &[],
    },
    Migration { version: 5, name: "0005_titles", sql: include_str!("../../migrations/0005_titles.sql"), earlier: &[] },
    Migration {
        version: 6,
        name: "0006_analytics",
        sql: include_str!("../../migrations/0006_analytics.sql"),
        earlier: &[],
    },
    Migration {
        version: 7,
        name: "0007_analytics_precomputed",
        sql: include_str!("../../migrations/0007_analytics_precomputed.sql"),
        earlier: &[],
    },
    Migration {
        version: 8,
        name: "0008_identity_evidence",
        sql: include_str!("../../migrations/0008_identity_evidence.sql"),
        // Written for DuckDB 2.0, which adds a NOT NULL column in one statement; 1.5 needs two.
        earlier: &["bf72c4c2b282d9b36fdce260b9c88511ccaf3fa86b3867231e79fbc1ef7b75c0"],
    },
    Migration {
        version: 9,
        name: "0009_llm_calls",
        sql: include_str!("../../migrations/0009_llm_calls.sql"),
        earlier: &[],
    },
    Migration { version: 10, name: "0010_ml", sql: include_str!("../../migrations/0010_ml.sql"), earlier: &[] },
];

pub fn checksum(sql: &str) -> String {
    format!("{:x}", Sha256::digest(sql.as_bytes()))
}

/// Applies what is pending; returns how many migrations ran.
pub fn apply(conn: &mut Connection) -> Result<usize> {
    let tx = conn.transaction()?;
    tx.execute_batch(queries::MIGRATIONS_LEDGER)?;
    let applied: Vec<(i64, String, String)> = tx
        .prepare(queries::MIGRATIONS_APPLIED)?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (version, name, applied_checksum) in &applied {
        let known = MIGRATIONS
            .iter()
            .find(|m| m.version == *version)
            .ok_or_else(|| Error::UnknownMigration { version: *version, name: name.clone() })?;
        let current = checksum(known.sql);
        if current != *applied_checksum && !known.earlier.contains(&applied_checksum.as_str()) {
            return Err(Error::MigrationChanged {
                name: known.name.to_owned(),
                applied: applied_checksum.clone(),
                current,
            });
        }
    }
    let mut ran = 0;
    for migration in MIGRATIONS.iter().filter(|m| !applied.iter().any(|(v, _, _)| *v == m.version)) {
        tx.execute_batch(migration.sql)?;
        tx.execute(
            queries::MIGRATIONS_RECORD,
            named_params! {
                "version": migration.version,
                "name": migration.name,
                "checksum": checksum(migration.sql),
                "applied_at": Utc::now().naive_utc(),
            },
        )?;
        tracing::info!(migration = migration.name, "applied migration");
        ran += 1;
    }
    tx.commit()?;
    if ran > 0 {
        // DuckDB 1.5.5 cannot replay an ALTER TABLE of a table whose default calls nextval() from
        // the write-ahead log ("GetDefaultDatabase with no default database set"), so a process
        // killed after migrating would leave a warehouse that no longer opens. Writing the
        // migrations into the file leaves nothing of them in the log.
        conn.execute_batch(queries::CHECKPOINT)?;
    }
    Ok(ran)
}

pub fn is_current(conn: &Connection) -> Result<bool> {
    let applied: i64 = conn.query_row(queries::MIGRATIONS_COUNT, [], |row| row.get(0))?;
    Ok(applied == MIGRATIONS.len() as i64)
}
