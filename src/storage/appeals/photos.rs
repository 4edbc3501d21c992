//! Photos of issue reports: the file first, then its row and history entry.
use super::*;

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

/// Stores a photo of an appeal: the file first (written whole, then renamed into place), then its row
/// and a history entry. A file whose row was never written is harmless; a row never lacks its file. The
/// request's idempotency key is linked to the photo in the same transaction (see `storage::idempotency`).
pub async fn add_photo(
    db: &DatabaseConnection,
    limits: &crate::config::PhotoSettings,
    appeal_id: i32,
    actor_account_id: i32,
    photo: NewPhoto<'_>,
    now: DateTime<Utc>,
    lost: &crate::storage::LostCommitAnswers,
) -> Result<appeal_photos::Model, AppError> {
    let NewPhoto { bytes, content_type, extension } = photo;
    let (dir, max_per_appeal) = (&limits.dir, limits.max_per_appeal);
    use sha2::{Digest, Sha256};
    // A cheap early answer; the limit itself is enforced in the transaction below.
    photo_count_within(db, appeal_id, max_per_appeal).await?;
    let file_name = write_file(dir, bytes, extension).await?;
    let txn = crate::storage::begin_write(db).await?;
    // Parallel uploads to one report queue here (the appeal's row locked on PostgreSQL; SQLite's write
    // transaction is exclusive), so each counts the photos the others committed.
    if !crate::storage::is_sqlite(&txn) {
        txn.execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "SELECT id FROM appeals WHERE id = $1 FOR UPDATE",
            [appeal_id.into()],
        ))
        .await?;
    }
    if let Err(full) = photo_count_within(&txn, appeal_id, max_per_appeal).await {
        drop(txn);
        let _ = tokio::fs::remove_file(dir.join(&file_name)).await;
        return Err(full);
    }
    let row = appeal_photos::ActiveModel {
        appeal_id: Set(appeal_id),
        file_name: Set(file_name),
        content_type: Set(content_type.to_owned()),
        size_bytes: Set(bytes.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(bytes))),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::storage::idempotency::link_current(&txn, &format!("/api/v1/appeals/{appeal_id}/photos/{}", row.id)).await?;
    NewEvent::new(Some(actor_account_id), (SUBJECT, appeal_id), "photo_added", json!({ "photo_id": row.id, "content_type": row.content_type, "size_bytes": row.size_bytes, "sha256": row.sha256 }))
        .append_to(&txn, now)
        .await?;
    lost.commit(txn).await?;
    Ok(row)
}

/// Writes a photo's file whole under a new name (a temporary name first, then renamed into place).
pub(super) async fn write_file(dir: &std::path::Path, bytes: &[u8], extension: &str) -> Result<String, AppError> {
    let file_name = format!("{}.{extension}", uuid::Uuid::new_v4());
    tokio::fs::create_dir_all(dir).await.map_err(|e| AppError::Internal(anyhow::anyhow!("photo folder: {e}")))?;
    let temp = dir.join(format!(".{file_name}.part"));
    tokio::fs::write(&temp, bytes).await.map_err(|e| AppError::Internal(anyhow::anyhow!("writing a photo: {e}")))?;
    tokio::fs::rename(&temp, dir.join(&file_name))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("moving a photo into place: {e}")))?;
    Ok(file_name)
}

/// Refuses one more photo on a report that already carries `max` photos.
pub(super) async fn photo_count_within(db: &impl ConnectionTrait, appeal_id: i32, max: u32) -> Result<(), AppError> {
    let existing =
        appeal_photos::Entity::find().filter(appeal_photos::Column::AppealId.eq(appeal_id)).count(db).await?;
    if existing >= u64::from(max) {
        return Err(AppError::Conflict(format!("a report may carry at most {max} photos")));
    }
    Ok(())
}

pub async fn photo(db: &DatabaseConnection, appeal_id: i32, photo_id: i32) -> Result<appeal_photos::Model, AppError> {
    appeal_photos::Entity::find_by_id(photo_id)
        .filter(appeal_photos::Column::AppealId.eq(appeal_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("appeal {appeal_id} has no photo {photo_id}")))
}
