//! Crawled pages kept on disk between the crawl and the load, so a crawl of thousands of pages does
//! not hold them all in memory. One page a line, as JSON; the file sits next to the warehouse and
//! is removed when the spool is dropped.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use tempfile::TempPath;

use crate::error::{Error, Result};
use crate::sources::catalog::CatalogPage;

/// Pages being written.
pub struct SpoolWriter {
    file: BufWriter<File>,
    path: TempPath,
    pages: u64,
}

/// Pages written and flushed, ready to be read back in order.
pub struct Spool {
    path: TempPath,
    pages: u64,
}

impl SpoolWriter {
    pub fn create(dir: &Path) -> Result<SpoolWriter> {
        let (file, path) = tempfile::Builder::new()
            .prefix("catalog-pages-")
            .tempfile_in(dir)
            .map_err(|e| Error::Internal(format!("cannot create a page spool in {}: {e}", dir.display())))?
            .into_parts();
        Ok(SpoolWriter { file: BufWriter::new(file), path, pages: 0 })
    }

    pub fn push(&mut self, page: &CatalogPage) -> Result<()> {
        serde_json::to_writer(&mut self.file, &(&page.request, page.page_no, &page.body))
            .map_err(|e| self.failed(e))?;
        self.file.write_all(b"\n").map_err(|e| self.failed(e))?;
        self.pages += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<Spool> {
        self.file.flush().map_err(|e| self.failed(e))?;
        Ok(Spool { path: self.path, pages: self.pages })
    }

    fn failed(&self, err: impl std::fmt::Display) -> Error {
        Error::Internal(format!("writing the page spool {}: {err}", self.path.display()))
    }
}

impl Spool {
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// The pages in the order they were pushed, one at a time.
    pub fn read(&self) -> Result<impl Iterator<Item = Result<CatalogPage>> + '_> {
        let file = File::open(&self.path).map_err(|e| self.failed(e))?;
        Ok(BufReader::new(file).lines().map(|line| {
            let line = line.map_err(|e| self.failed(e))?;
            let (request, page_no, body): (String, u32, String) =
                serde_json::from_str(&line).map_err(|e| self.failed(e))?;
            Ok(CatalogPage { request, page_no, body })
        }))
    }

    fn failed(&self, err: impl std::fmt::Display) -> Error {
        Error::Internal(format!("reading the page spool {}: {err}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_come_back_in_order_and_the_file_goes_with_the_spool() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = SpoolWriter::create(dir.path()).unwrap();
        let bodies = ["{\"shows\": []}", "line one\nline two \u{e9}\t\"quoted\""];
        for (i, body) in bodies.iter().enumerate() {
            writer
                .push(&CatalogPage { request: "search".into(), page_no: i as u32 + 1, body: (*body).into() })
                .unwrap();
        }
        let spool = writer.finish().unwrap();
        let read: Vec<(u32, String)> = spool.read().unwrap().map(|p| p.map(|p| (p.page_no, p.body)).unwrap()).collect();
        assert_eq!(read, [(1, bodies[0].to_owned()), (2, bodies[1].to_owned())]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        drop(spool);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the spool file is removed");
    }
}
