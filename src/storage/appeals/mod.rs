//! Appeals and issue reports as stored, by concern: `intake` (saving what `domain::appeals::intake`
//! accepted, and the batching intake writer), `transitions` (saving `domain::appeals::apply`), `mail`
//! (who is written to), `watcher` (the deadline sweep), `queries`, `photos` and `desk_visits` (when
//! each officer last opened the queue). Here: reading a stored appeal back into the domain's terms.
use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::Arc,
};

use chrono::{DateTime, Utc};
use entity::{accounts, appeal_cosigners, appeal_photos, appeals, organisation_members, organisations};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde_json::json;
use tokio::sync::{Notify, mpsc, oneshot};

use super::{calendar::Recount, events::NewEvent};
use crate::{
    domain::{
        accounts::{Email, Language, Role},
        appeals::{
            self as rules, Actor, Appeal, AppealKind, Audience, Author, Channel, Command, HOW_TO_CHALLENGE, Intake,
            RefusalCode, Resolution, Status, Transition,
        },
        authorization::{Action, Principal, authorize, may_see_appeal},
        calendar::{Calendar, kyiv_date},
        deadlines::{self, Deadline},
        directory::GeoPoint,
        notify::{AppealMail, Mail, Notification, render},
    },
    error::AppError,
};

mod desk_visits;
mod intake;
mod mail;
mod pending_photos;
mod photos;
mod queries;
mod transitions;
mod watcher;

use self::mail::*;
pub use self::{desk_visits::*, intake::*, pending_photos::*, photos::*, queries::*, transitions::*, watcher::*};

pub const SUBJECT: &str = "appeal";

/// What mails and history need beyond the row: names of the organisations and where links point.
pub struct Context<'a> {
    pub public_url: &'a str,
    pub calendar: &'a Calendar,
}

pub async fn get(conn: &impl ConnectionTrait, id: i32) -> Result<appeals::Model, AppError> {
    appeals::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("there is no appeal {id}")))
}

/// A stored code read back: a code the service never writes is an internal error, never a guess.
fn stored<T>(row: &appeals::Model, what: &str, code: &str, parse: fn(&str) -> Option<T>) -> Result<T, AppError> {
    parse(code).ok_or_else(|| AppError::Internal(anyhow::anyhow!("appeal {} has a bad {what} `{code}`", row.id)))
}

/// The status of a stored appeal (the one place a stored status code is read).
pub fn status_of(row: &appeals::Model) -> Result<Status, AppError> {
    stored(row, "status", &row.status, Status::parse)
}

/// The kind of a stored appeal.
pub fn kind_of(row: &appeals::Model) -> Result<AppealKind, AppError> {
    stored(row, "kind", &row.kind, AppealKind::parse)
}

/// The channel of a stored appeal.
pub fn channel_of(row: &appeals::Model) -> Result<Channel, AppError> {
    stored(row, "channel", &row.channel, Channel::parse)
}

/// The handling state of a stored appeal.
pub fn domain_appeal(row: &appeals::Model) -> Result<Appeal, AppError> {
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("appeal {} has a bad {what}", row.id));
    Ok(Appeal {
        id: row.id,
        kind: kind_of(row)?,
        status: status_of(row)?,
        author_account_id: row.author_account_id,
        executor_id: row.executor_id,
        assignee_account_id: row.assignee_account_id,
        deadline_rule: serde_json::from_str(&row.deadline_rule).map_err(|_| bad("deadline rule"))?,
        received_at: row.received_at,
        executor_received_at: row.executor_received_at,
        original_due_at: row.original_due_at,
        due_at: row.due_at,
        extended_due_at: row.extended_due_at,
        forward_due_at: row.forward_due_at,
        forwarded_count: row.forwarded_count,
        overdue_at: row.overdue_at,
        escalated_due_at: row.escalated_due_at,
        reminder_level: row.reminder_level,
        answered_at: row.answered_at,
        resolution: row
            .resolution
            .as_deref()
            .map(|r| Resolution::parse(r).ok_or_else(|| bad("resolution")))
            .transpose()?,
        answer_text: row.answer_text.clone(),
        competent_body: row.competent_body.clone(),
        refusal_code: row
            .refusal_code
            .as_deref()
            .map(|c| RefusalCode::parse(c).ok_or_else(|| bad("refusal code")))
            .transpose()?,
        refusal_reason: row.refusal_reason.clone(),
        confirmed_at: row.confirmed_at,
        rework_count: row.rework_count,
        rating: row.rating,
        rating_comment: row.rating_comment.clone(),
        duplicate_of_id: row.duplicate_of_id,
    })
}

/// Who the caller is with respect to this appeal.
pub fn actor_for(principal: &Principal, row: &appeals::Model) -> Actor {
    Actor {
        account_id: Some(principal.account_id),
        is_author: row.author_account_id == Some(principal.account_id),
        // An officer who wrote the appeal acts on it only as its author (nobody answers their own item).
        executor_role: authorize(
            principal,
            Action::HandleItem { organisation_id: row.executor_id, author_account_id: row.author_account_id },
        )
        .ok()
        .and_then(|()| principal.membership(row.executor_id)),
        administrator: principal.role == Role::Administrator,
        system: false,
    }
}
