//! Photos of issue reports: the file first, then its row and history entry. How many a report may carry
//! is the domain's rule (`domain::appeals::photos`), asked inside the transaction that adds them.
use super::*;
use crate::domain::appeals::photos::{PhotoRefusal, photos_within};

pub async fn photos(db: &DatabaseConnection, appeal_id: i32) -> Result<Vec<appeal_photos::Model>, AppError> {
    Ok(appeal_photos::Entity::find()
        .filter(appeal_photos::Column::AppealId.eq(appeal_id))
        .order_by_asc(appeal_photos::Column::Id)
        .all(db)
        .await?)
}

/// A photo as received, its type already read from the bytes.
pub struct NewPhoto<'a> {
    pub bytes: &'a [u8],
    pub content_type: &'a str,
    /// File extension matching the content type.
    pub extension: &'a str,
}

/// Why adding photos failed: a photo rule refused them (which one, for pages to word in their
/// language), or anything else.
#[derive(Debug)]
pub enum PhotoError {
    Refused(PhotoRefusal),
    Failed(AppError),
}

impl From<PhotoRefusal> for PhotoError {
    fn from(refusal: PhotoRefusal) -> Self {
        PhotoError::Refused(refusal)
    }
}

impl From<AppError> for PhotoError {
    fn from(err: AppError) -> Self {
        PhotoError::Failed(err)
    }
}

impl From<sea_orm::DbErr> for PhotoError {
    fn from(err: sea_orm::DbErr) -> Self {
        PhotoError::Failed(err.into())
    }
}

/// The API answers a refusal as the domain's error (422 for the file, 409 for one too many).
impl From<PhotoError> for AppError {
    fn from(err: PhotoError) -> Self {
        match err {
            PhotoError::Refused(refusal) => crate::domain::DomainError::from(refusal).into(),
            PhotoError::Failed(err) => err,
        }
    }
}

/// A photo's file in the photo folder and what its row records of it: a report's photo and a draft's
/// kept photo are the same file, moved from one row to the other when the report is filed.
pub(super) struct StoredFile {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

impl StoredFile {
    /// Writes the photo whole under a new name (a temporary name first, then renamed into place).
    pub async fn write(dir: &std::path::Path, photo: &NewPhoto<'_>) -> Result<StoredFile, AppError> {
        use sha2::{Digest, Sha256};
        let file_name = format!("{}.{}", uuid::Uuid::new_v4(), photo.extension);
        let failed = |what: &str, e: std::io::Error| AppError::Internal(anyhow::anyhow!("{what}: {e}"));
        tokio::fs::create_dir_all(dir).await.map_err(|e| failed("photo folder", e))?;
        let temp = dir.join(format!(".{file_name}.part"));
        tokio::fs::write(&temp, photo.bytes).await.map_err(|e| failed("writing a photo", e))?;
        tokio::fs::rename(&temp, dir.join(&file_name)).await.map_err(|e| failed("moving a photo into place", e))?;
        Ok(StoredFile {
            file_name,
            content_type: photo.content_type.to_owned(),
            size_bytes: photo.bytes.len() as i64,
            sha256: hex::encode(Sha256::digest(photo.bytes)),
        })
    }

