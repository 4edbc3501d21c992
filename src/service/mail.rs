//! The use cases behind `api::mail`: optional mail (the citizen's choice of news, following public
//! reports, one-click unsubscribe — mail about a person's own items, password resets and verification is
//! not optional and not here) and, for administrators, the outbox: the mails that could not be delivered,
//! and putting them back in the queue once the cause is fixed.
use chrono::{DateTime, Utc};

use super::{Actor, AppState};
use crate::{
    domain::{
        appeals::AppealKind,
        authorization::{Action, Principal, authorize},
    },
    error::AppError,
    storage::{
        self,
        subscriptions::{OptionalMail, Preferences},
    },
};

/// Where a mail is. The API's `status` parameter and field are exactly these codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum)]
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
    pub const ALL: [MailStatus; 3] = [MailStatus::Pending, MailStatus::Sent, MailStatus::Failed];

    /// The code stored in `outbox_mails.status`.
    pub fn code(self) -> &'static str {
        match self {
            MailStatus::Pending => storage::notify::PENDING,
            MailStatus::Sent => storage::notify::SENT,
            MailStatus::Failed => storage::notify::FAILED,
        }
    }

    /// The status of a stored code; an unknown code is a fault of ours, never read as another status.
    pub fn parse(code: &str) -> Result<MailStatus, AppError> {
        MailStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| anyhow::anyhow!("an outbox mail has the unknown status `{code}`").into())
    }
}

/// A mail in the outbox, as administrators see it (never its body).
#[derive(Debug, Clone)]
pub struct OutboxMail {
    pub id: i32,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl TryFrom<entity::outbox_mails::Model> for OutboxMail {
    type Error = AppError;

    fn try_from(m: entity::outbox_mails::Model) -> Result<Self, AppError> {
        Ok(OutboxMail {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            status: MailStatus::parse(&m.status)?,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
        })
    }
}

/// Mails with `status`, newest first, with ids below `before_id`; at most `limit`, 1 to
/// [`storage::Page::MAX_SIZE`] (administrators).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    status: MailStatus,
    before_id: Option<i32>,
    limit: u64,
) -> Result<Vec<OutboxMail>, AppError> {
    actor.administrator()?;
    let max = storage::Page::MAX_SIZE;
    if !(1..=max).contains(&limit) {
        return Err(AppError::validation("limit", format!("limit must be between 1 and {max}")));
    }
    let mails = storage::notify::list(&state.db, status.code(), before_id, limit).await?;
    mails.into_iter().map(OutboxMail::try_from).collect()
}

/// Puts the failed mail `id` back in the queue (administrators): 404 when there is none, 409 when it
/// has not failed. Returns the ids requeued.
pub async fn retry(state: &AppState, actor: &Actor, id: i32) -> Result<Vec<i32>, AppError> {
    let account = actor.administrator()?;
    let ids = storage::notify::retry_failed(&state.db, Some(&[id]), Utc::now()).await?;
    if ids.is_empty() {
        let exists = !storage::notify::list_ids(&state.db, &[id]).await?.is_empty();
        return Err(if exists {
            AppError::Conflict(format!("mail {id} has not failed; only failed mails can be retried"))
        } else {
            AppError::not_found(format!("there is no mail {id}"))
        });
    }
    tracing::info!(actor = account, mail_id = id, "failed mail put back in the queue");
    state.mail_wake.notify_one();
    Ok(ids)
}

/// Puts every failed mail back in the queue (administrators). Returns the ids requeued.
pub async fn retry_all(state: &AppState, actor: &Actor) -> Result<Vec<i32>, AppError> {
    let account = actor.administrator()?;
    let ids = storage::notify::retry_failed(&state.db, None, Utc::now()).await?;
    tracing::info!(actor = account, count = ids.len(), "failed mails put back in the queue");
    state.mail_wake.notify_one();
    Ok(ids)
}

fn signed_in(actor: &Actor) -> Result<&Principal, AppError> {
    let principal = actor.principal().ok_or_else(|| AppError::Unauthorized("log in to manage your mail".into()))?;
    authorize(principal, Action::ManageOwnAccount)?;
    Ok(principal)
}

/// The signed-in account's choice of optional mail.
pub async fn preferences(state: &AppState, actor: &Actor) -> Result<Preferences, AppError> {
    let principal = signed_in(actor)?;
    storage::subscriptions::preferences(&state.db, principal.account_id).await
}

/// Replaces the signed-in account's choice of optional mail.
pub async fn set_preferences(state: &AppState, actor: &Actor, choice: Preferences) -> Result<Preferences, AppError> {
    let principal = signed_in(actor)?;
    storage::subscriptions::set_preferences(&state.db, principal.account_id, choice, Utc::now()).await?;
    Ok(choice)
}

/// Follow (or stop following) a public report. A private appeal cannot be followed and is not revealed.
pub async fn follow_report(state: &AppState, actor: &Actor, appeal_id: i32, follow: bool) -> Result<(), AppError> {
    let principal = signed_in(actor)?;
    match storage::appeals::get(&state.db, appeal_id).await {
        Ok(row) if row.kind == AppealKind::IssueReport.code() => {}
        Ok(_) | Err(AppError::NotFound(_)) => {
            return Err(AppError::not_found(format!("there is no public report {appeal_id}")));
        }
        Err(other) => return Err(other),
    }
    if follow {
        storage::subscriptions::follow(&state.db, appeal_id, principal.account_id, Utc::now()).await
    } else {
        storage::subscriptions::unfollow(&state.db, appeal_id, principal.account_id, Utc::now()).await
    }
}

/// One-click unsubscribe: turns off the kind of mail the token names (RFC 8058; no login, no cookie).
pub async fn unsubscribe(state: &AppState, token: &str) -> Result<OptionalMail, AppError> {
    let unknown = || AppError::not_found("this unsubscribe link is unknown; choose your mail in your account settings");
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(unknown());
    }
    storage::subscriptions::unsubscribe(&state.db, token, Utc::now()).await?.ok_or_else(unknown)
}
