//! The use cases of appeals and "Open City" issue reports, shared by the JSON API, Open311 and the
//! coming web pages (the officer's desk, the citizen's submissions):
//! - [`intake`]: file an appeal or report, register one received off-line, Open311 filing, a petition
//!   considered as an appeal — each through `domain::appeals::intake`;
//! - [`handling`]: what the executor's staff do (acknowledge, assign, forward, extend, answer, refuse,
//!   link a duplicate);
//! - [`citizen`]: what the author does (confirm, return for rework, rate, photos);
//! - [`queries`]: one appeal, lists, history, nearby reports, map points;
//! - [`open311`]: the GeoReport v2 catalogue and searches.
//!
//! Each takes the state, an [`Actor`] and plain inputs and returns the plain structs below or an
//! [`AppError`]; who may see what is decided by `domain::authorization` alone.
pub mod citizen;
pub mod desk;
pub mod handling;
pub mod intake;
pub mod open311;
pub mod queries;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Actor, AppState};
use crate::{
    domain::{
        appeals::{AppealKind, Channel, Cosigner, RefusalCode, Resolution, Status},
        authorization::{Principal, may_read_appeal_in_full, may_see_appeal},
        calendar::Calendar,
        deadlines::Deadline,
        directory::GeoPoint,
    },
    error::AppError,
    storage,
};