    /// Writes each photo; all of them or none (those written are removed when one fails).
    pub async fn write_all(dir: &std::path::Path, photos: &[NewPhoto<'_>]) -> Result<Vec<StoredFile>, AppError> {
        let mut files = Vec::with_capacity(photos.len());
        for photo in photos {
            match StoredFile::write(dir, photo).await {
                Ok(file) => files.push(file),
                Err(err) => {
                    remove_files(dir, &files).await;
                    return Err(err);
                }
            }
        }
        Ok(files)
    }
}

/// Removes files whose rows were never written (a refused or failed transaction).
pub(super) async fn remove_files(dir: &std::path::Path, files: &[StoredFile]) {
    for file in files {
        let _ = tokio::fs::remove_file(dir.join(&file.file_name)).await;
    }
}

/// Runs `rows` (the transaction that writes the rows of `files`, up to its commit) after the files
/// were written: on any error of it the files go too, as no row names them. The commit is left out:
/// a commit whose answer was lost may have written the rows, and a row never lacks its file (a file
/// without a row is only space).
pub(super) async fn or_remove<T>(
    dir: &std::path::Path,
    files: &[StoredFile],
    rows: impl Future<Output = Result<T, PhotoError>>,
) -> Result<T, PhotoError> {
    let written = rows.await;
    if written.is_err() {
        remove_files(dir, files).await;
    }
    written
}

/// The domain's count rule, asked inside the transaction that adds `files` to the `existing` photos:
/// refused, the files go (the transaction is dropped, so no row of them is written).
pub(super) async fn within_limit(
    limits: &crate::config::PhotoSettings,
    existing: u64,
    files: &[StoredFile],
) -> Result<(), PhotoError> {
    if let Err(refusal) = photos_within(existing, files.len() as u64, limits.max_per_appeal) {
        remove_files(&limits.dir, files).await;
        return Err(refusal.into());
    }
    Ok(())
}

/// The one way an appeal gets a photo: its row and a `photo_added` history entry, in `txn` (an upload
/// to a filed report, or a filing attaching its draft's photos).
pub(super) async fn insert_photo(
    txn: &DatabaseTransaction,
    (appeal_id, actor_account_id): (i32, Option<i32>),
    file: &StoredFile,
    now: DateTime<Utc>,
) -> Result<appeal_photos::Model, AppError> {
    let row = appeal_photos::ActiveModel {
        appeal_id: Set(appeal_id),
        file_name: Set(file.file_name.clone()),
        content_type: Set(file.content_type.clone()),
        size_bytes: Set(file.size_bytes),
        sha256: Set(file.sha256.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let details = json!({ "photo_id": row.id, "content_type": row.content_type, "size_bytes": row.size_bytes, "sha256": row.sha256 });
    NewEvent::new(actor_account_id, (SUBJECT, appeal_id), "photo_added", details).append_to(txn, now).await?;
    Ok(row)
}

/// Stores a photo of an appeal: the file first (written whole, then renamed into place), then its row
/// and a history entry. A file whose row was never written is removed ([`or_remove`]); a row never lacks its file. The
/// request's idempotency key is linked to the photo in the same transaction (see `storage::idempotency`).
pub async fn add_photo(
    db: &DatabaseConnection,
    limits: &crate::config::PhotoSettings,
    appeal_id: i32,
    actor_account_id: i32,
    photo: NewPhoto<'_>,
    now: DateTime<Utc>,
    lost: &crate::storage::LostCommitAnswers,
) -> Result<appeal_photos::Model, PhotoError> {
    let file = [StoredFile::write(&limits.dir, &photo).await?];
    let rows = async {
        let txn = crate::storage::begin_write(db).await?;
        // Parallel uploads to one report queue here (the appeal's row locked on PostgreSQL; SQLite's
        // write transaction is exclusive), so each counts the photos the others committed.
        if !crate::storage::is_sqlite(&txn) {
            txn.execute_raw(Statement::from_sql_and_values(
                txn.get_database_backend(),
                "SELECT id FROM appeals WHERE id = $1 FOR UPDATE",
                [appeal_id.into()],
            ))
            .await?;
        }
        let existing =
            appeal_photos::Entity::find().filter(appeal_photos::Column::AppealId.eq(appeal_id)).count(&txn).await?;
        within_limit(limits, existing, &file).await?;
        let row = insert_photo(&txn, (appeal_id, Some(actor_account_id)), &file[0], now).await?;
        let path = format!("/api/v1/appeals/{appeal_id}/photos/{}", row.id);
        crate::storage::idempotency::link_current(&txn, &path).await?;
        Ok((txn, row))
    };
    let (txn, row) = or_remove(&limits.dir, &file, rows).await?;
    lost.commit(txn).await?;
    Ok(row)
}

pub async fn photo(db: &DatabaseConnection, appeal_id: i32, photo_id: i32) -> Result<appeal_photos::Model, AppError> {
    appeal_photos::Entity::find_by_id(photo_id)
        .filter(appeal_photos::Column::AppealId.eq(appeal_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("appeal {appeal_id} has no photo {photo_id}")))
}
