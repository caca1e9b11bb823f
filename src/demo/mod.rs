//! The demo profile (`serve --demo` or `NA_DEMO=true`): invented sample feeds compiled into the
//! binary, in the exact upstream formats, loaded through the same connectors as real data. The Top 10
//! files are written next to the demo warehouse and read over `file://`; the two APIs are answered
//! by a small replay server on loopback (`replay`), so the catalog and YouTube connectors make the
//! same HTTP requests they make in production. Needs no network and no API keys; schedules are off.

mod replay;

use std::path::Path;

use secrecy::SecretString;
use url::Url;

use crate::config::Config;
use crate::error::{Error, Result};

const TOP10: &[(&str, &str)] = &[
    ("all-weeks-global.tsv", include_str!("../../demo/top10/all-weeks-global.tsv")),
    ("all-weeks-countries.tsv", include_str!("../../demo/top10/all-weeks-countries.tsv")),
    ("most-popular.tsv", include_str!("../../demo/top10/most-popular.tsv")),
];

/// With the demo profile on, points every source at the bundled samples (starting the replay server
/// for the APIs) and turns schedules off; otherwise leaves the configuration alone.
pub async fn apply(config: &mut Config) -> Result<()> {
    if !config.demo {
        return Ok(());
    }
    let dir = config.warehouse.parent().unwrap_or(Path::new(".")).join("demo-feeds");
    config.top10_base_url = write_files(&dir.join("top10"), TOP10)?;
    let replay = replay::start().await?;
    config.catalog.base_url = replay.join("catalog/").expect("a valid path");
    config.youtube.base_url = replay.join("youtube/v3/").expect("a valid path");
    // The replay server ignores keys, but the connectors, like production, refuse to run without one.
    config.catalog.api_key.get_or_insert_with(|| SecretString::from("demo-key"));
    config.youtube.api_key.get_or_insert_with(|| SecretString::from("demo-key"));
    config.schedule.top10 = None;
    config.schedule.catalog = None;
    config.schedule.youtube = None;
    Ok(())
}

fn write_files(dir: &Path, files: &[(&str, &str)]) -> Result<Url> {
    let failed = |e: std::io::Error| Error::Internal(format!("writing the demo feeds to {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(failed)?;
    for (name, content) in files {
        std::fs::write(dir.join(name), content).map_err(failed)?;
    }
    let absolute = std::path::absolute(dir).map_err(failed)?;
    Url::from_directory_path(&absolute)
        .map_err(|()| Error::Internal(format!("{} cannot be a file:// URL", absolute.display())))
}
