//! Optional mail: the citizen's choice of news, following public reports, and one-click unsubscribe.
//! Mail about a person's own items, password resets and verification is not optional and not here.
use chrono::Utc;

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
        storage::subscriptions::unfollow(&state.db, appeal_id, principal.account_id).await
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
