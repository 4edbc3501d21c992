//! What the executor's staff do with an appeal. Each step is one `domain::appeals::apply` transition,
//! saved with its history entry and mails in one transaction; the domain decides who may do it.
use chrono::{NaiveDate, Utc};

use super::{AppealDetails, context, load_details, person};
use crate::{
    domain::{
        appeals::{AppealKind, Command, RefusalCode, Resolution},
        calendar::supported,
        deadlines::ExtensionRequest,
    },
    error::AppError,
    service::{Actor, AppState},
    storage::{
        self,
        appeals::{Context, Requester, Step},
    },
};

/// Applies `command` to appeal `id` on behalf of `actor` and returns the appeal as they now see it.
pub(super) async fn act(state: &AppState, actor: &Actor, id: i32, command: Command) -> Result<AppealDetails, AppError> {
    let principal = person(actor)?;
    let (calendar, public_url) = context(state).await?;
    let ctx = Context { public_url: &public_url, calendar: &calendar };
    let step = Step { id, requester: Requester::Person(principal), command, now: Utc::now() };
    let (row, transition) = storage::appeals::transition(&state.db, &ctx, step).await?;
    state.mail_wake.notify_one();
    load_details(state, row, Some(principal), transition.deadline).await
}

/// Acknowledge: the executor has taken the appeal up.
pub async fn acknowledge(state: &AppState, actor: &Actor, id: i32) -> Result<AppealDetails, AppError> {
    act(state, actor, id, Command::Acknowledge).await
}

/// Assign to an officer (officers take unassigned appeals themselves; the head reassigns).
pub async fn assign(
    state: &AppState,
    actor: &Actor,
    id: i32,
    officer_account_id: i32,
) -> Result<AppealDetails, AppError> {
    person(actor)?;
    let row = storage::appeals::get(&state.db, id).await?;
    let officer_is_member = storage::directory::is_member(&state.db, row.executor_id, officer_account_id).await?;
    act(state, actor, id, Command::Assign { officer_account_id, officer_is_member }).await
}

/// Forward to the competent organisation (art. 7: within 5 days; the author is told).
pub async fn forward(
    state: &AppState,
    actor: &Actor,
    id: i32,
    organisation_id: i32,
    reason: String,
) -> Result<AppealDetails, AppError> {
    person(actor)?;
    let target = storage::directory::get_organisation(&state.db, organisation_id)
        .await
        .map_err(|_| AppError::validation("organisation_id", format!("there is no organisation {organisation_id}")))?;
    if !target.active {
        return Err(AppError::validation("organisation_id", format!("{} no longer receives appeals", target.name)));
    }
    act(state, actor, id, Command::Forward { to_organisation_id: organisation_id, reason }).await
}

/// How the head extends a term: to a total number of days from receipt, or to a date.
#[derive(Debug, Clone, Copy)]
pub enum Extension {
    TotalDays(u32),
    NewDueDate(NaiveDate),
}

/// Extend the deadline (the head of the executor; art. 20: never over 45 days in total; the author is told).
pub async fn extend(
    state: &AppState,
    actor: &Actor,
    id: i32,
    extension: Extension,
    reason: String,
) -> Result<AppealDetails, AppError> {
    let request = match extension {
        Extension::TotalDays(days) => ExtensionRequest::TotalDays(days),
        Extension::NewDueDate(date) => ExtensionRequest::NewDueDate(supported("new_due_date", date)?),
    };
    act(state, actor, id, Command::Extend { request, reason }).await
}

/// Answer in writing: resolved, not resolved with the reason, or not our competence naming who is.
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    id: i32,
    resolution: Resolution,
    text: String,
    competent_body: Option<String>,
) -> Result<AppealDetails, AppError> {
    act(state, actor, id, Command::Answer { resolution, text, competent_body }).await
}

/// Refuse to consider, with reasons (arts. 5, 8, 15).
pub async fn refuse(
    state: &AppState,
    actor: &Actor,
    id: i32,
    code: RefusalCode,
    reason: String,
) -> Result<AppealDetails, AppError> {
    act(state, actor, id, Command::Refuse { code, reason }).await
}

/// Link a report as a duplicate of an earlier one (an officer of the executor); it then follows that one.
pub async fn mark_duplicate(
    state: &AppState,
    actor: &Actor,
    id: i32,
    duplicate_of: i32,
) -> Result<AppealDetails, AppError> {
    person(actor)?;
    let original = storage::appeals::get(&state.db, duplicate_of)
        .await
        .map_err(|_| AppError::validation("duplicate_of", format!("there is no report {duplicate_of}")))?;
    if storage::appeals::kind_of(&original)? != AppealKind::IssueReport {
        return Err(AppError::validation("duplicate_of", "only issue reports can be duplicated"));
    }
    let of_status = storage::appeals::status_of(&original)?;
    act(state, actor, id, Command::MarkDuplicate { of_appeal_id: original.id, of_status }).await
}
