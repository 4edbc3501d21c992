//! What the author of an appeal or report does after the answer, and the photos of a report.
use chrono::Utc;

use super::{AppealDetails, handling::act, person, visible};
use crate::{
    domain::{
        DomainError,
        appeals::{
            AppealKind, Command,
            photos::{PhotoRefusal, acceptable_photo},
        },
    },
    error::AppError,
    service::{Actor, AppState},
    storage,
};

/// Confirm the answer: the problem is solved.
pub async fn confirm(state: &AppState, actor: &Actor, id: i32) -> Result<AppealDetails, AppError> {
    act(state, actor, id, Command::Confirm).await
}

/// Return the answer for rework: the appeal reopens and the executor is told.
pub async fn return_for_rework(
    state: &AppState,
    actor: &Actor,
    id: i32,
    reason: String,
) -> Result<AppealDetails, AppError> {
    act(state, actor, id, Command::ReturnForRework { reason }).await
}

/// Rate the answer 1–5.
pub async fn rate(
    state: &AppState,
    actor: &Actor,
    id: i32,
    score: i32,
    comment: Option<String>,
) -> Result<AppealDetails, AppError> {
    act(state, actor, id, Command::Rate { score, comment }).await
}

/// A photo as stored.
#[derive(Debug, Clone)]
pub struct Photo {
    pub id: i32,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// The image types a photo is stored and served as (see [`sniff_photo`]).
pub const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// The image type read from the bytes themselves, never from what the client claims.
pub fn sniff_photo(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let kind = infer::get(bytes)?;
    match kind.mime_type() {
        "image/jpeg" => Some(("image/jpeg", "jpg")),
        "image/png" => Some(("image/png", "png")),
        "image/webp" => Some(("image/webp", "webp")),
        _ => None,
    }
}

/// A photo's bytes as every upload checks them (the API's and the report journey's), under the
/// domain's rule: at most the configured size, and a JPEG, PNG or WebP image by its bytes.
pub fn checked_photo<'a>(
    limits: &crate::config::PhotoSettings,
    bytes: &'a [u8],
) -> Result<storage::appeals::NewPhoto<'a>, PhotoRefusal> {
    let (content_type, extension) = acceptable_photo(bytes.len(), limits.max_bytes, sniff_photo(bytes))?;
    Ok(storage::appeals::NewPhoto { bytes, content_type, extension })
}

/// Attach a photo to an issue report (its author; JPEG, PNG or WebP, the type read from the bytes).
pub async fn add_photo(state: &AppState, actor: &Actor, id: i32, bytes: &[u8]) -> Result<Photo, AppError> {
    let principal = person(actor)?;
    let row = visible(state, actor, id).await?;
    if row.author_account_id != Some(principal.account_id) {
        return Err(AppError::Forbidden("only the author attaches photos to a report".into()));
    }
    if storage::appeals::kind_of(&row)? != AppealKind::IssueReport {
        return Err(AppError::validation("kind", "photos are attached to issue reports"));
    }
    let limits = &state.settings.photos;
    let new = checked_photo(limits, bytes).map_err(DomainError::from)?;
    let (now, lost) = (Utc::now(), &state.lost_commit_answers);
    let photo = storage::appeals::add_photo(&state.db, limits, row.id, principal.account_id, new, now, lost).await?;
    Ok(Photo { id: photo.id, content_type: photo.content_type, size_bytes: photo.size_bytes, sha256: photo.sha256 })
}

/// A photo's bytes and the type to serve them as.
#[derive(Debug, Clone)]
pub struct PhotoFile {
    /// One of [`PHOTO_TYPES`], or `application/octet-stream` for anything else ever stored.
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A photo of a report anyone may see (of an appeal, only those who may read it).
pub async fn photo(state: &AppState, actor: &Actor, id: i32, photo_id: i32) -> Result<PhotoFile, AppError> {
    let row = visible(state, actor, id).await?;
    let photo = storage::appeals::photo(&state.db, row.id, photo_id).await?;
    photo_file(state, &photo.file_name, &photo.content_type).await
}

/// A stored photo's bytes, served only as one of the image types accepted on upload: browsers must
/// not guess another type from the bytes (a crafted "image" run as HTML or script).
pub async fn photo_file(state: &AppState, file_name: &str, stored_type: &str) -> Result<PhotoFile, AppError> {
    let bytes = tokio::fs::read(state.settings.photos.dir.join(file_name))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reading photo {file_name}: {e}")))?;
    let content_type =
        PHOTO_TYPES.into_iter().find(|known| *known == stored_type).unwrap_or("application/octet-stream");
    Ok(PhotoFile { content_type, bytes })
}
