//! Photos chosen on the report journey before the report exists (migration m0021): the file first,
//! then its row, under the draft's scope; they become the appeal's photos in the filing's transaction
//! ([`attach_pending`]), or are deleted with their files by the watcher's sweep once they expire
//! ([`forget_expired_pending_photos`]).
use entity::web_pending_photos::{self as pending, Column};

use super::{
    photos::{StoredFile, insert_photo, or_remove, within_limit},
    *,
};

/// A photo kept for a draft, as stored.
pub type PendingPhoto = pending::Model;

/// Whose draft a pending photo belongs to: the draft's scope (a digest of the account and its key)
/// and the account.
#[derive(Debug, Clone, Copy)]
pub struct DraftScope<'a> {
    pub scope: &'a str,
    pub account_id: i32,
}

/// Keeps photos for a draft until `expires_at`, all of them or none: with those the draft keeps, at
/// most what a report may carry (`limits.max_per_appeal`, counted inside the write transaction).
/// Expired ones are left to the watcher's sweep ([`forget_expired_pending_photos`]).
pub async fn keep_pending_photos(
    db: &DatabaseConnection,
    limits: &crate::config::PhotoSettings,
    draft: DraftScope<'_>,
    photos: &[NewPhoto<'_>],
    (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
) -> Result<(), PhotoError> {
    let files = StoredFile::write_all(&limits.dir, photos).await?;
    let rows = async {
        let txn = crate::storage::begin_write(db).await?;
        // Two parallel uploads on PostgreSQL may both pass this count; filing counts the draft's
        // photos again under the same rule.
        let kept = of_draft(draft).filter(Column::ExpiresAt.gte(now)).count(&txn).await?;
        within_limit(limits, kept, &files).await?;
        for file in &files {
            let row = pending::ActiveModel {
                scope: Set(draft.scope.to_owned()),
                account_id: Set(draft.account_id),
                file_name: Set(file.file_name.clone()),
                content_type: Set(file.content_type.clone()),
                size_bytes: Set(file.size_bytes),
                sha256: Set(file.sha256.clone()),
                created_at: Set(now),
                expires_at: Set(expires_at),
                ..Default::default()
            };
            row.insert(&txn).await?;
        }
        Ok(txn)
    };
    let txn = or_remove(&limits.dir, &files, rows).await?;
    txn.commit().await?;
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

/// Deletes the pending photos that expired (their drafts abandoned), each row then its file; the
/// watcher's sweep calls it. A file goes only when this delete removed its row: a filing that took the
/// photo meanwhile (`attach_pending`) owns the file now. Filed photos (`appeal_photos`) are never touched.
/// Returns how many went.
pub async fn forget_expired_pending_photos(
    db: &DatabaseConnection,
    dir: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<u32, AppError> {
    let expired = pending::Entity::find().filter(Column::ExpiresAt.lt(now)).all(db).await?;
    let mut forgotten = 0;
    for photo in expired {
        let deleted = pending::Entity::delete_by_id(photo.id).exec(db).await?;
        if deleted.rows_affected > 0 {
            let _ = tokio::fs::remove_file(dir.join(&photo.file_name)).await;
            forgotten += 1;
        }
    }
    Ok(forgotten)
}

impl From<&PendingPhoto> for StoredFile {
    fn from(p: &PendingPhoto) -> Self {
        let (file_name, content_type) = (p.file_name.clone(), p.content_type.clone());
        StoredFile { file_name, content_type, size_bytes: p.size_bytes, sha256: p.sha256.clone() }
    }
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
            insert_photo(txn, (row.id, row.author_account_id), &StoredFile::from(p), f.now).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database without the photos' tables: every transaction after the files are written fails.
    async fn broken() -> (DatabaseConnection, crate::config::PhotoSettings) {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let dir = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4()));
        (db, crate::config::PhotoSettings { dir, max_bytes: 1024, max_per_appeal: 5 })
    }

    fn left_on_disk(limits: &crate::config::PhotoSettings) -> usize {
        std::fs::read_dir(&limits.dir).map(|d| d.count()).unwrap_or(0)
    }

    const PHOTO: NewPhoto<'static> =
        NewPhoto { bytes: b"not really a png", content_type: "image/png", extension: "png" };

    #[tokio::test]
    async fn a_draft_photo_whose_rows_fail_leaves_no_file_behind() {
        let (db, limits) = broken().await;
        let draft = DraftScope { scope: "s", account_id: 1 };
        let now = Utc::now();
        let kept = keep_pending_photos(&db, &limits, draft, &[PHOTO, PHOTO], (now, now)).await;
        assert!(kept.is_err());
        assert_eq!(left_on_disk(&limits), 0, "the written files go with the failed transaction");
    }

    #[tokio::test]
    async fn an_appeal_photo_whose_row_fails_leaves_no_file_behind() {
        let (db, limits) = broken().await;
        let lost = crate::storage::LostCommitAnswers::default();
        let added = super::super::photos::add_photo(&db, &limits, 1, 1, PHOTO, Utc::now(), &lost).await;
        assert!(added.is_err());
        assert_eq!(left_on_disk(&limits), 0, "the written file goes with the failed transaction");
    }
}
