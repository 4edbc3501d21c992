//! What the web's multi-step forms (start a petition, file an appeal) share, whatever they create: a
//! draft kept on the server between "continue" and "send" ([`keep_draft`], [`kept_draft`]), so the
//! check-your-answers page is a GET after a 303 and nothing typed rides along in hidden fields. Sending
//! once per form key is `service::once`.
use chrono::Utc;
use serde::{Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

use super::{
    AppState,
    once::{checked_key, retention},
};
use crate::{domain::authorization::Principal, error::AppError, storage};

/// Where a form's draft is stored: a digest of the account, the form and the key, so a key copied into
/// another account's browser finds nothing.
fn scope(principal: &Principal, form: &str, key: &str) -> Result<String, AppError> {
    let key = checked_key(key)?;
    Ok(hex::encode(Sha256::digest(format!("web:draft:{form}:account:{}:{key}", principal.account_id))))
}

/// Keeps `draft` of `form` under the form's key until the idempotency retention ends.
pub async fn keep_draft<T: Serialize>(
    state: &AppState,
    principal: &Principal,
    (form, key): (&str, &str),
    draft: &T,
) -> Result<(), AppError> {
    let body = serde_json::to_string(draft).map_err(|e| AppError::Internal(e.into()))?;
    let now = Utc::now();
    let stored = scope(principal, form, key)?;
    storage::drafts::keep(&state.db, &stored, principal.account_id, form, body, (now, now + retention(state))).await
}

/// The draft of `form` kept under the form's key; a lost or expired one asks to start again.
pub async fn kept_draft<T: DeserializeOwned>(
    state: &AppState,
    principal: &Principal,
    (form, key): (&str, &str),
) -> Result<T, AppError> {
    let stored = scope(principal, form, key)?;
    let body = storage::drafts::kept(&state.db, &stored, principal.account_id, form, Utc::now())
        .await?
        .ok_or_else(|| AppError::NotFound("this form's answers are no longer kept; start again".into()))?;
    serde_json::from_str(&body).map_err(|e| AppError::Internal(anyhow::anyhow!("a kept {form} draft: {e}")))
}

pub use super::once::Once;
