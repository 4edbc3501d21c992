//! The outbox for administrators: the mails that could not be delivered, and putting them back in the
//! queue once the cause is fixed (a relay that refused everything, a mistyped address corrected…).
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Enum, Object, OpenApi, param::Path, param::Query, payload::Json};

use super::{ApiTags, AppState, BearerAuth, accounts::NoContent};
use crate::{
    error::{ApiResult, AppError},
    service::{self, Actor},
    storage::{self, subscriptions::Preferences},
};

/// Which optional mails the account gets. Mail about its own appeals, reports and petitions, password
/// resets and address confirmation always comes; each optional mail carries a one-click unsubscribe.
#[derive(Debug, Object)]
pub struct MailPreferences {
    /// News of petitions the account signed (and asked to be told about when signing).
    pub signed_petitions: bool,
    /// News of public reports the account follows (`POST /appeals/{id}/followers`).
    pub followed_reports: bool,
}

impl From<Preferences> for MailPreferences {
    fn from(p: Preferences) -> Self {
        MailPreferences { signed_petitions: p.signed_petitions, followed_reports: p.followed_reports }
    }
}

/// Where a mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum MailStatus {
    /// Waiting to be delivered (or to be retried).
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// Given up on: refused with a 5xx, an unusable address, or deferred `outbox.max_attempts` times.
    Failed,
}

impl MailStatus {
    fn as_str(self) -> &'static str {
        match self {
            MailStatus::Pending => storage::notify::PENDING,
            MailStatus::Sent => storage::notify::SENT,
            MailStatus::Failed => storage::notify::FAILED,
        }
    }
}

/// A mail in the outbox, as administrators see it (the body is not shown).
#[derive(Debug, Object)]
pub struct OutboxMailView {
    pub id: i32,
    /// What the mail is about: `verify_email`, `appeal_update`, `deadline_reminder`…
    pub kind: String,
    /// `"Full Name" <address>`.
    pub recipient: String,
    pub subject: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Counted delivery attempts (a relay outage is not counted).
    pub attempts: i32,
    /// The last reason it was not delivered: the SMTP server's answer, or why the relay was unreachable.
    #[oai(nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    #[oai(nullable)]
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<entity::outbox_mails::Model> for OutboxMailView {
    fn from(m: entity::outbox_mails::Model) -> Self {
        OutboxMailView {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
        }
    }
}

/// Mails put back in the queue.
#[derive(Debug, Object)]
pub struct Requeued {
    pub ids: Vec<i32>,
}

pub struct MailApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Mail")]
impl MailApi {
    /// The logged-in account's choice of optional mail
    ///
    /// Everything is on until changed.
    #[oai(path = "/accounts/me/mail-preferences", method = "get", tag = "ApiTags::Accounts")]
    async fn preferences(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<MailPreferences>> {
        let actor = actor(&state, &auth).await?;
        Ok(Json(service::mail::preferences(&state, &actor).await?.into()))
    }

    /// Choose which optional mails the logged-in account gets
    #[oai(path = "/accounts/me/mail-preferences", method = "put", tag = "ApiTags::Accounts")]
    async fn set_preferences(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<MailPreferences>,
    ) -> ApiResult<Json<MailPreferences>> {
        let actor = actor(&state, &auth).await?;
        let choice = Preferences { signed_petitions: body.signed_petitions, followed_reports: body.followed_reports };
        Ok(Json(service::mail::set_preferences(&state, &actor, choice).await?.into()))
    }

    /// Follow a public report
    ///
    /// The logged-in account is mailed when the report changes, as long as its `followed_reports`
    /// preference is on. Only public reports (kind `issue_report`) can be followed; following twice is
    /// the same as once.
    #[oai(path = "/appeals/:id/followers", method = "post", tag = "ApiTags::Appeals")]
    async fn follow(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<NoContent> {
        let actor = actor(&state, &auth).await?;
        service::mail::follow_report(&state, &actor, id.0, true).await?;
        Ok(NoContent::Done)
    }

    /// Stop following a public report
    #[oai(path = "/appeals/:id/followers", method = "delete", tag = "ApiTags::Appeals")]
    async fn unfollow(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<NoContent> {
        let actor = actor(&state, &auth).await?;
        service::mail::follow_report(&state, &actor, id.0, false).await?;
        Ok(NoContent::Done)
    }

    /// Mails in the outbox by status, newest first (administrators)
    ///
    /// `status` defaults to `failed`: the mails left for an operator, each with the reason. Page with
    /// `before_id` (the smallest id of the previous page).
    #[oai(path = "/mails", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `pending`, `sent` or `failed` (default).
        status: Query<Option<MailStatus>>,
        /// Only mails with a smaller id.
        before_id: Query<Option<i32>>,
        /// At most this many, 1–500 (default 100).
        limit: Query<Option<u64>>,
    ) -> ApiResult<Json<Vec<OutboxMailView>>> {
        state.administrator(&auth).await?;
        let limit = limit.0.unwrap_or(100);
        if !(1..=500).contains(&limit) {
            return Err(AppError::validation("limit", "limit must be between 1 and 500").into());
        }
        let status = status.0.unwrap_or(MailStatus::Failed);
        let mails = storage::notify::list(&state.db, status.as_str(), before_id.0, limit).await?;
        Ok(Json(mails.into_iter().map(OutboxMailView::from).collect()))
    }

    /// Put a failed mail back in the queue (administrators)
    ///
    /// It is due at once with a fresh series of attempts, and keeps its `Message-ID`.
    #[oai(path = "/mails/:id/retry", method = "post")]
    async fn retry(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<Requeued>> {
        let actor = state.administrator(&auth).await?;
        let ids = storage::notify::retry_failed(&state.db, Some(&[id.0]), Utc::now()).await?;
        if ids.is_empty() {
            let exists = !storage::notify::list_ids(&state.db, &[id.0]).await?.is_empty();
            return Err(if exists {
                AppError::Conflict(format!("mail {} has not failed; only failed mails can be retried", id.0))
            } else {
                AppError::not_found(format!("there is no mail {}", id.0))
            }
            .into());
        }
        tracing::info!(actor, mail_id = id.0, "failed mail put back in the queue");
        state.mail_wake.notify_one();
        Ok(Json(Requeued { ids }))
    }

    /// Put every failed mail back in the queue (administrators)
    ///
    /// For after the cause is fixed, e.g. a relay that refused every mail. Each keeps its `Message-ID`.
    #[oai(path = "/mails/retry-failed", method = "post")]
    async fn retry_all(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Requeued>> {
        let actor = state.administrator(&auth).await?;
        let ids = storage::notify::retry_failed(&state.db, None, Utc::now()).await?;
        tracing::info!(actor, count = ids.len(), "failed mails put back in the queue");
        state.mail_wake.notify_one();
        Ok(Json(Requeued { ids }))
    }
}

async fn actor(state: &AppState, auth: &BearerAuth) -> Result<Actor, AppError> {
    let (principal, _) = state.authenticate(auth).await?;
    Ok(Actor::Person(principal))
}