/// An appeal or report as a viewer may see it. `author` and `assignee_account_id` are only there for
/// those who may read it in full (the author, the executor's staff, administrators).
#[derive(Debug, Clone)]
pub struct AppealDetails {
    pub id: i32,
    pub kind: AppealKind,
    pub channel: Channel,
    pub status: Status,
    /// What the public sees: a duplicate shows the status of the report it follows.
    pub public_status: Status,
    pub subject: String,
    pub text: String,
    pub category_id: Option<i32>,
    pub point: Option<GeoPoint>,
    pub address: Option<String>,
    pub district_id: Option<i32>,
    pub executor_id: i32,
    pub executor_name: String,
    /// The routing decision recorded on intake: executor, rule, explanation.
    pub routing: serde_json::Value,
    pub privileged: bool,
    pub received_at: DateTime<Utc>,
    pub deadline: DeadlineDetails,
    pub forwarded_count: i32,
    pub answer: Option<Answer>,
    pub refusal: Option<Refusal>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub rework_count: i32,
    pub rating: Option<i32>,
    pub duplicate_of: Option<i32>,
    pub photo_ids: Vec<i32>,
    /// Shown publicly when the author of a report agreed, or to those who may read it in full.
    pub author_name: Option<String>,
    pub author: Option<AuthorDetails>,
    pub assignee_account_id: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct DeadlineDetails {
    /// The rule the term comes from, as stored (e.g. `appeal_no_study` or `{"urgency_hours":24}`).
    pub rule: serde_json::Value,
    pub original_due_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub extended_due_at: Option<DateTime<Utc>>,
    pub overdue_at: Option<DateTime<Utc>>,
    pub forward_due_at: DateTime<Utc>,
    /// How the deadline was computed, when it was just computed.
    pub explanation: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub resolution: Resolution,
    pub text: String,
    pub competent_body: Option<String>,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: RefusalCode,
    pub reason: String,
    pub refused_at: Option<DateTime<Utc>>,
}

/// The author's personal data: never public.
#[derive(Debug, Clone)]
pub struct AuthorDetails {
    pub full_name: String,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub cosigners: Vec<Cosigner>,
}

/// What rendering a row needs besides the row.
struct Extras {
    executor_name: String,
    followed: Option<Status>,
    photo_ids: Vec<i32>,
    in_full: bool,
    cosigners: Vec<Cosigner>,
    deadline: Option<Deadline>,
}

/// The calendar and where links point, as the appeal storage needs them.
async fn context(state: &AppState) -> Result<(Calendar, String), AppError> {
    Ok((state.calendar().await?, state.settings.public_url.clone()))
}

/// May `viewer` read `row` in full?
fn in_full(viewer: Option<&Principal>, row: &entity::appeals::Model) -> bool {
    may_read_appeal_in_full(viewer, row.executor_id, row.author_account_id)
}

/// The appeal, if `actor` may know it exists at all. Not 403: a private appeal's existence is itself
/// not public.
async fn visible(state: &AppState, actor: &Actor, id: i32) -> Result<entity::appeals::Model, AppError> {
    let row = storage::appeals::get(&state.db, id).await?;
    let public = storage::appeals::kind_of(&row)? == AppealKind::IssueReport;
    if may_see_appeal(actor.principal(), public, row.executor_id, row.author_account_id) {
        Ok(row)
    } else {
        Err(AppError::not_found(format!("there is no appeal {id}")))
    }
}

/// Everything about `row` that `viewer` may see, read from storage.
async fn load_details(
    state: &AppState,
    row: entity::appeals::Model,
    viewer: Option<&Principal>,
    deadline: Option<Deadline>,
) -> Result<AppealDetails, AppError> {
    let db = &state.db;
    let names = storage::appeals::organisation_names(db).await?;
    let followed = storage::appeals::followed_statuses(db, std::slice::from_ref(&row)).await?;
    let photo_ids = storage::appeals::photos(db, row.id).await?.into_iter().map(|p| p.id).collect();
    let in_full = in_full(viewer, &row);
    let cosigners = if in_full {
        let stored = storage::appeals::cosigners(db, row.id).await?;
        stored.into_iter().map(|c| Cosigner { full_name: c.full_name, address: c.address }).collect()
    } else {
        Vec::new()
    };
    let extras = Extras {
        executor_name: names.get(&row.executor_id).cloned().unwrap_or_default(),
        followed: row.duplicate_of_id.and_then(|id| followed.get(&id)).copied(),
        photo_ids,
        in_full,
        cosigners,
        deadline,
    };
    details(row, extras)
}

/// A page of rows as `viewer` sees them, without photos, co-signers or explanations.
async fn list_details(
    state: &AppState,
    rows: Vec<entity::appeals::Model>,
    viewer: Option<&Principal>,
) -> Result<Vec<AppealDetails>, AppError> {
    let names = storage::appeals::organisation_names(&state.db).await?;
    let followed = storage::appeals::followed_statuses(&state.db, &rows).await?;
    rows.into_iter()
        .map(|row| {
            let extras = Extras {
                executor_name: names.get(&row.executor_id).cloned().unwrap_or_default(),
                followed: row.duplicate_of_id.and_then(|id| followed.get(&id)).copied(),
                photo_ids: Vec::new(),
                in_full: in_full(viewer, &row),
                cosigners: Vec::new(),
                deadline: None,
            };
            details(row, extras)
        })
        .collect()
}

/// A stored appeal as plain details; a code the service never writes is an internal error.
fn details(row: entity::appeals::Model, extras: Extras) -> Result<AppealDetails, AppError> {
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("appeal {} has a bad {what}", row.id));
    let status = storage::appeals::status_of(&row)?;
    let answer = match (&row.resolution, &row.answer_text, row.answered_at) {
        (Some(resolution), Some(text), Some(at)) => Some(Answer {
            resolution: Resolution::parse(resolution).ok_or_else(|| bad("resolution"))?,
            text: text.clone(),
            competent_body: row.competent_body.clone(),
            answered_at: at,
        }),
        _ => None,
    };
    let refusal = match (&row.refusal_code, &row.refusal_reason) {
        (Some(code), Some(reason)) => Some(Refusal {
            code: RefusalCode::parse(code).ok_or_else(|| bad("refusal code"))?,
            reason: reason.clone(),
            refused_at: row.answered_at,
        }),
        _ => None,
    };
    let in_full = extras.in_full;
    let author = in_full.then(|| AuthorDetails {
        full_name: row.author_name.clone(),
        address: row.author_address.clone(),
        email: row.author_email.clone(),
        phone: row.author_phone.clone(),
        cosigners: extras.cosigners,
    });
    Ok(AppealDetails {
        id: row.id,
        kind: storage::appeals::kind_of(&row)?,
        channel: storage::appeals::channel_of(&row)?,
        status,
        public_status: status.shown_with(extras.followed),
        point: row.latitude.zip(row.longitude).map(|(lat, lon)| GeoPoint { lat, lon }),
        executor_name: extras.executor_name,
        routing: serde_json::from_str(&row.routing).map_err(|_| bad("routing"))?,
        deadline: DeadlineDetails {
            rule: serde_json::from_str(&row.deadline_rule).map_err(|_| bad("deadline rule"))?,
            original_due_at: row.original_due_at,
            due_at: row.due_at,
            extended_due_at: row.extended_due_at,
            overdue_at: row.overdue_at,
            forward_due_at: row.forward_due_at,
            explanation: extras.deadline.map(|d| d.steps),
        },
        answer,
        refusal,
        photo_ids: extras.photo_ids,
        author_name: (in_full || row.show_author_name).then(|| row.author_name.clone()),
        author,
        assignee_account_id: if in_full { row.assignee_account_id } else { None },
        subject: row.subject,
        text: row.text,
        category_id: row.category_id,
        address: row.place_address,
        district_id: row.district_id,
        executor_id: row.executor_id,
        privileged: row.privileged,
        received_at: row.received_at,
        forwarded_count: row.forwarded_count,
        confirmed_at: row.confirmed_at,
        rework_count: row.rework_count,
        rating: row.rating,
        duplicate_of: row.duplicate_of_id,
    })
}

/// The signed-in person behind `actor`, or 401.
fn person(actor: &Actor) -> Result<&Principal, AppError> {
    actor
        .principal()
        .ok_or_else(|| AppError::Unauthorized("sign in first: send `Authorization: Bearer <token>`".into()))
}

/// Organisation names by id (for lists that show executors).
pub async fn organisation_names(state: &AppState) -> Result<BTreeMap<i32, String>, AppError> {
    storage::appeals::organisation_names(&state.db).await
}
