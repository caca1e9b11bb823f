//! The demo profile (`serve --demo` or `NA_DEMO=true`): sample feeds compiled into the binary, in the
//! exact upstream formats, written next to the demo warehouse and loaded through the same connectors
//! as real data (via `file://` base URLs). The samples are invented data, labelled as such in
//! `demo/README.md`; they exist so the service can be tried with no network and no API keys.

use std::path::Path;

use url::Url;

use crate::config::Config;
use crate::error::{Error, Result};

const TOP10: &[(&str, &str)] = &[
    ("all-weeks-global.tsv", include_str!("../demo/top10/all-weeks-global.tsv")),
    ("all-weeks-countries.tsv", include_str!("../demo/top10/all-weeks-countries.tsv")),
    ("most-popular.tsv", include_str!("../demo/top10/most-popular.tsv")),
];

/// With the demo profile on, writes the sample feeds next to the warehouse and points the sources'
/// base URLs at them; otherwise leaves the configuration alone.
pub fn apply(config: &mut Config) -> Result<()> {
    if !config.demo {
        return Ok(());
    }
    let dir = config.warehouse.parent().unwrap_or(Path::new(".")).join("demo-feeds");
    config.top10_base_url = write_files(&dir.join("top10"), TOP10)?;
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
