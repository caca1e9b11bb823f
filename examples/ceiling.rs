//! The ceiling for cached answers: a bare axum handler that serves one fixed response, captured
//! from the service (`curl -D headers -o body`), with the same status line's headers and body
//! bytes. Nothing is computed per request beyond what axum and hyper do, so the service's cached
//! throughput can be read as a fraction of this on the same machine.
//!
//! Usage: ceiling --listen 127.0.0.1:18081 --headers captured.headers --body captured.body

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::routing::get;

// The service's allocator, so the comparison is of the work per request and not of allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Serves a captured response at every path.
#[derive(clap::Parser)]
struct Args {
    #[arg(long)]
    listen: SocketAddr,
    /// Response headers as `curl -D` writes them; the status line is skipped.
    #[arg(long)]
    headers: PathBuf,
    #[arg(long)]
    body: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = <Args as clap::Parser>::parse();
    let headers = captured_headers(&std::fs::read_to_string(&args.headers)?)?;
    let body = Bytes::from(std::fs::read(&args.body)?);
    let app = Router::new().fallback(get(move || {
        let (headers, body) = (headers.clone(), body.clone());
        async move { (headers, body) }
    }));
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

/// hyper writes `content-length` and `date` itself, as it does for the service.
fn captured_headers(text: &str) -> anyhow::Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    for line in text.lines().skip(1).map(str::trim_end).filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').with_context(|| format!("not a header line: {line:?}"))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())?;
        if name == header::CONTENT_LENGTH || name == header::DATE {
            continue;
        }
        headers.append(name, HeaderValue::from_str(value.trim())?);
    }
    Ok(headers)
}
