//! What the web's multi-step forms (start a petition, file an appeal) share, whatever they create:
//! - a draft kept on the server between "continue" and "send" ([`keep_draft`], [`kept_draft`]), so the
//!   check-your-answers page is a GET after a 303 and nothing typed rides along in hidden fields;
//! - sending once per form key ([`once`]): the key goes through the idempotency store of the API's
//!   `Idempotency-Key`, so a double click or a retried POST creates one item and gets that item again.
use std::future::Future;

use chrono::{TimeDelta, Utc};
use serde::{Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::{
    domain::authorization::Principal,
    error::AppError,
    storage::{
        self,
        idempotency::{self as keys, Claim},
    },
};

/// The form's key as typed into its hidden field: present and of a sane length.
fn form_key(key: &str) -> Result<&str, AppError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 255 {
        return Err(AppError::BadRequest("the form has lost its key; start again".into()));
    }
    Ok(key)
}

/// Where a form's key is stored: a digest of the account, the form and the key, so a key copied into
/// another account's browser finds nothing.
fn scope(principal: &Principal, form: &str, key: &str, what: &str) -> String {
    hex::encode(Sha256::digest(format!("web:{what}:{form}:account:{}:{key}", principal.account_id)))
}

fn retention(state: &AppState) -> TimeDelta {
    TimeDelta::hours(i64::from(state.settings.idempotency.retention_hours))
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
    let stored = scope(principal, form, form_key(key)?, "draft");
    storage::drafts::keep(&state.db, &stored, principal.account_id, form, body, (now, now + retention(state))).await
}

/// The draft of `form` kept under the form's key; a lost or expired one asks to start again.
pub async fn kept_draft<T: DeserializeOwned>(
    state: &AppState,
    principal: &Principal,
    (form, key): (&str, &str),
) -> Result<T, AppError> {
    let stored = scope(principal, form, form_key(key)?, "draft");
    let body = storage::drafts::kept(&state.db, &stored, principal.account_id, form, Utc::now())
        .await?
        .ok_or_else(|| AppError::NotFound("this form's answers are no longer kept; start again".into()))?;
    serde_json::from_str(&body).map_err(|e| AppError::Internal(anyhow::anyhow!("a kept {form} draft: {e}")))
}

/// What a form's key says about a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Once {
    /// Created now, or by an earlier post with the same key: the item's id.
    Created(i32),
    /// The first post with this key is still being handled.
    InFlight,
}

/// Runs `create` once per form key: the first post creates (its transaction links the key to what it
/// created); a repeat with the same content gets the same id; other content under the key is refused.
pub async fn once<F>(
    state: &AppState,
    principal: &Principal,
    (form, key): (&str, &str),
    fingerprint: &str,
    create: F,
) -> Result<Once, AppError>
where
    F: Future<Output = Result<i32, AppError>>,
{
    let scope = scope(principal, form, form_key(key)?, "once");
    let fingerprint = hex::encode(Sha256::digest(fingerprint));
    let created = |resource: &str| resource.rsplit('/').next().and_then(|id| id.parse().ok());
    match keys::claim(&state.db, &scope, &fingerprint, Utc::now(), retention(state)).await? {
        Claim::Proceed => match keys::with_scope(scope.clone(), create).await {
            Ok(id) => {
                let headers = vec![("location".into(), id.to_string())];
                keys::keep_answer(&state.db, &scope, &keys::KeptAnswer { status: 303, headers, body: String::new() })
                    .await?;
                Ok(Once::Created(id))
            }
            Err(err) => {
                keys::release(&state.db, &scope).await?;
                Err(err)
            }
        },
        Claim::Answered(kept) => {
            let location = kept.headers.iter().find(|(name, _)| name == "location").map(|(_, v)| v.as_str());
            location
                .and_then(created)
                .map(Once::Created)
                .ok_or_else(|| anyhow::anyhow!("a kept answer without an id").into())
        }
        Claim::Created { resource } => {
            created(&resource).map(Once::Created).ok_or_else(|| anyhow::anyhow!("a key linked to {resource}").into())
        }
        Claim::InFlight => Ok(Once::InFlight),
        Claim::Mismatch => {
            Err(AppError::Conflict("this form was already sent with other answers; start again to send these".into()))
        }
    }
}
