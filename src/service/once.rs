//! Forms that create something carry a per-form key (`form_key`), and the creation goes through the same
//! idempotency store as the API's `Idempotency-Key`: a double click or a retried POST creates nothing
//! twice and gets what the first one created.
use chrono::Utc;
use sha2::{Digest, Sha256};

use super::AppState;
use crate::{
    error::AppError,
    storage::idempotency::{self as keys, Claim},
};

/// What became of a form's creation.
pub enum Once {
    /// Created now, or by an earlier post with the same key: the new item's id.
    Created(i32),
    /// The first post with this key is still being handled.
    InFlight,
}

/// Why a form's key sent again with other content is refused (409).
pub const SENT_WITH_OTHER_CONTENT: &str =
    "this form was already sent with other content; open the form again to send this";

/// Why a form's key sent again while the first post is still handled is refused (409).
pub const STILL_BEING_SENT: &str = "this form is still being sent; wait a moment and open the list";

/// The form's key as typed into its hidden field: present and of a sane length.
pub(super) fn checked_key(key: &str) -> Result<&str, AppError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 255 {
        return Err(AppError::BadRequest("the form has lost its key; start again".into()));
    }
    Ok(key)
}

/// How long a form's key (and a draft kept under it) is kept: the API's idempotency retention.
pub(super) fn retention(state: &AppState) -> chrono::TimeDelta {
    chrono::TimeDelta::hours(i64::from(state.settings.idempotency.retention_hours))
}

/// Runs `create` once per (`account_id`, `form_key`): the item's id is kept under the key as the
/// location `{collection}/{id}`, so a repeat with the same `fingerprint` (the form's content) gets that
/// id, and a repeat with other content is refused (409).
pub async fn create_once(
    state: &AppState,
    account_id: i32,
    form_key: &str,
    fingerprint: &str,
    collection: &str,
    create: impl Future<Output = Result<i32, AppError>>,
) -> Result<Once, AppError> {
    let key = checked_key(form_key)?;
    let scope = hex::encode(Sha256::digest(format!("web:account:{account_id}:{key}")));
    let fingerprint = hex::encode(Sha256::digest(fingerprint));
    let retention = retention(state);
    let created = |resource: &str| resource.rsplit('/').next().and_then(|id| id.parse().ok());
    match keys::claim(&state.db, &scope, &fingerprint, Utc::now(), retention).await? {
        Claim::Proceed => match keys::with_scope(scope.clone(), create).await {
            Ok(id) => {
                let answer = keys::KeptAnswer {
                    status: 303,
                    headers: vec![("location".into(), format!("{collection}/{id}"))],
                    body: String::new(),
                };
                keys::keep_answer(&state.db, &scope, &answer).await?;
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
                .ok_or_else(|| anyhow::anyhow!("a kept answer without a created item").into())
        }
        Claim::Created { resource } => {
            created(&resource).map(Once::Created).ok_or_else(|| anyhow::anyhow!("a key linked to {resource}").into())
        }
        Claim::InFlight => Ok(Once::InFlight),
        Claim::Mismatch => Err(AppError::Conflict(SENT_WITH_OTHER_CONTENT.into())),
    }
}
