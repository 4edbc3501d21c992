//! Drafts of the web's multi-step forms, kept between their steps (see migration m0018). Each save also
//! deletes the drafts that have expired, so the table never grows past the forms in progress.
use chrono::{DateTime, Utc};
use entity::web_drafts::{self, Column};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::OnConflict};

use crate::error::AppError;

/// Keeps `body` under `key` until `expires_at`, replacing what an earlier step kept there.
pub async fn keep(
    db: &DatabaseConnection,
    key: &str,
    account_id: i32,
    form: &str,
    body: String,
    (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
) -> Result<(), AppError> {
    web_drafts::Entity::delete_many().filter(Column::ExpiresAt.lt(now)).exec(db).await?;
    let row = web_drafts::ActiveModel {
        key: Set(key.to_owned()),
        account_id: Set(account_id),
        form: Set(form.to_owned()),
        body: Set(body),
        expires_at: Set(expires_at),
    };
    let replace = OnConflict::column(Column::Key).update_columns([Column::Body, Column::ExpiresAt]).to_owned();
    web_drafts::Entity::insert(row).on_conflict(replace).exec_without_returning(db).await?;
    Ok(())
}

/// The body kept under `key` for `account_id` and `form`, unless it expired.
pub async fn kept(
    db: &DatabaseConnection,
    key: &str,
    account_id: i32,
    form: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    Ok(web_drafts::Entity::find_by_id(key.to_owned())
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::Form.eq(form))
        .filter(Column::ExpiresAt.gte(now))
        .one(db)
        .await?
        .map(|row| row.body))
}
