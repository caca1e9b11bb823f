//! Logging. `RUST_LOG` filters (default `info`); `NA_LOG_FORMAT` picks text or JSON lines.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// For the binary; call once, first thing.
pub fn init(format: LogFormat) {
    let builder = tracing_subscriber::fmt().with_env_filter(filter()).with_target(false);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).init(),
    }
}

/// For tests: output is captured per test, and repeated calls are harmless.
pub fn init_for_tests() {
    let _ = tracing_subscriber::fmt().with_env_filter(filter()).with_test_writer().try_init();
}
