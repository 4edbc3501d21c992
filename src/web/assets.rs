//! Embedded static files: our own CSS and JS, and the vendored libraries (never the test-only axe-core).
//!
//! Every URL carries one content hash of the whole bundle (`/static/<hash>/web/hromada.css`), so relative
//! imports between files keep working, and any change of any file gives every URL a new name: the files
//! are cached for a year as immutable. A request with an old hash still gets the current file, uncached.
use std::sync::LazyLock;

use poem::{
    Endpoint, Request, Response,
    http::{StatusCode, header},
};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

pub const ASSET_PREFIX: &str = "/static";

#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "vendor/axe-core/*"]
#[exclude = "*.md"]
#[exclude = "*.tsv"]
struct Assets;

/// The bundle's content hash: the first 16 hex digits of SHA-256 over every file's path and hash.
pub static BUNDLE_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<_> = Assets::iter().collect();
    names.sort();
    let mut all = Sha256::new();
    for name in names {
        if let Some(file) = Assets::get(&name) {
            all.update(name.as_bytes());
            all.update(file.metadata.sha256_hash());
        }
    }
    hex::encode(all.finalize())[..16].to_owned()
});

/// `/static/<hash>`: what templates put before an asset's path.
pub fn base_url() -> String {
    format!("{ASSET_PREFIX}/{}", *BUNDLE_HASH)
}

pub fn endpoint() -> impl Endpoint {
    poem::endpoint::make_sync(serve)
}

fn serve(req: Request) -> Response {
    let rest = req.uri().path().trim_start_matches(ASSET_PREFIX).trim_start_matches('/');
    let Some((hash, path)) = rest.split_once('/') else {
        return StatusCode::NOT_FOUND.into();
    };
    let Some(file) = Assets::get(path) else {
        return StatusCode::NOT_FOUND.into();
    };
    let cache = if hash == BUNDLE_HASH.as_str() { "public, max-age=31536000, immutable" } else { "no-cache" };
    Response::builder()
        .header(header::CONTENT_TYPE, file.metadata.mimetype())
        .header(header::CACHE_CONTROL, cache)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(file.data.into_owned())
}
