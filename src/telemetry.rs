//! Structured logs through `tracing`: human-readable text by default, JSON lines on request.
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls (tests spawn many apps) are ignored.
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Json => registry.with(fmt::layer().json().with_current_span(true)).try_init(),
        LogFormat::Text => registry.with(fmt::layer()).try_init(),
    };
}
