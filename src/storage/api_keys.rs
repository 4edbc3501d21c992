//! Keys for machine clients (Open311 apps): issued and revoked by administrators, kept only as SHA-256
//! digests, and never deleted, so the history of who could file reports stays readable.
use chrono::{DateTime, Utc};
use entity::api_keys;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

use super::events::NewEvent;
use crate::{
    domain::accounts::{SecretToken, token_digest},
    error::AppError,
};

pub const SUBJECT: &str = "api_key";
pub const NAME_MAX_CHARS: usize = 200;

/// The name an administrator gives a key: who uses it, for what.
fn parse_name(raw: &str) -> Result<String, AppError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
        return Err(AppError::validation("name", format!("the name must be 1 to {NAME_MAX_CHARS} characters")));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation("name", "the name contains control characters"));
    }
    Ok(name)
}

/// Issues a new key. The returned secret is the only copy: only its digest is stored.
pub async fn issue(
    db: &DatabaseConnection,
    actor: i32,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(api_keys::Model, SecretToken), AppError> {
    let name = parse_name(name)?;
    let secret = crate::service::secrets::new_token();
    let txn = super::begin_write(db).await?;
    let row = api_keys::ActiveModel {
        name: Set(name),
        key_digest: Set(secret.digest()),
        created_by: Set(actor),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    NewEvent::new(Some(actor), (SUBJECT, row.id), "issued", json!({ "name": row.name }))
        .moved(None, Some("active"))
        .append_to(&txn, now)
        .await?;
    txn.commit().await?;
    Ok((row, secret))
}

/// Every key ever issued, revoked ones included, newest first.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<api_keys::Model>, AppError> {
    Ok(api_keys::Entity::find().order_by_desc(api_keys::Column::Id).all(db).await?)
}

/// Revokes a key from now on. Revoking a revoked key changes nothing (and records nothing).
pub async fn revoke(
    db: &DatabaseConnection,
    actor: i32,
    id: i32,
    now: DateTime<Utc>,
) -> Result<api_keys::Model, AppError> {
    let txn = super::begin_write(db).await?;
    let row = api_keys::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("there is no API key {id}")))?;
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    // Only the request that actually revokes it records the event, even when two race.
    let changed = api_keys::Entity::update_many()
        .set(api_keys::ActiveModel { revoked_at: Set(Some(now)), ..Default::default() })
        .filter(api_keys::Column::Id.eq(id))
        .filter(api_keys::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        txn.rollback().await?;
        return api_keys::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::not_found(format!("there is no API key {id}")));
    }
    let saved = api_keys::Model { revoked_at: Some(now), ..row };
    NewEvent::new(Some(actor), (SUBJECT, id), "revoked", json!({ "name": saved.name }))
        .moved(Some("active"), Some("revoked"))
        .append_to(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The unrevoked key a client presented, if any.
pub async fn active_key(db: &DatabaseConnection, presented: &str) -> Result<Option<api_keys::Model>, AppError> {
    if presented.trim().is_empty() {
        return Ok(None);
    }
    Ok(api_keys::Entity::find()
        .filter(api_keys::Column::KeyDigest.eq(token_digest(presented)))
        .filter(api_keys::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_name_is_collapsed_and_bounded() {
        assert_eq!(parse_name("  Kyiv   Digital  app ").unwrap(), "Kyiv Digital app");
        assert!(parse_name("   ").is_err());
        assert!(parse_name(&"x".repeat(NAME_MAX_CHARS + 1)).is_err());
    }
}
