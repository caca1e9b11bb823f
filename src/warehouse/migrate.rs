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
}

/// Append-only. A test checks that every file in `migrations/` is listed here, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_schemas_and_runs",
        sql: include_str!("../../migrations/0001_schemas_and_runs.sql"),
    },
    Migration { version: 2, name: "0002_top10", sql: include_str!("../../migrations/0002_top10.sql") },
    Migration { version: 3, name: "0003_catalog", sql: include_str!("../../migrations/0003_catalog.sql") },
    Migration { version: 4, name: "0004_youtube", sql: include_str!("../../migrations/0004_youtube.sql") },
    Migration { version: 5, name: "0005_titles", sql: include_str!("../../migrations/0005_titles.sql") },
    Migration { version: 6, name: "0006_analytics", sql: include_str!("../../migrations/0006_analytics.sql") },
    Migration {
        version: 7,
        name: "0007_analytics_precomputed",
        sql: include_str!("../../migrations/0007_analytics_precomputed.sql"),
    },
    Migration {
        version: 8,
        name: "0008_identity_evidence",
        sql: include_str!("../../migrations/0008_identity_evidence.sql"),
    },
    Migration { version: 9, name: "0009_llm_calls", sql: include_str!("../../migrations/0009_llm_calls.sql") },
    Migration { version: 10, name: "0010_ml", sql: include_str!("../../migrations/0010_ml.sql") },
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
        if current != *applied_checksum {
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
    Ok(ran)
}

pub fn is_current(conn: &Connection) -> Result<bool> {
    let applied: i64 = conn.query_row(queries::MIGRATIONS_COUNT, [], |row| row.get(0))?;
    Ok(applied == MIGRATIONS.len() as i64)
}
