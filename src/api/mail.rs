//! Mail over HTTP: the citizen's choice of optional mail and following public reports; for
//! administrators, the outbox: the mails that could not be delivered, and putting them back in the
//! queue once the cause is fixed (a relay that refused everything, a mistyped address corrected…).
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, param::Query, payload::Json};

use super::{ApiTags, AppState, BearerAuth, accounts::NoContent};
pub use crate::service::mail::MailStatus;
use crate::{
    error::ApiResult,
    service::mail::{self as mail_service, OutboxMail},
    storage::subscriptions::Preferences,
};

/// Which optional mails the account gets. Mail about its own appeals, reports and petitions, password
/// resets and address confirmation always comes; each optional mail carries a one-click unsubscribe.
#[derive(Debug, Object)]
#[oai(remote = "Preferences")]
pub struct MailPreferences {
    /// News of petitions the account signed (and asked to be told about when signing).
    pub signed_petitions: bool,
    /// News of public reports the account follows (`POST /appeals/{id}/followers`).
    pub followed_reports: bool,
}

/// A mail in the outbox, as administrators see it (the body is not shown).
#[derive(Debug, Object)]
#[oai(remote = "OutboxMail")]
pub struct OutboxMailView {
    pub id: i32,
    /// What the mail is about: `verify_email`, `appeal_update`, `deadline_reminder`…
    pub kind: String,
    /// `"Full Name" <address>`.
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
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

/// Mails put back in the queue.
#[derive(Debug, Object)]
pub struct Requeued {
    pub ids: Vec<i32>,
}

#[derive(Default)]
pub struct MailApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Mail")]
impl MailApi {
    /// The logged-in account's choice of optional mail
    ///
    /// Everything is on until changed.
    #[oai(path = "/accounts/me/mail-preferences", method = "get", tag = "ApiTags::Accounts")]
    async fn preferences(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<MailPreferences>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(mail_service::preferences(&state, &actor).await?.into()))
    }

    /// Choose which optional mails the logged-in account gets
    #[oai(path = "/accounts/me/mail-preferences", method = "put", tag = "ApiTags::Accounts")]
    async fn set_preferences(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<MailPreferences>,
    ) -> ApiResult<Json<MailPreferences>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(mail_service::set_preferences(&state, &actor, body.0.into()).await?.into()))
    }

    /// Follow a public report
    ///
    /// The logged-in account is mailed when the report changes, as long as its `followed_reports`
    /// preference is on. Only public reports (kind `issue_report`) can be followed; following twice is
    /// the same as once.
    #[oai(path = "/appeals/:id/followers", method = "post", tag = "ApiTags::Appeals")]
    async fn follow(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<NoContent> {
        let actor = state.actor(&auth).await?;
        mail_service::follow_report(&state, &actor, id.0, true).await?;
        Ok(NoContent::Done)
    }

    /// Stop following a public report
    #[oai(path = "/appeals/:id/followers", method = "delete", tag = "ApiTags::Appeals")]
    async fn unfollow(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<NoContent> {
        let actor = state.actor(&auth).await?;
        mail_service::follow_report(&state, &actor, id.0, false).await?;
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
        let actor = state.actor(&auth).await?;
        let status = status.0.unwrap_or(MailStatus::Failed);
        let mails = mail_service::list(&state, &actor, status, before_id.0, limit.0.unwrap_or(100)).await?;
        Ok(Json(mails.into_iter().map(OutboxMailView::from).collect()))
    }

    /// Put a failed mail back in the queue (administrators)
    ///
    /// It is due at once with a fresh series of attempts, and keeps its `Message-ID`.
    #[oai(path = "/mails/:id/retry", method = "post")]
    async fn retry(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<Requeued>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(Requeued { ids: mail_service::retry(&state, &actor, id.0).await? }))
    }

    /// Put every failed mail back in the queue (administrators)
    ///
    /// For after the cause is fixed, e.g. a relay that refused every mail. Each keeps its `Message-ID`.
    #[oai(path = "/mails/retry-failed", method = "post")]
    async fn retry_all(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Requeued>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(Requeued { ids: mail_service::retry_all(&state, &actor).await? }))
    }
}
