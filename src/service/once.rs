//! Forms that create something carry a hidden per-form key (`form_key`) that goes through the same
//! idempotency store as the API's `Idempotency-Key`: a double click or a retried POST creates nothing
//! twice, and gets what the first one created.
use std::future::Future;

use chrono::Utc;
use sha2::{Digest, Sha256};

use super::AppState;
use crate::{
    error::AppError,
    storage::idempotency::{self as keys, Claim},
};

/// What a form's key says about a submission.
pub enum Once {
    /// Created now, or by an earlier post with the same key: the new item's id.
    Submitted(i32),
    /// The first post with this key is still being handled.
    InFlight,
}

/// Runs `create` once per (`account_id`, `form_key`); `fingerprint` is what the form said (another
/// text under the same key is refused), `location` the page of an item by its id.
pub async fn submit_once<Fut>(
    state: &AppState,
    account_id: i32,
    form_key: &str,
    fingerprint: &str,
    location: impl Fn(i32) -> String,
    create: impl FnOnce() -> Fut,
) -> Result<Once, AppError>
where
    Fut: Future<Output = Result<i32, AppError>>,
{
    let key = form_key.trim();
    if key.is_empty() || key.len() > 255 {
        return Err(AppError::BadRequest("the form has lost its key; start again".into()));
    }
    let scope = hex::encode(Sha256::digest(format!("web:account:{account_id}:{key}")));
    let fingerprint = hex::encode(Sha256::digest(fingerprint));
    let retention = chrono::TimeDelta::hours(i64::from(state.settings.idempotency.retention_hours));
    let created = |resource: &str| resource.rsplit('/').next().and_then(|id| id.parse().ok());
    match keys::claim(&state.db, &scope, &fingerprint, Utc::now(), retention).await? {
        Claim::Proceed => match keys::with_scope(scope.clone(), create()).await {
            Ok(id) => {
                let answer = keys::KeptAnswer {
                    status: 303,
                    headers: vec![("location".into(), location(id))],
                    body: String::new(),
                };
                keys::keep_answer(&state.db, &scope, &answer).await?;
                Ok(Once::Submitted(id))
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
                .map(Once::Submitted)
                .ok_or_else(|| anyhow::anyhow!("a kept answer without an item").into())
        }
        Claim::Created { resource } => {
            created(&resource).map(Once::Submitted).ok_or_else(|| anyhow::anyhow!("a key linked to {resource}").into())
        }
        Claim::InFlight => Ok(Once::InFlight),
        Claim::Mismatch => {
            Err(AppError::Conflict("this form was already sent with other words; start again to send these".into()))
        }
    }
}
