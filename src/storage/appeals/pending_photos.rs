//! Photos chosen on the report journey before the report exists (migration m0021): the file first,
//! then its row, under the draft's scope; they become the appeal's photos in the filing's transaction
//! ([`attach_pending`]), or are deleted with their files when they expire.
use entity::web_pending_photos::{self as pending, Column};

use super::{photos::write_file, *};

/// A photo kept for a draft, as stored.
pub type PendingPhoto = pending::Model;

/// Whose draft a pending photo belongs to: the draft's scope (a digest of the account and its key)
/// and the account.
#[derive(Debug, Clone, Copy)]
pub struct DraftScope<'a> {
    pub scope: &'a str,
    pub account_id: i32,
}

/// Keeps a photo for a draft until `expires_at`, at most `limits.max_per_appeal` per draft (the limit a
/// report has); also deletes the pending photos that expired, with their files.
pub async fn keep_pending_photo(
    db: &DatabaseConnection,
    limits: &crate::config::PhotoSettings,
    draft: DraftScope<'_>,
    photo: NewPhoto<'_>,
    (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
) -> Result<pending::Model, AppError> {
    use sha2::{Digest, Sha256};
    forget_expired(db, &limits.dir, now).await?;
    pending_count_within(db, draft, limits.max_per_appeal).await?;
    let NewPhoto { bytes, content_type, extension } = photo;
    let file_name = write_file(&limits.dir, bytes, extension).await?;
    let txn = crate::storage::begin_write(db).await?;
    // Counted again inside the write transaction; filing refuses a draft with more photos than a report
    // may carry, should two parallel uploads on PostgreSQL both have passed.
    if let Err(full) = pending_count_within(&txn, draft, limits.max_per_appeal).await {
        drop(txn);
        let _ = tokio::fs::remove_file(limits.dir.join(&file_name)).await;
        return Err(full);
    }
    let row = pending::ActiveModel {
        scope: Set(draft.scope.to_owned()),
        account_id: Set(draft.account_id),
        file_name: Set(file_name),
        content_type: Set(content_type.to_owned()),
        size_bytes: Set(bytes.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(bytes))),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

async fn pending_count_within(db: &impl ConnectionTrait, draft: DraftScope<'_>, max: u32) -> Result<(), AppError> {
    let kept = of_draft(draft).count(db).await?;
    if kept >= u64::from(max) {
        return Err(AppError::validation("photo", format!("a report may carry at most {max} photos")));
    }
    Ok(())
}

fn of_draft(draft: DraftScope<'_>) -> sea_orm::Select<pending::Entity> {
    pending::Entity::find().filter(Column::Scope.eq(draft.scope)).filter(Column::AccountId.eq(draft.account_id))
}

/// The draft's photos not yet expired, in the order they were chosen.
pub async fn pending_photos(
    db: &DatabaseConnection,
    draft: DraftScope<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<pending::Model>, AppError> {
    Ok(of_draft(draft).filter(Column::ExpiresAt.gte(now)).order_by_asc(Column::Id).all(db).await?)
}

/// One photo of the draft.
pub async fn pending_photo(
    db: &DatabaseConnection,
    draft: DraftScope<'_>,
    id: i32,
) -> Result<pending::Model, AppError> {
    of_draft(draft)
        .filter(Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("this report has no photo {id}")))
}

/// Removes one photo of the draft and its file (nothing when it is already gone).
pub async fn drop_pending_photo(
    db: &DatabaseConnection,
    dir: &std::path::Path,
    draft: DraftScope<'_>,
    id: i32,
) -> Result<(), AppError> {
    let Ok(photo) = pending_photo(db, draft, id).await else { return Ok(()) };
    let deleted = pending::Entity::delete_by_id(photo.id).exec(db).await?;
    if deleted.rows_affected > 0 {
        let _ = tokio::fs::remove_file(dir.join(&photo.file_name)).await;
    }
    Ok(())
}

/// Deletes the pending photos that expired (their drafts abandoned), each row then its file. A file goes
/// only when this delete removed its row: a filing that took the photo meanwhile (`attach_pending`) owns
/// the file now.
async fn forget_expired(db: &DatabaseConnection, dir: &std::path::Path, now: DateTime<Utc>) -> Result<(), AppError> {
    let expired = pending::Entity::find().filter(Column::ExpiresAt.lt(now)).all(db).await?;
    for photo in expired {
        let deleted = pending::Entity::delete_by_id(photo.id).exec(db).await?;
        if deleted.rows_affected > 0 {
            let _ = tokio::fs::remove_file(dir.join(&photo.file_name)).await;
        }
    }
    Ok(())
}

/// Makes each filing's pending photos its appeal's photos (the same files), with a `photo_added`
/// history entry each, inside the filing's transaction. Photos another filing took meanwhile refuse
/// this one: nothing of it is stored.
pub(super) async fn attach_pending(
    txn: &DatabaseTransaction,
    rows: &[appeals::Model],
    filings: &[Filing],
) -> Result<(), AppError> {
    for (row, f) in rows.iter().zip(filings) {
        if f.photos.is_empty() {
            continue;
        }
        let ids: Vec<i32> = f.photos.iter().map(|p| p.id).collect();
        let taken = pending::Entity::delete_many().filter(Column::Id.is_in(ids.clone())).exec(txn).await?;
        if taken.rows_affected != ids.len() as u64 {
            return Err(AppError::Conflict("the photos of this report were already sent with another one".into()));
        }
        for p in &f.photos {
            let photo = appeal_photos::ActiveModel {
                appeal_id: Set(row.id),
                file_name: Set(p.file_name.clone()),
                content_type: Set(p.content_type.clone()),
                size_bytes: Set(p.size_bytes),
                sha256: Set(p.sha256.clone()),
                created_at: Set(f.now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            let details = json!({ "photo_id": photo.id, "content_type": photo.content_type, "size_bytes": photo.size_bytes, "sha256": photo.sha256 });
            NewEvent::new(row.author_account_id, (SUBJECT, row.id), "photo_added", details)
                .append_to(txn, f.now)
                .await?;
        }
    }
    Ok(())
}
