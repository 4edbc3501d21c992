//! Keys for machine clients: administrators issue, list and revoke them. The use cases behind
//! `api::api_keys`; Open311 checks a presented key through `storage::api_keys::active_key`.
use chrono::{DateTime, Utc};

use super::{Actor, AppState};
use crate::{error::AppError, storage};

/// A key as listed (never the secret).
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: i32,
    pub name: String,
    pub created_by: i32,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<entity::api_keys::Model> for ApiKey {
    fn from(k: entity::api_keys::Model) -> Self {
        ApiKey { id: k.id, name: k.name, created_by: k.created_by, created_at: k.created_at, revoked_at: k.revoked_at }
    }
}

/// A key just issued, with its secret: the only time it is shown (only its SHA-256 is stored).
#[derive(Debug, Clone)]
pub struct IssuedKey {
    pub key: ApiKey,
    pub secret: String,
}

/// Issues a key named `name` (the cleaned text; administrators).
pub async fn issue(state: &AppState, actor: &Actor, name: &str) -> Result<IssuedKey, AppError> {
    let account = actor.administrator()?;
    let (row, secret) = storage::api_keys::issue(&state.db, account, name, Utc::now()).await?;
    Ok(IssuedKey { key: row.into(), secret: secret.as_str().to_owned() })
}

/// Every key issued, revoked ones included, newest first (administrators).
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<ApiKey>, AppError> {
    actor.administrator()?;
    Ok(storage::api_keys::list(&state.db).await?.into_iter().map(ApiKey::from).collect())
}

/// Revokes key `id` (administrators); revoking a revoked key is not an error.
pub async fn revoke(state: &AppState, actor: &Actor, id: i32) -> Result<(), AppError> {
    let account = actor.administrator()?;
    storage::api_keys::revoke(&state.db, account, id, Utc::now()).await?;
    Ok(())
}
